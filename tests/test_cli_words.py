"""Every line the command line prints is plain words: no dicts, lists, None or True, and
no Python error when the reader stops early."""

import re
import subprocess
import sys

import pytest

from balance.commands.score import format_result
from balance.present import plain
from balance.profile import Profile
from balance.session.rescore import rescore
from balance.storage.session import read_session
from tests.helpers import ROOT, SAMPLE

QUIET = ROOT / "samples" / "quiet_standing.balance"
PYTHON_WORDS = re.compile(r"None|True|False|[{}\[\]]|\w_\w")


def python_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if PYTHON_WORDS.search(line)]


@pytest.fixture(scope="module")
def sample():
    return read_session(SAMPLE)


@pytest.mark.parametrize("protocol", ["single-leg-stance", "four-stage", "bess", "romberg",
                                      "practice", "yoga", "chair-stand-30"])
def test_score_prints_words_for_every_kind_of_summary(sample, protocol):
    result = rescore(sample, protocol, profile=Profile(height_cm=170.0)).result
    text = format_result(result)
    assert python_in(text) == []
    assert text.splitlines()[0] == f"protocol  {protocol}"


def test_score_says_the_best_holds_and_asymmetry_as_a_person_reads_them(sample):
    result = rescore(sample, "single-leg-stance", profile=Profile(height_cm=170.0)).result
    best = result["summary"]["best_hold_s"]
    lines = format_result(result).splitlines()
    assert f"best hold  left {best['left']:.1f} s, right {best['right']:.1f} s" in lines
    asym = abs(best["left"] - best["right"]) / max(best.values())
    assert f"asymmetry  {100 * asym:.0f} %" in lines
    assert "fall risk  no" in lines and "cap        45.0 s" in lines


def test_score_of_a_session_without_a_lift_says_not_tested(tmp_path):
    result = rescore(read_session(QUIET), "single-leg-stance",
                     profile=Profile(height_cm=170.0)).result
    text = format_result(result)
    assert "no trial was recorded" in text
    assert "best hold  left not tested, right not tested" in text
    assert "asymmetry" not in text  # nothing to compare: no line rather than "None"
    assert python_in(text) == []


def test_plain_values():
    assert plain.value({"mountain:-": 39.967, "warrior_2:right": 13.25}, seconds=True) == \
        "mountain 40.0 s, warrior 2 right 13.2 s"
    assert plain.value([{"t_s": 6.807, "from": "mountain", "to": "warrior_2"}]) == \
        "t 6.8 s, from mountain, to warrior 2"
    assert plain.value(["firm double_leg", "foam tandem"]) == "firm double leg; foam tandem"
    assert plain.value(None) is None and plain.value([]) is None
    assert plain.value(0.245, percent=True) == "25 %" and plain.value(1 / 3) == "0.333"
    assert plain.summary_lines({"failure": None, "completed": False, "phase_s": 30.0}) == [
        "completed  no", "phase      30.0 s"]


