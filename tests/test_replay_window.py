"""The replay window, offscreen: open a sample, seek to an event, add a note, reopen."""

import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import Qt  # noqa: E402

from balance.gui.replay_window import SPEEDS, ReplayWindow  # noqa: E402
from balance.storage.history import History  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from balance.session.rescore import score_for_history  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"
QUIET = ROOT / "samples" / "quiet_standing.balance"


@pytest.fixture
def sample(tmp_path):
    """A private copy: notes are appended to the file."""
    path = tmp_path / "sls.balance"
    shutil.copy(SAMPLE, path)
    return path


def open_window(qtbot, *paths, **kw):
    w = ReplayWindow(paths, author="PT Kim", **kw)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


def test_seek_to_an_event_shows_the_trial_and_its_metrics(qtbot, sample):
    w = open_window(qtbot, sample)
    pane = w.panes[0]
    kinds = [e.kind for e in pane.marks()]
    # the sample has no recorded events: the detector's lifts and touchdowns are marked
    assert kinds == ["foot_lift", "touchdown", "foot_lift", "touchdown"]
    truth = read_session(sample).metadata["synthetic"]["truth_frames"]
    lift = pane.jump_to_event(2)  # the second lift: the right foot, standing on the left
    assert pane.index == truth[1]["lift_frame"] == 660
    assert pane.slider.value() == 660 and pane.cursor.value() == pytest.approx(lift.t_s)
    assert "trial 2, left leg: 0.0 s in" in pane.readout.text()
    pane.step(150)  # five seconds into the hold
    info = pane.last_info
    assert (info["trial"], info["side"]) == (2, "left")
    assert info["elapsed_s"] == pytest.approx(5.0, abs=0.05)
    assert 0.1 < info["metrics"]["mean_velocity"] < 5.0
    assert "sway speed" in pane.readout.text()
    # clicking a mark on the timeline jumps too
    pane._marks[1].sigClicked.emit(pane._marks[1], None)
    touchdown = pane.marks()[1]
    assert pane.index == round(touchdown.t_s * 30)  # exactly the mark's frame...
    assert abs(pane.index - truth[0]["touchdown_frame"]) <= 2  # ...which is the true one


