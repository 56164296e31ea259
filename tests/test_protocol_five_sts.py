"""Five-times sit-to-stand: the time from the first movement to the seat after the fifth
good stand, every stand checked, on the synthetic person (tuned with the detector) and on
the independent sit-to-stand bench (front, side, oblique, 15-60 fps, jitter, bodies)."""

import pytest

from balance.clinical import norms
from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.session.rescore import score_frames
from balance.testing.synthetic import generate
from tests.bench.chair import Chair
from tests.bench.chair_conditions import CONDITIONS, compare, evaluate, score

FPS = (15.0, 30.0, 60.0)
TOLERANCE_S = 0.2  # issue 16: event timing within 0.2 s of the truth
# Seated until 2 s, then four more sits; the synthetic person rises over the 0.6 s
# before each seated interval ends and is down 0.6 s after the next begins.
SEATED = [(-1, 2), (4, 6), (8, 10), (12, 14), (16, 18), (20, 30)]
RAMP_S = 0.6


def _synthetic(fps, *, profile=None, **gen):
    s = generate(fps=fps, seed=int(fps), jitter_px=1.5, arms="crossed",
                 duration_s=gen.pop("duration_s", 24.0), **gen)
    test = create("five-sts", profile, image_size=s.image_size, fps=fps)
    return score_frames(test, s.t, s.image, s.world, s.detected)[0]["summary"]


@pytest.mark.parametrize("fps", FPS)
def test_time_runs_from_the_first_rise_to_the_fifth_return_to_the_seat(fps):
    s = _synthetic(fps, seated=SEATED, profile=Profile(birth_year=2026 - 75))
    start, end = SEATED[0][1] - RAMP_S, SEATED[5][0] + RAMP_S
    assert s["start_s"] == pytest.approx(start, abs=TOLERANCE_S)
    assert s["time_s"] == pytest.approx(end - start, abs=TOLERANCE_S)
    assert [x["seated_s"] for x in s["stands"]] == pytest.approx(
        [a + RAMP_S for a, _ in SEATED[1:]], abs=TOLERANCE_S)
    assert (s["reps"], s["bad_reps"], s["all_reps_good"], s["completed"]) == (5, 0, True, True)
    assert s["fall_risk"] is True  # ~19 s, far over the 12 s line
    assert s["cycle_s"] == pytest.approx([4.6 - 1.4, 4, 4, 4, 4], abs=2 * TOLERANCE_S)


@pytest.mark.parametrize("fps", FPS)
def test_a_stand_pushed_up_with_the_hands_is_listed_and_not_counted(fps):
    seated = SEATED[:5] + [(20, 22), (24, 40)]
    s = _synthetic(fps, seated=seated, hands_down=((9.0, 10.8),), duration_s=28.0)
    assert [x["faults"] for x in s["stands"]] == [[], [], ["hands"], [], [], []]
    assert s["end_s"] == pytest.approx(24 + RAMP_S, abs=TOLERANCE_S)  # the sixth stand's
    assert s["all_reps_good"] is False and s["reps"] == 5


def test_a_test_stopped_before_the_fifth_stand_has_no_time():
    s = generate(fps=30.0, seed=3, jitter_px=1.0, arms="crossed", duration_s=24.0,
                 seated=SEATED)
    test = create("five-sts", image_size=s.image_size, fps=30.0)
    for i in range(int(11 * 30)):  # three stands done by 11 s
        test.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], True))
    test.stop(11.0)
    r = test.result()
    assert r.summary.time_s is None and r.summary.completed is False
    assert r.summary.fall_risk is None and r.summary.norms == []
    assert r.summary.reps == 2 and r.trials[0].end_text == "2 of 5 stands, not finished"


def test_standing_at_the_start_does_not_start_the_clock():
    # standing for 3 s, then sits: the clock starts only from the seat
    seated = [(3, 6), (8, 10), (12, 14), (16, 18), (20, 22), (24, 40)]
    s = _synthetic(30.0, seated=seated, duration_s=28.0)
    assert s["start_s"] == pytest.approx(6 - RAMP_S, abs=TOLERANCE_S)
    assert s["end_s"] == pytest.approx(24 + RAMP_S, abs=TOLERANCE_S)


def test_norms_give_the_age_mean_and_the_12_s_line():
    fast = norms.compare_five_sts(11.0, age=65)
    assert [(c.reference_s, c.below, c.source.key) for c in fast] == [
        (11.4, True, "Bohannon 2006b"), (12.0, True, "Tiedemann 2008")]
    assert fast[0].source.verify is True and fast[1].source.verify is False
    slow = norms.compare_five_sts(13.0, age=75)
    assert [(c.reference_s, c.below) for c in slow] == [(12.6, False), (12.0, False)]
    assert [c.reference_s for c in norms.compare_five_sts(15.0, age=85)] == [14.8, 12.0]
    assert [c.reference_s for c in norms.compare_five_sts(9.0, age=45)] == [12.0]  # no band


def test_the_result_compares_the_time_with_the_norms_of_the_persons_age():
    s = _synthetic(30.0, seated=SEATED, profile=Profile(birth_year=2026 - 65))
    assert [(n["reference_s"], n["below"]) for n in s["norms"]] == [(11.4, False),
                                                                     (12.0, False)]