def test_a_reader_that_stops_early_ends_the_command_quietly():
    """``balance info S | head -1``: the closed pipe is no ``error: Broken pipe``."""
    proc = subprocess.Popen([sys.executable, "-m", "balance", "info", str(SAMPLE)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the command writes its first line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert err == ""


@pytest.fixture(scope="module")
def demo_lines():
    from balance.present.terminal import HEADER, replay_in_terminal
    from balance.session.live import open_feed
    lines = []
    replay_in_terminal(open_feed(SAMPLE), "single-leg-stance", out=lines.append)
    start = lines.index(HEADER) + 1
    end = lines.index("", start)
    return lines[start:end], "\n".join(lines[end + 1:]).splitlines()


def test_demo_rows_are_in_time_order(demo_lines):
    rows, _ = demo_lines
    times = [float(r.split()[0]) for r in rows]
    assert times == sorted(times) and len(times) > 30


def test_demo_sway_columns_hold_sway_not_the_height_of_the_body(demo_lines):
    rows, _ = demo_lines
    running = [r.split() for r in rows if " running " in r]
    ml = [float(r[5]) for r in running]
    assert len(ml) > 15 and max(map(abs, ml)) < 10.0  # the CoM is ~90 cm up: not here


def test_demo_never_asks_for_the_leg_it_does_not_score(demo_lines):
    rows, _ = demo_lines
    for k, row in enumerate(rows):
        if "event: trial_start" in row:
            side = row.split("side=")[1].split(",")[0]
            other = {"left": "right", "right": "left"}[side]
            asked = rows[k - 1]
            assert f"Stand on your {other} leg" not in asked, (row, asked)


def test_the_result_says_why_its_score_is_below_the_live_steadiness(demo_lines):
    rows, result = demo_lines
    live = [int(r.split()[7]) for r in rows if " running " in r and r.split()[7] != "-"]
    scores = [line for line in result if line.startswith("stability score:")]
    assert len(scores) == 2
    for line in scores:
        m = re.match(r"stability score: (\d+) / 100 \(steadiness (\d+), scaled by the "
                     r"([\d.]+) s held of the 45 s target\)", line)
        assert m, line
        score, steady, held = int(m[1]), int(m[2]), float(m[3])
        assert score == pytest.approx(steady * held / 45.0, abs=1.0)
        assert min(live) - 10 <= steady <= max(live) + 10


@pytest.fixture(scope="module")
def battery():
    """The falls-risk battery's results on bench people: a TUG from the side, five stands
    from the front, a practice and two reaches."""
    from tests.bench import chair_conditions, reach_conditions, tug_conditions
    from tests.bench.chair import Chair
    from tests.bench.reach import Reacher
    from tests.bench.tug import Tug
    return {"tug": tug_conditions.score(Tug(seed=3))[0],
            "five-sts": chair_conditions.score(Chair(seed=2))[0],
            "functional-reach": reach_conditions.score(Reacher(seed=2))[0]}


@pytest.mark.parametrize("protocol", ["tug", "five-sts", "functional-reach"])
def test_the_battery_prints_words_and_its_norms(battery, protocol):
    """These summaries keep one result's norms as a list (not per side) and a reach has
    no hold time: both once stopped `balance score` with a Python error."""
    result = battery[protocol]
    lines = format_result(result).splitlines()
    assert lines[0] == f"protocol  {protocol}" and python_in("\n".join(lines)) == []
    norms = result["summary"]["norms"]
    assert norms  # the fall-risk line at least (no age given: no age norm)
    for c in norms:
        where = "below" if c["below"] else "at or above"
        assert sum(line.startswith("result") and f"is {where} the {c['label']} "
                   f"({c['reference_s']:g} {c.get('unit', 's')}," in line for line in lines) == 1


def test_the_tug_says_its_units(battery):
    s = battery["tug"]["summary"]
    lines = format_result(battery["tug"]).splitlines()
    speed = s["gait_speed_cm_s"]
    assert [x for x in lines if x.startswith("gait speed")] == [
        f"gait speed       out {speed['out']:.1f} cm/s, back {speed['back']:.1f} cm/s"]
    turn = [x for x in lines if x.startswith("parts")][0]
    assert f"turn {s['parts']['turn']:.1f} s," in turn
    assert f"walk angle       {s['walk_angle_deg']:.1f} deg" in lines


def test_a_reach_says_cm_and_which_attempt_was_practice(battery):
    result = battery["functional-reach"]
    lines = format_result(result).splitlines()
    trials = [x for x in lines if x.startswith("trial ")]
    assert len(trials) == len(result["trials"]) == 3
    assert "practice" in trials[0] and "practice" not in trials[1] + trials[2]
    assert f"reach      {result['summary']['reach_cm']:.1f} cm" in lines
    assert f"mean       {result['summary']['mean_cm']:.1f} cm" in lines
