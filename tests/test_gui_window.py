"""The training window, offscreen: trials driven end to end from file and fake sources."""

import dataclasses
import os
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.gui.app import clear_opencv_qt_paths

# Before any QApplication exists: no screen here, and cv2 has pointed Qt at its plugins.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import QRect, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox  # noqa: E402

from balance.capture.sources import VideoFileSource  # noqa: E402
from balance.session import engine, flow as F, live, settings as S  # noqa: E402
from balance.present import messages  # noqa: E402
from balance.session.engine import FrameFeed  # noqa: E402
from balance.gui.main_window import MainWindow  # noqa: E402
from balance.session.live import open_feed  # noqa: E402
from balance.pose.landmarks import SKELETON  # noqa: E402
from balance.profile import Profile  # noqa: E402
from balance.storage.export import video_beside  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from tests.helpers import SAMPLE, ListFeed, TruthEstimator, fake_factory, person  # noqa: E402


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A modal dialog would hang an offscreen test for ever: fail at once instead."""
    def fail(*args, **kwargs):
        pytest.fail(f"unexpected modal dialog: {args[1:3] if len(args) > 1 else args}")
    for name in ("exec", "information", "warning", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, fail, raising=False)
    monkeypatch.setattr(QDialog, "exec", fail)
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, fail)


class FakeSound:
    backend = "fake"

    def __init__(self):
        self.muted, self.played = False, []

    def play(self, name):
        if not self.muted:
            self.played.append(name)


@pytest.fixture
def store(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_window(qtbot, tmp_path, store, *, flow=None, settings=None,
                protocol_factory=fake_factory, **kw):
    settings = settings or S.GuiSettings(person_id="ann", profiles={"ann": Profile(
        person_id="ann", birth_year=time.localtime().tm_year - 70, height_cm=170.0).to_dict()})
    window = MainWindow(settings, flow=flow or F.Flow(rest_s=60), sound=FakeSound(),
                        qsettings=store, protocol_factory=protocol_factory,
                        session_dir=tmp_path / "sessions", **kw)
    qtbot.addWidget(window)
    window.show()
    return window


def write_video(path, synth, size=(640, 360)):
    """The synthetic person drawn as a stick figure: a real file for VideoFileSource."""
    w, h = size
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), synth.fps, size)
    for lm in synth.image:
        frame = np.full((h, w, 3), 120, np.uint8)
        for a, b in SKELETON:
            pa = (int(lm[a, 0] * w), int(lm[a, 1] * h))
            pb = (int(lm[b, 0] * w), int(lm[b, 1] * h))
            cv2.line(frame, pa, pb, (40, 40, 40), 3)
        out.write(frame)
    out.release()
    return path


def wait_finished(qtbot, window, timeout=15000):
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=timeout)
    return window.last_result


def test_a_trial_end_to_end_from_a_video_file(qtbot, tmp_path, store):
    synth = person(duration_s=9.0, lift=(4.0, 6.5))
    video = write_video(tmp_path / "stand.avi", synth)
    window = make_window(qtbot, tmp_path, store, session_path=tmp_path / "trial.balance")
    estimator = TruthEstimator(synth)
    estimator.detect(None, 0.0)  # its first call imports MediaPipe: not while the set-up runs
    window.open_feed(FrameFeed(VideoFileSource(video)),
                     estimator_factory=lambda: estimator, realtime=1.5, warmup=None)

    # Safety first: nothing starts before the checklist is ticked.
    assert window.pages.currentWidget() is window.checklist
    assert not window.start_button.isEnabled() and not window.start_test()
    window.checklist.tick_all()
    qtbot.mouseClick(window.checklist.ready, Qt.MouseButton.LeftButton)
    # The set-up assistant watches the person until the view has been good for a while.
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    assert window.flow.state == F.READY
    assert window.setup_panel.advice.text().startswith("Ready")
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert window.flow.state == F.TESTING and window.pages.currentWidget() is window.plots

    qtbot.waitUntil(lambda: window.readout.timer_label.text().strip() not in ("--", "0.0"),
                    timeout=8000)
    reason, result, path = wait_finished(qtbot, window)
    hold = result["trials"][0]["hold_time_s"]
    # The person holds from 4.0 to 6.5 s; the fake counts the foot up from ~6 cm.
    assert reason == "done" and hold == pytest.approx(2.3, abs=0.15)
    qtbot.waitUntil(lambda: window.readout.timer_label.text() == messages.clock(hold), timeout=2000)
    assert window.card.isVisible()
    card = window.card.body.text()
    assert f"Best hold: {hold:.1f} s" in card
    assert "below age 70 mean, eyes open (21.5 s, Springer 2007)" in card
    assert "below fall-risk line (5 s, Vellas 1997)" in card
    assert messages.FEET_REMINDER in card and f"Saved: {path}" in card

    s = read_session(path)
    assert [e.kind for e in s.events] == ["trial_start", "trial_end"]
    assert s.metadata["protocol"] == "single-leg-stance" and s.metadata["live"] is True
    assert s.metadata["profile"]["person_id"] == "ann"
    assert s.metadata["result"]["trials"][0]["hold_time_s"] == hold
    assert s.metadata["end_reason"] == "done"
    assert s.detected.all() and np.all(np.diff(s.t) > 0) and s.t[0] == 0.0
    # The recording started with the Start click and ended with the trial.
    assert s.t[-1] == pytest.approx(s.events[-1].t_s)
    assert not Path(path).with_suffix(".mp4").exists()  # the camera video only if chosen
    assert window.sound.played[:2] == ["start", "hold"] and "stop" in window.sound.played
    # Rest before the next one.
    window._refresh_controls()
    assert window.flow.state == F.REST and not window.start_button.isEnabled()
    assert window.start_button.text().startswith("Rest")
    assert "fps" in window.statusBar().currentMessage()
    assert window.worker.stats.latency_ms  # capture-to-screen latency was measured


def test_camera_lost_mid_trial_says_so_and_keeps_the_recording(qtbot, tmp_path, store,
                                                               monkeypatch):
    monkeypatch.setattr(engine, "LOST_AFTER_S", 0.2)
    synth = person(duration_s=6.0, lift=(0.5, 5.5))
    feed = ListFeed(synth, live=True, lost_after=60, frames=True)
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "lost.balance")
    window.open_feed(feed, estimator_factory=lambda: TruthEstimator(synth), warmup=None,
                     autostart=True)
    reason, result, path = wait_finished(qtbot, window)
    assert reason == "camera lost"
    assert window.banner.isVisible() and "interrupted" in window.banner.text()
    assert window.card.title.text() == "Test ended: camera lost"
    s = read_session(path)
    assert s.metadata["interrupted"] is True
    assert [e.kind for e in s.events][-1] == "interrupted"
    assert s.metadata["result"]["trials"][0]["end_reason"] == "camera lost"
    assert len(s) > 30  # what came before the loss is all there


def _running(qtbot, window):
    qtbot.waitUntil(lambda: window.latest is not None and window.latest.status is not None
                    and window.latest.status.phase == "running", timeout=8000)


def test_esc_stops_the_trial_and_logs_discomfort(qtbot, tmp_path, store):
    synth = person(duration_s=8.0, lift=(0.3, 7.9))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "esc.balance")
    window.open_feed(ListFeed(synth), warmup=None, autostart=True)
    _running(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    reason, result, path = wait_finished(qtbot, window)
    assert reason == "discomfort"
    assert window.banner.text() == messages.DISCOMFORT
    s = read_session(path)
    assert [e.kind for e in s.events] == ["trial_start", "discomfort", "trial_end"]
    assert s.events[1].payload == {"by": "Esc key"}
    assert result["trials"][0]["end_reason"] == "discomfort"
    assert result["trials"][0]["hold_time_s"] < 7.0  # stopped well before the touchdown


def test_the_stop_button_is_always_there_and_stops(qtbot, tmp_path, store):
    synth = person(duration_s=8.0, lift=(0.3, 7.9))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False))
    assert window.stop_button.isVisible()
    assert not window.stop_button.isEnabled()  # nothing to stop: not red as if there were
    window.open_feed(ListFeed(synth), warmup=None, autostart=True)
    _running(qtbot, window)
    assert window.stop_button.isEnabled()
    qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    reason, _, path = wait_finished(qtbot, window)
    assert reason == "discomfort"
    window._refresh_controls()
    assert not window.stop_button.isEnabled()
    assert read_session(path).events[1].payload == {"by": "Stop button"}
    assert path.startswith(str(tmp_path / "sessions"))


def test_space_starts_and_stops_without_logging_discomfort(qtbot, tmp_path, store):
    synth = person(duration_s=8.0, lift=(0.3, 7.9))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "space.balance")
    window.open_feed(ListFeed(synth), warmup=None)
    qtbot.waitUntil(lambda: window.start_button.isEnabled(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.flow.state == F.TESTING
    _running(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    reason, result, path = wait_finished(qtbot, window)
    assert reason == "stopped"
    assert "discomfort" not in [e.kind for e in read_session(path).events]


def test_replay_draws_the_skeleton_on_a_dark_canvas_and_plots_sway(qtbot, tmp_path, store):
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         record=False)
    window.open_feed(open_feed(SAMPLE), warmup=None, realtime=4.0, autostart=True)
    _running(qtbot, window)
    qtbot.waitUntil(lambda: window.plots.trace_buf.count > 20, timeout=5000)
    image = window.camera.grab().toImage()
    # Dark canvas with bright bones: both colours are on screen.
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert "#1a1f26" in colours and any(c.startswith("#3") and c.endswith("ff")
                                        for c in colours)
    ml = window.plots.trace_buf.view()[:, 1]
    assert np.isfinite(ml).all() and np.abs(ml).max() < 10  # cm, not pixels
    window.close()


def test_settings_and_window_are_remembered(qtbot, tmp_path, store):
    window = make_window(qtbot, tmp_path, store)
    window.resize(1111, 777)
    window.bar.mute.setChecked(True)
    assert window.sound.muted
    window.bar.side_box.setCurrentText("right")
    window._remember_choices()
    window.close()
    again = make_window(qtbot, tmp_path, store, settings=S.load(store))
    assert again.settings.muted and again.bar.mute.isChecked()
    assert again.bar.side_box.currentText() == "right"
    assert again.bar.person_box.currentText() == "ann"
    assert again.settings.profile().height_cm == 170.0
    # Restored from the stored geometry, not the default size (the offscreen screen is
    # small, so Qt fits the restored window to it).
    assert not store.value("geometry").isEmpty()
    assert (again.width(), again.height()) != (1400, 850)


def test_a_bad_source_typed_in_the_window_is_a_message_not_a_crash(qtbot, tmp_path, store):
    window = make_window(qtbot, tmp_path, store)
    window.bar.source_edit.setText(str(tmp_path / "nope.mp4"))
    qtbot.keyClick(window.bar.source_edit, Qt.Key.Key_Return)
    assert window.banner.isVisible() and "no such video file" in window.banner.text()
    assert window.worker is None


def test_sound_without_a_device_stays_silent_and_never_fails(tmp_path, monkeypatch):
    from balance.gui import sound
    monkeypatch.setattr(sound, "_qt_effects", lambda paths: {})
    monkeypatch.setattr(sound, "_system_player", lambda: ("/nonexistent/player",))
    s = sound.Sound(folder=tmp_path)
    s.play("start")  # the player cannot run: silently falls back to nothing
    assert s.backend == "none" and s.played == ["start"]
    s.play("stop")
    s.muted = True
    s.play("hold")
    assert s.played == ["start", "stop"]
    assert (tmp_path / "hold.wav").stat().st_size > 1000
    s.close()


def test_profile_page_saves_a_person_and_keeps_unknowns_unknown(qtbot, tmp_path, store):
    window = make_window(qtbot, tmp_path, store)
    qtbot.mouseClick(window.bar.profile_button, Qt.MouseButton.LeftButton)
    panel = window.profile_panel
    assert window.pages.currentWidget() is panel and panel.person.text() == "ann"
    assert panel.height.value() == 170.0
    panel.person.setText("bob")
    panel.birth_year.setValue(1950)
    panel.sex.setCurrentText("male")
    panel.height.setValue(182)
    panel.leg.setCurrentText("right")
    qtbot.mouseClick(panel.save, Qt.MouseButton.LeftButton)
    assert window.bar.person_box.currentText() == "bob"
    assert window.settings.profile() == Profile("bob", 1950, "male", 182.0, "right")
    assert window.pages.currentWidget() is window.checklist  # back where the flow is
    # Unknown stays unknown: the spin boxes' minimum reads "-".
    panel.show_profile(Profile("cy"))
    assert panel.profile() == Profile("cy")


def test_sway_is_shown_from_where_the_trial_started(qtbot):
    """Side to side against front to back (the depth estimate), never the body's height."""
    from balance.gui.widgets import SwayPlots
    plots = SwayPlots(seconds=5, fps=10)
    qtbot.addWidget(plots)
    for i in range(80):  # 8 s at 10 Hz: the trace keeps the last 5 s
        plots.add(i / 10, (100.0 - 0.05 * i, 90.0 + 0.3 * i), 2.0 + 0.1 * i)  # far from zero
    plots.refresh(force=True)
    x, y = plots.ml_curve.getData()
    assert -5.0 <= x[0] <= -4.9 and x[-1] == 0.0  # "seconds ago", the last 5 s
    assert y[-1] == pytest.approx(-0.05 * 79)  # ml change since the first sample
    assert plots.ap_curve.getData()[1][-1] == pytest.approx(7.9)  # not the height's 23.7
    ml, ap = plots.path_curve.getData()
    assert (ml[-1], ap[-1]) == pytest.approx((-3.95, 7.9))
    assert plots.stabilo.getAxis("left").labelText == "front-back, est. (cm)"  # says it is estimated
    assert plots._scale["trace"] == 10.0  # 7.9 cm fits the 10 cm step
    plots.add(9.0, (float("nan"), 1.0))  # a sample without a position is skipped
    assert plots.trace_buf.count == 80
    plots.clear()
    plots.add(10.0, (5.0, 5.0))  # no depth (a landmark CSV): side to side only
    assert plots.trail_buf.view()[-1][0] == 0.0 and np.isnan(plots.trail_buf.view()[-1][1])


