"""The window's Qt-free parts: one-slot queue, pacing, recording, camera loss, set-up
advice, flow, words, tones, replay, terminal demo (the fakes live in tests/helpers.py)."""

import io
import re
import stat
import sys
import threading
import time
import wave

import cv2
import numpy as np
import pytest

from balance.capture.sources import VideoFileSource
from balance.errors import InputError
from balance.session import engine, flow as F, live, setup_check
from balance.present import messages, tones
from balance.session.engine import CaptureThread, FrameFeed, LatestSlot, ProcessThread
from balance.session.live import open_feed
from balance.session.recording import Recording
from balance.profile import Profile
from balance.storage.export import video_beside
from balance.storage.session import SessionWriter, new_metadata, read_session
from tests.helpers import (SAMPLE, FakeStance, ListFeed, TruthEstimator, balance, fake_factory,
                           person)


# --- the one-slot queue and the threads ------------------------------------------------

def test_latest_slot_keeps_the_newest_and_counts_drops():
    slot = LatestSlot()
    for i in range(5):
        slot.put(i)
    assert slot.get(timeout=0) == 4
    assert slot.dropped == 4
    assert slot.get(timeout=0.01) is None  # empty: times out
    slot.put(9)
    slot.close()
    assert slot.get() == 9 and slot.get() is None  # drained, then closed


def test_a_lossless_slot_waits_for_room_and_lets_go_on_stop():
    slot, got = LatestSlot(lossless=True), []
    stop = threading.Event()
    producer = threading.Thread(target=lambda: [slot.put(i, stop) for i in range(5)])
    producer.start()
    while len(got) < 5:
        item = slot.get(timeout=1)
        assert item is not None
        got.append(item)
        time.sleep(0.01)  # a slow consumer
    producer.join(2)
    assert got == [0, 1, 2, 3, 4] and slot.dropped == 0
    slot.put(5)
    blocked = threading.Thread(target=slot.put, args=(6, stop))
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive()  # no room, and nobody takes: it waits
    stop.set()
    blocked.join(1)
    assert not blocked.is_alive() and slot.get(timeout=0) == 6 and slot.dropped == 1


def test_a_file_is_paced_like_a_camera():
    synth = person(duration_s=1.0)
    slot, ended = LatestSlot(), []
    got = []
    cap = CaptureThread(ListFeed(synth), slot, realtime=2.0, on_end=ended.append)
    start = time.perf_counter()
    cap.start()
    while (item := slot.get(timeout=2)) is not None:
        got.append(item.index)
    elapsed = time.perf_counter() - start
    cap.join(2)
    # 30 frames at 30 fps played twice as fast: the last one is due at 29/30/2 = 0.48 s.
    assert 0.45 <= elapsed < 1.5
    assert ended == ["end of recording"]
    assert got[-1] == 29 and len(got) + slot.dropped == 30


def _run_threads(feed, protocol, writer, *, estimator=None, realtime=1.0,
                 video=None, on_snapshot=None):
    """Capture + processing on ``feed`` with a test started at once; returns what ended.
    ``on_snapshot(snapshot)`` is also called on the processing thread."""
    slot, finished, snaps = LatestSlot(), [], []
    proc = ProcessThread(slot, image_size=feed.size,
                         estimator_factory=(lambda: estimator) if estimator else None,
                         on_snapshot=lambda snap: (snaps.append(snap),
                                                   on_snapshot and on_snapshot(snap)),
                         on_finished=lambda *a: finished.append(a))
    cap = CaptureThread(feed, slot, realtime=realtime, on_end=proc.source_ended)
    proc.start_test(protocol, writer, video)
    proc.start()
    cap.start()
    cap.join(20)
    proc.join(20)
    assert not proc.is_alive()
    return finished, snaps, slot


