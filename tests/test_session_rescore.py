"""One scoring path: a session recorded live scores again to the very result it showed.

The live runs here go through the window's own threads (`ProcessThread`, `CaptureThread`),
with the tester's key pressed and the Stop button used mid-trial; the re-scores go through
`balance score`, `balance import` and `rescore`.
"""

import json
import subprocess
import sys

import pytest

from balance.profile import Profile
from balance.protocols import create
from balance.session.engine import CaptureThread, LatestSlot, ProcessThread
from balance.session.rescore import rescore, score_for_history
from balance.storage.history import History
from balance.storage.session import SessionWriter, new_metadata, read_session
from balance.testing.synthetic import Lift, generate
from tests.helpers import ListFeed


def _live(tmp_path, synth, protocol, *, on_frame=None, name="live"):
    """Run ``protocol`` over ``synth`` through the window's threads into a session file.

    ``on_frame(proc, snapshot)`` runs on the processing thread after each frame, where
    the window's key presses arrive."""
    path = tmp_path / f"{name}.balance"
    writer = SessionWriter(path, new_metadata(source="synthetic", fps=synth.fps,
                                              image_size=synth.image_size,
                                              protocol=protocol.name,
                                              profile=protocol.profile.to_dict()))
    slot, finished = LatestSlot(), []
    proc = ProcessThread(slot, image_size=synth.image_size,
                         on_snapshot=lambda snap: on_frame and on_frame(proc, snap),
                         on_finished=lambda *a: finished.append(a))
    # Twice real time: fast, with room for a busy machine before frames are dropped.
    cap = CaptureThread(ListFeed(synth), slot, realtime=2.0, on_end=proc.source_ended)
    proc.start_test(protocol, writer)
    proc.start()
    cap.start()
    cap.join(60)
    proc.join(60)
    assert not proc.is_alive() and len(finished) == 1
    return path, finished[0]


def _holding(snap, seconds):
    """A trial has been running for ``seconds`` on this frame (a busy machine drops
    frames, so a fixed frame time may fall between trials)."""
    st = snap.status
    return st is not None and st.phase == "running" and st.elapsed_s >= seconds


