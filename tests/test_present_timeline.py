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
