"""The training programme as data: level ladders, progression rules and their reasons.

Everything a therapist might want to read or change is here, in tables, not in code
paths. A *ladder* is one line of work (balance, heel raises, ...) with levels from easy
to hard; each level names the protocol that measures it, its options, the target (hold
seconds, or good reps) and why it is there, in plain words. ``RULES`` says when a person
moves up or down a ladder, and why (the guidance in docs: start slowly, progress
gradually, stop on pain, rest).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Level:
    """One rung of a ladder.

    Attributes
    ----------
    key : stable id stored in the history (never renamed: the history refers to it).
    what : what to do, in plain words.
    protocol : the registered protocol that measures it (``balance.protocols.create``).
    options : keyword options for that protocol.
    target : seconds held (``unit`` "s") or good reps (``unit`` "reps") that count as met.
    why : why this exercise, in plain words.
    stance : for balance levels measured by a multi-stance test, the stance whose hold
        counts (a trial's ``stance`` field); None = the best trial of any stance.
    """

    key: str
    what: str
    protocol: str
    target: float
    unit: str
    why: str
    options: dict = field(default_factory=dict)
    stance: str | None = None


_NARROW = ("A narrower base makes the ankles and hips do the balancing that numb feet "
           "no longer signal well.")
_ONE_LEG = ("Standing on one leg is the everyday skill behind walking and stairs, and "
            "the strongest home measure of fall risk.")

BALANCE = (
    Level("side-by-side", "Stand with your feet side by side, touching, for 10 seconds.",
          "four-stage", 10, "s", "The first step: a steady stance on a narrow base.",
          {"hold_s": 10.0}, stance="side_by_side"),
    Level("semi-tandem", "Stand with one foot half a step ahead (instep by the big toe), "
          "10 seconds.", "four-stage", 10, "s", _NARROW, {"hold_s": 10.0},
          stance="semi_tandem"),
    Level("tandem", "Stand heel to toe, one foot right in front of the other, 10 seconds.",
          "four-stage", 10, "s", _NARROW + " Holding it 10 s lowers fall risk (CDC STEADI).",
          {"hold_s": 10.0}, stance="tandem"),
    Level("single-leg-10", "Stand on one leg, arms free, hand near the chair, 10 seconds.",
          "single-leg-stance", 10, "s", _ONE_LEG,
          {"cap_s": 30.0, "arms": "free", "trials_per_side": 2}),
    Level("single-leg-20-crossed", "Stand on one leg with your arms crossed, 20 seconds.",
          "single-leg-stance", 20, "s", "Crossed arms take away the arms' help: the feet "
          "and hips do the work.", {"cap_s": 30.0, "arms": "crossed", "trials_per_side": 2}),
    Level("single-leg-30-crossed", "Stand on one leg with your arms crossed, 30 seconds.",
          "single-leg-stance", 30, "s", "A longer hold builds endurance in the ankle muscles.",
          {"cap_s": 30.0, "arms": "crossed", "trials_per_side": 2}),
    Level("single-leg-eyes-closed", "Stand on one leg, eyes closed, chair within reach, "
          "10 seconds.", "single-leg-stance", 10, "s", "With the eyes closed the body must "
          "rely on the feet and the inner ear: the hardest and most useful step.",
          {"cap_s": 30.0, "arms": "free", "eyes": "closed", "trials_per_side": 2}),
    Level("single-leg-head-turns", "Stand on one leg and slowly turn your head left and "
          "right, 20 seconds.", "single-leg-stance", 20, "s", "Turning the head, as when "
          "crossing a street, challenges balance the way daily life does.",
          {"cap_s": 30.0, "arms": "free", "trials_per_side": 2}),
    Level("yoga-tree", "Tree pose: one foot on the other leg's calf or thigh, 20 seconds.",
          "yoga", 20, "s", "A calm one-legged pose that trains balance and hip strength.",
          {"pose": "tree"}),
    Level("yoga-warrior-3", "Warrior III: lean forward on one leg, other leg back, "
          "10 seconds.", "yoga", 10, "s", "The hardest pose here: balance while the body "
          "moves away from upright.", {"pose": "warrior_3"}),
)

HEEL_RAISES = tuple(
    Level(f"heel-raises-{n}", f"{n} heel raises holding the chair.", "heel-raises", n,
          "reps", "Strong calves push you forward when walking and catch a stumble.",
          {"target_reps": n}) for n in (8, 10, 12, 15))
TOE_RAISES = tuple(
    Level(f"toe-raises-{n}", f"{n} toe raises holding the chair.", "toe-raises", n,
          "reps", "The shin muscles lift the toes so the feet clear the floor: fewer trips.",
          {"target_reps": n}) for n in (8, 10, 12, 15))
MINI_SQUATS = tuple(
    Level(f"mini-squats-{n}", f"{n} mini squats holding the chair, knees over toes.",
          "mini-squats", n, "reps", "Strong thighs make standing up, stairs and recovering "
          "balance easier.", {"target_reps": n}) for n in (6, 8, 10, 12))
SIT_TO_STAND = (
    Level("sit-to-stand-hands-5", "Stand up from a chair 5 times, hands may push.",
          "sit-to-stand", 5, "reps", "Getting up from a chair is the strength test of daily "
          "life.", {"target_reps": 5, "hands": "allowed"}),
    Level("sit-to-stand-hands-8", "Stand up from a chair 8 times, hands may push.",
          "sit-to-stand", 8, "reps", "More stands, more leg strength.",
          {"target_reps": 8, "hands": "allowed"}),
    Level("sit-to-stand-5", "Stand up from a chair 5 times with your arms crossed.",
          "sit-to-stand", 5, "reps", "Without the hands the legs do all the work.",
          {"target_reps": 5, "hands": "crossed"}),
    Level("sit-to-stand-10", "Stand up from a chair 10 times with your arms crossed.",
          "sit-to-stand", 10, "reps", "Without the hands the legs do all the work.",
          {"target_reps": 10, "hands": "crossed"}),
)

LADDERS = {"balance": BALANCE, "heel-raises": HEEL_RAISES, "toe-raises": TOE_RAISES,
           "mini-squats": MINI_SQUATS, "sit-to-stand": SIT_TO_STAND}
STRENGTH = ("heel-raises", "toe-raises", "mini-squats", "sit-to-stand")


@dataclass(frozen=True)
class Rule:
    key: str
    when: str
    then: str
    why: str


ADVANCE_AFTER = 2     # sessions in a row with the target met
STEP_BACK_AFTER = 2   # sessions in a row with the target missed
MAX_TRAINING_DAYS_IN_A_ROW = 6  # then a rest day
STRENGTH_EVERY_DAYS = 2         # strengthening at most every other day

RULES = (
    Rule("discomfort", "discomfort or pain was logged during the exercise",
         "one level down at once, and the next day is a rest day",
         "Stop on pain: pain means the load is too high, and numb feet hide injuries."),
    Rule("advance", f"the target was met in {ADVANCE_AFTER} sessions in a row",
         "one level up", "Progress gradually: move on only when the level is easy, twice."),
    Rule("step_back", f"the target was missed in {STEP_BACK_AFTER} sessions in a row",
         "one level down", "Start slowly: a level that is too hard twice is not yet safe."),
    Rule("hold", "otherwise", "stay at this level",
         "One good or bad day is not a trend: keep practising."),
    Rule("rest_week", f"{MAX_TRAINING_DAYS_IN_A_ROW} training days in a row",
         "today is a rest day (gentle stretches only)",
         "Muscles and nerves adapt during rest: at least one rest day a week."),
    Rule("strength_rest", f"strengthening done less than {STRENGTH_EVERY_DAYS} days ago",
         "balance and stretches today, no strengthening",
         "Strength training needs about 48 hours of recovery."),
)
RULE = {r.key: r for r in RULES}


def level_index(ladder: str, key: str) -> int:
    """The position of level ``key`` on ``ladder``; ValueError if it is not there."""
    for i, level in enumerate(LADDERS[ladder]):
        if level.key == key:
            return i
    raise ValueError(f"{ladder} has no level {key!r}; levels: "
                     + ", ".join(x.key for x in LADDERS[ladder]))
