"""Today's plan: warm-up, balance at the person's level, strengthening, cool-down, and a
look at the feet, each item with what, how long or how many, and why, in plain words.

Timed items (marching, circles, stretches) carry ``seconds`` and no protocol: the window
runs them as a countdown. Measured items carry the protocol and options of their level.
"""

from dataclasses import dataclass, field
from datetime import date

from balance.programme import rules as R
from balance.programme.progression import LadderState

WARMUP, BALANCE, STRENGTH, COOLDOWN, CHECK = "warm-up", "balance", "strength", "cool-down", \
    "check"


@dataclass(frozen=True)
class PlanItem:
    """One thing to do. ``dose`` is the human text ("60 s", "10 reps, 2 tries")."""

    key: str
    part: str
    what: str
    dose: str
    why: str
    seconds: float | None = None   # a timed item's length, s
    protocol: str | None = None     # a measured item's protocol ...
    options: dict = field(default_factory=dict)
    ladder: str | None = None       # ... the ladder and level it measures
    level: str | None = None
    target: float | None = None
    unit: str | None = None
    stance: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, {})}


@dataclass(frozen=True)
class Plan:
    day: date
    items: tuple[PlanItem, ...]
    rest: str | None = None  # the rule key that made today a rest day
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"day": self.day.isoformat(), "rest": self.rest, "notes": list(self.notes),
                "items": [i.to_dict() for i in self.items]}


SAFETY = ("Wear supportive shoes. Keep a sturdy chair or a wall within reach. Stop at "
          "sharp or lasting pain, dizziness or chest pain.")

MARCH = PlanItem("march", WARMUP, "March in place, holding the chair if you need to.",
                 "60 s", "Warms the muscles and wakes up the feet before balance work.",
                 seconds=60.0)
ANKLE_CIRCLES = PlanItem("ankle-circles", WARMUP, "Sitting or holding the chair, draw "
                         "slow circles with each foot, both directions.", "60 s",
                         "Loosens stiff ankles so they can make the small balance "
                         "corrections.", seconds=60.0)
CALF_STRETCH = PlanItem("calf-stretch", COOLDOWN, "Hands on the wall, one leg back with the "
                        "heel down, lean in until the calf stretches. Hold, then the other "
                        "leg.", "30 s each leg", "Tight calves limit the ankle and "
                        "shift weight to the forefoot.", seconds=60.0)
SOLE_STRETCH = PlanItem("sole-stretch", COOLDOWN, "Sitting, pull your toes gently back "
                        "towards the shin until the sole stretches. Hold, then the other "
                        "foot.", "30 s each foot", "Keeps the sole supple and eases "
                        "heel pain.", seconds=60.0)
FOOT_CHECK = PlanItem("foot-check", CHECK, "Take off your shoes and socks and look at both "
                      "feet, soles too (use a mirror): blisters, cuts, redness, swelling?",
                      "1 minute", "Numb feet do not feel small injuries; found early they "
                      "heal.", seconds=None)

REST_TEXT = {
    "discomfort": "Rest day: discomfort was logged yesterday. Gentle stretches only; if the "
                  "pain lasts, tell your therapist.",
    "rest_week": "Rest day: six training days in a row. Gentle stretches only.",
}


def measured(state: LadderState, part: str) -> PlanItem:
    """The item for a ladder at the person's level (with a therapist's target if set)."""
    spec = state.spec
    goal = state.goal
    what = spec.what if state.target is None else (
        f"{spec.what} (your therapist's target: {goal:g} {spec.unit})")
    options = dict(spec.options)
    if spec.unit == "reps":
        options["target_reps"] = int(goal)
    dose = f"{goal:g} {'seconds' if spec.unit == 's' else 'good reps'}"
    return PlanItem(state.ladder, part, what, dose, spec.why, protocol=spec.protocol,
                    options=options, ladder=state.ladder, level=spec.key, target=goal,
                    unit=spec.unit, stance=spec.stance)


def build(states: dict[str, LadderState], today: date, *, rest: str | None = None,
          strength: bool = True) -> Plan:
    """Today's plan from the person's ladder states. ``rest``: a rest-day rule key (only
    circles, stretches and the foot check); ``strength``: False on a strength rest day."""
    if rest is not None:
        return Plan(today, (ANKLE_CIRCLES, CALF_STRETCH, SOLE_STRETCH, FOOT_CHECK), rest,
                    (SAFETY, REST_TEXT.get(rest, R.RULE[rest].then)))
    items = [MARCH, ANKLE_CIRCLES, measured(states["balance"], BALANCE)]
    notes = [SAFETY]
    if strength:
        items += [measured(states[name], STRENGTH) for name in R.STRENGTH if name in states]
    else:
        notes.append("No strengthening today: " + R.RULE["strength_rest"].why)
    items += [CALF_STRETCH, SOLE_STRETCH, FOOT_CHECK]
    return Plan(today, tuple(items), None, tuple(notes))


def describe(plan: Plan) -> str:
    """The plan as text for the terminal."""
    head = f"Plan for {plan.day.isoformat()}" + (" (rest day)" if plan.rest else "")
    lines = [head, "=" * len(head)]
    lines += [f"! {n}" for n in plan.notes]
    part = None
    for n, item in enumerate(plan.items, 1):
        if item.part != part:
            part = item.part
            lines.append(f"\n{part.upper()}")
        lines.append(f"{n:>2}. {item.what}  [{item.dose}]")
        lines.append(f"    why: {item.why}")
    return "\n".join(lines)