def test_camera_lost_mid_trial_is_marked_interrupted_and_keeps_the_frames(tmp_path):
    synth = person(duration_s=6.0, lift=(1.0, 5.5))
    feed = ListFeed(synth, live=True, lost_after=75)  # the camera dies at 2.5 s, mid-hold
    proto = FakeStance(Profile(height_cm=170.0), image_size=feed.size, fps=feed.fps)
    path = tmp_path / "lost.balance"
    writer = SessionWriter(path, new_metadata(source="fake", fps=30, image_size=feed.size))
    engine.LOST_AFTER_S, saved = 0.2, engine.LOST_AFTER_S
    try:
        finished, snaps, slot = _run_threads(feed, proto, writer)
    finally:
        engine.LOST_AFTER_S = saved
    assert [f[0] for f in finished] == ["camera lost"]
    s = read_session(path)
    assert s.metadata["interrupted"] is True and s.metadata["end_reason"] == "camera lost"
    assert len(s) + slot.dropped == 75  # every frame that was processed is in the file
    kinds = [e.kind for e in s.events]
    assert kinds == ["trial_start", "trial_end", "interrupted"]
    trial = s.metadata["result"]["trials"][0]
    assert trial["end_reason"] == "camera lost"
    # The trial ends at the last frame the camera delivered, not later.
    assert s.events[1].t_s == s.t[-1] == pytest.approx(74 / 30, abs=0.05)
    assert trial["hold_time_s"] == pytest.approx(s.t[-1] - s.events[0].t_s)
    assert 1.0 < trial["hold_time_s"] < 1.5  # lift seen just after 1.0 s


def test_the_live_chain_hands_the_gil_on_quickly_and_restores_it(tmp_path):
    """While frames cross the threads a waiting one gets the GIL within GIL_SWITCH_S
    (latency: `bench_live`); afterwards the process has its own setting back."""
    synth = person(duration_s=1.0, lift=(0.3, 0.6))
    proto = FakeStance(Profile(height_cm=170.0), image_size=synth.image_size, fps=30.0)
    before, during = sys.getswitchinterval(), []
    _run_threads(ListFeed(synth), proto, None, realtime=0,
                 on_snapshot=lambda snap: during.append(sys.getswitchinterval()))
    assert during and set(during) == {engine.GIL_SWITCH_S} != {before}
    assert sys.getswitchinterval() == before


def test_replay_runs_a_trial_to_its_end_and_records_it(tmp_path):
    synth = person(duration_s=6.0, lift=(2.0, 4.5))
    proto = FakeStance(Profile(height_cm=170.0), image_size=synth.image_size, fps=30.0)
    path = tmp_path / "replay.balance"
    writer = SessionWriter(path, new_metadata(source="fake", fps=30,
                                              image_size=synth.image_size))
    # Four times real time: fast, yet slow enough that frames are rarely dropped.
    finished, snaps, slot = _run_threads(ListFeed(synth), proto, writer, realtime=4.0)
    reason, result, saved = finished[0]
    assert reason == "done" and saved == str(path)
    # Lift at 2.0 s, touchdown at 4.5 s; the fake counts the foot up once it is 6 cm off
    # the floor, which trims ~0.1 s at each end of the smooth lift.
    assert result["trials"][0]["hold_time_s"] == pytest.approx(2.3, abs=0.1)
    ended = [s for s in snaps if s.trial_result is not None]
    assert len(ended) == 1 and ended[0].trial_result["end_reason"] == "touchdown"
    s = read_session(path)
    assert [e.kind for e in s.events] == ["trial_start", "trial_end"]
    assert s.t[0] == 0.0 and s.metadata["end_reason"] == "done"


def test_frames_go_through_the_estimator_and_are_shrunk_for_display(tmp_path):
    synth = person(duration_s=1.0)
    est = TruthEstimator(synth)
    proto = FakeStance(Profile(), image_size=synth.image_size, fps=30.0)
    finished, snaps, _ = _run_threads(ListFeed(synth, frames=True), proto, None,
                                      estimator=est, realtime=0)
    assert est.calls == len(snaps) > 0
    assert snaps[0].display.shape == (180, 320, 4)  # small frames are not enlarged
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[..., 2] = 200  # red in BGR
    big = engine.shrink_for_display(frame, 640)
    assert big.shape == (360, 640, 4) and tuple(big[5, 5]) == (0, 0, 200, 255)  # BGRA
    assert finished[0][0] == "end of recording"


def test_kernels_compile_beside_the_first_frames_not_before_them():
    """The warm-up (seconds with a cold numba cache) runs on its own thread: frames flow
    while it runs, and ``on_warm`` says when it is done."""
    release, warm = threading.Event(), []
    slot, snaps = LatestSlot(), []
    proc = ProcessThread(slot, image_size=(320, 180), on_snapshot=snaps.append,
                         warmup=lambda: release.wait(10), on_warm=warm.append)
    proc.start()
    feed = ListFeed(person(duration_s=1.0))
    cap = CaptureThread(feed, slot, realtime=0, on_end=proc.source_ended)
    cap.start()
    cap.join(10)
    deadline = time.monotonic() + 5
    while not snaps and time.monotonic() < deadline:
        time.sleep(0.01)
    assert snaps and not warm  # frames shown while the warm-up still runs
    release.set()
    proc.join(10)
    deadline = time.monotonic() + 5
    while not warm and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(warm) == 1 and warm[0] >= 0.0


