"""The result card's words: how a test ended, and its norms, as the person reads them."""

from balance.clinical import norms
from balance.present import messages
from balance.profile import Profile, profile_from_metadata
from balance.protocols import ProtocolResult, create, reasons
from balance.session.rescore import rescore
from balance.storage.session import read_session
from tests.helpers import SAMPLE


def test_a_recording_that_ends_mid_test_says_how_many_trials_were_done():
    """The sample holds two lifts of the six trials single-leg stance asks for."""
    session = read_session(SAMPLE)
    scored = rescore(session, "single-leg-stance")
    planned = create("single-leg-stance", profile_from_metadata(session.metadata),
                     image_size=session.image_size, fps=session.fps).planned_trials
    assert scored.end_reason == reasons.SOURCE_ENDED
    assert messages.end_title(scored.end_reason, scored.result, planned) == (
        "Recording ended before all trials were done: 2 of 6")
    # a test without a fixed number of trials, and the other ends
    assert messages.end_title(reasons.SOURCE_ENDED, scored.result) == (
        "Recording ended before the test was done")
    assert messages.end_title(reasons.DONE, scored.result, planned) == "Test finished"
    assert messages.end_title(reasons.CAMERA_LOST, scored.result, planned) == (
        "Test ended: camera lost")


def test_per_leg_norms_name_the_leg_and_a_count_of_stands_names_no_leg():
    session = read_session(SAMPLE)
    lines = messages.norm_lines(ProtocolResult.of(rescore(session, "single-leg-stance").result),
                                Profile())
    assert "left leg: at or above fall-risk line (5 s, Vellas 1997)" in lines
    assert "right leg: below neuropathy patients' mean (15.7 s, Hurvitz 2001)" in lines
    compared = [c.to_dict() for c in norms.compare_chair_stand(8, age=72, sex="female")]
    stands = ProtocolResult.from_dict({"protocol": "chair-stand-30", "trials": [],
                                       "summary": {"stands": 8, "norms": {"stands": compared}}})
    assert messages.norm_lines(stands, Profile()) == [
        "below age 72 below-average line (stands in 30 s) (10 stands, CDC STEADI 30-Second Chair Stand)"]
