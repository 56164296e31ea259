"""Events on generated sessions with known truth: lifts to the frame, and the rest."""

import numpy as np
import pytest

from balance.core import Event, detect_events, jit
from balance.core import events as ev
from balance.core import stance
from balance.errors import InputError
from balance.pose.landmarks import INDEX
from balance.testing.synthetic import generate

JITTER_PX = 1.5  # MediaPipe's frame-to-frame landmark noise on a still 720p person: 1-2 px
FOOT = {s: [INDEX[f"{s}_{p}"] for p in ("ankle", "heel", "foot_index")]
        for s in ("left", "right")}


def _kinds(events, kind):
    return [e for e in events if e.kind == kind]


def _shift(session, names_or_idx, frames, dx_cm=0.0, dy_cm=0.0):
    """Move landmarks by (dx, dy) cm (y up) over ``frames``: a change the generator
    cannot make, applied in image units."""
    idx = [INDEX[n] if isinstance(n, str) else n for n in names_or_idx]
    w, h = session.image_size
    img = session.image
    for i in idx:
        img[frames, i, 0] += dx_cm * session.px_per_cm / w
        img[frames, i, 1] -= dy_cm * session.px_per_cm / h


@pytest.mark.parametrize("fps", [15, 30, 60])
@pytest.mark.parametrize("seed", range(4))
def test_lift_and_touchdown_within_one_frame(fps, seed):
    rng = np.random.default_rng(seed)
    t1 = rng.uniform(1.5, 2.5)
    t2 = t1 + rng.uniform(2.0, 4.0)
    t3 = t2 + rng.uniform(1.5, 2.5)
    t4 = t3 + rng.uniform(2.0, 4.0)
    first, second = ("right", "left") if seed % 2 else ("left", "right")
    s = generate(fps=fps, duration_s=t4 + 1.5, lifts=[(first, t1, t2), (second, t3, t4)],
                 jitter_px=JITTER_PX, seed=seed)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    lifts, downs = _kinds(events, ev.FOOT_LIFT), _kinds(events, ev.TOUCHDOWN)
    assert [e.side for e in lifts] == [first, second]
    assert [e.side for e in downs] == [first, second]
    for truth, lift, down in zip(s.truth_frames, lifts, downs):
        assert abs(lift.frame - truth["lift_frame"]) <= 1, (lift, truth)
        assert abs(down.frame - truth["touchdown_frame"]) <= 1, (down, truth)
        assert lift.t_s == s.t[lift.frame]
        assert lift.payload["detected_frame"] >= lift.frame  # found after it happened
        # The lift's height is known once the foot is down again.
        assert down.payload["height_cm"] == pytest.approx(15.0 * 1.12, rel=0.1)


def test_trace_gives_frame_exact_states_and_noise():
    s = generate(fps=30, duration_s=8, lifts=[("right", 2.0, 5.0)], jitter_px=JITTER_PX,
                 seed=11)
    events, trace = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm,
                                  return_trace=True)
    lift, down = _kinds(events, ev.FOOT_LIFT)[0], _kinds(events, ev.TOUCHDOWN)[0]
    assert trace.lifted[:, 1].sum() == down.frame - lift.frame
    assert trace.lifted[lift.frame, 1] and not trace.lifted[lift.frame - 1, 1]
    assert not trace.lifted[:, 0].any()
    assert (trace.stance[lift.frame:down.frame] == stance.LEFT).all()
    assert (trace.stance[:lift.frame] == stance.BOTH).all()
    # Noise of the mean of three landmarks' heights: jitter / scale / sqrt(3).
    expected = JITTER_PX / s.px_per_cm / np.sqrt(3)
    assert trace.noise_cm["left"] == pytest.approx(expected, rel=0.3)


def test_quiet_standing_raises_nothing():
    s = generate(fps=30, duration_s=20, jitter_px=2.5, seed=5)
    assert detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm) == []


