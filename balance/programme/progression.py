"""Moving up and down the ladders: the rules of ``rules.RULES`` applied to outcomes.

Pure functions on small records, so a series of weeks can be simulated in a test and the
history only has to store the ``LadderState`` rows and the ``Outcome`` log.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from balance.programme import rules as R


@dataclass(frozen=True)
class LadderState:
    """Where a person stands on one ladder.

    ``target`` overrides the level's own target when a therapist set one (same unit).
    ``met``/``missed`` count the sessions in a row that met/missed the target.
    """

    ladder: str
    level: str
    target: float | None = None
    met: int = 0
    missed: int = 0
    set_by: str | None = None

    @property
    def index(self) -> int:
        return R.level_index(self.ladder, self.level)

    @property
    def spec(self) -> R.Level:
        return R.LADDERS[self.ladder][self.index]

    @property
    def goal(self) -> float:
        return self.target if self.target is not None else self.spec.target


@dataclass(frozen=True)
class Outcome:
    """One exercise done on one day: what was achieved against the target (s or reps)."""

    day: date
    ladder: str
    level: str
    target: float
    achieved: float | None  # None: not done (skipped), which neither meets nor misses
    discomfort: bool = False

    @property
    def met(self) -> bool:
        return self.achieved is not None and self.achieved >= self.target


def start_states() -> dict[str, LadderState]:
    """Everyone starts at the bottom of every ladder: start slowly."""
    return {name: LadderState(name, levels[0].key) for name, levels in R.LADDERS.items()}


def apply(state: LadderState, outcome: Outcome) -> tuple[LadderState, str]:
    """The state after one outcome on its ladder, and the key of the rule that decided."""
    if outcome.discomfort:
        return _move(state, -1), "discomfort"
    if outcome.achieved is None:
        return state, "hold"
    if outcome.met:
        state = replace(state, met=state.met + 1, missed=0)
        if state.met >= R.ADVANCE_AFTER:
            return _move(state, +1), "advance"
    else:
        state = replace(state, missed=state.missed + 1, met=0)
        if state.missed >= R.STEP_BACK_AFTER:
            return _move(state, -1), "step_back"
    return state, "hold"


def _move(state: LadderState, step: int) -> LadderState:
    """One level up or down (clamped to the ladder), streaks cleared. A therapist's own
    target belongs to the level it was set on, so it is dropped on a move."""
    levels = R.LADDERS[state.ladder]
    i = min(max(state.index + step, 0), len(levels) - 1)
    return LadderState(state.ladder, levels[i].key)


def replay(states: dict[str, LadderState], outcomes: list[Outcome]) -> tuple[dict, list]:
    """Apply outcomes in day order; returns the new states and (outcome, rule) decisions.
    Only the best outcome per ladder and day counts (a second try the same day is not a
    second session), but any discomfort that day counts."""
    states = dict(states)
    decisions = []
    for o in _one_per_day(outcomes):
        state = states.get(o.ladder) or LadderState(o.ladder, R.LADDERS[o.ladder][0].key)
        if o.level != state.level:  # logged at another level (e.g. before a therapist's
            continue                # change): it says nothing about the current one
        states[o.ladder], rule = apply(state, o)
        decisions.append((o, rule))
    return states, decisions


def _one_per_day(outcomes: list[Outcome]) -> list[Outcome]:
    best: dict[tuple, Outcome] = {}
    for o in sorted(outcomes, key=lambda o: o.day):
        k = (o.day, o.ladder)
        old = best.get(k)
        if old is None:
            best[k] = o
            continue
        achieved = max((x for x in (old.achieved, o.achieved) if x is not None), default=None)
        best[k] = replace(old, achieved=achieved, discomfort=old.discomfort or o.discomfort)
    return sorted(best.values(), key=lambda o: o.day)


def rest_reason(training_days: set[date], discomfort_days: set[date],
                today: date) -> str | None:
    """Why today is a rest day (a ``RULES`` key), or None: discomfort yesterday, or
    ``MAX_TRAINING_DAYS_IN_A_ROW`` days trained in a row up to yesterday."""
    if today - timedelta(days=1) in discomfort_days:
        return "discomfort"
    n = R.MAX_TRAINING_DAYS_IN_A_ROW
    if all(today - timedelta(days=k) in training_days for k in range(1, n + 1)):
        return "rest_week"
    return None


def strength_today(strength_days: set[date], today: date) -> bool:
    """Strengthening only if none was done in the last ``STRENGTH_EVERY_DAYS - 1`` days."""
    return not any(today - timedelta(days=k) in strength_days
                   for k in range(1, R.STRENGTH_EVERY_DAYS))
