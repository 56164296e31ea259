"""The CDC STEADI screen's rules, as cases written from the CDC's own sheets (the algorithm,
the TUG, 30-second chair stand and 4-Stage Balance Test forms), not from the code."""

import pytest

from balance.clinical import steadi
from balance.clinical.steadi import FAILED, NOT_ASSESSED, PASSED

NO = {"fallen": False, "unsteady": False, "worries": False}

# Step 1: any yes screens the person at risk and sends them to the assessment.
@pytest.mark.parametrize("fallen, unsteady, worries, at_risk", [
    (False, False, False, False),
    (True, False, False, True),
    (False, True, False, True),
    (False, False, True, True),
    (True, True, True, True),
])
def test_any_yes_to_a_key_question_screens_at_risk(fallen, unsteady, worries, at_risk):
    answers = {"fallen": fallen, "unsteady": unsteady, "worries": worries}
    assert steadi.screened_at_risk(answers) is at_risk
    assert steadi.needs_assessment(answers) is at_risk
    assert steadi.needs_assessment(answers, asked=True)  # the therapist may always ask


def test_the_questions_are_the_three_cdc_key_questions():
    texts = [q.text.lower() for q in steadi.QUESTIONS]
    assert len(texts) == 3
    assert "fallen" in texts[0] and "past year" in texts[0]
    assert "unsteady" in texts[1] and "walking" in texts[1]
    assert "worry" in texts[2] and "falling" in texts[2]


def test_a_missing_answer_is_refused_not_taken_as_no():
    with pytest.raises(ValueError, match="worries"):
        steadi.screened_at_risk({"fallen": False, "unsteady": False})


# TUG: 12 s or more is at risk (STEADI TUG form).
@pytest.mark.parametrize("time_s, status", [
    (8.0, PASSED), (11.99, PASSED), (12.0, FAILED), (15.3, FAILED), (None, NOT_ASSESSED)])
def test_tug_line(time_s, status):
    assert steadi.tug(time_s).status == status


# 30-second chair stand: below average for age and sex is at risk. The STEADI form's table,
# (age, sex, stands the average starts at): a score below it is below average.
CHAIR_FORM = [(62, "female", 12), (62, "male", 14), (67, "female", 11), (67, "male", 12),
              (72, "female", 10), (72, "male", 12), (77, "female", 10), (77, "male", 11),
              (82, "female", 9), (82, "male", 10), (87, "female", 8), (87, "male", 8),
              (92, "female", 4), (92, "male", 7)]


@pytest.mark.parametrize("age, sex, line", CHAIR_FORM)
def test_chair_stand_below_the_steadi_average_fails(age, sex, line):
    assert steadi.chair_stand(line - 1, age=age, sex=sex).status == FAILED
    assert steadi.chair_stand(line, age=age, sex=sex).status == PASSED
    assert steadi.chair_stand(None, age=age, sex=sex).status == NOT_ASSESSED


@pytest.mark.parametrize("age", [None, 45, 59, 95])
def test_chair_stand_without_a_steadi_line_is_not_assessed(age):
    a = steadi.chair_stand(3, age=age, sex="female")  # 3 stands: not called a pass
    assert a.status == NOT_ASSESSED and a.why


# 4-stage test: tandem stance not held 10 s is at risk; not tried is not assessed.
@pytest.mark.parametrize("held, status", [(True, PASSED), (False, FAILED), (None, NOT_ASSESSED)])
def test_tandem_stance(held, status):
    assert steadi.tandem(held).status == status


# Whole screens: (answers, asked, TUG s, stands, tandem held, age, sex) ->
# (at risk, failed tests, not assessed tests).
SCREENS = [
    # all no, not asked: screened not at risk, nothing assessed
    (NO, False, None, None, None, 75, "female", False, [], []),
    # all no, therapist asks, all pass: not at risk
    (NO, True, 9.0, 13, True, 75, "female", False, [], []),
    # all no, therapist asks, TUG slow: at risk by the TUG alone
    (NO, True, 13.0, 13, True, 75, "female", True, ["tug"], []),
    # fallen: at risk from step 1 even when every test passes
    ({**NO, "fallen": True}, False, 9.0, 13, True, 75, "female", True, [], []),
    # worried, chair stand below average for a 70-74 man (12), tandem held
    ({**NO, "worries": True}, False, 10.0, 11, True, 72, "male", True, ["chair-stand-30"], []),
    # unsteady, all three failed
    ({**NO, "unsteady": True}, False, 14.0, 5, False, 80, "male", True,
     ["tug", "chair-stand-30", "four-stage"], []),
    # unsteady, no test done: at risk, all not assessed (never passed)
    ({**NO, "unsteady": True}, False, None, None, None, 80, "male", True, [],
     ["tug", "chair-stand-30", "four-stage"]),
    # all no, asked, only the TUG done and passed: still not at risk, two not assessed
    (NO, True, 9.0, None, None, 70, "female", False, [], ["chair-stand-30", "four-stage"]),
]


@pytest.mark.parametrize("answers, asked, tug_s, stands, held, age, sex, at_risk, failed, "
                         "missing", SCREENS)
def test_whole_screens(answers, asked, tug_s, stands, held, age, sex, at_risk, failed,
                       missing):
    o = steadi.screen(answers, asked=asked, tug_s=tug_s, chair_stands=stands,
                      tandem_held=held, age=age, sex=sex)
    assert o.at_risk is at_risk
    assert [a.test for a in o.failed] == failed
    assert [a.test for a in o.not_assessed] == missing
    assert o.verdict == ("at risk" if at_risk else "screened not at risk")
    text = "\n".join(o.lines())
    assert ("low, moderate or high" in text) is at_risk  # the risk sort is left to the clinician
    for a in o.not_assessed:
        assert f"{a.what[:1].upper()}{a.what[1:]}: not assessed" in text
    assert steadi.Outcome.from_dict(o.to_dict()) == o


def test_a_screen_not_needed_lists_no_assessment():
    o = steadi.screen(NO, tug_s=15.0)  # a TUG given but not asked for: not judged
    assert o.assessments == () and not o.at_risk
    assert "not assessed (not needed)" in "\n".join(o.lines())