def _score_cli(path, protocol):
    proc = subprocess.run([sys.executable, "-m", "balance", "score", str(path), "--protocol",
                           protocol, "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _plain(result):
    return json.loads(json.dumps(result))  # as the session file holds it


def _live_mbess_with_the_key(tmp_path, after_s):
    """A live mBESS double-leg trial with the tester's E pressed ``after_s`` into it."""
    s = generate(duration_s=23.0, jitter_px=1.5, seed=9,
                 stances=[(0, "hip_width"), (1, "together")])
    test = create("mbess", Profile(height_cm=170), image_size=s.image_size, fps=s.fps,
                  stances=("double_leg",))
    pressed = []

    def key(proc, snap):
        if _holding(snap, after_s) and not pressed:
            pressed.append(snap.t_s)
            proc.tester_error("eyes_opened")

    return _live(tmp_path, s, test, on_frame=key)


def test_a_live_mbess_with_the_testers_key_scores_the_same_again(tmp_path):
    path, (reason, live_result, _) = _live_mbess_with_the_key(tmp_path, 2.0)
    (trial,) = live_result["trials"]
    assert "eyes_opened" in [e["kind"] for e in trial["errors"]]  # the key counted live
    session = read_session(path)
    assert session.metadata["result"] == _plain(live_result)
    assert _plain(rescore(session).result) == session.metadata["result"]
    assert _score_cli(path, "mbess") == session.metadata["result"]
    # Without the key the same frames score one error fewer: the key is what differs.
    no_keys = rescore(session, "bess").result  # another test: frames only
    assert "eyes_opened" not in [e["kind"] for t in no_keys["trials"] for e in t["errors"]]


def test_a_live_single_leg_stand_stopped_mid_hold_scores_the_same_again(tmp_path):
    s = generate(fps=30.0, duration_s=14.0, seed=4, height_cm=170.0,
                 lifts=(Lift("left", 2.0, 6.0), Lift("left", 8.0, 13.5)))
    test = create("single-leg-stance", Profile(height_cm=170), image_size=s.image_size,
                  fps=s.fps, side="right", cap_s=30.0)

    def stop(proc, snap):
        if snap.status is not None and snap.status.trial == 2 and _holding(snap, 1.5):
            proc.stop_test("discomfort", discomfort=True, by="Stop button")

    path, (reason, live_result, _) = _live(tmp_path, s, test, on_frame=stop)
    assert reason == "discomfort"
    assert [t["side"] for t in live_result["trials"]] == ["right", "right"]
    assert live_result["trials"][-1]["end_reason"] == "discomfort"
    session = read_session(path)
    assert session.metadata["protocol_options"] == {"side": "right", "cap_s": 30.0}
    again = rescore(session)
    assert _plain(again.result) == session.metadata["result"]
    assert again.end_reason == "discomfort"
    assert _score_cli(path, "single-leg-stance") == session.metadata["result"]


def test_import_scores_a_session_without_a_stored_result_through_the_driver(tmp_path):
    path, (_, live_result, _) = _live_mbess_with_the_key(tmp_path, 1.0)
    # The same recording, as a file whose result was never written (a crash at the end).
    recorded = read_session(path)
    meta = {k: v for k, v in recorded.metadata.items() if k not in ("result", "end_reason")}
    bare = tmp_path / "bare.balance"
    with SessionWriter(bare, meta) as w:
        for i in range(len(recorded)):
            w.write_frame(recorded.t[i], recorded.image[i], recorded.world[i],
                          recorded.detected[i])
        for e in recorded.events:
            w.write_event(e)
    with History(tmp_path / "h.sqlite") as h:
        report = h.import_session(bare, scorer=score_for_history)
        assert report.trials == 1
        (row,) = h.trials("guest")
    (trial,) = live_result["trials"]
    assert row.errors == len(trial["errors"]) >= 1


def test_keys_of_files_written_before_the_frame_count_are_placed_by_their_time(tmp_path):
    s = generate(duration_s=23.0, jitter_px=1.5, seed=9,
                 stances=[(0, "hip_width"), (1, "together")])
    meta = new_metadata(source="synthetic", fps=s.fps, image_size=s.image_size,
                        protocol="mbess", protocol_options={"stances": ["double_leg"]},
                        profile=Profile(height_cm=170).to_dict())
    path = tmp_path / "old.balance"
    from balance.events import Event
    with SessionWriter(path, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], True)
        w.write_event(Event(9.0, "tester_key", {"kind": "eyes_opened"}))
    (trial,) = rescore(read_session(path)).result["trials"]
    errors = [e for e in trial["errors"] if e["kind"] == "eyes_opened"]
    assert len(errors) == 1 and errors[0]["t_s"] == pytest.approx(9.0, abs=1 / s.fps)


def test_score_keeps_the_recorded_options_and_adds_the_ones_given(tmp_path):
    s = generate(fps=30.0, duration_s=12.0, seed=5, height_cm=170.0,
                 lifts=(Lift("left", 2.0, 5.0), Lift("right", 7.0, 10.5)))
    from balance.session.recording import Recording
    path = tmp_path / "right.balance"
    test = create("single-leg-stance", Profile(height_cm=170), image_size=s.image_size,
                  fps=s.fps, side="right", cap_s=30.0)
    rec = Recording(test, SessionWriter(path, new_metadata(source="synthetic", fps=s.fps,
                                                           image_size=s.image_size)),
                    to_history=False)
    for i in range(s.t.size):
        rec.feed(float(s.t[i]), s.image[i], s.world[i], True)
    rec.stop("end of recording")
    recorded = _score_cli(path, "single-leg-stance")
    assert [t["side"] for t in recorded["trials"]] == ["right"]  # the side it was recorded with
    proc = subprocess.run([sys.executable, "-m", "balance", "score", str(path), "--protocol",
                           "single-leg-stance", "--side", "left", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert [t["side"] for t in json.loads(proc.stdout)["trials"]] == ["left"]  # asked for