def test_hands_leaving_and_returning_to_the_hips():
    fps = 30
    s = generate(fps=fps, duration_s=8, arms="hips", jitter_px=JITTER_PX, seed=6)
    off, back = 3 * fps, 5 * fps
    _shift(s, ["left_wrist", "left_pinky", "left_index", "left_thumb"],
           slice(off, back), dx_cm=25.0, dy_cm=20.0)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    assert [(e.kind, e.side) for e in events] == [(ev.HANDS_OFF_HIPS, "left"),
                                                  (ev.HANDS_ON_HIPS, "left")]
    assert abs(events[0].frame - off) <= 2 and abs(events[1].frame - back) <= 2
    assert events[0].payload["ratio"] > 0.4


def test_arms_crossed_start_off_the_hips_without_an_event():
    s = generate(fps=30, duration_s=4, arms="crossed", jitter_px=JITTER_PX, seed=7)
    assert detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm) == []


@pytest.mark.parametrize("moved,mode", [(["left_foot_index"], "pivot"),
                                        (["left_ankle", "left_heel", "left_foot_index"],
                                         "shift")])
def test_stance_foot_pivot_and_shift(moved, mode):
    fps = 30
    s = generate(fps=fps, duration_s=9, lifts=[("right", 1.5, 7.5)], jitter_px=JITTER_PX,
                 seed=8)
    k = int(4.0 * fps)
    _shift(s, moved, slice(k, None), dx_cm=7.0)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    moves = _kinds(events, ev.STANCE_FOOT_MOVED)
    assert len(moves) == 1 and moves[0].side == "left"
    assert moves[0].payload["mode"] == mode
    assert abs(moves[0].frame - k) <= 3


def test_hop_is_the_stance_foot_lifting_while_the_other_is_up():
    fps = 30
    s = generate(fps=fps, duration_s=8, lifts=[("right", 1.5, 6.5)], jitter_px=JITTER_PX,
                 seed=9)
    hop = slice(int(4.0 * fps), int(4.5 * fps))
    _shift(s, FOOT["left"], hop, dy_cm=6.0)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    moves = _kinds(events, ev.STANCE_FOOT_MOVED)
    assert [(e.side, e.payload["mode"]) for e in moves] == [("left", "hop")]
    assert abs(moves[0].frame - hop.start) <= 1


def test_loss_of_balance_when_the_body_leaves_the_base_of_support():
    fps = 30
    s = generate(fps=fps, duration_s=10, jitter_px=JITTER_PX, seed=10)
    body = [i for i in range(33) if i not in FOOT["left"] + FOOT["right"]]
    k = int(4.0 * fps)
    # A slow drift (8 cm/s): only the position test can catch it.
    drift = np.clip((np.arange(s.t.size) - k) / fps, 0.0, None) * 8.0
    w = s.image_size[0]
    s.image[:, body, 0] += (drift * s.px_per_cm / w)[:, None].astype(np.float32)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    lob = _kinds(events, ev.LOSS_OF_BALANCE)
    assert len(lob) == 1 and lob[0].payload["reason"] == "outside"
    # Feet at +-9.35 cm, base of support 5 cm beyond, margin 4 cm: 18.35 cm of CoM shift;
    # the feet don't move, so the CoM moves by the moved segments' share of the drift.
    assert k + 2.0 * fps < lob[0].frame < k + 3.2 * fps


def test_loss_of_balance_by_speed():
    fps = 60
    s = generate(fps=fps, duration_s=6, jitter_px=JITTER_PX, seed=12)
    body = [i for i in range(33) if i not in FOOT["left"] + FOOT["right"]]
    k = int(3.0 * fps)
    _shift(s, body, slice(k, k + 6), dx_cm=3.0)  # a 3 cm jerk for 0.1 s, and back
    _shift(s, body, slice(k + 6, None), dx_cm=0.0)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    assert _kinds(events, ev.LOSS_OF_BALANCE) == []  # too short and too small
    # A lurch: 25 cm in 0.25 s (100 cm/s), and the body stays there.
    lurch = np.clip((np.arange(s.t.size) - k) / (0.25 * fps), 0.0, 1.0) * 25.0
    s.image[:, body, 0] += (lurch * s.px_per_cm / s.image_size[0])[:, None].astype(np.float32)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    lob = _kinds(events, ev.LOSS_OF_BALANCE)
    assert len(lob) == 1 and lob[0].payload["reason"] == "speed"
    assert abs(lob[0].frame - k) <= 0.2 * fps


