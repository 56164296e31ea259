"""Yoga over time: cue rate limiting, tracker hysteresis, good-form hold timing."""

import numpy as np
import pytest

from balance.yoga import (CueLimiter, Hold, PoseTracker, YogaHold, analyze_stream,
                          summarize_stream, transitions_between)
from tests.test_yoga_synthetic import pose

FPS = 30.0
NOBODY = np.full((33, 4), np.nan)


def stream(*parts, seed=0):
    """Concatenate (landmarks, seconds) parts at 30 fps with 0.3 % landmark jitter."""
    rng = np.random.default_rng(seed)
    frames = []
    for landmarks, seconds in parts:
        for _ in range(int(round(seconds * FPS))):
            noisy = landmarks.copy()
            noisy[:, :2] += rng.normal(0.0, 0.003, size=(33, 2))
            frames.append(noisy)
    frames = np.array(frames)
    return np.arange(len(frames)) / FPS, frames


def run(tracker, t, frames):
    return [tracker.update(ti, f) for ti, f in zip(t, frames)]


# --- CueLimiter --------------------------------------------------------------------------

def feed(limiter, schedule, dt=0.1):
    """schedule: list of (seconds, cues); returns [(t, shown, changed)] per step."""
    out, k = [], 0
    for seconds, cues in schedule:
        for _ in range(int(round(seconds / dt))):
            t = round(k * dt, 9)
            out.append((t, limiter.update(t, cues), limiter.changed))
            k += 1
    return out


def test_a_brief_cue_never_shows():
    shown = feed(CueLimiter(persist_s=0.7), [(0.5, ["Level your hips."]), (3.0, [])])
    assert all(s is None for _, s, _ in shown)


def test_a_steady_cue_shows_after_persisting_and_is_held():
    limiter = CueLimiter(persist_s=0.7, hold_s=2.5)
    shown = feed(limiter, [(1.0, ["Level your hips."]), (4.0, [])])
    on = [t for t, s, _ in shown if s == "Level your hips."]
    assert on[0] == pytest.approx(0.7)
    # The fault went away at 1.0 s, the cue stays until 0.7 + 2.5 s, then goes.
    assert on[-1] == pytest.approx(3.1) and shown[-1][1] is None
    assert [t for t, _, changed in shown if changed] == [pytest.approx(0.7)]


def test_flickering_faults_give_one_steady_cue():
    limiter = CueLimiter(min_interval_s=3.0, hold_s=1.0, persist_s=0.3)
    a, b = "Straighten your standing leg.", "Level your hips."
    shown = [limiter.update(k * 0.1, [a] if k % 2 else [b]) for k in range(200)]
    # Each fault flickers every 0.1 s for 20 s: the first to persist shows and stays.
    changes = [k for k in range(1, len(shown)) if shown[k] != shown[k - 1]]
    assert len(changes) == 1 and shown[-1] in (a, b)


def test_new_cues_wait_for_the_minimum_interval():
    limiter = CueLimiter(min_interval_s=3.0, hold_s=0.5, persist_s=0.0, repeat_after_s=0.0)
    a, b = "Straighten your standing leg.", "Level your hips."
    shown = feed(limiter, [(1.0, [a]), (5.0, [b])])
    appear = [(t, s) for t, s, changed in shown if changed]
    # a shows at once; it goes at 1.0 s when fixed; b may only appear 3 s after that.
    assert appear == [(0.0, a), (4.0, b)]


def test_a_withdrawn_cue_rests_before_returning():
    limiter = CueLimiter(min_interval_s=0.0, hold_s=1.0, persist_s=0.0, repeat_after_s=6.0)
    cue = ["Straighten your standing leg."]
    shown = feed(limiter, [(1.5, cue), (0.5, []), (3.0, cue), (5.0, cue)])
    appear = [t for t, _, changed in shown if changed]
    assert appear[0] == 0.0
    assert appear[1] == pytest.approx(1.5 + 6.0)  # withdrawn at 1.5 s, rests 6 s


def test_the_most_important_cue_wins_and_stays_while_its_fault_lasts():
    limiter = CueLimiter(min_interval_s=0.0, hold_s=0.5, persist_s=0.0)
    a, b = "Straighten your standing leg.", "Level your hips."
    shown = feed(limiter, [(2.0, [a, b]), (2.0, [b, a])])
    assert {s for _, s, _ in shown} == {a}  # fix one thing at a time


# --- PoseTracker -------------------------------------------------------------------------

def test_a_brief_misdetection_does_not_break_the_pose():
    t, frames = stream((pose("tree"), 2.0), (NOBODY, 0.4), (pose("warrior_2"), 0.3),
                       (pose("tree"), 2.0))
    tracker = PoseTracker(enter_s=0.5, exit_s=1.0)
    states = run(tracker, t, frames)
    assert [s.t_s for s in states if s.changed] == [pytest.approx(0.5)]
    assert {s.pose for s in states[15:]} == {"tree"}
    segments = tracker.finish()
    assert len(segments) == 1
    assert segments[0].start_s == 0.0 and segments[0].end_s == pytest.approx(t[-1])
    # Bridged frames are reported as unsupported, recognised ones as supported.
    assert not states[int(2.1 * FPS)].supported and states[int(1.5 * FPS)].supported