def test_reps_must_be_at_least_one():
    from balance.errors import InputError
    with pytest.raises(InputError, match="reps"):
        create("five-sts", image_size=(1280, 720), fps=30.0, reps=0)


# --- the independent bench -------------------------------------------------------------

CLEAN = [n for n in CONDITIONS if not CONDITIONS[n].get("faults")]
FAULTS = [n for n in CONDITIONS if CONDITIONS[n].get("faults")]


@pytest.mark.parametrize("name", CONDITIONS)
def test_bench_start_and_every_seat_contact_within_0_2_s(name):
    for row in evaluate(name):
        assert abs(row["start"]) <= TOLERANCE_S, row
        assert row["contacts"] and max(map(abs, row["contacts"])) <= TOLERANCE_S, row
        assert row["reps_ok"], row


# Front-view stands whose trunk lean turned back before the shoulders had moved
# FIT_TOP: the onset fit took in the lean's whole hump and dated it 0.16-0.28 s early.
@pytest.mark.parametrize("fps", [15.0, 30.0])
@pytest.mark.parametrize("seed", [7, 11, 14])
def test_a_front_view_lean_that_turns_back_early_is_dated_within_0_2_s(fps, seed):
    result, rec = score(Chair(seed=seed, fps=fps))
    assert abs(compare(result, rec)["start"]) <= TOLERANCE_S


@pytest.mark.parametrize("name", CLEAN)
def test_bench_total_time_within_0_2_s(name):
    assert max(abs(r["time"]) for r in evaluate(name)) <= TOLERANCE_S


def test_a_slow_sitter_s_seat_contacts_are_dated_on_the_seat():
    """A slow sitter is "seated" by the chair rule well before the hips land: dated from
    there, the contacts came 0.1-0.19 s early (the fit had no seat samples to anchor on)."""
    contacts = [e for row in evaluate("slow (x1.5)") for e in row["contacts"]]
    assert len(contacts) == 20 and max(map(abs, contacts)) <= 0.12, contacts


@pytest.mark.parametrize("name", FAULTS)
def test_bench_refuses_exactly_the_faulty_stand_and_says_why(name):
    for row in evaluate(name):
        assert row["refused_ok"], row
        assert abs(row["time"]) <= TOLERANCE_S, row


# A return that stopped 12 cm above the seat read 0.61 shank lengths on these seeds, above
# the fixed half-way (0.6) of the chair detector: it looked like standing, and the stand
# that never sat was not refused.
@pytest.mark.parametrize("seed", [304, 306, 318, 319])
def test_a_return_that_stops_just_above_half_way_is_refused(seed):
    result, rec = score(Chair(seed=seed, **CONDITIONS["no seat, stand 2"]))
    assert compare(result, rec)["refused_ok"], result["summary"]["stands"]


# How far above the seat a return may stop and still be seen not to sit: from 7 cm (the
# seat's margin is ~4 cm) to 12 cm (a quarter of the rise), from every side.
@pytest.mark.parametrize("hover_m", [0.07, 0.12])
@pytest.mark.parametrize("view", [{}, {"yaw_deg": 90.0}, {"yaw_deg": 45.0},
                                  {"fps": 15.0, "jitter_px": 2.0},
                                  {"camera_height_m": 0.75, "distance_m": 2.5}])
def test_a_stand_that_never_sat_is_refused_from_every_view(hover_m, view):
    for seed in (21, 22, 23):
        chair = Chair(seed=seed, stands=6, faults=((1, "no_seat"),), hover_m=hover_m, **view)
        row = compare(*score(chair))
        assert row["refused_ok"] and abs(row["time"]) <= TOLERANCE_S, (seed, row)


def test_bench_faults_are_not_found_where_there_are_none():
    result, rec = score(Chair(seed=7, yaw_deg=90.0, fps=15.0, jitter_px=2.0))
    assert compare(result, rec)["refused_ok"]
    assert all(x["faults"] == [] for x in result["summary"]["stands"])


def test_the_result_card_gives_the_time_and_the_stands_that_did_not_count():
    from balance.present.messages import result_text
    seated = SEATED[:5] + [(20, 22), (24, 40)]
    s = generate(fps=30.0, seed=4, jitter_px=1.0, arms="crossed", duration_s=28.0,
                 seated=seated, hands_down=((9.0, 10.8),))
    person = Profile(birth_year=2026 - 72)  # in the 70-79 band for years to come
    test = create("five-sts", person, image_size=s.image_size, fps=30.0)
    result, _ = score_frames(test, s.t, s.image, s.world, s.detected)
    lines = result_text(result, person).splitlines()
    time_s = result["summary"]["time_s"]
    assert lines[:2] == [f"Time: {time_s:.1f} s for 5 stands", "1 stands did not count (hands)"]
    assert lines[2].startswith("at or above age ") and lines[2].endswith(
        "mean time (12.6 s, Bohannon 2006b)")
    assert lines[3] == "at or above fall-risk line (12 s, Tiedemann 2008)"
    assert not any("held" in line or "hold" in line for line in lines)
