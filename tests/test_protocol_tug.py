"""Timed Up and Go: timed and split into its parts on people walked by the independent
bench (``tests/bench/tug.py``: placed steps, turns on the spot, a pinhole camera), from
the side and at 45 deg, 15-60 fps, 1-2 px jitter; the turn's steps (2-7 drawn per
seed); the Go cue, the gait speed (side-on, 45 and 60 deg off; not beyond 63), the card.

No public TUG footage is at hand (``../shared/realdata`` has none): the bench is the check.
"""

import json

import numpy as np
import pytest

from balance.clinical import norms
from balance.present import messages
from balance.profile import Profile
from balance.protocols import ProtocolResult, create
from balance.protocols.base import Frame
from balance.session.rescore import score_frames
from balance.testing.synthetic import generate as synthetic
from tests.bench.tug import Tug, generate
from tests.bench.tug_conditions import CONDITIONS, EVENTS, compare, evaluate, score, worst
from tests.helpers import balance

VIEWS = [(90.0, 15.0, 2.0), (90.0, 30.0, 1.0), (90.0, 60.0, 2.0),
         (45.0, 15.0, 2.0), (45.0, 30.0, 1.0), (45.0, 60.0, 1.0)]


@pytest.mark.parametrize("view, fps, jitter", VIEWS)
@pytest.mark.parametrize("seed", [1, 2])
def test_every_event_within_0_2_s_of_the_truth_and_the_total_within_0_25(view, fps, jitter, seed):
    result, rec = score(Tug(seed=seed, view_deg=view, fps=fps, jitter_px=jitter))
    err = compare(result, rec)
    # a start a little late and a seat contact a little early add up (0.21 s at worst)
    assert abs(err["time"]) <= 0.25, err
    for name in EVENTS:
        assert abs(err["events"][name]) <= 0.2, (name, err)
    s = result["summary"]
    ev = s["events"]
    # the parts are the gaps between the events, and add up to the time
    assert s["parts"]["turn"] == pytest.approx(ev["turn_end"] - ev["turn_start"], abs=1e-3)
    assert sum(s["parts"].values()) == pytest.approx(s["time_s"], abs=3e-3)
    assert s["fall_risk"] == (s["time_s"] >= 12.0)


# (condition, seed, drawn turn steps): slow turns whose hinge-fitted start or end was
# 0.21-0.36 s off (side, 60 fps: turn start 0.22 s late; slow: 0.30 s), and 45 deg views
# whose stand end was 0.37-0.63 s late (the first steps' shanks, tilted towards the
# camera, looked shorter and the shoulders taller)
HARD = [("side 15 fps", 11, 7), ("side 15 fps", 13, 7), ("side 60 fps", 7, 7),
        ("side, slow (x1.5)", 13, 7), ("side, slow (x1.5)", 2, 6), ("45 deg 15 fps", 11, 7),
        ("45 deg 30 fps", 7, 7), ("45 deg 15 fps, 2 px", 9, 7), ("45 deg 15 fps, 2 px", 8, 4),
        ("45 deg 60 fps, 2 px", 8, 4)]


@pytest.mark.parametrize("condition, seed, steps", HARD)
def test_long_turns_and_angled_stands_every_event_within_0_2_s(condition, seed, steps):
    result, rec = score(Tug(seed=seed, **CONDITIONS[condition]))
    assert rec.truth.turn_steps == steps  # the case is the one named
    err = compare(result, rec)["events"]
    assert all(abs(err[name]) <= 0.2 for name in EVENTS), err


def test_a_slow_sit_with_a_noisy_first_sample_on_the_seat_is_dated_within_0_2_s():
    # held-out seed 116: the level touched the seat's noise floor for one sample, then
    # noise lifted it over; the fit, cut there, had nothing flat and was 0.22 s early
    result, rec = score(Tug(seed=116, **CONDITIONS["side, slow (x1.5)"]))
    assert abs(compare(result, rec)["events"]["seated"]) <= 0.2


# seeds whose drawn turns take 4, 6, 5, 7, 2 and 3 steps
TURN_SEEDS = (1, 2, 6, 7, 10, 12)