def test_numpy_twins_find_the_same_events():
    s = generate(fps=30, duration_s=7, lifts=[("left", 2.0, 5.0)], jitter_px=JITTER_PX,
                 seed=13)
    a = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    with jit.numpy_twins():
        b = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    assert [(e.kind, e.side, e.frame) for e in a] == [(e.kind, e.side, e.frame) for e in b]


def test_event_records():
    e = Event(1.5, 45, ev.FOOT_LIFT, "left", {"height_cm": 12.0})
    assert e.to_dict() == {"t_s": 1.5, "frame": 45, "kind": "foot_lift", "side": "left",
                           "payload": {"height_cm": 12.0}}
    assert e.as_record() == (1.5, "foot_lift", {"frame": 45, "side": "left",
                                                "height_cm": 12.0})


def test_bad_input():
    s = generate(fps=30, duration_s=1, seed=0)
    with pytest.raises(InputError, match="times"):
        detect_events(s.t[:-1], s.image, s.image_size, px_per_cm=s.px_per_cm)
    t = s.t.copy()
    t[5] = t[4]
    with pytest.raises(InputError, match="increase"):
        detect_events(t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    with pytest.raises(InputError, match="px_per_cm"):
        detect_events(s.t, s.image, s.image_size, px_per_cm=0)


def test_feet_re_placed_through_the_four_stances_are_not_lifts():
    # The 4-stage test: feet together, semi-tandem, tandem, then one foot. Sliding a
    # foot back moves it up the image; the floor under each foot must follow it.
    s = generate(fps=30, duration_s=24, stances=[(0, "hip_width"), (5, "together"),
                                                 (10, "semi_tandem"), (15, "tandem")],
                 lifts=[("left", 19.0, 21.5)], jitter_px=JITTER_PX, seed=3)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm)
    truth = s.truth_frames[0]
    assert [(e.kind, e.side) for e in events] == [(ev.FOOT_LIFT, "left"),
                                                  (ev.TOUCHDOWN, "left")]
    assert abs(events[0].frame - truth["lift_frame"]) <= 1
    assert abs(events[1].frame - truth["touchdown_frame"]) <= 1


def test_world_landmarks_tell_a_foot_slid_back_from_a_lifted_one():
    # Straight into tandem: the back foot slides 13 cm away from the camera and rises
    # 2.6 cm in the image, past the lift threshold; in world coordinates it stays level.
    s = generate(fps=30, duration_s=16, stances=[(0, "hip_width"), (4, "tandem")],
                 lifts=[("left", 10.0, 13.0)], jitter_px=JITTER_PX, seed=4)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm,
                           world=s.world)
    truth = s.truth_frames[0]
    assert [(e.kind, e.side) for e in events] == [(ev.FOOT_LIFT, "left"),
                                                  (ev.TOUCHDOWN, "left")]
    assert abs(events[0].frame - truth["lift_frame"]) <= 1
    assert abs(events[1].frame - truth["touchdown_frame"]) <= 1
    with pytest.raises(InputError, match="world"):
        detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm,
                      world=s.world[:, :17])


def test_no_floor_and_no_events_before_the_foot_first_stands_still():
    s = generate(fps=30, duration_s=6, stances=[(0.0, "tandem")], jitter_px=JITTER_PX,
                 seed=14)  # the feet shuffle into tandem during the first 0.4 s
    events, trace = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm,
                                  return_trace=True)
    assert events == []
    assert np.isnan(trace.foot_height_cm[0]).all()
    assert np.isfinite(trace.foot_height_cm[60:]).all()


