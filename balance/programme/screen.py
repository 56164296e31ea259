"""The STEADI screen's assessment as a plan the plan window walks through: for each test
the set-up (where the camera, the chair and the line go: a side view for the TUG, a front
view for the chair stand and the 4-stage test), the test itself, and a rest before the
next, then the look at the feet.

Set-up steps wait for Done (a person moves the camera and the chair; the window checks
the view for the test meanwhile, ``set_up_for``); rests are timed.
"""

from datetime import date

from balance.clinical import norms, steadi
from balance.programme.plan import FOOT_CHECK, SAFETY, Plan, PlanItem

SETUP, TEST, REST = "set-up", "test", "rest"
REST_S = 30.0  # as the training window's enforced rest after a test

SET_UPS = {
    steadi.TUG: (
        "Camera from the side. Put a chair with arms against a wall and mark a line on the "
        "floor 3 m in front of it. Place the camera side-on, about 4 m from the middle of "
        "the walkway at hip height, so the chair, the line and your whole body are in view. "
        "Sit with your back against the chair, in your usual shoes and with your usual "
        "walking aid."),
    steadi.CHAIR: (
        "Camera in front. Turn the chair, without arms if you have one, to face the camera "
        "with its back against the wall, about 3 m away, your whole body in view. Sit in the "
        "middle of the seat, feet flat, arms crossed over your chest."),
    steadi.FOUR_STAGE: (
        "Camera in front. Move the chair beside you, within reach, and stand facing the "
        "camera about 3 m away, feet and head in view. Someone should stand close by. No "
        "walking aid; arms may move, feet may not."),
}
TESTS = {
    steadi.TUG: ("Timed Up and Go: on Go, stand up, walk to the line at your usual pace, "
                 "turn, walk back and sit down.", "once",
                 f"{norms.TUG_FALL_RISK_S:g} s or more shows a gait problem (CDC STEADI).",
                 {"go": "cue"}),
    steadi.CHAIR: ("30-second chair stand: arms crossed, stand up fully and sit down as many "
                   "times as you can.", f"{norms.CHAIR_STAND_S:g} s",
                   "Below the average for your age and sex shows a strength problem "
                   "(CDC STEADI).", {}),
    steadi.FOUR_STAGE: ("4-stage balance test: feet side by side, then one foot half ahead "
                        "(semi-tandem), then heel to toe (tandem), then one foot.",
                        f"{norms.FOUR_STAGE_HOLD_S:g} s each",
                        "Tandem stance not held 10 s shows a balance problem (CDC STEADI).",
                        {}),
}


def plan(day: date | None = None) -> Plan:
    """Set-up, test and rest for each STEADI test in its order, then the foot check."""
    items = []
    for i, test in enumerate(steadi.TESTS):
        what, dose, why, options = TESTS[test]
        items.append(PlanItem(f"{test}-set-up", SETUP, SET_UPS[test], "press Done when ready",
                              "Each test needs its own view of you."))
        items.append(PlanItem(test, TEST, what, dose, why, protocol=test, options=options))
        if i < len(steadi.TESTS) - 1:
            items.append(PlanItem(f"{test}-rest", REST, "Sit and rest before the next test.",
                                  f"{REST_S:g} s", "Tired legs would make the next test "
                                  "harder than it is.", seconds=REST_S))
    items.append(FOOT_CHECK)  # numb feet do not feel a blister from the tests
    return Plan(day or date.today(), tuple(items), notes=(SAFETY,))


def set_up_for(item: PlanItem | None) -> str | None:
    """The test a set-up step prepares (its view is checked meanwhile), else None."""
    return item.key.removesuffix("-set-up") if item is not None and item.part == SETUP else None