def test_note_is_saved_with_the_session_and_found_after_reopening(qtbot, sample, tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.import_session(sample, protocol="single-leg-stance", scorer=score_for_history)
        w = open_window(qtbot, sample, history=h)
        pane = w.panes[0]
        pane.jump_to_event(0)
        qtbot.keyClicks(pane.note_edit, "weight shifts late before the lift")
        qtbot.mouseClick(pane.note_button, Qt.MouseButton.LeftButton)
        assert pane.note_edit.text() == ""
        w.close()
        assert [n.text for n in h.notes("sample")] == ["weight shifts late before the lift"]
    (note,) = [e for e in read_session(sample).events if e.kind == "note"]
    assert note.t_s == pytest.approx(4.0, abs=0.05)
    assert note.payload["author"] == "PT Kim"
    again = open_window(qtbot, sample)
    marks = again.panes[0].marks()
    assert [e.kind for e in marks].count("note") == 1
    k = next(i for i, e in enumerate(marks) if e.kind == "note")
    assert "weight shifts late" in again.panes[0].events_list.item(k).text()
    assert again.panes[0].jump_to_event(k).payload["text"].startswith("weight shifts")


def test_play_pause_step_and_speed(qtbot, sample):
    w = open_window(qtbot, sample)
    pane = w.panes[0]
    w.set_speed(0.25)
    w.play()
    w.advance(2.0)  # two wall seconds at a quarter speed: half a second of session
    assert pane.t_s == pytest.approx(0.5, abs=1 / 30)
    w.set_speed(2.0)
    w.advance(1.0)
    assert pane.t_s == pytest.approx(2.5, abs=1 / 30)
    w.step(1)
    assert not w.playing and pane.index == 76
    w.step(-3)
    assert pane.index == 73
    with pytest.raises(ValueError):
        w.set_speed(3.0)
    assert SPEEDS == (0.25, 0.5, 1.0, 1.5, 2.0)
    w.play()
    qtbot.waitUntil(lambda: pane.index > 80, timeout=3000)  # the timer really plays
    w.pause()


@pytest.mark.parametrize("speed", SPEEDS)
def test_play_moves_at_the_chosen_speed_in_timer_sized_ticks(qtbot, sample, speed):
    """Three seconds of 33 ms ticks move the cursor 3 s x speed, at every speed (each
    tick used to snap back to the frame shown: 0.25x never left frame 0)."""
    from balance.gui.replay_window import TICK_MS
    w = open_window(qtbot, sample)
    pane = w.panes[0]
    w.set_speed(speed)
    w.play()
    w.timer.stop()  # the ticks come from here, not from the clock of a busy machine
    for _ in range(round(3.0 / (TICK_MS / 1000))):
        w.advance(TICK_MS / 1000)
    assert pane.t_s == pytest.approx(3.0 * speed, abs=1.5 / 30)
    w.pause()


def test_two_sessions_side_by_side_play_in_step(qtbot, sample):
    w = open_window(qtbot, sample, QUIET)
    a, b = w.panes
    assert not w.compare_button.isEnabled()
    a.seek(300)
    w.advance(1.0)
    assert a.index == 330 and b.index == 30
    assert b.last_info["trial"] is None and "between trials" in b.readout.text()


def test_video_beside_the_session_is_shown_with_a_blurred_face(qtbot, tmp_path):
    path = tmp_path / "v.balance"
    shutil.copy(QUIET, path)
    s = read_session(path)
    w_, h_ = s.image_size
    writer = cv2.VideoWriter(str(path.with_suffix(".mp4")), cv2.VideoWriter_fourcc(*"MJPG"),
                             30.0, (w_, h_))
    rng = np.random.default_rng(0)
    for _ in range(10):
        writer.write(rng.integers(0, 255, (h_, w_, 3), dtype=np.uint8))
    writer.release()
    w = open_window(qtbot, path)
    pane = w.panes[0]
    assert pane.video is not None and pane.blur.isVisibleTo(w)
    sharp = pane.view._snap.display.copy()
    pane.blur.setChecked(True)
    blurred = pane.view._snap.display
    x, y = (s.image[0, 0, :2] * (w_, h_)).astype(int)  # the nose
    face = np.s_[y - 10:y + 10, x - 10:x + 10, :3]
    assert blurred[face].std() < 0.5 * sharp[face].std()
    assert np.array_equal(blurred[5:25, 5:25], sharp[5:25, 5:25])  # far from the face


def test_replay_command_bad_input_is_one_line(tmp_path):
    from tests.helpers import assert_one_line_error, balance

    (tmp_path / "junk.balance").write_text("junk")
    assert_one_line_error(balance("replay", tmp_path / "junk.balance"), "not a balance session")
    assert_one_line_error(balance("replay", tmp_path / "gone.balance"), "no such session")
    assert_one_line_error(balance("replay", SAMPLE, headless=True), "needs a screen")


class Clock:
    """The play clock, moved by hand."""

    def __init__(self):
        self.t = 50.0

    def __call__(self):
        return self.t


@pytest.mark.parametrize("speed", SPEEDS)
def test_play_keeps_step_with_the_clock_at_every_speed(qtbot, sample, speed):
    """Ticks of any length (a busy machine's are uneven) add up to the clock's time."""
    clock = Clock()
    w = open_window(qtbot, sample, clock=clock)
    pane = w.panes[0]
    w.set_speed(speed)
    w.play()
    w.timer.stop()  # the ticks come from here
    for dt in [0.033, 0.005, 0.12, 0.033, 0.061] * 10:  # 2.52 s of clock
        clock.t += dt
        w._tick()
    assert pane.t_s == pytest.approx(2.52 * speed, abs=1.01 / 30)
    w.pause()
    clock.t += 5.0  # paused: the clock runs on, the picture stays
    w.play()
    clock.t += 0.5
    w._tick()
    assert pane.t_s == pytest.approx((2.52 + 0.5) * speed, abs=1.01 / 30)


def test_the_keyboard_plays_steps_and_changes_the_speed(qtbot, sample):
    w = open_window(qtbot, sample, clock=Clock())
    pane = w.panes[0]
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)  # the keys belong to the window in front
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert w.playing
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert not w.playing
    qtbot.keyClick(w, Qt.Key.Key_Right)
    qtbot.keyClick(w, Qt.Key.Key_Right)
    qtbot.keyClick(w, Qt.Key.Key_Left)
    assert pane.index == 1
    qtbot.keyClick(w, Qt.Key.Key_Plus)
    assert w.speed == 1.5 and w.speed_box.currentText() == "1.5x"
    for _ in range(4):
        qtbot.keyClick(w, Qt.Key.Key_Minus)
    assert w.speed == 0.25  # the slowest, and no further
    # Typing a note keeps its spaces and arrows.
    pane.note_edit.setFocus()
    qtbot.keyClicks(pane.note_edit, "a b")
    qtbot.keyClick(pane.note_edit, Qt.Key.Key_Left)
    assert pane.note_edit.text() == "a b" and not w.playing and pane.index == 1