def test_clearance_is_the_soles_rise_and_ignores_one_glitch():
    from balance.core.edge_dating import clearance
    rng = np.random.default_rng(0)
    t = np.arange(60) / 30.0
    floor = 0.3 + 0.2 * rng.standard_normal(60)  # the lowest point's floor offset, cm
    tap = floor + 3.0 * ((t > 1.0) & (t < 1.4))
    tap[35] += 25.0  # one glitched landmark
    assert clearance(tap, 30, 45, 15) == pytest.approx(3.0, abs=0.5)
    # A heel raise: the mean rises, the lowest point (the toe) stays on the floor.
    assert abs(clearance(floor, 30, 45, 15)) < 0.5
    assert np.isnan(clearance(tap, 1, 45, 15))  # no floor before it to measure from


@pytest.mark.parametrize("seed", range(4))
def test_a_touchdown_after_an_abduction_is_not_dated_at_the_leg_s_return(seed):
    """The second before this touchdown holds the leg's swing back from abduction, a
    movement in the air of its own: no one-movement fit there may date the contact
    (it read 7.53 s for 8.0 s)."""
    s = generate(fps=15, duration_s=10, lifts=[("right", 2.0, 8.0)], abductions=[(6.0, 7.5)],
                 jitter_px=1.5, seed=seed)
    events = detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm, world=s.world)
    (down,) = _kinds(events, ev.TOUCHDOWN)
    assert abs(down.frame - s.truth_frames[0]["touchdown_frame"]) <= 1


def _lift_trace(stray_cm: float, seed: int):
    """30 fps, up to 0.27 s after toe-off (the detector dates a lift ``lift_wait_s`` after
    it is sure of it): heel-off at 2.7 s, toe-off at 3.0 s, the toe rising 20 cm in 0.4 s
    (minimum jerk). (t, mean, toe) heights, cm, with 0.25 cm of white noise; the toe
    strays ``stray_cm`` up over the 0.33 s before toe-off (correlated landmark noise)."""
    t = np.arange(98) / 30.0
    u = np.clip((t - 3.0) / 0.4, 0.0, 1.0)
    toe = 20.0 * (10 * u**3 - 15 * u**4 + 6 * u**5)
    toe[(t > 2.67) & (t < 3.0)] += stray_cm
    mean = np.maximum(toe, 8.0 * np.clip((t - 2.7) / 0.3, 0.0, 1.0))
    noise = 0.25 * np.random.default_rng(seed).standard_normal((2, t.size))
    return t, mean + noise[0], toe + noise[1]


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_lift_is_dated_at_toe_off_through_a_stray_of_the_toe_just_before(seed, monkeypatch):
    """A toe that reads 1.5 cm up for ten frames before toe-off (2 px of jitter, a foot
    seen 50 deg from the side) drew the fit of its heights 0.8 s early or to no date; the
    later of that fit and one whitened for correlated noise (``edge_dating.LIFT_RHO``)
    dates it, and a clean lift, within a frame and a half; so does the fit whitened for
    slow drift alone (``SLOW_JITTER_TAU_S``)."""
    from balance.core import edge_dating
    detected = 88  # the mean passed its threshold 0.1 s before
    for stray in (0.0, 1.5):
        t0 = edge_dating.lift_time(*_lift_trace(stray, seed), detected, 0.75, 0.5, 15)
        assert t0 == pytest.approx(3.0, abs=0.05)
    monkeypatch.setattr(edge_dating, "LIFT_RHO", 0.0)
    t0 = edge_dating.lift_time(*_lift_trace(1.5, seed), detected, 0.75, 0.5, 15)
    assert t0 == pytest.approx(3.0, abs=0.05)
    monkeypatch.setattr(edge_dating, "SLOW_JITTER_TAU_S", 1e-9)  # the heights' fit alone
    t0 = edge_dating.lift_time(*_lift_trace(1.5, seed), detected, 0.75, 0.5, 15)
    assert not abs(t0 - 3.0) < 0.1  # NaN (no date) or far off