class Clock:
    """The window's rest clock, moved by hand."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def visible_texts(window):
    return [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()]


def test_the_rest_is_counted_once_for_the_button_and_the_words(qtbot, tmp_path, store):
    """Between trials and after the test, the Start button and the readout count the same
    rest, from the flow, and both stop once it is over (the readout used to say "Rest
    11 s" for ever after the test while the button counted down)."""
    clock = Clock()
    window = make_window(qtbot, tmp_path, store, protocol_factory=live.create_protocol,
                         settings=S.GuiSettings(side="none"),
                         flow=F.Flow(checklist=False, setup=False, rest_s=60, trial_rest_s=20),
                         clock=clock, record=False)
    window.open_feed(open_feed(SAMPLE), warmup=None, realtime=4.0, autostart=True)
    qtbot.waitUntil(lambda: window.card.title.text() == "Trial result", timeout=15000)
    window._refresh_controls()
    assert window.readout.waiting.text() == "Rest 20 s. Hold on to your support."
    assert window.start_button.text() == "Rest 20 s" and not window.start_button.isEnabled()
    qtbot.waitUntil(lambda: window.latest.status.phase == "running", timeout=15000)
    window._refresh_controls()  # the second trial has started: no rest advised
    assert not window.readout.waiting.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # stopped while the recording plays on
    assert wait_finished(qtbot, window)[0] == "stopped"
    clock.t += 16
    window._refresh_controls()
    assert window.flow.state == F.REST
    assert window.readout.waiting.text() == "Rest 44 s. Hold on to your support."
    assert window.start_button.text() == "Rest 44 s"
    assert window.readout.instruction.text() == ""  # the protocol's last words are gone
    clock.t += 45
    window._refresh_controls()
    assert not any("Rest" in t for t in visible_texts(window) + [window.start_button.text()])


def test_a_recording_that_ends_between_trials_shows_the_best_hold_and_how_far_it_got(
        qtbot, tmp_path, store):
    """The sample holds two of single-leg stance's six trials: the card says so plainly,
    and the timer shows the best hold, not the 0.0 of the wait for a third trial."""
    window = make_window(qtbot, tmp_path, store, protocol_factory=live.create_protocol,
                         settings=S.GuiSettings(side="none"),
                         flow=F.Flow(checklist=False, setup=False, rest_s=0), record=False)
    window.open_feed(open_feed(SAMPLE), warmup=None, realtime=4.0, autostart=True)
    reason, result, _ = wait_finished(qtbot, window, timeout=30000)
    assert reason == "end of recording"
    assert window.card.title.text() == "Recording ended before all trials were done: 2 of 6"
    holds = [t["hold_time_s"] for t in result["trials"]]
    assert window.readout.timer_label.text() == messages.clock(max(holds)) == "12.0"
    assert window.readout.countdown_label.text() == "best hold (s)"


def test_a_video_that_ends_during_the_checklist_says_so(qtbot, tmp_path, store):
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(rest_s=0))
    window.open_feed(ListFeed(person(duration_s=1.0)), warmup=None)
    qtbot.waitUntil(lambda: window.flow.source_end is not None, timeout=5000)
    window._refresh_controls()
    assert window.pages.currentWidget() is window.checklist
    assert window.readout.waiting.isVisible()
    assert window.readout.waiting.text() == messages.source_end_text("end of recording", messages.CHOOSE_SOURCE)
    window.checklist.tick_all()
    window.checklist.ready.click()
    window._refresh_controls()
    # Nothing to check the view on, nothing to start: no set-up page waiting for ever.
    assert window.pages.currentWidget() is window.plots
    assert not window.start_button.isEnabled() and not window.start_test()
    assert "Waiting for the camera..." not in visible_texts(window)
    window.bar.source_edit.setText(str(SAMPLE))  # the way on: another source
    qtbot.keyClick(window.bar.source_edit, Qt.Key.Key_Return)
    window._refresh_controls()
    assert window.flow.source_end is None and not window.readout.waiting.isVisible()