@pytest.mark.parametrize("view, fps, jitter", VIEWS)
def test_the_turn_steps_are_counted_exactly_in_most_runs_and_never_off_by_more_than_one(
        view, fps, jitter):
    errors, truths = [], []
    for seed in TURN_SEEDS:
        result, rec = score(Tug(seed=seed, view_deg=view, fps=fps, jitter_px=jitter))
        errors.append(compare(result, rec)["turn_steps"])
        truths.append(rec.truth.turn_steps)
    assert sorted(truths) == [2, 3, 4, 5, 6, 7]  # the seeds cover the drawn range
    assert all(e is not None and abs(e) <= 1 for e in errors), errors
    assert sum(e == 0 for e in errors) >= len(TURN_SEEDS) - 1, errors


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gait_speed_from_the_side_is_the_hips_travel_in_cm_per_s(seed):
    result, rec = score(Tug(seed=seed))
    speed = result["summary"]["gait_speed_cm_s"]
    assert speed["out"] == pytest.approx(100 * rec.truth.speed_out, rel=0.1)
    assert speed["back"] == pytest.approx(100 * rec.truth.speed_back, rel=0.1)
    # a shorter person at the same speed: the scale follows the height given
    assert result["summary"]["scale"] == "shank = 0.246 x the person's height"


# The worst |error| of the straights' speeds over seeds 1-16 (where the line's scale
# percentile was chosen), in these conditions, was 4.8 % with 1 px jitter and 7.5 % with
# 2 px, side-on, 45 deg and 60 deg off alike; before the walk's angle was used 45 deg was
# not measured, and side-on it was up to 8.7 %.
SPEED_CONDITIONS = ("side 30 fps", "side 15 fps, 2 px", "45 deg 30 fps", "45 deg 15 fps",
                    "45 deg 60 fps, 2 px", "45 deg 15 fps, 2 px", "60 deg off, 30 fps",
                    "60 deg off, 15 fps, 2 px")


@pytest.mark.parametrize("condition", SPEED_CONDITIONS)
def test_gait_speed_from_the_side_or_at_an_angle_is_the_3d_walking_speed(condition):
    rows = evaluate(condition, seeds=(1, 2, 3))
    within = 0.08 if CONDITIONS[condition].get("jitter_px", 1.0) > 1.0 else 0.06
    assert worst(rows)["speed"] <= within, [r["speed"] for r in rows]
    off = 90.0 - CONDITIONS[condition].get("view_deg", 90.0)
    assert all(r["angle"] == pytest.approx(off, abs=3.0) for r in rows)


def test_gait_speed_is_not_given_when_the_walk_is_beyond_the_limit_off_the_picture():
    result, _ = score(Tug(seed=1, **CONDITIONS["70 deg off, 30 fps"]))
    s = result["summary"]
    assert s["gait_speed_cm_s"] == {"out": None, "back": None}
    assert s["walk_angle_deg"] == pytest.approx(70.0, abs=3.0)
    assert s["gait_speed_note"] == (f"not measured: the walk was {s['walk_angle_deg']:.0f} deg "
                                    "off the picture's plane (within 63 deg is needed)")
    assert s["time_s"] is not None  # the timing does not need the speed's view


def test_timed_from_the_go_cue_not_from_when_the_person_moves():
    tug = Tug(seed=2, lead_s=5.0)  # the person waits ~3 s after the Go before moving
    rec = generate(tug)
    p = create("tug", Profile(height_cm=170), image_size=tug.image_size, fps=tug.fps)
    statuses = []
    for i in range(rec.t.size):
        statuses.append(p.update(Frame(i, float(rec.t[i]), rec.image[i], rec.world[i], True)))
        if p.done:
            break
    result = p.result().to_dict()
    s = result["summary"]
    go = next(i for i, st in enumerate(statuses) if st.phase == "running")
    assert all(st.phase == "waiting" and "until Go" in st.instruction for st in statuses[:go])
    assert statuses[go].instruction.startswith("Go:")
    assert s["start_s"] == pytest.approx(rec.t[go])
    assert s["start_s"] < rec.truth.move - 2.0
    assert s["time_s"] == pytest.approx(rec.truth.contact - rec.t[go], abs=0.2)
    assert s["parts"]["sit_to_stand"] > rec.truth.up - rec.truth.move + 2.0  # the wait counts
    assert s["start_rule"] == "the window's Go cue after sitting still"


