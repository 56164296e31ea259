"""What each STEADI test's result says for the screen: a time, stands or the tandem stance
only when the test ran to its own end; anything stopped, cut off or unseen is not judged."""

from datetime import date

import pytest

from balance.profile import Profile
from balance.session import screen


def _four_stage(*trials):
    return {"protocol": "four-stage", "summary": {},
            "trials": [{"stance": s, "held": h, "end_reason": r, "hold_time_s": t}
                       for s, h, r, t in trials]}


HELD = ("side_by_side", True, "held", 10.0)
SEMI = ("semi_tandem", True, "held", 10.0)


@pytest.mark.parametrize("trials, want", [
    ((HELD, SEMI, ("tandem", True, "held", 10.0)), (True, 10.0)),
    ((HELD, SEMI, ("tandem", False, "feet_moved", 4.2)), (False, 4.2)),
    ((HELD, SEMI, ("tandem", False, "loss_of_balance", 6.0)), (False, 6.0)),
    ((HELD, ("semi_tandem", False, "touchdown", 3.0)), (False, None)),  # stops before tandem
    ((HELD, SEMI, ("tandem", False, "discomfort", 5.0)), (None, 5.0)),  # stopped: not judged
    ((HELD, SEMI, ("tandem", False, "end of recording", 7.0)), (None, 7.0)),
    ((HELD, ("semi_tandem", False, "stopped", 2.0)), (None, None)),
    ((), (None, None)),
])
def test_tandem_from_the_four_stage_trials(trials, want):
    assert screen.tandem(_four_stage(*trials)) == want


def _tug(completed, time_s):
    return {"protocol": "tug", "trials": [], "summary": {"completed": completed,
                                                         "time_s": time_s}}


def _chair(end_reason, stands):
    return {"protocol": "chair-stand-30", "summary": {"stands": stands},
            "trials": [{"trial": 1, "end_reason": end_reason, "hold_time_s": 30.0}]}


def test_tug_time_and_chair_stands_only_when_the_test_ran_out():
    assert screen.tug_time(_tug(True, 13.2)) == 13.2
    assert screen.tug_time(_tug(False, None)) is None
    assert screen.tug_time(None) is None
    assert screen.chair_stands(_chair("time", 11)) == 11
    assert screen.chair_stands(_chair("stopped", 6)) is None  # 6 stands in less than 30 s
    assert screen.chair_stands({"protocol": "chair-stand-30", "trials": [],
                                "summary": {"stands": 0}}) is None  # nobody was seen


@pytest.mark.parametrize("sex, status", [("female", "passed"), ("male", "failed")])
def test_the_screen_from_results_judges_the_chair_by_the_persons_age_and_sex(sex, status):
    # 11 stands at 72: the STEADI average starts at 10 for women and 12 for men
    person = Profile(person_id="Bo", birth_year=date.today().year - 72, sex=sex)
    results = {"tug": _tug(True, 9.0), "chair-stand-30": _chair("time", 11),
               "four-stage": _four_stage(HELD, SEMI, ("tandem", True, "held", 10.0))}
    o = screen.outcome({"fallen": False, "unsteady": False, "worries": False}, results,
                       person, asked=True)
    assert [a.status for a in o.assessments] == ["passed", status, "passed"]
    assert o.at_risk is (status == "failed")
