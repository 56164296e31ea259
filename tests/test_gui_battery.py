"""The window runs each test of the falls-risk battery, offscreen: a generated TUG, five
stands, practice and two reaches, and a foam mCTSIB played as the camera (a session
replayed through the product's own feed), scored live by the real protocols and checked
against the recordings' truth."""

import os
import time

import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import Qt  # noqa: E402

from balance.session import settings as S  # noqa: E402
from balance.profile import Profile  # noqa: E402
from balance.session.live import create_protocol  # noqa: E402
from balance.session import flow as F  # noqa: E402
from balance.session.live import open_feed  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from tests import steadi_sessions as G  # noqa: E402
from tests.bench import chair as C, foam, reach as R, tug as T  # noqa: E402
from tests.test_gui_window import make_window, no_modal_dialogs, store, wait_finished  # noqa: E402,F401


def _play(qtbot, tmp_path, store, test, frames, pad=None, declared=None):  # noqa: F811
    """``frames`` played as the camera into the window set to ``test``; Start pressed once
    the set-up says the view is good. (reason, result, session path)."""
    path = G.write(tmp_path / f"{test}.balance", frames, source=f"bench:{test}",
                   person="ann", height_cm=170.0)
    settings = S.GuiSettings(person_id="ann", profiles={"ann": Profile(
        person_id="ann", birth_year=time.localtime().tm_year - 72, height_cm=170.0).to_dict()})
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False),
                         protocol_factory=create_protocol, settings=settings)
    window.bar.protocol_box.setCurrentText(test)
    window.open_feed(open_feed(str(path)), realtime=3.0, warmup=None)
    for name, value in (declared or {}).items():  # the TUG's walking aid, chair arms
        window.setup_panel.declared[name].setCurrentText(value)
    if pad is not None:  # the set-up asks whether a foam pad is there
        qtbot.mouseClick(window.setup_panel.pad_yes if pad else window.setup_panel.pad_no,
                         Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=20000)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    return wait_finished(qtbot, window, timeout=120000)


def test_the_window_times_a_tug_from_its_go_and_splits_it(qtbot, tmp_path, store):  # noqa: F811
    rec = T.generate(T.Tug(seed=3, lead_s=8.0))
    reason, result, path = _play(qtbot, tmp_path, store, "tug", rec,
                                 declared={"aid": "cane", "chair_arms": "used"})
    s, truth = result["summary"], rec.truth
    assert s["completed"] and s["go"] == "cue"
    # declared in the set-up, as --aid cane --chair-arms used: in the result and the file
    assert (s["aid"], s["chair_arms"]) == ("cane", "used")
    assert read_session(path).metadata["protocol_options"]["aid"] == "cane"
    ev = s["events"]
    # the window's clock starts at Start: the gaps between events are the recording's
    assert ev["seated"] - ev["stood"] == pytest.approx(truth.contact - truth.up, abs=0.3)
    assert ev["turn_end"] - ev["turn_start"] == pytest.approx(truth.turn_end - truth.turn_start,
                                                              abs=0.3)
    assert s["turn_steps"] == truth.turn_steps
    assert s["gait_speed_cm_s"]["out"] == pytest.approx(100 * truth.speed_out, rel=0.1)


def test_the_window_counts_five_stands_and_checks_each(qtbot, tmp_path, store):  # noqa: F811
    rec = C.generate(C.Chair(seed=2, lead_s=6.0))
    reason, result, _ = _play(qtbot, tmp_path, store, "five-sts", rec)
    s = result["summary"]
    assert s["completed"] and s["reps"] == 5 and s["all_reps_good"]
    seated = [x["seated_s"] for x in s["stands"]]
    truth = rec.good_contacts
    # on the window's clock (from Start): the gaps between seat contacts are the truth's
    for got, want in zip(zip(seated, seated[1:]), zip(truth, truth[1:])):
        assert got[1] - got[0] == pytest.approx(want[1] - want[0], abs=0.3)
    assert s["fall_risk"] == (s["time_s"] >= 12.0)


def test_the_window_scores_two_reaches_after_a_practice(qtbot, tmp_path, store):  # noqa: F811
    rec = R.generate(R.Reacher(seed=2))
    reason, result, _ = _play(qtbot, tmp_path, store, "functional-reach", rec)
    s = result["summary"]
    assert [t["practice"] for t in result["trials"]] == [True, False, False]
    assert s["trials_cm"] == pytest.approx([a.reach_cm for a in rec.attempts[1:]], abs=2.0)
    assert s["reach_cm"] == max(s["trials_cm"])


def test_the_window_runs_the_four_mctsib_conditions_on_foam(qtbot, tmp_path, store):  # noqa: F811
    t, image, world, detected, truth = foam.generate(foam.Stand(seed=2))
    frames = G.Frames(t, image, world, detected)
    reason, result, _ = _play(qtbot, tmp_path, store, "mctsib", frames, pad=True)
    s = result["summary"]
    assert s["pad"] == "foam" and s["completed"] and s["falls"] == 0
    assert [(c["surface"], c["eyes"]) for c in s["conditions"]] == [
        ("firm", "open"), ("firm", "closed"), ("foam", "open"), ("foam", "closed")]
    ratio = s["ratios"]["closed_open_firm"]["rms_ml"]
    assert ratio > 1.2  # the bench sways 1.8 times more with the eyes closed on firm ground