def _heel_toe_lift(toe_floor_cm: float, seed: int):
    """15 fps: heel-off at 3.0 s (the heel rising 6 cm in 0.3 s), toe-off at 3.2 s (the
    toe rising 20 cm in 0.4 s); the toe's calibrated floor ``toe_floor_cm`` under its
    true one, so it reads that much up while it stands. (t, mean, lowest point, heel
    above toe) heights, cm, with 0.2 cm of white noise on each landmark; the mean from
    the floor the detector follows under the foot."""
    t = np.arange(64) / 15.0
    mj = lambda u: u ** 3 * (10 - 15 * u + 6 * u ** 2)  # noqa: E731
    heel = 6.0 * mj(np.clip((t - 3.0) / 0.3, 0.0, 1.0))
    toe = 20.0 * mj(np.clip((t - 3.2) / 0.4, 0.0, 1.0))
    heel = np.maximum(heel, toe + 2.0 * (t > 3.2))
    noise = 0.2 * np.random.default_rng(seed).standard_normal((2, t.size))
    heel, toe = heel + noise[0], toe + toe_floor_cm + noise[1]
    return t, 0.5 * (heel + toe - toe_floor_cm), np.fmin(heel, toe), heel - toe


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_lift_is_dated_at_toe_off_when_the_toes_floor_is_off_the_heels(seed):
    """Slow jitter leaves the toe's floor off the heel's (the bench's slow jitter at
    15 fps, seed 5: 3 cm, the heel reading 1.8 cm low and the toe 1 cm up): the lowest
    point (the heel's while both stand) jumped by that much at heel-off and the lift was
    dated there, 0.2 s early. With each landmark's floor set again over the floor stretch
    (``edge_dating.lowest_point``) it is dated at toe-off, within a frame."""
    from balance.core import edge_dating
    t, mean, low, heel_up = _heel_toe_lift(3.0, seed)
    detected, lo = 50, 0.6  # the mean passed its threshold at 3.33 s
    start, stop = edge_dating.floor_stretch(mean, detected, lo, 8)
    rebased = edge_dating.lowest_point(low, heel_up, start, stop)
    assert edge_dating.lift_time(t, mean, rebased, detected, lo, 0.5, 8) == \
        pytest.approx(3.2, abs=1 / 15)
    assert edge_dating.lift_time(t, mean, low, detected, lo, 0.5, 8) < 3.2 - 1.5 / 15
    # The heel unseen: the lowest point as it was.
    unseen = np.full_like(heel_up, np.nan)
    np.testing.assert_array_equal(edge_dating.lowest_point(low, unseen, start, stop), low)


def _touchdown_trace(stray_cm: float, seed: int):
    """30 fps; the lowest point comes down from 20 cm (min-jerk, 0.4 s) to first contact
    at 3.0 s; the toe alone is down until the heel lands at 3.2 s, reading ``stray_cm``
    up (correlated jitter), and the flat foot then reads 0.6 cm low (the lower of heel
    and toe); mean heights ten times the edge."""
    t = np.arange(0, 4.0, 1 / 30)
    u = np.clip((3.0 - t) / 0.4, 0.0, 1.0)
    low = 20.0 * u ** 3 * (10 - 15 * u + 6 * u ** 2)
    low[(t >= 3.0) & (t < 3.2)] += stray_cm
    low[t >= 3.2] -= 0.6
    noise = 0.25 * np.random.default_rng(seed).standard_normal((2, t.size))
    return t, 3.0 * low + noise[0], low + noise[1]


def test_a_touchdown_is_dated_at_first_contact_through_a_stray_of_the_toe_after(monkeypatch):
    """A toe that reads 1.5 cm up from first contact until the heel lands (1-2 px of
    correlated jitter, square on and at 15 fps) drew the fit of its heights towards
    where the heel came down, up to 0.3 s late; the earlier of that fit and one whitened
    for correlated noise (``edge_dating.TOUCHDOWN_RHO``) dates it, and a clean touchdown,
    within two frames, whatever the noise."""
    from balance.core import edge_dating
    detected = 100  # 3.33 s: the mean under its off level, the foot at rest after it

    def dates(stray):
        return np.array([edge_dating.touchdown_time(*_touchdown_trace(stray, seed), detected,
                                                    0.75, 0.5, 30, lift_t=1.0)
                         for seed in range(3, 9)])
    for stray in (0.0, 1.5):
        assert np.abs(dates(stray) - 3.0).max() <= 0.07
    monkeypatch.setattr(edge_dating, "TOUCHDOWN_RHO", 0.0)  # the heights' fit alone, as before
    off = dates(1.5)
    assert np.sum(~(np.abs(off - 3.0) < 0.15)) >= 3  # NaN (no date) or far off, half the time


