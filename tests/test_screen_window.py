"""The STEADI screen window, offscreen: the questions answered with its buttons, then the
three tests walked through on one generated recording of a whole screen (TUG from the
side, chair stand and 4-stage test from the front) played as the camera, the outcome
card, the history and the PDF."""

import os
import stat
from datetime import date

import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import Qt  # noqa: E402

from balance.gui.screen_page import ScreenWindow  # noqa: E402
from balance.profile import Profile  # noqa: E402
from balance.session.live import open_feed  # noqa: E402
from balance.storage.history import History  # noqa: E402
from balance.storage.screens import screens  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from tests import steadi_sessions as G  # noqa: E402
from tests.test_screen_cli import CHAIR_LINE_F, TUG_LINE_S, _pdf_pages_and_text  # noqa: E402

AGE = 72
ANN = Profile(person_id="Ann", birth_year=date.today().year - AGE, sex="female",
              height_cm=170.0)


class Heard:
    def __init__(self):
        self.played = []

    def play(self, name):
        self.played.append(name)


def _click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _answer(qtbot, window, **yes):
    page = window.questions
    for key in ("fallen", "unsteady", "worries"):
        assert not page.go.isEnabled()  # every question needs its answer first
        _click(qtbot, page.buttons[(key, yes.get(key, False))])
    _click(qtbot, page.go)


def _open(qtbot, tmp_path, monkeypatch, path, **options):
    """The window on ``path`` as the camera, its history in ``tmp_path``."""
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    window = ScreenWindow(open_feed(path), profile=ANN, **options)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def whole_screen(tmp_path):
    """Ann's screen on one camera: nobody, her TUG (slow), nobody, her chair stand, nobody,
    her 4-stage test (tandem held). The empty stretches are long enough (2.5-3 s at 4x)
    for the test to press Done at each set-up before the next test's person appears."""
    tug, tug_true = G.tug(pace=1.5, lead_s=4.0)
    chair, stands_true = G.chair(stands=16, pace=0.7)
    stance = G.four_stage(tandem_held=True)
    parts = [G.gap(tug, 10.0), tug, G.gap(tug, 12.0), chair, G.gap(tug, 12.0), stance]
    path = G.write(tmp_path / "screen.balance", G.joined(*parts), source="bench:screen",
                   person="Ann", height_cm=170.0)
    return path, tug_true, stands_true


def test_all_no_screens_not_at_risk_without_a_test(qtbot, tmp_path, monkeypatch,
                                                  whole_screen):
    window = _open(qtbot, tmp_path, monkeypatch, whole_screen[0], session_dir=tmp_path)
    _answer(qtbot, window)
    assert window.pages.currentWidget() is window.card and window.plan is None
    assert window.verdict.text() == "STEADI screen: screened not at risk."
    with History() as h:
        (r,) = screens(h, "Ann")
        assert not r.at_risk and r.outcome.assessments == ()
    _click(qtbot, window.pdf_button)
    first = window.pdf
    _click(qtbot, window.pdf_button)  # a second press never writes over the first
    assert window.pdf != first and first.exists()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    pages, text = _pdf_pages_and_text(first)
    assert pages == 1 and "Screened not at risk" in text


def test_a_whole_screen_runs_the_three_tests_in_order(qtbot, tmp_path, monkeypatch,
                                                     whole_screen):
    path, tug_true, stands_true = whole_screen
    assert tug_true >= TUG_LINE_S + 3 and stands_true >= CHAIR_LINE_F + 3  # clear verdicts
    heard = Heard()
    window = _open(qtbot, tmp_path, monkeypatch, path, realtime=4.0, auto_start=True,
                   session_dir=tmp_path / "rec", rest_scale=0.05, sound=heard)
    _answer(qtbot, window, worries=True)
    assert window.pages.currentWidget() is window.checklist
    assert not window.checklist.ready.isEnabled()  # the safety checklist first
    window.checklist.tick_all()
    _click(qtbot, window.checklist.ready)
    walk = window.plan.walk
    seen = []
    for test in ("tug", "chair-stand-30", "four-stage", None):  # then the foot check
        qtbot.waitUntil(lambda: walk.needs_confirm() or walk.finished, timeout=90000)
        seen.append(walk.current.key)
        if test is not None:  # the camera is checked for the test that follows
            qtbot.waitUntil(lambda t=test: window.setup.isVisible()
                            and window.setup.needs.name == t, timeout=5000)
        # only the TUG's set-up asks what the camera cannot judge: Ann walks with a cane
        assert window.setup.declared_box.isVisible() == (test == "tug")
        if test == "tug":
            window.setup.declared["aid"].setCurrentText("cane")
        _click(qtbot, window.plan.done_button)
    assert seen == ["tug-set-up", "chair-stand-30-set-up", "four-stage-set-up", "foot-check"]
    assert "side-on" in walk.plan.items[0].what and "3 m" in walk.plan.items[0].what
    qtbot.waitUntil(lambda: window.outcome is not None, timeout=5000)
    o = window.outcome
    # by the CDC rules on the truth: worried -> assessed; slow TUG fails; the rest pass
    assert o.at_risk and [a.test for a in o.failed] == ["tug"]
    assert [a.status for a in o.assessments] == ["failed", "passed", "passed"]
    tug = dict(window.plan.results)["tug"]["summary"]
    assert (tug["aid"], tug["chair_arms"]) == ("cane", "not used")  # as declared
    # timed from the window's Go (2 s after she sits in view still; she moves 4 s after)
    assert tug_true - 0.2 <= o.assessments[0].value <= tug_true + 2.0 + 0.2
    assert stands_true <= o.assessments[1].value <= stands_true + 1  # + a half stand
    assert window.plan.worker.dropped == 0
    assert window.verdict.text() == "STEADI screen: at risk."
    assert window.saved is None
    assert heard.played.count("hold") >= 3  # the TUG's Go, and each test's start after it
    with History() as h:
        (r,) = screens(h, "Ann")
        assert r.failed == ["tug"] and all(r.sessions.values())
        assert sorted(s.protocol for s in h.sessions("Ann")) == ["chair-stand-30",
                                                                 "four-stage", "tug"]
    assert read_session(window.plan.recorded["tug"]).metadata["protocol_options"]["aid"] == "cane"


def test_discomfort_ends_the_screen_with_the_tests_not_assessed(qtbot, tmp_path, monkeypatch,
                                                               whole_screen):
    window = _open(qtbot, tmp_path, monkeypatch, whole_screen[0], session_dir=tmp_path)
    _answer(qtbot, window, fallen=True)
    window.checklist.tick_all()
    _click(qtbot, window.checklist.ready)
    _click(qtbot, window.plan.discomfort_button)  # stop on pain: nothing more is tested
    qtbot.waitUntil(lambda: window.outcome is not None, timeout=5000)
    o = window.outcome
    assert o.at_risk and o.failed == []
    assert [a.status for a in o.assessments] == ["not assessed"] * 3
    assert "Not assessed (not passed)" in window.details.text()