def test_stop_with_discomfort_logs_it_and_ends_the_trial(tmp_path):
    synth = person(duration_s=3.0, lift=(0.5, 2.9))
    proto = FakeStance(Profile(), image_size=synth.image_size, fps=30.0)
    path = tmp_path / "stop.balance"
    writer = SessionWriter(path, new_metadata(source="fake", fps=30,
                                              image_size=synth.image_size))
    rec = Recording(proto, writer)
    for i in range(45):
        rec.feed(10.0 + synth.t[i], synth.image[i], synth.world[i], True)
    rec.stop("discomfort", discomfort=True, by="Esc key")
    rec.stop("stopped")  # a second press changes nothing
    s = read_session(path)
    assert [e.kind for e in s.events] == ["trial_start", "discomfort", "trial_end"]
    assert s.events[1].payload == {"by": "Esc key"}
    assert s.t[0] == 0.0 and s.t[-1] == pytest.approx(44 / 30)  # rebased to the start
    assert s.metadata["result"]["trials"][0]["end_reason"] == "discomfort"


# Frame i of a numbered clip is one flat colour that says i: blue 20 (i % 12) + 10, green
# 20 (i // 12) + 10. Steps of 20 levels outlast two lossy encodings (MJPG, then MJPG again).
def _numbered_clip(path, n, fps, size=(160, 96)):
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(n):
        colour = (20 * (i % 12) + 10, 20 * (i // 12) + 10, 0)
        out.write(np.full((size[1], size[0], 3), colour, np.uint8))
    out.release()
    return path


def _frame_numbers(path) -> list[int]:
    """Which numbered-clip frame each frame of a video is, read back as a player would."""
    cap, numbers = cv2.VideoCapture(str(path)), []
    while (got := cap.read())[0]:
        b, g = np.median(got[1][..., :2].reshape(-1, 2), axis=0)
        numbers.append(round((b - 10) / 20) + 12 * round((g - 10) / 20))
    cap.release()
    return numbers


@pytest.mark.parametrize("keep", [True, False])
def test_a_live_recording_keeps_its_camera_video_frame_for_frame_if_chosen(tmp_path, keep):
    """A video file played as if live, a trial that ends before the file does: the video
    beside the session has exactly the session's frames, each the right picture, and is
    the owner's only; without the choice there is no video at all."""
    synth = person(duration_s=4.0, lift=(1.0, 2.5))
    feed = FrameFeed(VideoFileSource(_numbered_clip(tmp_path / "clip.avi", len(synth.t),
                                                    synth.fps)))
    path = tmp_path / "live.balance"
    writer = SessionWriter(path, new_metadata(source="clip", fps=feed.fps,
                                              image_size=feed.size))
    proto = FakeStance(Profile(), image_size=feed.size, fps=feed.fps)
    estimator = TruthEstimator(synth)
    estimator.detect(None, 0.0)  # its first call imports MediaPipe: not mid-trial
    finished, _, _ = _run_threads(feed, proto, writer, estimator=estimator, realtime=4.0,
                                  video=live.session_video(feed, path, keep))
    assert finished[0][0] == "done"
    s = read_session(path)
    if not keep:
        assert video_beside(path) is None and not path.with_suffix(".avi").exists()
        return
    assert video_beside(path) == path.with_suffix(".avi")  # where the replay window looks
    assert path.with_suffix(".avi").stat().st_mode & 0o777 == 0o600
    numbers = _frame_numbers(path.with_suffix(".avi"))
    # The trial ended at the touchdown (~2.5 s): nothing after it went to either file.
    assert 30 < len(s) < len(synth.t) and len(numbers) == len(s)
    # Video frame k is session frame k's picture, frames dropped by the queue included.
    assert np.array_equal(np.subtract(numbers, numbers[0]), np.round(s.t * feed.fps))


def test_a_replayed_session_has_no_camera_video_to_keep(tmp_path):
    assert live.session_video(open_feed(SAMPLE), tmp_path / "r.balance", True) is None
    assert not (tmp_path / "r.avi").exists()


def test_a_video_that_cannot_be_written_is_an_os_error_and_leaves_no_file(tmp_path):
    from balance.session import pipeline
    with pytest.raises(OSError, match="cannot write the video"):
        pipeline.open_session_video(tmp_path / "s.balance", 30.0, (0, 0))
    assert not (tmp_path / "s.avi").exists()


# --- camera set-up advice ---------------------------------------------------------------

SIZE = (1280, 720)  # the generated person's camera: 16:9


def _standing():
    s = person(duration_s=0.2, lift=(5, 6))
    assert s.image_size == SIZE
    return s.image[0].copy()


def test_setup_accepts_a_well_framed_person_and_explains_what_is_wrong():
    lm = _standing()
    assert setup_check.assess(lm, True, image_size=SIZE, brightness=120).ok
    assert "cannot see you" in setup_check.assess(None, False, image_size=SIZE).advice[0]
    left = lm.copy()
    left[:, 0] -= 0.3  # standing on the image's left = the person's right
    assert setup_check.assess(left, True, image_size=SIZE).advice == (
        "Move a step to your left, towards the middle of the picture.",)
    small = lm.copy()
    small[:, :2] = 0.5 + (small[:, :2] - 0.5) * 0.4
    assert "closer" in setup_check.assess(small, True, image_size=SIZE).advice[0]
    low = lm.copy()
    low[:, 1] += 0.15  # feet below the bottom edge
    assert "feet" in setup_check.assess(low, True, image_size=SIZE).advice[0]
    side_on = lm.copy()
    side_on[[11, 12], 0] = lm[[11, 12], 0].mean()  # shoulders one behind the other
    assert setup_check.assess(side_on, True, image_size=SIZE).advice[0].startswith("Turn to face the camera")
    dark = setup_check.assess(lm, True, image_size=SIZE, brightness=20)
    assert not dark.ok and "dark" in dark.advice[0]


def test_facing_is_judged_in_pixels_not_in_normalised_units():
    """On a 16:9 picture a front-facing person's shoulders (0.7 of the torso in pixels)
    read as only 0.4 of it in normalised units, which once kept Start greyed for ever."""
    lm = _standing()
    mid_hip = lm[[23, 24], :2].mean(axis=0)
    torso_px = 180.0  # shoulders 180 px above the hips, 126 px apart: facing the camera
    for k, side in ((11, -1), (12, 1)):
        lm[k, 0] = mid_hip[0] + side * 63.0 / SIZE[0]
        lm[k, 1] = mid_hip[1] - torso_px / SIZE[1]
    width_n = abs(lm[11, 0] - lm[12, 0])
    assert width_n / (torso_px / SIZE[1]) < setup_check.MIN_FACING  # the old reading
    advice = setup_check.assess(lm, True, image_size=SIZE).advice
    assert not any(a.startswith("Turn to face") for a in advice)
    side_on = lm.copy()
    side_on[[11, 12], 0] = mid_hip[0] + np.array([-10.0, 10.0]) / SIZE[0]  # 20 px: side on
    assert setup_check.assess(side_on, True, image_size=SIZE).advice[0].startswith("Turn")


def test_setup_gate_needs_a_run_of_good_frames():
    gate = setup_check.SetupGate(needed=3)
    good, bad = setup_check.SetupReport(True, ()), setup_check.SetupReport(False, ("x",))
    assert [gate.update(r) for r in (good, good, bad, good, good, good)] == \
        [False, False, False, False, False, True]
    gate.reset()
    assert not gate.ready and gate.update(good) is False


# --- flow, words, tones ----------------------------------------------------------------

def test_flow_order_checklist_setup_test_rest():
    f = F.Flow(rest_s=30)
    assert not f.start(0)
    f.checklist_done()
    assert f.state == F.SETUP and not f.can_start(0)
    f.camera(True)
    assert f.start(1.0) and f.state == F.TESTING
    f.ended("done", 10.0)
    assert f.state == F.REST and f.rest_left(20.0) == 20.0 and not f.can_start(20.0)
    assert f.state == F.REST
    f.tick(40.0)
    assert f.state == F.SETUP  # the camera must be checked again after a rest


def test_flow_rests_between_trials_and_stops_at_the_end_of_the_feed():
    f = F.Flow(checklist=False, rest_s=30, trial_rest_s=20)
    f.camera(True)
    assert f.start(0.0)
    f.trial_ended(5.0)
    assert f.rest_left(9.0) == 16.0 and messages.waiting_words(f, 9.0) == (
        "Rest 16 s. Hold on to your support.", "Rest 16 s")
    f.trial_started()
    assert f.rest_left(9.0) == 0.0 and messages.waiting_words(f, 9.0) == ("", messages.START)
    f.ended("done", 10.0)
    f.source_ended("end of recording")
    # The feed is over: its words win over the rest, and nothing starts after the rest.
    assert messages.waiting_words(f, 12.0)[0] == messages.source_end_text("end of recording", messages.CHOOSE_SOURCE)
    f.tick(41.0)
    f.camera(True)
    assert f.state == F.READY and not f.can_start(41.0)
    f.new_source()  # a new camera: its view is checked before a test
    assert f.state == F.SETUP and f.source_end is None
    f.camera(True)
    assert f.can_start(42.0)


def test_result_text_has_norms_reminders_and_reason():
    result = {"protocol": "single-leg-stance", "summary": {},
              "trials": [{"trial": 1, "side": "left", "hold_time_s": 12.04,
                          "end_reason": "touchdown", "score": 71.6,
                          "metrics": {"mean_velocity_ml": 2.345, "rms_ml": 0.61},
                          "errors": [{"kind": "hands_off_hips"}]},
                         {"side": "right", "hold_time_s": 18.5, "end_reason": "cap",
                          "metrics": {}, "errors": []}]}
    text = messages.result_text(result, Profile(birth_year=time.localtime().tm_year - 72))
    assert "Trial 1 (left leg): held 12.0 s, touchdown\nerrors: 1\n" in text
    assert ("stability score: 72 / 100\nside-to-side sway speed: 2.3 cm/s\n"
            "side-to-side sway (RMS): 0.6 cm") in text
    assert "Trial (right leg): held 18.5 s, cap" in text
    assert "Best hold: 18.5 s" in text
    assert "below age 72 mean, eyes open (21.5 s, Springer 2007)" in text
    assert "at or above age 72 meta-analysis mean (17.2 s, Bohannon 2006)" in text
    assert "at or above fall-risk line (5 s, Vellas 1997)" in text
    assert messages.FEET_REMINDER in text and "slowly" in text
    lost = messages.result_text(result, Profile(), reason="camera lost")
    assert lost.startswith(messages.CAMERA_LOST) and "age" not in lost


def test_result_text_uses_the_protocols_own_per_side_norms():
    result = {"protocol": "single-leg-stance", "trials": [],
              "summary": {"best_hold_s": {"left": 12.0, "right": None}, "cap_s": 45.0,
                          "norms": {"left": [{"label": "fall-risk line", "reference_s": 5.0,
                                              "below": False, "source": "Vellas 1997"}]}}}
    text = messages.result_text(result, Profile())
    assert "Best hold: left leg 12.0 s\n" in text
    assert "left leg: at or above fall-risk line (5 s, Vellas 1997)" in text


def test_clock():
    assert messages.clock(3.04) == " 3.0" and messages.clock(75) == "1:15"
    assert messages.clock(None) == "--" and messages.clock(float("nan")) == "--"


def test_tones_are_valid_short_wavs(tmp_path):
    paths = tones.write_cues(tmp_path)
    assert set(paths) == {"start", "stop", "hold", "tick"}
    with wave.open(io.BytesIO(paths["start"].read_bytes())) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, tones.RATE)
        assert w.getnframes() == int(tones.RATE * 0.12) + int(tones.RATE * 0.04) \
            + int(tones.RATE * 0.18)
    s = tones.tone([(440, 0.1)])
    assert abs(int(s[0])) < 50 and np.abs(s).max() > 10000  # faded in, then loud enough


def test_tones_are_owner_only_and_never_written_over_a_file(tmp_path):
    folder = tmp_path / "cues"
    paths = tones.write_cues(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths.values()} == {0o600}
    other = tmp_path / "theirs"
    other.mkdir()
    (other / "tick.wav").write_bytes(b"someone's recording")
    with pytest.raises(InputError, match="tick.wav"):
        tones.write_cues(other)
    assert (other / "tick.wav").read_bytes() == b"someone's recording"
    assert [p.name for p in other.iterdir()] == ["tick.wav"]  # no other cue written


# --- replay and terminal demo ------------------------------------------------------------

def test_replay_feed_plays_the_bundled_sample():
    feed = open_feed(SAMPLE)
    assert (len(feed), feed.fps, feed.size) == (1200, 30.0, (1280, 720))
    first = feed.next()
    assert first.frame is None and first.pose[0].shape == (33, 4) and first.t_s == 0.0


def test_replay_of_a_non_session_is_an_input_error(tmp_path):
    from balance.errors import InputError
    bad = tmp_path / "x.balance"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a balance session"):
        open_feed(bad)


def test_terminal_replay_prints_what_the_test_measures(monkeypatch):
    from balance.session import live
    from balance.present import terminal
    monkeypatch.setattr(live, "create_protocol", fake_factory)
    lines = []
    assert terminal.replay_in_terminal(open_feed(SAMPLE), "single-leg-stance",
                                       out=lines.append) == 0
    text = "\n".join(lines)
    assert "1200 frames at 30 fps" in text and "170 cm" in text
    assert "event: trial_start" in text and "event: trial_end" in text
    # The sample lifts the left foot from 4.0 s to 16.0 s: a 12 s hold (the fake sees
    # the foot up once it is 6 cm off the floor, a little after it leaves).
    best = float(re.search(r"Best hold: ([0-9.]+) s", text).group(1))
    assert best == pytest.approx(12.0, abs=0.4)
    assert messages.FEET_REMINDER in text


# --- the commands -----------------------------------------------------------------------

def _balance(*args, env=None):
    return balance(*args, env=env, headless=True)


def test_live_without_a_screen_is_a_one_line_error():
    proc = _balance("live", "--source", SAMPLE)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: balance live needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
        "`balance demo` replays a session in the terminal instead"]