def test_a_new_pose_takes_over_after_the_enter_time():
    t, frames = stream((pose("mountain"), 2.0), (pose("warrior_2"), 3.0))
    tracker = PoseTracker(enter_s=0.5, exit_s=1.0)
    states = run(tracker, t, frames)
    switch = next(s for s in states if s.changed and s.pose == "warrior_2")
    assert switch.t_s == pytest.approx(2.5) and switch.since_s == pytest.approx(2.0)
    mountain, warrior = tracker.finish()
    assert (mountain.pose, warrior.pose, warrior.side) == ("mountain", "warrior_2", "left")
    assert mountain.end_s == pytest.approx(2.0 - 1 / FPS)
    assert warrior.start_s == pytest.approx(2.0)


def test_a_long_absence_ends_the_pose():
    t, frames = stream((pose("tree"), 2.0), (NOBODY, 1.5), (pose("tree"), 2.0))
    tracker = PoseTracker(enter_s=0.5, exit_s=1.0)
    run(tracker, t, frames)
    first, second = tracker.finish()
    assert first.end_s == pytest.approx(2.0 - 1 / FPS)
    assert second.start_s == pytest.approx(3.5)


def test_sitting_down_on_the_floor_ends_a_chair_at_once():
    sitting = pose("chair", stand=(-90, -90), free=(-90, -90))  # legs out on the floor
    t, frames = stream((pose("chair"), 2.0), (sitting, 3.0))
    tracker = PoseTracker(enter_s=0.5, exit_s=1.0, keep_fit=0.1)
    states = run(tracker, t, frames)
    assert states[-1].frame.fits["chair"] == 0.0
    (chair,) = tracker.finish()
    assert chair.end_s == pytest.approx(2.0 - 1 / FPS)


def test_a_side_change_is_a_new_pose():
    t, frames = stream((pose("tree"), 2.0), (pose("tree", standing="right"), 2.0))
    tracker = PoseTracker()
    run(tracker, t, frames)
    assert [(s.pose, s.side) for s in tracker.finish()] == [("tree", "left"), ("tree", "right")]


# --- YogaHold and summaries ---------------------------------------------------------------

def test_hold_counts_only_good_form():
    bent = pose("tree", stand=(20, -25))  # still a tree, but the standing knee bends 45 deg
    t, frames = stream((pose("tree"), 3.0), (bent, 2.0), (pose("tree"), 3.0))
    hold = YogaHold(form_grace_s=0.5)
    states = [hold.update(ti, f) for ti, f in zip(t, frames)]
    (h,) = hold.finish()
    assert (h.pose, h.side, h.start_s) == ("tree", "left", 0.0)
    assert h.end_s == pytest.approx(t[-1])
    # 8 s of tree, 2 s of it bent: the first 0.5 s of the lapse is forgiven.
    assert h.duration_s == pytest.approx(6.5, abs=0.1)
    lapse = states[int(4.0 * FPS)]
    assert lapse.pose == "tree" and not lapse.counting
    assert lapse.cues[0] == "Straighten your standing leg."


def test_a_short_form_lapse_does_not_stop_the_clock():
    bent = pose("tree", stand=(20, -25))
    t, frames = stream((pose("tree"), 2.0), (bent, 0.3), (pose("tree"), 2.0))
    (h,) = analyze_stream(t, frames).holds
    assert h.duration_s == pytest.approx(t[-1], abs=0.05)


def test_target_pose_counts_alone_and_best_holds_are_per_side():
    t, frames = stream((pose("tree"), 2.0), (pose("warrior_2"), 2.0),
                       (pose("tree", standing="right"), 4.0), (NOBODY, 2.0),
                       (pose("tree"), 3.0))
    hold = YogaHold(target="tree")
    for ti, f in zip(t, frames):
        hold.update(ti, f)
    holds = hold.finish()
    assert [(h.pose, h.side) for h in holds] == [("tree", "left"), ("tree", "right"),
                                                 ("tree", "left")]
    best = hold.best_holds()
    assert set(best) == {("tree", "left"), ("tree", "right")}
    assert best[("tree", "left")].duration_s == pytest.approx(3.0, abs=0.1)
    assert best[("tree", "right")].duration_s == pytest.approx(4.0, abs=0.1)


def test_summarize_stream_reports_poses_held_and_transitions():
    t, frames = stream((pose("mountain"), 3.0), (NOBODY, 0.5), (pose("warrior_2"), 5.0),
                       (pose("chair"), 0.4))  # too short to be confirmed
    holds = summarize_stream(t, frames)
    assert all(isinstance(h, Hold) for h in holds)
    assert [(h.pose, h.side) for h in holds] == [("mountain", None), ("warrior_2", "left")]
    mountain, warrior = holds
    assert mountain.duration_s == pytest.approx(3.0, abs=0.1)
    assert warrior.start_s == pytest.approx(3.5)
    (change,) = transitions_between(holds)
    assert (change.from_pose, change.to_pose) == ("mountain", "warrior_2")
    assert change.t_s == pytest.approx(3.5) and change.gap_s == pytest.approx(0.5 + 1 / FPS)


def test_summaries_drop_holds_shorter_than_asked():
    t, frames = stream((pose("tree"), 0.8), (NOBODY, 2.0), (pose("chair"), 3.0))
    assert [h.pose for h in summarize_stream(t, frames, min_duration_s=1.0)] == ["chair"]
    assert [h.pose for h in summarize_stream(t, frames, min_duration_s=0.5)] == ["tree", "chair"]


def test_analyze_stream_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        analyze_stream(np.arange(3.0), np.zeros((4, 33, 4)))