@pytest.mark.parametrize("moving", [True, False])
def test_no_go_while_the_person_keeps_moving_in_the_chair(moving):
    # seated, leaning forward and back every 1.5 s (or still: then the Go comes)
    bends = [(t, t + 1.0, 30.0) for t in np.arange(0.5, 9.0, 1.5)] if moving else []
    s = synthetic(duration_s=9.0, seated=[(-1, 10)], bends=bends)
    p = create("tug", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps)
    phases = {p.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], True)).phase
              for i in range(s.t.size)}
    assert (phases == {"waiting"}) is moving and (p.start_s is None) is moving


def test_a_stand_and_sit_without_the_walk_is_not_timed():
    s = synthetic(duration_s=12.0, seated=[(-1, 4), (8, 13)])
    p = create("tug", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps)
    result, _ = score_frames(p, s.t, s.image, s.world, s.detected)
    assert p.done and p.end_s is not None  # it ended at the seat contact
    assert result["summary"]["time_s"] is None and not result["summary"]["completed"]
    assert "not timed" in result["trials"][0]["end_text"]
    card = messages.result_text(result, Profile())
    assert card.startswith("Not timed: sat down again before the walk")


def test_fed_a_recording_ahead_every_status_is_the_live_one():
    tug = Tug(seed=3, fps=15.0, jitter_px=2.0)
    rec = generate(tug)
    live, ahead = (create("tug", Profile(height_cm=170), image_size=tug.image_size, fps=tug.fps,
                          go="movement") for _ in range(2))
    ahead.lookahead(rec.t, rec.image, rec.world)
    for i in range(rec.t.size):
        f = Frame(i, float(rec.t[i]), rec.image[i], rec.world[i], True)
        assert repr(ahead.update(f)) == repr(live.update(f)), i
    assert ahead.result().to_dict() == live.result().to_dict()


@pytest.mark.parametrize("pace, at_risk", [(0.8, False), (1.5, True)])
def test_the_fall_risk_line_and_the_community_line(pace, at_risk):
    result, rec = score(Tug(seed=1, pace=pace))
    assert (rec.truth.total >= 12.0) == at_risk  # the case is what it says
    s = result["summary"]
    assert s["fall_risk"] is at_risk
    lines = {n["label"]: n for n in s["norms"]}
    assert lines["STEADI fall-risk line"]["reference_s"] == 12.0
    assert lines["STEADI fall-risk line"]["below"] is (not at_risk)
    assert lines["community falls line"]["below"] is (s["time_s"] < 13.5)
    assert lines["community falls line"]["verify"] is True


def test_the_card_gives_time_parts_turn_steps_speed_declared_aid_and_the_neuropathy_note():
    result, rec = score(Tug(seed=1), aid="cane", chair_arms="used")
    s = ProtocolResult.from_dict(json.loads(json.dumps(result))).summary
    card = messages.result_text(result, Profile()).splitlines()
    assert card[0] == f"Time: {s.time_s:.1f} s (from first movement after sitting still (no go cue), " \
                      "dated to its onset)"
    assert card[1].startswith(f"stand up {s.parts['sit_to_stand']:.1f} s, walk out ")
    assert card[1].endswith(f"turn and sit {s.parts['turn_to_sit']:.1f} s")
    assert s.turn_steps == rec.truth.turn_steps == 4
    assert card[2] == ("turn at the line: 4 steps (not more than 4, the TURN180 marker of fall "
                       "risk, TURN180 *verify*)")
    out, back = s.gait_speed_cm_s["out"], s.gait_speed_cm_s["back"]
    assert card[3] == f"gait speed: {out:.0f} cm/s out, {back:.0f} cm/s back"
    assert card[4] == "walking aid: cane; chair arms: used (as declared)"
    assert card[5] == norms.TUG_NEUROPATHY_NOTE
    assert any("STEADI fall-risk line (12 s, CDC STEADI TUG)" in line for line in card)


@pytest.mark.parametrize("count, words", [(4, "not more than 4"), (5, "more than 4")])
def test_the_turn_steps_are_worded_against_the_turn180_marker(count, words):
    assert norms.turn_steps_words(count).startswith(f"turn at the line: {count} steps ({words}, ")