@pytest.mark.parametrize("seed", range(3, 9))
def test_an_undatable_touchdown_is_dated_when_the_foot_came_to_rest(seed):
    """A shuffle set down 2 cm nearer reads 3 cm up in the image, and its rest is found
    only once the foot has been still (0.7 s later, fidgets before lift, seed 321 of
    251-1000): the fits had nothing to date and the detection's time made a 0.5 s
    shuffle a 1.03 s trial. ``rest_since`` gives when the foot came within the band of
    its rest: no earlier than its descent's last 1.2 cm (0.14 s here) and a frame of
    noise, and within a few frames after the contact in 0.4 cm noise."""
    from balance.core import edge_dating
    t = np.arange(0, 5.0, 1 / 30)
    u = np.clip((t - 3.4) / 0.25, 0.0, 1.0) - np.clip((t - 3.65) / 0.25, 0.0, 1.0)
    mean = 3.0 * (t >= 3.4) + 2.0 * u ** 2 * (3 - 2 * u)  # up 2 cm more, down at 3.9 s
    mean = mean + 0.4 * np.random.default_rng(seed).standard_normal(t.size)
    detected = round(4.6 * 30)
    rest = edge_dating.rest_since(t, mean, detected, 1.2, 9)
    assert 3.9 - 0.14 - 1 / 30 - 1e-9 <= rest <= 3.9 + 0.35
    # A foot coming down onto its floor as usual: dated near its detection, not earlier.
    down = 3.0 * np.clip((4.0 - t) / 0.4, 0.0, 1.0) + 0.05 * np.random.default_rng(seed).standard_normal(t.size)
    assert 3.75 <= edge_dating.rest_since(t, down, round(4.0 * 30), 1.2, 9) <= 4.0 + 1e-9
    assert np.isnan(edge_dating.rest_since(t, np.full_like(t, np.nan), detected, 1.2, 9))


def test_world_lift_along_the_bodys_up_under_a_pitched_camera():
    # A camera 1.2 m high pitched 7 deg down at the body: world axes turn with it. A foot
    # raised 5 cm and 27 cm in front reads ~2 cm along the camera's y, 5 cm along the up
    # of the person standing (mid-ankle to mid-shoulder).
    pitch = np.radians(7.0)
    rot = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)],
                    [0, np.sin(pitch), np.cos(pitch)]])  # person (x, y down, z away) -> camera
    person = np.zeros((2, 33, 3))
    person[:, [INDEX["left_shoulder"], INDEX["right_shoulder"]], 1] = -0.45
    person[:, [INDEX["left_ankle"], INDEX["right_ankle"]], 1] = 0.85
    for k in ("left_heel", "left_foot_index", "right_heel", "right_foot_index"):
        person[:, INDEX[k], 1] = 0.92
    left = [INDEX[k] for k in ("left_ankle", "left_heel", "left_foot_index")]
    person[1, left, 1] -= 0.05  # frame 1: the left foot 5 cm up ...
    person[1, left, 2] -= 0.27  # ... and 27 cm towards the camera
    world = person @ rot.T
    up = ev.body_up(world[:1])[0]
    assert ev.world_lift(world, up)[1, 0] == pytest.approx(5.0, abs=0.01)
    assert ev.world_lift(world, up)[0, 0] == pytest.approx(0.0, abs=1e-9)
    assert ev.world_lift(world)[1, 0] < 2.5  # the camera's y alone: most of it lost