def test_at_1366x768_the_picture_is_large_and_the_scrub_bar_is_a_bar(qtbot, qapp, sample):
    from balance.gui.style import apply_style
    apply_style(qapp, 1.0)  # as `balance replay` styles the application
    w = open_window(qtbot, sample)
    w.resize(1366, 768)
    qtbot.wait(50)
    pane = w.panes[0]
    picture = pane.view._target()
    assert picture.height() >= 300 and picture.width() >= 530  # it was 320 x 180
    assert pane.slider.height() >= 28  # 14 pt text: a 14 px bar and a 28 px handle
    assert w.minimumSizeHint().height() <= 768 and w.minimumSizeHint().width() <= 1366


def test_event_names_close_in_time_stack_instead_of_overprinting():
    from balance.gui.replay_pane import label_rows
    # a lift and a touchdown 1 s apart in a 40 s session (names take ~3.6 s), then one alone
    assert label_rows([4.0, 5.0, 5.5, 20.0], 40.0, width=0.09) == [0, 1, 2, 0]
    # with every row taken, the one that frees first
    assert label_rows([1.0, 1.1, 1.2, 1.3], 10.0, width=0.5, rows=3) == [0, 1, 2, 0]


def test_a_recording_without_depth_says_so_instead_of_an_empty_stabilogram(qtbot, tmp_path):
    """Landmarks only (as from a landmark CSV: no world landmarks): no front-to-back sway,
    and the pane says why rather than show an empty plot."""
    from balance.storage.session import SessionWriter
    s = read_session(SAMPLE)
    path = tmp_path / "no-depth.balance"
    with SessionWriter(path, {**s.metadata, "source": "landmarks.csv"}) as w:
        for i in range(len(s)):
            w.write_frame(s.t[i], s.image[i], np.full((33, 4), np.nan, np.float32), True)
    pane = open_window(qtbot, path).panes[0]
    assert pane.no_depth.isVisible() and not pane.stabilo.isVisible()
    assert "No depth in this recording" in pane.no_depth.text()
    # a recording with depth shows the stabilogram and no such words
    pane = open_window(qtbot, SAMPLE).panes[0]
    assert pane.stabilo.isVisible() and not pane.no_depth.isVisible()


def test_a_replay_opened_on_its_own_has_the_dark_plot_theme(qtbot, sample):
    """``balance replay`` opens no other window first: its plots must not rely on one
    having set pyqtgraph's colours (its default background is black)."""
    import pyqtgraph as pg
    from balance.gui.style import PLOT_BACKGROUND, PLOT_FOREGROUND
    saved = {k: pg.getConfigOption(k) for k in ("background", "foreground")}
    pg.setConfigOptions(background="k", foreground="d")  # as in a fresh process
    try:
        pane = open_window(qtbot, sample).panes[0]
        for plot in (pane.plot, pane.stabilo):
            assert plot.backgroundBrush().color().name() == PLOT_BACKGROUND
            assert plot.getAxis("bottom").textPen().color().name() == PLOT_FOREGROUND
            assert plot.plotItem.titleLabel.opts["color"] == PLOT_FOREGROUND
    finally:
        pg.setConfigOptions(**saved)


def test_the_marks_names_follow_a_text_size_change_at_once(qtbot, qapp, sample):
    """Ctrl +/- in any window restyles every plot on screen: the marks' names too, with no
    redraw of the marks and no event loop turn."""
    from balance.gui.style import apply_style, point_sizes
    w = open_window(qtbot, sample)
    labels = [line.label for line in w.panes[0]._marks]
    assert labels
    try:
        apply_style(qapp, 1.6)
        assert {lab.textItem.font().pointSize() for lab in labels} == {point_sizes(1.6)["plot"]}
    finally:
        apply_style(qapp, 1.0)
    assert {lab.textItem.font().pointSize() for lab in labels} == {point_sizes(1.0)["plot"]}