def test_the_end_card_is_not_followed_by_waiting_for_the_camera(qtbot, tmp_path, store):
    """A replay (no checklist, no set-up): after the result, the trace stays under the
    card and the readout says the recording is over, with the way on."""
    synth = person(duration_s=5.0, lift=(0.5, 3.0))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False,
                                                             rest_s=0), record=False)
    window.open_feed(ListFeed(synth), warmup=None, autostart=True)
    wait_finished(qtbot, window)
    qtbot.waitUntil(lambda: window.flow.source_end is not None, timeout=5000)
    window._refresh_controls()
    texts = visible_texts(window)
    assert window.card.isVisible() and window.pages.currentWidget() is window.plots
    assert "Waiting for the camera..." not in texts
    assert messages.source_end_text("end of recording", messages.CHOOSE_SOURCE) in texts
    assert not window.start_button.isEnabled()


def test_thousands_of_qt_calls_do_not_use_up_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per call, which aborts
    the interpreter within seconds of a live window: pyproject.toml keeps below it."""
    import sys
    from PySide6.QtWidgets import QLabel
    label = QLabel()
    label.setText("x")
    before = sys.getrefcount(None)
    for _ in range(2000):  # few enough that a leak fails here rather than aborting
        label.setText("x")
    # One dropped reference per call would take 2000 off; allow for unrelated churn.
    assert abs(sys.getrefcount(None) - before) < 200


REALDATA = (Path(__file__).resolve().parents[2] / "shared" / "realdata" / "videos"
            / "yoga_warrior2" / "warrior2.mp4")


@pytest.mark.realdata
@pytest.mark.model
def test_the_window_finds_the_real_person_in_a_real_video(qtbot, tmp_path, store, pose_model):
    if not REALDATA.is_file():
        pytest.skip(f"{REALDATA} is absent")
    from balance.pose.estimator import PoseEstimator
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False))
    window.open_feed(FrameFeed(VideoFileSource(REALDATA)), warmup=None,
                     estimator_factory=lambda: PoseEstimator(pose_model.path))
    qtbot.waitUntil(lambda: window.worker.stats.processed >= 45, timeout=20000)
    snap = window.latest
    assert snap.detected and snap.display is not None
    lm = snap.landmarks
    # She stands side on, mid-frame, head at the top and feet near the bottom of the mat.
    assert 0.3 < lm[0, 0] < 0.5 and lm[0, 1] < 0.4
    assert lm[[27, 28], 1].min() > 0.8
    # Side on is exactly what the set-up assistant must not accept for a front-view test.
    assert window.setup_panel.advice.text().startswith("Turn to face the camera")
    assert window.flow.state == F.SETUP and not window.start_button.isEnabled()


def test_ctrl_plus_makes_the_type_larger_and_is_remembered(qtbot, tmp_path, store):
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    window = make_window(qtbot, tmp_path, store)
    window.scale_text(1.5)
    assert window.settings.font_scale == pytest.approx(1.5)
    assert "font-size: 21pt" in QApplication.instance().styleSheet()  # 14 pt x 1.5
    assert window.plots.trace.getAxis("bottom").style["tickFont"].pointSize() == 20  # 13 x 1.5
    window.scale_text(100)
    assert window.settings.font_scale == style.MAX_SCALE  # capped: the window must still fit
    window.scale_text(1 / 100)
    # Never below legible: body text 12 pt at the smallest, the plots' ticks too.
    assert window.settings.font_scale == style.MIN_SCALE
    assert "font-size: 12pt" in QApplication.instance().styleSheet()
    assert window.plots.trace.getAxis("bottom").style["tickFont"].pointSize() == 12
    window.close()
    assert S.load(store).font_scale == style.MIN_SCALE
    style.apply_style(QApplication.instance(), 1.0)  # leave the shared QApplication as it was


def test_closing_the_window_mid_trial_keeps_a_whole_recording(qtbot, tmp_path, store):
    synth = person(duration_s=8.0, lift=(0.3, 7.9))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "closed.balance")
    window.open_feed(ListFeed(synth), warmup=None, autostart=True)
    _running(qtbot, window)
    window.close()  # joins the threads: the file is finished before close() returns
    s = read_session(tmp_path / "closed.balance")
    assert s.warnings == [] and s.metadata["end_reason"] == "window closed"
    assert s.metadata["frames"] == len(s) > 10
    assert s.metadata["result"]["trials"][0]["end_reason"] == "window closed"
    assert window.worker is None


def test_keep_video_saves_the_camera_beside_the_session_for_the_replay(qtbot, tmp_path, store):
    from balance.gui.replay_pane import ReplayPane
    synth = person(duration_s=4.0, lift=(0.5, 2.5))
    video = write_video(tmp_path / "stand.avi", synth)
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "kept.balance")
    assert not window.bar.save_video.isChecked()  # off unless chosen
    window.bar.save_video.click()
    estimator = TruthEstimator(synth)
    estimator.detect(None, 0.0)  # its first call imports MediaPipe: not mid-trial
    window.open_feed(FrameFeed(VideoFileSource(video)), estimator_factory=lambda: estimator,
                     realtime=2.0, warmup=None, autostart=True)
    assert not window.bar.save_video.isEnabled()  # no changing it mid-test
    reason, _, path = wait_finished(qtbot, window)
    window.close()
    assert reason == "done" and S.load(store).save_video is True
    kept = video_beside(path)
    assert kept is not None and kept.stat().st_mode & 0o777 == 0o600
    cap, frames = cv2.VideoCapture(str(kept)), 0
    while cap.read()[0]:
        frames += 1
    cap.release()
    assert frames == len(read_session(path)) > 30
    pane = ReplayPane(path, author="PT Kim")  # what `balance replay` shows
    qtbot.addWidget(pane)
    assert pane.video is not None and pane.view._snap.display is not None
    pane.close_video()


def test_live_save_video_flag_reaches_the_window(monkeypatch):
    from balance import cli
    from balance.gui import run
    seen = []
    monkeypatch.setattr(run, "run_window", lambda feed, **kw: seen.append(kw["save_video"]))
    for flag in ([], ["--save-video"]):
        assert cli.main(["live", "--source", str(SAMPLE), *flag]) == 0
    assert seen == [False, True]


def assert_fits(qtbot, window, size, state):
    """At ``size`` the window's minimum fits, and Start, STOP and the timer are whole and
    inside it (a button narrower than its text reads "STOP (Es")."""
    window.resize(*size)
    qtbot.wait(50)  # the layout settles
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], (state, hint)
    assert (window.width(), window.height()) == size, state
    for w in (window.start_button, window.stop_button, window.readout.timer_label):
        assert w.isVisible(), state
        top_left = w.mapTo(window, w.rect().topLeft())
        assert window.rect().contains(QRect(top_left, w.size())), (state, w.objectName())
        assert w.width() >= w.sizeHint().width(), (state, w.objectName())


@pytest.mark.parametrize("laptop", [(1280, 720), (1366, 768)])
def test_the_window_fits_a_laptop_in_every_state(qtbot, tmp_path, store, laptop):
    clock = Clock()
    synth = person(duration_s=14.0, lift=(4.0, 12.0))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(rest_s=60), clock=clock,
                         record=False)
    assert_fits(qtbot, window, laptop, "idle")
    window.open_feed(ListFeed(synth), warmup=None)
    assert_fits(qtbot, window, laptop, "checklist")
    window.checklist.tick_all()
    window.checklist.ready.click()
    assert_fits(qtbot, window, laptop, "camera set-up")
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    window.start_test()
    _running(qtbot, window)
    qtbot.waitUntil(lambda: window.readout.instruction.isVisible(), timeout=2000)
    assert_fits(qtbot, window, laptop, "mid-trial")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_finished(qtbot, window)
    assert window.card.isVisible()
    assert_fits(qtbot, window, laptop, "result card")
    clock.t += 5
    window._refresh_controls()
    assert window.readout.waiting.text().startswith("Rest 55 s")
    assert_fits(qtbot, window, laptop, "rest")


def test_the_largest_text_fits_a_1920x1080_screen(qtbot, tmp_path, store):
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    synth = person(duration_s=8.0, lift=(0.3, 7.9))
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False))
    window.scale_text(100)
    assert window.settings.font_scale == style.MAX_SCALE
    try:
        window.open_feed(ListFeed(synth), warmup=None, autostart=True)
        _running(qtbot, window)
        assert_fits(qtbot, window, (1920, 1080), "mid-trial, largest text")
        qtbot.keyClick(window, Qt.Key.Key_Space)
        wait_finished(qtbot, window)
        assert_fits(qtbot, window, (1920, 1080), "result card, largest text")
    finally:
        style.apply_style(QApplication.instance(), 1.0)


@pytest.mark.parametrize("blocked, says", [
    (True, "the stub is in place"), (False, "could not be put in place: MediaPipe may send")])
def test_help_about_states_the_network_facts_for_this_computer(qtbot, tmp_path, store,
                                                               monkeypatch, blocked, says):
    from balance.pose import offline

    monkeypatch.setattr(offline, "block_usage_logging", lambda: blocked)
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window = make_window(qtbot, tmp_path, store)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "&About balance").trigger()
    (text,) = shown
    for fact in ("works offline", "fetching the pose model once", "play.googleapis.com",
                 "balance/pose/offline.py", "macOS, Windows and Linux without glibc", says):
        assert fact in text, fact


class SlowTruthEstimator(TruthEstimator):
    """The truth, reported as if each frame had taken 45 ms (slower than 33 ms a frame)."""

    def detect(self, frame_bgr, t_s, rgb=None):
        return dataclasses.replace(super().detect(frame_bgr, t_s, rgb), inference_ms=45.0)


def test_a_slow_machine_gets_every_second_frame_said_and_recorded(qtbot, tmp_path, store):
    synth = person(duration_s=6.0, lift=(3.0, 4.5))
    video = write_video(tmp_path / "stand.avi", synth)
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "half.balance")
    estimator = SlowTruthEstimator(synth)
    estimator.detect(None, 0.0)
    window.open_feed(FrameFeed(VideoFileSource(video)), estimator_factory=lambda: estimator,
                     realtime=1.5, warmup=None, drop_late=True)  # a camera's way
    qtbot.waitUntil(lambda: window.worker.stride.n == 2, timeout=5000)
    window._last_status = 0.0
    window._status_bar()
    assert "every 2nd frame" in window.statusBar().currentMessage()
    assert window.start_test()
    reason, result, path = wait_finished(qtbot, window)
    s = read_session(path)
    # The test was made for the rate it got, and the session says so.
    assert s.metadata["fps"] == 15.0 and s.metadata["frame_stride"] == 2
    assert np.allclose(np.diff(s.t), 2 / 30, atol=1e-6)


class SleepyTruthEstimator(TruthEstimator):
    """The truth, 40 ms a frame for real: slower than a file played at twice 30 fps."""

    def detect(self, frame_bgr, t_s, rgb=None):
        time.sleep(0.04)
        return super().detect(frame_bgr, t_s, rgb)


def test_a_file_on_a_slow_machine_loses_no_frame(qtbot, tmp_path, store):
    # A camera's frames cannot wait, a file's can: it must score as `balance score` does.
    synth = person(duration_s=3.0, lift=(1.2, 2.4))
    video = write_video(tmp_path / "stand.avi", synth)
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False),
                         session_path=tmp_path / "whole.balance")
    estimator = SleepyTruthEstimator(synth)
    estimator.detect(None, 0.0)
    window.open_feed(FrameFeed(VideoFileSource(video)), estimator_factory=lambda: estimator,
                     realtime=2.0, warmup=None, autostart=True)
    reason, result, path = wait_finished(qtbot, window, timeout=30000)
    assert reason == "done"  # the trial ended at the touchdown
    assert window.worker.dropped == 0 and window.worker.stride.n == 1
    s = read_session(path)
    assert s.metadata["fps"] == 30.0 and len(s) > 2.0 * 30  # to the touchdown at 2.4 s
    assert np.allclose(np.diff(s.t), 1 / 30, atol=1e-6)  # every frame, none skipped


def test_every_label_takes_a_new_text_size_at_once(qtbot, tmp_path, store):
    """Read back right after Ctrl+plus, with no redraw in between: the window's labels,
    its plots' text and the set-up page's advice are all at the new size."""
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    window = make_window(qtbot, tmp_path, store)
    try:
        window.scale_text(1.5)
        pt = style.point_sizes(style.current_scale())
        want = {"timer": pt["huge"], "instruction": pt["big"], "cue": pt["big"],
                "score": pt["big"], "": pt["base"]}
        labels = [w for w in window.findChildren(QLabel) if w.objectName() in want]
        assert len(labels) > 10
        assert {(w.objectName(), w.font().pointSize()) for w in labels} == \
            {(w.objectName(), want[w.objectName()]) for w in labels}
        assert window.setup_panel.advice.font().pointSize() == pt["big"]
        axis = window.plots.stabilo.getAxis("left")
        assert axis.style["tickFont"].pointSize() == pt["plot"]
    finally:
        style.apply_style(QApplication.instance(), 1.0)


# The longest words a test says (the BESS's first foam trial) and a form cue: at the
# largest text they wrap to several lines beside the picture.
LONGEST_INSTRUCTION = ("Place the foam pad in front of you and stand on it. One foot in front "
                       "of the other, heel to toe, your left foot behind. Hands on hips, eyes "
                       "closed.")
LONG_CUE = "Keep your hands on your hips and your eyes closed: the trial counts again when you do."


def test_long_words_at_the_largest_text_never_push_the_window_off_a_1920x1080_screen(
        qtbot, tmp_path, store):
    """Words shown before the new window's first layout pass (a fast feed's first frame)
    used to make it ask for the control bar stacked one picker a line plus every wrapped
    line: it grew taller than the screen and never shrank back. The words scroll now; the
    timer and STOP stay in view."""
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    from balance.protocols.base import Status
    style.apply_style(QApplication.instance(), style.MAX_SCALE)
    try:
        window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False))
        window.resize(1920, 1080)
        # No event processed since show(): the window has not been laid out yet.
        window.readout.show_status(Status(phase="running", instruction=LONGEST_INSTRUCTION,
                                          cue=LONG_CUE, elapsed_s=12.3, remaining_s=17.7,
                                          score=81.0))
        window.readout.show_waiting("Rest 55 s. Hold on to your support.")
        assert window.height() <= 1080, window.height()
        assert_fits(qtbot, window, (1920, 1080), "longest words, largest text")
        words = window.readout.instruction
        assert words.height() >= words.heightForWidth(words.width())  # whole, not squeezed
        window.side.scroll.ensureWidgetVisible(window.readout.waiting)
        assert_fits(qtbot, window, (1920, 1080), "scrolled to the last words")
    finally:
        style.apply_style(QApplication.instance(), 1.0)


def test_both_sway_plots_stay_in_view_under_the_words_on_a_1366x768_laptop(qtbot, tmp_path,
                                                                           store):
    """The words scroll with the plots: the plots shrink to fit under them rather than
    take their preferred height and push the stabilogram out of view."""
    from balance.protocols.base import Status
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False))
    window.resize(1366, 768)
    window.readout.show_status(Status(phase="running", instruction="Hold it. Stay tall.",
                                      elapsed_s=6.6, remaining_s=38.4, score=82.0))
    qtbot.wait(50)  # the layout settles
    assert window.pages.currentWidget() is window.plots
    viewport = window.side.scroll.viewport()
    for plot in (window.plots.trace, window.plots.stabilo):
        top_left = plot.mapTo(viewport, plot.rect().topLeft())
        assert viewport.rect().contains(QRect(top_left, plot.size())), plot.getPlotItem().titleLabel.text
        assert plot.height() >= plot.minimumHeight()


def _snapshot(i, trial, instruction):
    """What the worker hands the window for frame ``i`` of a running trial."""
    from balance.protocols.base import Status
    return engine.Snapshot(index=i, t_s=i / 30, t_wall=time.perf_counter(), display=None,
                           image_size=(640, 360), landmarks=np.zeros((33, 4)), detected=False,
                           status=Status(phase="running", instruction=instruction, trial=trial,
                                         elapsed_s=1.0, remaining_s=44.0), recording=False)


def test_a_new_trial_scrolls_its_instruction_back_into_view(qtbot, tmp_path, store):
    """Scrolled down to the plots during one trial, the side column is back at the top
    when the next begins: the words scroll now, and the next instruction must be read."""
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    style.apply_style(QApplication.instance(), style.MAX_SCALE)
    try:
        window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False, setup=False))
        window.resize(1366, 768)
        window.flow.start(window.clock())
        window._on_snapshot(_snapshot(1, 1, LONGEST_INSTRUCTION))
        window.side.show_card("Trial result", LONG_CUE)
        bar = window.side.scroll.verticalScrollBar()
        qtbot.waitUntil(lambda: bar.maximum() > 0)
        bar.setValue(bar.maximum())  # down to the plots
        window._on_snapshot(_snapshot(2, 2, "Hold it. Stay tall."))
        qtbot.wait(50)
        assert bar.value() == 0 and not window.card.isVisible()
        words = window.readout.instruction
        viewport = window.side.scroll.viewport()
        assert words.text() == "Hold it. Stay tall."
        assert viewport.rect().contains(words.mapTo(viewport, words.rect().topLeft()))
    finally:
        style.apply_style(QApplication.instance(), 1.0)


def test_the_plots_give_way_no_further_than_their_text_allows(qtbot, tmp_path, store):
    """Squeezed under the words at the largest text, a plot keeps room for its ticks
    (110 px held only the ticks, one on top of the other), and gives it back at Ctrl+minus."""
    from PySide6.QtWidgets import QApplication
    from balance.gui import style
    window = make_window(qtbot, tmp_path, store)
    try:
        window.scale_text(100)
        assert [p.minimumHeight() for p in (window.plots.trace, window.plots.stabilo)] == [220, 220]
        window.scale_text(1 / 100)
        assert window.plots.trace.minimumHeight() == 110  # never below the default's
    finally:
        style.apply_style(QApplication.instance(), 1.0)