def test_demo_of_a_missing_or_foreign_session_is_a_one_line_error(tmp_path):
    proc = _balance("demo", tmp_path / "gone.balance")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")
    assert "no such session file" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "text.balance").write_text("not a session")
    proc = _balance("demo", tmp_path / "text.balance", "--terminal")
    assert proc.returncode == 2 and "not a balance session" in proc.stderr


def test_live_rejects_an_impossible_profile_before_opening_anything():
    proc = _balance("live", "--height", "20", env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: argument --height: ") and "50 and 250 cm" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_demo_without_a_screen_replays_in_the_terminal():
    proc = _balance("demo")
    assert proc.returncode == 0, proc.stderr
    assert "no screen found: replaying in the terminal" in proc.stdout
    assert "Best hold:" in proc.stdout and messages.FEET_REMINDER in proc.stdout


def test_a_failing_protocol_is_reported_and_the_frames_are_kept(tmp_path):
    class Broken(FakeStance):
        def update(self, frame):
            if frame.index >= 20:  # >=: a dropped frame 20 must not hide the failure
                raise ZeroDivisionError("boom")
            return super().update(frame)

    synth = person(duration_s=2.0)
    path = tmp_path / "broken.balance"
    writer = SessionWriter(path, new_metadata(source="fake", fps=30,
                                              image_size=synth.image_size))
    slot, errors, finished = LatestSlot(), [], []
    proc = ProcessThread(slot, image_size=synth.image_size, on_error=errors.append,
                         on_finished=lambda *a: finished.append(a))
    proc.start_test(Broken(Profile(), image_size=synth.image_size, fps=30.0), writer)
    proc.start()
    feed = ListFeed(synth)
    for _ in range(30):
        slot.put(feed.next())
        time.sleep(0.005)
    proc.join(5)
    assert errors == ["ZeroDivisionError: boom"] and not proc.is_alive()
    assert finished[0][0] == "error"
    s = read_session(path)
    assert s.metadata["end_reason"] == "error"
    assert len(s) > 1 and s.t[-1] >= 19 / 30 - 1e-9  # kept, up to the failing frame


def test_demo_window_replays_the_sample_and_exits_when_done(tmp_path):
    """`balance demo` end to end: the real window (offscreen), the real protocol."""
    out = tmp_path / "demo.balance"
    proc = _balance("demo", "--exit-when-done", "--speed", "2", "--out", out, "--timing",
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert "start-up: first frame on screen" in proc.stderr
    s = read_session(out)
    # Played "as if live": a busy machine may drop a few frames, never many.
    assert 1000 <= len(s) <= 1200 and s.metadata["end_reason"] == "end of recording"
    # The sample lifts the left foot 4-16 s (standing on the right leg), then the right
    # foot 22-31 s: 12 s and 9 s holds.
    holds = [(t["side"], t["hold_time_s"]) for t in s.metadata["result"]["trials"]]
    assert [side for side, _ in holds] == ["right", "left"]
    assert [h for _, h in holds] == pytest.approx([12.0, 9.0], abs=0.15)


def test_an_unknown_test_is_a_one_line_error_before_any_window():
    proc = _balance("demo", "--protocol", "moonwalk", env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "moonwalk" in proc.stderr
    proc = _balance("live", "--source", SAMPLE, "--protocol", "moonwalk",
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 2 and "moonwalk" in proc.stderr


def test_the_side_picker_reaches_the_tests_that_have_a_side():
    from balance.session import live
    make = lambda name, side: live.create_protocol(  # noqa: E731
        name, Profile(height_cm=170.0), image_size=(1280, 720), fps=30.0, side=side)
    assert make("single-leg-stance", "right").sides == ("right",)
    assert make("single-leg-stance", "none").sides == ("left", "right")
    assert make("four-stage", "left").name == "four-stage"  # no side: its own order


def test_the_testers_key_reaches_bess_and_the_session(tmp_path):
    from balance.protocols import create
    from balance.testing.synthetic import generate
    s = generate(duration_s=23.0, jitter_px=1.5, seed=9, stances=[(0, "hip_width"), (1, "together")])
    proto = create("mbess", Profile(height_cm=170), image_size=s.image_size, fps=s.fps,
                   stances=("double_leg",))
    path = tmp_path / "bess.balance"
    rec = Recording(proto, SessionWriter(path, new_metadata(source="synthetic", fps=s.fps,
                                                            image_size=s.image_size)))
    for i in range(s.t.size):
        rec.feed(s.t[i], s.image[i], s.world[i], True)
        if i == int(8.0 * s.fps):
            assert rec.tester_error("eyes_opened")
    rec.finish("done")
    session = read_session(path)
    (trial,) = session.metadata["result"]["trials"]
    assert [e["kind"] for e in trial["errors"]] == ["eyes_opened"]
    assert trial["errors"][0]["t_s"] == pytest.approx(8.0, abs=0.05)
    assert "tester_key" in [e.kind for e in session.events]
    assert not Recording(FakeStance(Profile(), image_size=s.image_size, fps=30.0),
                         None).tester_error("eyes_opened")  # a test without the key


def test_a_finished_recording_reaches_the_history(tmp_path):
    from balance.storage.history import History
    synth = person(duration_s=3.0, lift=(0.5, 2.0))
    path = tmp_path / "h.balance"
    rec = Recording(FakeStance(Profile(), image_size=synth.image_size, fps=30.0),
                    SessionWriter(path, new_metadata(source="fake", fps=30,
                                                     image_size=synth.image_size)))
    for i in range(60):
        rec.feed(synth.t[i], synth.image[i], synth.world[i], True)
    rec.finish("done")
    assert rec.history_problem is None
    with History() as h:
        assert h.session_by_file(path) is not None


def test_a_new_sessions_folder_is_private_and_names_never_clash(tmp_path):
    from balance.session.engine import default_session_path
    folder = tmp_path / "new" / "sessions"
    first = default_session_path(folder, "practice")
    first.write_bytes(b"x")
    second = default_session_path(folder, "practice")
    assert folder.stat().st_mode & 0o077 == 0
    assert second != first and second.name.startswith(first.stem)


def test_the_capture_thread_readies_each_frame_so_the_pose_thread_only_infers():
    """Colour conversion and the screen's picture are made on the capture thread; the
    pose thread hands the model the RGB frame and the window the picture, as they are."""
    synth = person(duration_s=1.0)
    rng = np.random.default_rng(1)

    class Pictures(ListFeed):
        def next(self):
            item = super().next()
            if item is not None:
                item.frame = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
            return item

    seen, shown = [], []

    class Recorder(TruthEstimator):
        def detect(self, frame_bgr, t_s, rgb=None):
            seen.append((frame_bgr, rgb))
            return super().detect(frame_bgr, t_s, rgb)

    slot = LatestSlot()
    proc = ProcessThread(slot, image_size=synth.image_size,
                         estimator_factory=lambda: Recorder(synth), on_snapshot=shown.append)
    cap = CaptureThread(Pictures(synth, frames=True), slot, realtime=1.0,
                        on_end=proc.source_ended)
    cap.display_width = 320
    proc.start()
    cap.start()
    cap.join(30)
    proc.join(30)
    assert seen and len(shown) == len(seen)
    for frame, rgb in seen:
        np.testing.assert_array_equal(rgb, frame[..., ::-1])  # BGR -> RGB
        assert rgb.flags.c_contiguous
    assert {s.display.shape for s in shown} == {(180, 320, 4)}  # shrunk to the width, BGRA
    assert set(cap.stats.stages) == {"read", "prepare"}


# --- the pose thread: inference beside scoring -------------------------------------------

class Clocked(TruthEstimator):
    """Spends ``ms`` in each detect, as MediaPipe does, without the GIL (a sleep), and
    notes when each call ran."""

    def __init__(self, synth, ms, spans, fail_at=None):
        super().__init__(synth)
        self.ms, self.spans, self.fail_at = ms, spans, fail_at

    def detect(self, frame_bgr, t_s, rgb=None):
        if self.fail_at is not None and t_s >= self.fail_at:
            raise RuntimeError("model crashed")
        t0 = time.perf_counter()
        time.sleep(self.ms / 1e3)
        self.spans.append((t0, time.perf_counter()))
        return super().detect(frame_bgr, t_s, rgb)


def _pose_run(synth, estimator_factory, protocol, writer=None):
    """Every frame (a lossless slot) through capture, pose and processing threads."""
    slot, finished, errors, snaps = LatestSlot(lossless=True), [], [], []
    proc = ProcessThread(slot, image_size=synth.image_size, estimator_factory=estimator_factory,
                         on_snapshot=snaps.append, on_error=errors.append,
                         on_finished=lambda *a: finished.append(a))
    cap = CaptureThread(ListFeed(synth, frames=True), slot, realtime=0,
                        on_end=proc.source_ended)
    proc.start_test(protocol, writer)
    proc.start()
    cap.start()
    proc.join(30)
    cap.stop()
    cap.join(5)
    assert not proc.is_alive()
    return finished, errors, snaps


def test_the_next_frame_is_inferred_while_this_one_is_scored():
    """The live chain's two slow steps overlap: a frame's time is the slower of them,
    not their sum (issue 18). Serial, no inference could start inside an update."""
    synth, detects, updates = person(duration_s=1.0), [], []

    class Slow(FakeStance):
        def update(self, frame):
            t0 = time.perf_counter()
            time.sleep(0.02)
            updates.append((t0, time.perf_counter()))
            return super().update(frame)

    protocol = Slow(Profile(), image_size=synth.image_size, fps=synth.fps)
    finished, errors, snaps = _pose_run(synth, lambda: Clocked(synth, 20, detects), protocol)
    assert errors == [] and finished[0][0] == "end of recording"
    assert [s.index for s in snaps] == list(range(len(synth.t)))  # each frame once, in order
    assert all(s.inference_ms == 1.0 for s in snaps)  # the estimator's own figure
    overlapped = sum(any(d0 < u1 and u0 < d1 for d0, d1 in detects) for u0, u1 in updates)
    assert overlapped >= 0.8 * len(updates), (overlapped, len(updates))


@pytest.mark.parametrize("fail_at", [0.0, 0.5])
def test_a_failing_model_is_reported_and_the_recording_kept(tmp_path, fail_at):
    """At load (the first detect) or mid-test: the window hears why, the test ends with
    an error, and the frames scored before it are in the file."""
    synth = person(duration_s=1.0)
    path = tmp_path / "s.balance"
    writer = SessionWriter(path, new_metadata(source="fake", fps=30, image_size=synth.image_size))
    protocol = FakeStance(Profile(), image_size=synth.image_size, fps=synth.fps)
    def slow_to_load():  # the first frame waits for the model, then fails at once
        time.sleep(0.2)
        return Clocked(synth, 0, [], fail_at=fail_at)
    finished, errors, snaps = _pose_run(synth, slow_to_load, protocol, writer)
    assert errors == ["RuntimeError: model crashed"]
    assert finished[0][0] == "error" and read_session(path).metadata["end_reason"] == "error"
    assert len(snaps) == round(fail_at * synth.fps)


def test_a_model_that_cannot_load_is_reported_before_any_frame():
    synth = person(duration_s=0.5)

    def missing():
        raise FileNotFoundError("pose_landmarker.task")
    protocol = FakeStance(Profile(), image_size=synth.image_size, fps=synth.fps)
    slot, errors, ready = LatestSlot(), [], []
    proc = ProcessThread(slot, image_size=synth.image_size, estimator_factory=missing,
                         on_error=errors.append, on_ready=lambda: ready.append(1))
    proc.start_test(protocol, None)
    proc.start()
    proc.join(5)
    assert not proc.is_alive() and errors == ["FileNotFoundError: pose_landmarker.task"]
    assert ready == []  # capture is never started