def test_compare_tug_is_literal_about_the_lines():
    fast, slow = norms.compare_tug(11.99), norms.compare_tug(12.0)
    assert [c.below for c in fast] == [True, True]
    assert [c.below for c in slow] == [False, True]


@pytest.mark.parametrize("option, value", [("go", "sideways"), ("aid", "crutch"),
                                           ("chair_arms", "maybe")])
def test_a_wrong_option_is_refused(option, value):
    from balance.errors import InputError
    with pytest.raises(InputError, match=option):
        create("tug", Profile(), image_size=(1280, 720), fps=30.0, **{option: value})


def test_balance_score_times_a_recorded_walk_from_its_first_movement(tmp_path):
    from balance.session.recording import Recording
    from balance.storage.session import SessionWriter, new_metadata
    tug = Tug(seed=2, fps=15.0)
    rec = generate(tug)
    path = tmp_path / "tug.balance"
    profile = Profile(height_cm=170)
    r = Recording(create("tug", profile, image_size=tug.image_size, fps=tug.fps, go="movement"),
                  SessionWriter(path, new_metadata(source="bench", fps=tug.fps,
                                                   image_size=tug.image_size,
                                                   profile=profile.to_dict())), to_history=False)
    for i in range(rec.t.size):
        r.feed(float(rec.t[i]), rec.image[i], rec.world[i], True)
    r.finish("done")
    proc = balance("score", path, "--protocol", "tug", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)["summary"]
    assert summary["time_s"] == pytest.approx(rec.truth.total, abs=0.2)
    assert rec.truth.turn_steps == 6 and abs(summary["turn_steps"] - 6) <= 1
    bad = balance("score", path, "--protocol", "tug", "--go", "sideways")
    assert bad.returncode == 2 and "error:" in bad.stderr and "Traceback" not in bad.stderr


def _written(path, lead_s, **meta):
    """A TUG from the side written as `balance analyze` leaves a recording (no test, no Go
    cue, not live) or with ``meta`` on top, seated still ``lead_s`` first; its true time
    from the first movement."""
    from balance.storage.session import SessionWriter, new_metadata
    from tests import steadi_sessions as G
    rec, true_s = G.tug(1.0, lead_s=lead_s)
    with SessionWriter(path, {**new_metadata(source="bench:tug", fps=G.FPS, image_size=G.SIZE,
                                             person_id="ann", height_cm=170.0), **meta}) as w:
        for i in range(rec.t.size):
            w.write_frame(rec.t[i], rec.image[i], rec.world[i], bool(rec.detected[i]))
    return path, true_s


def test_a_recording_without_the_windows_go_is_timed_from_the_first_movement(tmp_path):
    """Nobody said Go in a video or an `analyze` session: timed from a Go assumed 2 s
    after sitting still, the 8 s seated here added 6 s to the time."""
    path, true_s = _written(tmp_path / "tug.balance", lead_s=8.0)
    scored = json.loads(balance("score", path, "--protocol", "tug", "--json").stdout)
    assert scored["summary"]["go"] == "movement"
    assert scored["summary"]["time_s"] == pytest.approx(true_s, abs=0.25)
    cue = json.loads(balance("score", path, "--protocol", "tug", "--go", "cue", "--json").stdout)
    assert cue["summary"]["time_s"] > true_s + 5.0  # --go cue asked for: the seated wait counts


def test_the_windows_own_recording_keeps_its_go(tmp_path):
    from balance.session.rescore import rescore
    from balance.storage.session import read_session
    path, true_s = _written(tmp_path / "live.balance", lead_s=8.0, live=True, protocol="tug")
    result = rescore(read_session(path)).result
    assert result["summary"]["go"] == "cue" and result["summary"]["time_s"] > true_s + 5.0


def test_an_imported_recording_is_timed_from_the_first_movement(tmp_path):
    from balance.session.rescore import score_for_history
    from balance.storage.history import History
    path, true_s = _written(tmp_path / "tug.balance", lead_s=8.0)
    with History(tmp_path / "h.sqlite3") as h:
        h.import_session(path, protocol="tug", scorer=score_for_history)
        (trial,) = h.trials("ann", protocol="tug")
    assert trial.hold_time_s == pytest.approx(true_s, abs=0.25)
