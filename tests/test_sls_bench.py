"""Single-leg stance timing on the independent bench (issue 13), per condition fixed.

Each bound is what the rules reach on the bench's 4 seeds (``benchmarks/sls_accuracy.py``),
or on 8 for the conditions of ``EARLY_LIFT``: holds found, |hold time error| max, false
trials, wrong end reasons.
"""

from dataclasses import replace

import numpy as np
import pytest

from balance.protocols.single_leg import FIDGET_S
from balance.testing.synthetic import generate
from tests.bench import scenario as bench
from tests.bench.conditions import draw, evaluate, match, score

# condition -> (max |error| s, wrong ends allowed). 0.1 s is three frames at 30 fps.
FIXED = {
    "frontal 3 m 30 fps": (0.1, 0),
    "15 fps": (0.15, 0),
    "60 fps": (0.1, 0),
    "lift 1 s after start": (0.1, 0),
    "fidgets before lift": (0.1, 0),
    "visibility dips": (0.1, 0),
    "dropped frames": (0.1, 0),
    "toe-tap before lift": (0.1, 0),
    "short holds 2-4 s": (0.1, 0),
    "one-frame glitch": (0.1, 0),
    "near 2 m, low 0.6 m, 640x480": (0.15, 0),
    "far 5 m, high 1.5 m": (0.1, 0),
    # Holds of 30-48 s: no end by a centre-of-mass "loss of balance" or foot jitter.
    "long holds 30-48 s": (0.1, 0),
    "weight shifts 3 cm in hold": (0.1, 0),
    # A foot raised in front: the world keeps it up while the image loses it, and its
    # edges are dated on the toe's world movement (``edge_dating.forward_lift_time``).
    "hip-flexion lift, laptop 0.75 m": (0.1, 0),
    "hip-flexion lift, 1.2 m": (0.2, 0),
    # Seen ~19 deg off the optical axis, the foot held behind overlaps the standing shank
    # in the picture: no "foot on leg" end (it is judged in 3-D).
    "off-centre 1.2 m": (0.1, 0),
    # ... while a foot that does rest on the calf ends the hold, square on and off-centre.
    "foot rests on the leg": (0.1, 0),
    "foot rests on the leg, off-centre 1.2 m": (0.15, 0),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_bench_condition_every_hold_found_and_timed(name):
    bound, wrong = FIXED[name]
    s = evaluate(name)
    assert s.found == s.true_holds == 4
    assert s.false_trials == 0
    assert s.wrong_end <= wrong
    assert np.max(np.abs(s.errors)) <= bound


# condition -> bound on |start - toe-off|, |end - first contact| and |hold time error|, s,
# on seeds 1-8. A toe that strays 1-2 cm up in the noise for a few frames before toe-off
# (2 px of jitter; a foot seen 50 deg from the side) dated lifts 0.2-0.5 s early, holds
# up to 0.43 s long, until a lift was also fitted with the correlated noise whitened
# (``edge_dating.LIFT_RHO``).
EARLY_LIFT = {
    "jitter 2 px": (0.17, 0.05, 0.15),  # the start within 5 frames at 30 fps (was 7)
    "oblique 50 deg": (0.05, 0.1, 0.1),
    "15 fps, 2 px, dips, drops, tap": (0.07, 0.07, 0.15),  # a frame each end at 15 fps
}


@pytest.mark.parametrize("name", sorted(EARLY_LIFT))
def test_noisy_or_oblique_hold_starts_at_toe_off_and_ends_at_contact(name):
    _edges_within(name, range(1, 9), *EARLY_LIFT[name])


def _edges_within(name, seeds, start_s, end_s, hold_s=np.inf):
    """Every hold of condition ``name`` over ``seeds`` found, with its end reason and no
    other trial; its start within ``start_s`` of toe-off, its end within ``end_s`` of
    first contact (where the foot came down) and its time within ``hold_s`` (ms-rounded)."""
    for seed in seeds:
        rec = bench.generate(draw(name, seed))
        pairs, extra = match(score(rec), rec.holds)
        assert not extra, seed
        for hold, trial in pairs:
            assert trial is not None and trial["end_reason"] == hold.end_reason, seed
            assert abs(trial["start_s"] - hold.toe_off_s) <= start_s + 0.001, seed
            if hold.contact_s is not None:
                assert abs(trial["end_s"] - hold.contact_s) <= end_s + 0.001, seed
            assert abs(trial["hold_time_s"] - hold.expected_s) <= hold_s + 0.001, seed


@pytest.mark.parametrize("name", ["hip-flexion lift, laptop 0.75 m", "hip-flexion lift, 1.2 m"])
def test_hip_flexion_holds_within_0_2_s_on_seeds_1_to_80(name):
    """Issue 13: a foot raised in front, 3-10 cm, seen from 0.75 or 1.2 m high. Dated on
    its world height alone, lifts came up to 0.6 s early (5 of 8 holds within 0.2 s).
    Dated on the toe's world movement (whitened for correlated noise, seed 14 at 1.2 m),
    the world's noise still put 2 of 160 holds over 0.2 s (0.234 s at 1.2 m, seed 64)
    and 68 of 80 within 0.1 s in each; with the toe's place in the picture in the same
    fit, 71 and 72 of 80."""
    s = evaluate(name, seeds=range(1, 81))
    assert s.found == s.true_holds == 80
    assert s.false_trials == 0 and s.wrong_end == 0
    errors = np.abs(s.errors)
    assert errors.max() <= 0.2
    assert np.sum(errors <= 0.1 + 1e-9) >= 70


@pytest.mark.parametrize("name", ["15 fps, 2 px, dips, drops, tap", "slow jitter 2 px",
                                  "slow jitter 2 px, 15 fps"])
def test_knee_bent_lift_and_touchdown_each_within_0_1_s_on_seeds_91_to_150(name):
    """Dated on the few samples about the edge alone (the hinge fits), a stray of
    correlated noise beside it drew a lift to heel-off (the 15 fps mix, seed 108: 0.27 s
    early) and touchdowns 0.2 s late (slow jitter). A held lift and its touchdown are
    now dated on the lowest point's whole movement as well (``edge_dating.near_ramp``)."""
    _edges_within(name, range(91, 151), 0.1, 0.1)


@pytest.mark.parametrize("name", ["15 fps, 2 px, dips, drops, tap", "slow jitter 2 px, 15 fps"])
def test_a_short_hold_is_not_dated_on_its_descent(name):
    """A 0.6-0.85 s hold at 15 fps is still "up" by the hysteresis 0.9 s after heel-off,
    its descent already in the history: fitted as one movement there, its lift came
    0.37-0.69 s late (3-6 of 20 seeds) and the trial was dropped as a tap."""
    for hold_s in (0.6, 0.75, 0.85):
        for seed in range(91, 101):
            rec = bench.generate(replace(draw(name, seed), hold_s=hold_s))
            pairs, _ = match(score(rec), rec.holds)
            (hold, trial), = pairs
            assert trial is not None, (hold_s, seed)
            assert abs(trial["start_s"] - hold.toe_off_s) <= 0.14, (hold_s, seed)  # 2 frames


@pytest.mark.parametrize("name", ["end of recording mid-lift", "step into a wide stance"])
def test_fragment_or_step_is_no_trial(name):
    s = evaluate(name)
    assert s.true_holds == 0 and s.false_trials == 0
    assert len(s.details) == 4


def _score(session, **kw):
    from balance.profile import Profile
    from balance.protocols import create
    from balance.session.rescore import score_frames
    proto = create("single-leg-stance", Profile(height_cm=170), image_size=session.image_size,
                   fps=session.fps, **kw)
    n = len(session.t)
    world = np.full((n, 33, 4), np.nan)
    result, _ = score_frames(proto, session.t, session.image, world, np.ones(n, bool))
    return result


def test_synthetic_hold_starts_at_lift_not_earlier():
    s = generate(fps=30, duration_s=12, lifts=[("right", 3.0, 9.0)], jitter_px=1.5, seed=3)
    trials = _score(s, side="left")["trials"]
    assert len(trials) == 1
    assert abs(trials[0]["hold_time_s"] - 6.0) <= 0.1


def test_synthetic_short_cut_fragment_sets_no_fall_risk():
    # A lift the recording cuts after 0.5 s: no trial, no fall-risk flag.
    s = generate(fps=30, duration_s=3.5, lifts=[("right", 3.0, 9.0)], jitter_px=1.5, seed=4)
    assert 3.5 - 3.0 < FIDGET_S
    result = _score(s, side="left")
    assert result["trials"] == [] and result["summary"]["fall_risk"] is False


def test_15_fps_2_px_mix_on_other_seeds_no_false_trial_no_false_end():
    """Seeds 15-29, not the table's. A tap's touchdown dated before its own lift (its
    edges in the noise) was skipped, and the tap's trial ran on through the real hold;
    a stance-foot reference of half a second at 15 fps (8 frames of 2 px jitter) sat a
    noise SD off and ended a hold as a pivot."""
    s = evaluate("15 fps, 2 px, dips, drops, tap", seeds=range(15, 30))
    assert s.false_trials == 0 and s.wrong_end == 0
    assert s.found == s.true_holds == 15


def test_real_toe_taps_on_other_seeds_start_no_counted_trial():
    """Seeds 5-30, not the table's: a toe-tap that lifts the whole foot 2-4 cm for
    0.2-0.4 s (read as 0.2-0.9 s rising 1.8-4.9 cm on seeds 1-30) is a fidget under the single-leg protocol's
    ``FIDGET_S``/``FIDGET_CM`` and uses no attempt; the real hold after it is timed."""
    s = evaluate("toe-tap before lift", seeds=range(5, 31))
    assert s.false_trials == 0 and s.wrong_end == 0
    assert s.found == s.true_holds == 26


@pytest.mark.parametrize("name, seeds", [("toe-tap before lift", range(1, 31)),
                                         ("15 fps, 2 px, dips, drops, tap", range(20, 31))])
def test_a_4_cm_toe_tap_is_no_attempt(name, seeds):
    """Taps at the top of the 2-4 cm range: the image's lowest point read 5.0-5.2 cm with
    1 px of landmark noise (3.6-3.9 cm without), over ``FIDGET_CM``, and 4 of the 30
    seeds at 30 fps (and seed 23 at 15 fps, 2 px) counted the tap as a 0.23-0.37 s trial.
    The clearance now subtracts the floor's own noise peak, and under ``TAP_S`` a trial
    is a tap below ``TAP_CM``."""
    for seed in seeds:
        rec = bench.generate(replace(draw(name, seed), tap_clear_m=0.04))
        pairs, extra = match(score(rec), rec.holds)
        assert not extra, (seed, extra)
        assert all(trial is not None for _, trial in pairs)


def test_a_fidget_dated_after_its_own_touchdown_is_no_trial():
    """Fidgets before lift, seeds 554, 650 and 791 (of 251-1000): a fidget's lift,
    detected on the foot's mean, was dated 0.14-0.2 s later on its lowest point's rise,
    after its own touchdown's detection. That touchdown, with no date after the lift,
    fell at its detection, before the lift, and the foot stayed up: false trials of
    1.3-9 s and a lost hold. A touchdown now always comes after its own lift. Seed 321:
    a shuffle set down where it read 3 cm up was undatable and kept its detection's
    time, 0.7 s late, a 1.03 s trial; it is now dated when the foot came to rest
    (``edge_dating.rest_since``)."""
    s = evaluate("fidgets before lift", seeds=(321, 554, 650, 791))
    assert s.found == s.true_holds == 4
    assert s.false_trials == 0 and s.wrong_end == 0


def test_long_holds_at_15_fps_and_2_px_end_on_time():
    """Not a table condition: 30-48 s holds at 15 fps with 2 px jitter, seeds 1-12. A foot
    set down where it reads 1-2 cm higher in the image crossed the off level 1.4 s late,
    past the second the touchdown was dated over, and kept the detection's time."""
    errors = []
    for seed in range(1, 13):
        rec = bench.generate(replace(draw("long holds 30-48 s", seed), fps=15.0, jitter_px=2.0,
                                     cap_s=60.0))
        pairs, extra = match(score(rec), rec.holds)
        assert not extra and all(trial is not None for _, trial in pairs)
        assert all(trial["end_reason"] == "touchdown" for _, trial in pairs)
        errors += [trial["hold_time_s"] - hold.expected_s for hold, trial in pairs]
    assert np.max(np.abs(errors)) <= 0.2  # issue 13 (0.134 s on 2026-12-03)


@pytest.mark.parametrize("name, seeds", [("slow jitter 2 px", range(1, 31)),
                                         ("slow jitter 2 px, 15 fps", range(1, 61))])
def test_slow_jitter_ends_no_hold_early(name, seeds):
    """Jitter correlated over 0.67 s, as a pose model's is, passes the low-pass: at 2 px
    the stance foot's place wandered past the 4 cm limits and ended 4-6 of 30 holds
    seconds early, and at 15 fps the toe-heel offset still did for 0.6 s in 2 of 60
    (seeds 35 and 39), until the stance foot had to be off its place for
    ``live_events.STANCE_RUN_S``. At 30 fps the toe's drift before heel-off dated lifts
    up to 0.27 s early (seeds 1-30) until a lift was also fitted whitened for slow drift
    (``edge_dating.SLOW_JITTER_TAU_S``). At 15 fps two lifts of 60 came 0.2-0.27 s early
    (holds up to 0.40 s long): the toe's floor drifted 3 cm off the heel's and the
    lowest point jumped at heel-off, until each landmark's floor was set again over the
    floor stretch (``edge_dating.lowest_point``)."""
    s = evaluate(name, tuple(seeds))
    assert s.found == s.true_holds == len(seeds) and s.false_trials == 0
    assert s.wrong_end == 0
    assert np.max(np.abs(s.errors)) <= 0.2 + 1e-3  # three frames at 15 fps, ms-rounded


def test_a_landed_foot_held_up_by_slow_jitter_is_dated_at_contact():
    """Slow jitter kept this foot over the off level for 1.2 s after it landed: the
    last second before the detection held only noise, and its fit dated the touchdown
    a second late (9.13 s for 8.13). The window must reach a quarter of the foot's top
    height, or the 2 s one is used."""
    sc = bench.Scenario(seed=404374909, distance_m=3.0655, camera_height_m=0.9048,
                        offset_m=-0.0121, height_m=1.578, leg_scale=0.9719,
                        width_scale=0.9171, stance="right", lift_at_s=3.0499,
                        hold_s=8.1367, shift_cm=1.5, sway_mm=3.63, jitter_px=2.0,
                        jitter_rho=0.95)
    rec = bench.generate(sc)
    pairs, extra = match(score(rec), rec.holds)
    (hold, trial), = pairs
    assert not extra and trial["end_reason"] == "touchdown"
    assert abs(trial["end_s"] - hold.contact_s) <= 0.1


@pytest.mark.parametrize("name", ["foot rests on the leg", "foot rests on the leg, off-centre 1.2 m"])
def test_foot_resting_on_the_calf_ends_when_it_comes_to_rest_on_seeds_1_to_80(name):
    """The hold ends when the foot comes to rest on the calf. At rest the 3-D distance's
    median still wanders 3-6 cm (the world's depth noise); one wander over
    ``FOOT_ON_LEG_WORLD_CM`` restarted the 0.2 s run and dated the end 0.23-0.3 s late
    (seed 27 square on; seeds 43 and 55 of 31-60), until the foot stayed on the leg up
    to ``FOOT_OFF_LEG_WORLD_CM``. Dated where the distance first read under the limit,
    63 and 70 of 80 holds were within 0.1 s (a calf read 16 cm away at rest: 0.27 s,
    seed 126); dated at the end of the ankle's movement onto the calf, 77 and 78."""
    s = evaluate(name, seeds=range(1, 81))
    assert s.found == s.true_holds == 80
    assert s.false_trials == 0 and s.wrong_end == 0
    errors = np.abs(s.errors)
    assert errors.max() <= 0.2
    assert np.sum(errors <= 0.1 + 1e-9) >= 75


def test_foot_set_down_reading_1_2_cm_up_is_down_when_the_world_says_level():
    """Seed 42 of "weight shifts 3 cm in hold" (31-60, not a table seed): the foot was set
    down where the image reads it 1-2 cm up, over the off level for 2.4 s, and the hold
    ran 2.37 s long. Still, under the lift level and level with the other foot in the
    world, it is down, well within the second the touchdown is dated over; the numba
    rules and their Python twin agree on it."""
    from balance.core import com
    from balance.core.events import TOUCHDOWN
    from balance.core.live_events import LiveEventDetector
    rec = bench.generate(draw("weight shifts 3 cm in hold", 42))
    (hold, trial), = match(score(rec), rec.holds)[0]
    assert trial is not None and trial["end_reason"] == "touchdown"
    assert abs(trial["end_s"] - hold.contact_s) <= 0.1
    sc = rec.scenario
    scale = com.px_per_cm_from_height(rec.image[:15], sc.image_size, 100 * sc.height_m)
    runs = []
    for min_frames in (1, 10**9):  # the kernel, then the plain-Python rules
        det = LiveEventDetector(sc.fps, sc.image_size, px_per_cm=scale)
        det.kernel_min_frames = min_frames
        runs.append(det.extend(range(len(rec.t)), rec.t, rec.image, rec.world))
    assert runs[0] == runs[1]
    down, = [e for e in runs[0] if e.kind == TOUCHDOWN]
    assert rec.t[down.payload["detected_frame"]] < hold.contact_s + 1.0


def test_a_stance_foot_blip_before_the_lift_refuses_no_hold():
    """Seed 36 of "15 fps, 2 px, dips, drops, tap" (31-60, not a table seed): the stance
    foot read 1.7 cm up for 0.27 s, 1.3 s before the real lift. Its touchdown was heard
    0.5 s after it was dated, steadiness counted from then, and the hold was refused
    (not STEADY_S on both feet); counted from the dated touchdown it is timed."""
    _one_hold_on_time(bench.generate(draw("15 fps, 2 px, dips, drops, tap", 36)))


def _one_hold_on_time(rec):
    """The recording's one hold found, no other trial, the right end within 0.2 s."""
    pairs, extra = match(score(rec), rec.holds)
    assert not extra
    (hold, trial), = pairs
    assert trial is not None and trial["end_reason"] == hold.end_reason
    assert abs(trial["hold_time_s"] - hold.expected_s) <= 0.2


# condition -> seeds whose touchdown was dated 0.2-0.27 s late before the touchdown was
# also fitted whitened for correlated noise (``edge_dating.TOUCHDOWN_RHO``): the toe
# strayed 1-1.5 cm up from first contact until the heel came down.
LATE_TOUCHDOWN = {"frontal 3 m 30 fps": (19, 41), "15 fps": (41,),
                  "15 fps, 2 px, dips, drops, tap": (56,)}


@pytest.mark.parametrize("name", sorted(LATE_TOUCHDOWN))
def test_a_toe_straying_up_after_contact_does_not_date_the_touchdown_late(name):
    for seed in LATE_TOUCHDOWN[name]:
        rec = bench.generate(draw(name, seed))
        frame = 1.0 / rec.scenario.fps
        pairs, extra = match(score(rec), rec.holds)
        assert not extra, seed
        for hold, trial in pairs:
            assert trial is not None and trial["end_reason"] == "touchdown", seed
            assert abs(trial["end_s"] - hold.contact_s) <= 2 * frame + 0.001, seed


# condition -> seed whose lift both fits dated ~0.3 s early, before the foot's mean had
# left the floor's noise band (the heel still down): the toe read 2-3 px up for six frames
# before toe-off at ~1 px/cm; one 2-sigma toe reading before a 2-3 sample rise at 15 fps;
# the world's depth strayed before a forward foot's toe-off (hip flexion).
EARLY_BEFORE_HEEL = {"near 2 m, low 0.6 m, 640x480": 32, "15 fps, 2 px, dips, drops, tap": 26,
                     "hip-flexion lift, laptop 0.75 m": 48}


@pytest.mark.parametrize("name", sorted(EARLY_BEFORE_HEEL))
def test_a_lift_is_not_dated_before_the_foot_leaves_the_floor_band(name):
    seed = EARLY_BEFORE_HEEL[name]
    rec = bench.generate(draw(name, seed))
    pairs, extra = match(score(rec), rec.holds)
    assert not extra
    for hold, trial in pairs:
        assert trial is not None and trial["end_reason"] == hold.end_reason
        assert trial["start_s"] >= hold.heel_off_s - 1.0 / rec.scenario.fps
        assert abs(trial["hold_time_s"] - hold.expected_s) <= 0.2


# A foot held in front of a laptop-height camera sank to 1.5 and 2.1 cm above the floor
# mid-hold (the bench draws 3-10 cm; the foot sags): its world height fell
# under the 2 cm lift check, the image (where such a foot reads at the floor) took over and
# the hold ended 10 s and 4.8 s early. Up in the world, a raised foot stays up until the
# world reads it under half that.
@pytest.mark.parametrize("seed", [95, 136])
def test_a_forward_foot_sagging_to_2_cm_is_still_up(seed):
    rec = bench.generate(draw("hip-flexion lift, laptop 0.75 m", seed))
    assert rec.clearance[(rec.t > rec.holds[0].toe_off_s + 0.5)
                         & (rec.t < rec.holds[0].contact_s - 0.5)].min() < 0.022
    pairs, extra = match(score(rec), rec.holds)
    assert not extra
    for hold, trial in pairs:
        assert trial is not None and trial["end_reason"] == "touchdown"
        assert abs(trial["hold_time_s"] - hold.expected_s) <= 0.2


def test_a_foot_held_low_in_front_of_a_narrow_person_is_not_on_the_leg():
    """Seed 150: a 1.58 m, narrow person held the foot 3-10 cm up in front; it passed 15.8
    cm from the calf's lower end (12 cm in the noisy world), inside the 15 cm on-the-leg
    limit, and the hold was thrown away as a foot on the leg 0.7 s after the lift."""
    _one_hold_on_time(bench.generate(draw("hip-flexion lift, 1.2 m", 150)))


def test_a_foot_set_down_beside_the_standing_foot_is_a_touchdown_not_on_the_leg():
    """Fidgets before lift, seed 255 (of 251-1000): the foot came down close beside the
    standing one, its ankle's median distance from the calf fell under the 15 cm limit
    while the touchdown was still being confirmed, and the hold ended as "foot on leg".
    A foot on the floor (under ``FLOOR_CM`` above the other in the world) is not on it."""
    _one_hold_on_time(bench.generate(draw("fidgets before lift", 255)))


# 15 fps, 2 px: the foot was set down 0.1-0.7 s before the 45 s cap, but the touchdown was
# certain only after it (0.1 s past the off level, 0.25 s settling, the filter's delay),
# and these holds read as 45 s capped ones.
@pytest.mark.parametrize("seed", [45, 164, 183, 185])
def test_a_foot_set_down_just_before_the_cap_ends_the_hold_there(seed):
    rec = bench.generate(replace(draw("long holds 30-48 s", seed), fps=15.0, jitter_px=2.0))
    assert rec.holds[0].end_reason == "touchdown"  # before the cap
    _one_hold_on_time(rec)


# 15 fps, 2 px: the stance foot's reference, the median of its first second, was 1.5-2 cm
# off its place, and a run of noise on its toe-heel offset ended these holds as "standing
# foot moved" 5-38 s early; the reference now follows the foot (``stance_ref_gate``).
@pytest.mark.parametrize("seed", [111, 136, 167])
def test_no_false_stance_foot_move_in_a_long_hold_at_15_fps_and_2_px(seed):
    _one_hold_on_time(bench.generate(replace(draw("long holds 30-48 s", seed), fps=15.0,
                                             jitter_px=2.0)))


# 15 fps, 2 px: a toe-tap's lowest point peaked at 5.5 cm over its few samples (its
# smoothed mean at 3.8-4.3 cm) and the tap was counted as a 0.6 s trial.
@pytest.mark.parametrize("seed", [169, 200])
def test_a_toe_tap_read_high_on_noise_is_no_attempt(seed):
    _one_hold_on_time(bench.generate(draw("15 fps, 2 px, dips, drops, tap", seed)))


def _unseen(rec, a_s, b_s):
    """``rec`` with no person found from ``a_s`` to ``b_s`` after the hold's toe-off, and
    how long of the hold that was unseen, s."""
    toe_off = rec.holds[0].toe_off_s
    cut = (rec.t >= toe_off + a_s) & (rec.t < toe_off + b_s)
    rec.detected[cut] = False
    rec.image[cut] = np.nan
    rec.world[cut] = np.nan
    return rec, float(np.sum(cut & (rec.t >= toe_off))) / rec.scenario.fps


# The lift is heard of up to a second after toe-off (``edge_dating.RISE_S``). A bad view
# of 0.3 s or more in that second used to drop it (the steadiness before it was reset, or
# the lift was dated in the unseen stretch), and the hold was never timed.
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("unseen", [(0.1, 0.6), (0.3, 0.8), (0.5, 1.0), (-0.4, 0.3)])
def test_a_view_lost_for_half_a_second_just_after_the_lift_pauses_the_hold(seed, unseen):
    rec, unseen_s = _unseen(bench.generate(draw("frontal 3 m 30 fps", seed)), *unseen)
    (hold, trial), = match(score(rec), rec.holds)[0]
    seen_s = hold.expected_s - unseen_s  # the clock pauses while unseen
    assert trial is not None and trial["end_reason"] == "touchdown"
    assert abs(trial["hold_time_s"] - seen_s) <= 0.1


def test_a_view_lost_for_good_just_after_the_lift_interrupts_its_trial():
    """Unseen for 2.7 s from 0.3 s after toe-off: as for a trial heard of at once, it ends
    "view lost" where the view went (an interrupted trial: no fall-risk verdict)."""
    rec, _ = _unseen(bench.generate(draw("frontal 3 m 30 fps", 3)), 0.3, 3.0)
    trials = score(rec)
    assert [t["end_reason"] for t in trials] == ["view_lost"]
    assert abs(trials[0]["hold_time_s"] - 0.3) <= 0.1


def test_a_lift_seen_only_after_a_long_bad_view_still_wants_a_steady_second():
    """Unseen from 2 s to 0.5 s before toe-off: the second of standing before the lift was
    not seen, and the lift starts no trial (the window asks for a steady stance first)."""
    rec, _ = _unseen(bench.generate(draw("frontal 3 m 30 fps", 4)), -2.0, -0.5)
    assert score(rec) == []
