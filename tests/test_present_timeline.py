"""The replay/report/export timeline: recorded events first, the detector's stance."""

from pathlib import Path

import numpy as np
import pytest

from balance.core import stance as st
from balance.present import timeline
from balance.events import Event
from balance.storage.session import SessionWriter, read_session

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.balance"))


def _truth_stance(session) -> np.ndarray:
    """Stance codes from the generator's lift and touchdown frames (not the detector)."""
    n = len(session)
    up = {"left": np.zeros(n, bool), "right": np.zeros(n, bool)}
    for truth in session.metadata["synthetic"]["truth_frames"]:
        up[truth["side"]][truth["lift_frame"]:truth["touchdown_frame"]] = True
    code = np.full(n, st.BOTH, np.int8)
    code[up["left"] & ~up["right"]] = st.RIGHT
    code[up["right"] & ~up["left"]] = st.LEFT
    return code


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_stance_agrees_with_the_true_lifts_and_touchdowns(path):
    session = read_session(path)
    tl = timeline.build(session)
    truth = _truth_stance(session)
    # Within one frame of each true edge, and equal everywhere else.
    edges = np.flatnonzero(np.diff(truth)) + 1
    near = np.zeros(truth.size, bool)
    for e in edges:
        near[max(e - 1, 0):e + 2] = True
    assert (tl.stance[~near] == truth[~near]).all()
    assert len(np.flatnonzero(np.diff(tl.stance))) == len(edges)
    assert tl.detected_events == bool(edges.size)  # the samples recorded no events


def test_recorded_events_are_shown_and_the_detector_only_gives_the_stance(tmp_path):
    sample = read_session(ROOT / "samples" / "single_leg_stance.balance")
    truth = sample.metadata["synthetic"]["truth_frames"]
    path = tmp_path / "recorded.balance"
    # What a protocol recorded: the first trial only, a frame late (it scored the hold).
    lift = Event(float(sample.t[truth[0]["lift_frame"] + 1]), "foot_lift",
                 {"side": "left", "frame": truth[0]["lift_frame"] + 1})
    down = Event(float(sample.t[truth[0]["touchdown_frame"] + 1]), "touchdown",
                 {"side": "left", "frame": truth[0]["touchdown_frame"] + 1})
    with SessionWriter(path, dict(sample.metadata)) as w:
        for i in range(len(sample)):
            w.write_frame(sample.t[i], sample.image[i], sample.world[i], True)
        w.write_event(lift)
        w.write_event(down)
        w.write_event(Event(1.0, "note", {"text": "started"}))
    tl = timeline.build(read_session(path))
    assert not tl.detected_events
    assert tl.events == [lift, down]
    assert [n.payload["text"] for n in tl.notes] == ["started"]
    assert [(tr.side, tr.start_s, tr.end_s) for tr in tl.trials] == [
        ("right", lift.t_s, down.t_s)]
    # The sway reference still follows both trials the person did.
    assert (tl.stance == st.RIGHT).any() and (tl.stance == st.LEFT).any()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_feet_only_detector_gives_the_full_detectors_stance_and_lifts(path):
    """What a timeline of a session with recorded events runs: the same stance, frame
    for frame, and the same lifts and touchdowns; none of the other rules' events."""
    from balance.core.events import FOOT_LIFT, TOUCHDOWN, detect_events
    s = read_session(path)
    px = timeline._scale(s, 170.0)
    full, full_trace = detect_events(s.t, s.image, s.image_size, px_per_cm=px, world=s.world,
                                     return_trace=True)
    feet, feet_trace = detect_events(s.t, s.image, s.image_size, px_per_cm=px, world=s.world,
                                     return_trace=True, feet_only=True)
    assert (feet_trace.stance == full_trace.stance).all()
    edges = [e for e in full if e.kind in (FOOT_LIFT, TOUCHDOWN)]
    assert [e for e in feet if e.kind in (FOOT_LIFT, TOUCHDOWN)] == edges
    assert bool(edges) == ("single_leg" in path.stem)  # the check had something to check
    assert {e.kind for e in feet} <= {FOOT_LIFT, TOUCHDOWN, "stance_foot_moved"}


def _recorded(tmp_path, s, name="g.balance", trials=None):
    from balance.storage.session import new_metadata
    meta = new_metadata(source="synthetic:test", fps=s.fps, image_size=s.image_size,
                        person_id="ann", height_cm=s.height_cm)
    with SessionWriter(tmp_path / name, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], True)
        if trials is not None:
            w.update_metadata(result={"protocol": "yoga", "trials": trials, "summary": {}})
    return read_session(tmp_path / name)


def test_a_lift_moves_the_sway_trace_no_more_than_the_body_moves(tmp_path):
    """The reference does not switch to the standing foot: at the lift and touchdown the
    trace steps by the centre of mass's own movement, not by half the stance width."""
    from balance.testing.synthetic import Lift, generate
    s = generate(fps=30, duration_s=16.0, lifts=[Lift("left", 4.0, 11.0)], jitter_px=0.0,
                 seed=5)
    tl = timeline.build(_recorded(tmp_path, s))
    (trial,) = tl.trials
    real = np.abs(np.diff(s.com_ml_cm))  # the body's own movement, frame to frame, cm
    shown = np.abs(np.diff(tl.sway_h))
    assert np.nanmax(shown) <= real.max() + 0.3  # + the glide between references
    lift = int(np.searchsorted(tl.t, trial.start_s))
    assert np.nanmax(shown[lift - 3:lift + 3]) <= real[lift - 3:lift + 3].max() + 0.3
    inside = (tl.t >= trial.start_s) & (tl.t <= trial.end_s)
    assert abs(np.median(tl.sway_h[inside])) < 1e-9  # each trial centred on its own median
    # and the trial's sway is the body's: same shape, in cm
    truth = s.com_ml_cm[inside] - s.com_ml_cm[inside].mean()
    assert np.corrcoef(tl.sway_h[inside], truth)[0, 1] > 0.95


def test_a_wide_stance_taken_for_one_leg_reads_as_no_sway(tmp_path):
    """Warrior II on the yoga clip: one foot steps a metre out (and, further from the
    camera, sits higher in the image; the clip's detector called it lifted). A reference
    tied to the feet (the standing foot, or their midpoint) puts the pose tens of cm off
    for its whole hold; the pose's own reference keeps it centred."""
    from balance.pose.landmarks import INDEX
    from balance.testing.synthetic import generate
    s = generate(fps=30, duration_s=12.0, jitter_px=0.0, seed=6)
    w, h = s.image_size
    out = np.clip((s.t - 1.5) / 0.5, 0, 1) * np.clip((10.5 - s.t) / 0.5, 0, 1)  # step out, back
    leg = [INDEX[f"left_{k}"] for k in ("knee", "ankle", "heel", "foot_index")]
    s.image[:, leg, 0] += 100.0 * s.px_per_cm / w * out[:, None] * np.array([0.5, 1, 1, 1])
    s.image[:, leg[1:], 1] -= 12.0 * s.px_per_cm / h * out[:, None]
    trials = [{"trial": 1, "side": "right", "pose": "warrior_2", "hold_time_s": 7.0,
               "start_s": 2.5, "end_s": 9.5}]
    tl = timeline.build(_recorded(tmp_path, s, trials=trials))
    inside = (tl.t >= 2.5) & (tl.t <= 9.5)
    assert abs(np.median(tl.sway_h[inside])) < 1e-9
    assert np.nanmax(np.abs(tl.sway_h[inside])) < 4 * np.std(s.com_ml_cm[inside]) + 0.5
