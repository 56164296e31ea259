"""Trends over weeks of generated results, and the terminal commands that print them."""

import os
from pathlib import Path
from datetime import date, timedelta

import numpy as np
import pytest

from balance import profile
from balance.storage.history import History
from balance.events import Event
from balance.storage.session import append_events
from balance.clinical import mdc
from balance.storage.trends import describe, trends
from balance.session.rescore import score_for_history
from tests.helpers import assert_one_line_error, balance, freeze_today
from tests.test_history_store import trial, write_session

START = date(2026, 1, 5)


def left_hold(week, k):
    return 8.0 + 4.0 * (week - 1) + k  # best of week 1: 10 s; of week 8: 38 s


def right_hold(week, k):
    return 7.0 + 1.5 * (week - 1) + k  # 9 s -> 19.5 s: less than the 24.1 s MDC


def make_weeks(db: History, folder, weeks: int = 8, person: str = "ann"):
    """Two sessions a week, three trials per side, steadily improving."""
    for week in range(1, weeks + 1):
        for day in (0, 3):
            when = START + timedelta(weeks=week - 1, days=day)
            trials = []
            for k in range(3):
                v = 2.0 - (week - 1) / 7.0  # 2.0 cm/s -> 1.0 cm/s
                area = 8.0 - 4.0 * (week - 1) / 7.0 + (-0.5, 0.0, 0.5)[k]
                trials.append(trial("left", left_hold(week, k), velocity=v, area=area,
                                    score=40.0 + 5 * week + k, n=len(trials) + 1))
                trials.append(trial("right", right_hold(week, k), velocity=v, area=area,
                                    score=35.0 + 2 * week + k, n=len(trials) + 1))
            f = write_session(folder / f"{person}-w{week}-{day}.balance", person=person,
                              start=f"{when.isoformat()}T18:00:00+00:00", trials=trials,
                              seconds=0.4)
            if week == 8 and day == 3:
                append_events(f, [Event(0.2, "note", {"text": "much steadier on the left",
                                                      "author": "PT Kim"})])
            db.import_session(f)


@pytest.fixture
def eight_weeks(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    with History() as h:
        make_weeks(h, tmp_path)
        yield h


def test_weekly_points_bests_and_norms(eight_weeks, monkeypatch):
    freeze_today(monkeypatch, profile, START + timedelta(weeks=8))  # ann, born 1960, is 66
    (t,) = trends(eight_weeks, "ann")
    assert t.protocol == "single-leg-stance" and t.first_day == START
    assert t.sides == ["left", "right"]
    weeks, holds = t.series("main", "left")
    assert weeks == list(range(1, 9))
    assert holds == [left_hold(w, 2) for w in weeks]  # best of the week
    _, velocity = t.series("mean_velocity", "right")
    assert velocity[0] == pytest.approx(2.0) and velocity[-1] == pytest.approx(1.0)
    _, area = t.series("ellipse_area", "left")
    assert area[0] == pytest.approx(8.0)  # the median trial, not the best
    assert t.bests[("main", "left")] == (38.0, START + timedelta(weeks=7, days=0))
    assert t.bests[("ellipse_area", "right")][0] == pytest.approx(3.5)
    # 60-69 band: Bohannon 2006 meta-analysis 27.0 s to Springer 2007 32.1 s
    assert (t.norm_band.low, t.norm_band.high) == (27.0, 32.1)
    assert t.fall_risk.value == 5.0 and t.fall_risk.source == "Vellas 1997"
    assert [(w, n) for w, n, _ in t.adherence] == [(w, 2) for w in range(1, 9)]


def _change(t, measure, side, week):
    """The change of ``measure`` on ``side`` against the baseline ``week``."""
    return next(c for c in t.changes if (c.measure, c.side, c.baseline_week) == (measure, side, week))


def test_changes_are_judged_against_the_minimal_detectable_change(eight_weeks):
    (t,) = trends(eight_weeks, "ann")
    left = _change(t, "main", "left", 1)
    assert (left.baseline, left.latest, left.delta) == (10.0, 38.0, 28.0)
    assert left.mdc == mdc.SINGLE_LEG_STANCE.absolute == 24.1
    assert left.real and left.better
    right = _change(t, "main", "right", 1)
    assert right.delta == pytest.approx(10.5) and right.real is False
    month = _change(t, "main", "left", 4)
    assert month.delta == 16.0 and month.real is False
    assert month.since == "since week 4, 4 weeks before"
    vel = _change(t, "mean_velocity", "left", 1)
    assert vel.mdc == pytest.approx(0.66) and vel.real and vel.better  # lower sway is better
    area = _change(t, "ellipse_area", "left", 1)
    # no published MDC: the person's own trial-to-trial SD (0.5 cm²) x 1.96 x sqrt(2)
    assert area.mdc == pytest.approx(1.386, abs=0.001) and area.real and area.better
    assert "a real improvement" in left.sentence() and "variability" in right.sentence()


def test_history_command_prints_the_trend(eight_weeks):
    proc = balance("history", "--person", "ann")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "ann - Single-leg stance" in out
    assert "   8 left        6        38.0" in out
    assert "hold time (left) since week 1, the first week: 10 -> 38 s (+28 s, MDC 24.1 s)" in out
    assert "fall-risk line: < 5 s (Vellas 1997)" in out
    assert "ann" in balance("history").stdout


def test_unknown_person_is_one_clear_line(eight_weeks):
    assert_one_line_error(balance("history", "--person", "nobody"), "no person 'nobody'",
                          "known: ann")
    assert_one_line_error(balance("report", "--person", "nobody"), "no person 'nobody'")


def test_people_delete_asks_for_confirmation_then_deletes_its_own_files(eight_weeks,
                                                                         monkeypatch):
    files = sorted(s.file for s in eight_weeks.sessions("ann"))
    mine = files[0]  # an imported copy in the user's own folder
    monkeypatch.setenv("BALANCE_SESSIONS_DIR", str(Path(files[1]).parent))
    folder = Path(mine).parent
    moved = folder.with_name(folder.name + "-own") / Path(mine).name
    moved.parent.mkdir()
    os.replace(mine, moved)
    eight_weeks._con.execute("UPDATE sessions SET file=? WHERE file=?", (str(moved), mine))
    assert_one_line_error(balance("people", "delete", "ann"), "--yes")
    assert all(os.path.exists(f) for f in files[1:])
    proc = balance("people", "delete", "ann", "--yes")
    assert "16 session(s), 96 result(s), 1 note(s)" in proc.stdout, proc.stderr
    assert not any(os.path.exists(f) for f in files[1:])
    assert moved.exists() and f"kept {moved}" in proc.stdout
    assert "history is empty" in balance("history").stdout


def test_import_command_reports_each_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "in").mkdir()
    good = write_session(tmp_path / "in" / "a.balance", trials=[trial("left", 5.0)])
    (tmp_path / "in" / "bad.balance").write_text("garbage")
    proc = balance("import", tmp_path / "in")
    assert proc.returncode == 1
    assert f"added: {good} -> ann, 1 trial(s), 0 note(s)" in proc.stdout
    assert "skipped:" in proc.stderr and "bad.balance is not a balance session" in proc.stderr
    assert_one_line_error(balance("import", tmp_path / "nothing"), "no such file")


def test_corrupt_or_busy_database_is_one_line_and_kept(tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path))
    db = tmp_path / "history.sqlite3"
    db.write_bytes(b"\x00garbage" * 512)
    assert_one_line_error(balance("history"), "damaged", "left untouched")
    assert db.read_bytes() == b"\x00garbage" * 512
    db.unlink()
    with History() as h:
        h.add_person("ann")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # even readers wait: another process mid-write
    monkeypatch.setenv("BALANCE_DB_TIMEOUT_S", "0.2")
    try:
        proc = balance("people", "add", "bob")
    finally:
        blocker.execute("ROLLBACK")
    assert_one_line_error(proc, "busy", "Try again")
    assert [p.name for p in History().people()] == ["ann"]


def test_last_weeks_keep_their_week_numbers(eight_weeks):
    from balance.storage.trends import since_weeks

    since = since_weeks(eight_weeks, "ann", 3)
    assert since == "2026-02-06"  # three weeks ending with the last session, 26 February
    (t,) = trends(eight_weeks, "ann", since=since)
    weeks, holds = t.series("main", "left")
    assert weeks == [6, 7, 8] and holds == [30.0, 34.0, 38.0]
    first = _change(t, "main", "left", 6)
    assert (first.delta, first.real) == (8.0, False)
    assert first.since == "since week 6, the first week shown"


def test_ellipse_trend_from_recordings_scored_over_weeks(tmp_path, monkeypatch):
    """Recordings (not typed-in results) of a person whose sway shrinks week by week:
    rescored on import, the ellipse area (ML from the image, AP from the depth) falls."""
    from balance.storage.session import SessionWriter, new_metadata
    from balance.testing.synthetic import Lift, generate
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    with History() as db:
        for week, sway in enumerate((1.6, 1.1, 0.6), start=1):
            s = generate(duration_s=16.0, lifts=[Lift("left", 3.0, 14.0)], jitter_px=0.5,
                         sway_cm=(sway, sway / 2), seed=week)
            meta = new_metadata(source="synthetic:test", fps=s.fps, image_size=s.image_size,
                                person_id="eve", profile={"person_id": "eve",
                                                          "height_cm": s.height_cm})
            meta["start_time"] = f"{START + timedelta(weeks=week - 1)}T09:00:00+00:00"
            f = tmp_path / f"eve-{week}.balance"
            with SessionWriter(f, meta) as w:
                for i in range(s.t.size):
                    w.write_frame(s.t[i], s.image[i], s.world[i], bool(s.detected[i]))
            db.import_session(f, protocol="single-leg-stance", scorer=score_for_history)
        (t,) = trends(db, "eve")
        weeks, area = t.series("ellipse_area", "right")
        assert weeks == [1, 2, 3]
        assert area[0] > 1.5 * area[1] > 1.5 ** 2 * area[2] > 0
        assert t.bests[("ellipse_area", "right")][0] == area[2]


def yoga_week(db, folder, week: int, holds: dict):
    """One yoga session in ``week``: ``holds`` maps (pose, side) to the hold time."""
    trials = [{**trial(side, hold, n=k), "pose": pose}
              for k, ((pose, side), hold) in enumerate(holds.items(), start=1)]
    when = START + timedelta(weeks=week - 1)
    db.import_session(write_session(folder / f"yoga-{week}.balance", protocol="yoga",
                                    start=f"{when}T08:00:00+00:00", trials=trials))


def test_yoga_rows_are_named_by_pose_and_leg(tmp_path, monkeypatch):
    """Warrior II and tree both on the right leg are two rows, not one "right" row
    holding whichever pose was held longer."""
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    with History() as db:
        yoga_week(db, tmp_path, 1, {("warrior_2", "right"): 13.0, ("mountain", None): 4.0,
                                    ("tree", "right"): 9.0})
        yoga_week(db, tmp_path, 3, {("tree", "right"): 11.0})
        (t,) = trends(db, "ann")
    assert t.sides == ["mountain", "tree, right", "warrior 2, right"]
    assert t.series("main", "tree, right") == ([1, 3], [9.0, 11.0])
    assert t.series("main", "warrior 2, right") == ([1], [13.0])
    text = describe(t)
    assert "   1 warrior 2, right      1        13.0" in text
    assert f"  hold time (mountain): 4 s on {START}" in text
    assert "stability score (mountain): 50 on" in text  # no unit, no double space
    assert "None" not in text


def test_after_a_pause_the_second_baseline_says_how_long_ago_it_was(tmp_path):
    """Weeks 1-3, a pause, weeks 9-11: "about a month back" is week 3, eight weeks before
    the latest, and the words say so; with only weeks 1 and 5 the first week is the only
    baseline (no second line repeating it)."""
    with History(tmp_path / "h.sqlite3") as h:
        for week in (1, 2, 3, 9, 10, 11):
            day = START + timedelta(weeks=week - 1)
            h.import_session(write_session(tmp_path / f"ann-{week}.balance", start=f"{day}T09:00:00+00:00",
                                           trials=[trial("left", 5.0 + week)]))
        for week in (1, 5):
            day = START + timedelta(weeks=week - 1)
            h.import_session(write_session(tmp_path / f"bo-{week}.balance", person="bo",
                                           start=f"{day}T09:00:00+00:00",
                                           trials=[trial("left", 5.0 + week)]))
        (ann,), (bo,) = trends(h, "ann"), trends(h, "bo")
    holds = [c for c in ann.changes if c.measure == "main"]
    assert [(c.baseline_week, c.since) for c in holds] == [
        (1, "since week 1, the first week"), (3, "since week 3, 8 weeks before")]
    assert holds[1].sentence().startswith("hold time (left) since week 3, 8 weeks before: 8 -> 16 s")
    assert [c.since for c in bo.changes if c.measure == "main"] == [
        "since week 1, the first week"]


# --- tests timed to their end: shorter is better --------------------------------------

# week -> the times of that week's sessions, s: quicker week by week, two sessions in week 3
FIVE_STS_TIMES = {1: [15.8], 2: [14.9], 3: [15.4, 14.6], 4: [13.9], 5: [13.2], 6: [12.6]}
TUG_TIMES = {1: [13.4], 2: [12.9], 3: [12.1], 4: [11.6], 5: [11.0]}


def timed_weeks(db, folder, protocol: str, times: dict, person: str = "ann") -> None:
    """One session per time, the time stored as that test's one trial stores it."""
    for week, week_times in times.items():
        for day, time_s in enumerate(week_times):
            when = START + timedelta(weeks=week - 1, days=2 * day)
            done = {"trial": 1, "side": None, "stance": protocol, "hold_time_s": time_s,
                    "end_reason": "done", "metrics": {}, "errors": [], "score": None}
            db.import_session(write_session(folder / f"{person}-{protocol}-{week}-{day}.balance",
                                            person=person, protocol=protocol, trials=[done],
                                            start=f"{when}T10:00:00+00:00"))


@pytest.fixture
def timed(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    freeze_today(monkeypatch, profile, START + timedelta(weeks=8))  # ann, born 1960, is 66
    with History() as h:
        timed_weeks(h, tmp_path, "five-sts", FIVE_STS_TIMES)
        timed_weeks(h, tmp_path, "tug", TUG_TIMES)
        yield h


def _fastest(times: dict):
    """(time, day) of the quickest session."""
    return min((t, START + timedelta(weeks=w - 1, days=2 * d))
               for w, ts in times.items() for d, t in enumerate(ts))


def test_five_sts_best_is_the_shortest_time_and_a_drop_beyond_its_mdc_is_real(timed):
    (five, tug) = trends(timed, "ann")
    assert (five.protocol, tug.protocol) == ("five-sts", "tug")
    weeks, best = five.series("main", None)
    assert weeks == list(FIVE_STS_TIMES) and best == [min(ts) for ts in FIVE_STS_TIMES.values()]
    assert five.bests[("main", None)] == _fastest(FIVE_STS_TIMES)
    first = _change(five, "main", None, 1)
    assert first.delta == pytest.approx(12.6 - 15.8)
    assert first.mdc == mdc.FIVE_STS.absolute == 2.5 and "Goldberg 2012" in first.mdc_source
    assert first.real and first.better
    assert first.sentence() == ("time for five stands since week 1, the first week: 15.8 -> 12.6 s "
                                "(-3.2 s, MDC 2.5 s): a real improvement")
    month = _change(five, "main", None, 2)  # 2.3 s quicker: within the 2.5 s
    assert (month.real, month.better) == (False, True)
    assert (five.fall_risk.value, five.fall_risk.source) == (12.0, "Tiedemann 2008")
    assert (five.norm_band.low, five.norm_band.high) == (11.4, 11.4)  # the 60-69 mean
    assert five.fall_risk_words() == "fall risk ≥ 12 s" and five.norm_words() == "age mean 11.4 s"


def test_tug_best_is_the_shortest_and_a_drop_beyond_its_mdc_is_real(timed):
    tug = trends(timed, "ann", protocol="tug")[0]
    assert tug.bests[("main", None)] == _fastest(TUG_TIMES)
    first = _change(tug, "main", None, 1)  # 13.4 -> 11.0 s: 2.4 s quicker, beyond 2.08 s
    assert first.mdc == mdc.TUG.absolute == 2.08 and "Donoghue 2019" in first.mdc_source
    assert first.real and first.better
    assert first.sentence() == ("TUG time since week 1, the first week: 13.4 -> 11 s "
                                "(-2.4 s, MDC 2.08 s): a real improvement")
    assert (tug.fall_risk.value, tug.norm_band) == (12.0, None)


@pytest.mark.parametrize("times, real, better", [({1: [12.0], 2: [10.1]}, False, True),
                                                 ({1: [12.0], 2: [9.8]}, True, True),
                                                 ({1: [10.0], 2: [12.2]}, True, False),
                                                 ({1: [10.0], 2: [11.9]}, False, False)])
def test_a_tug_change_is_real_only_beyond_2_08_s(tmp_path, times, real, better):
    with History(tmp_path / "h.sqlite3") as h:
        timed_weeks(h, tmp_path, "tug", times)
        (tug,) = trends(h, "ann")
    change = _change(tug, "main", None, 1)
    assert (change.real, change.better) == (real, better)
    verdict = {(True, True): "a real improvement", (True, False): "a real decline"}
    assert change.sentence().endswith(verdict.get((real, better), "within the measurement's variability")), \
        change.sentence()


def test_a_slower_time_beyond_the_mdc_is_a_real_decline(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        timed_weeks(h, tmp_path, "five-sts", {1: [11.0], 2: [14.0]})
        (five,) = trends(h, "ann")
    change = _change(five, "main", None, 1)
    assert change.real and not change.better and change.sentence().endswith("a real decline")
    assert five.bests[("main", None)][0] == 11.0


def test_timed_trends_print_their_own_words(timed):
    text = "\n\n".join(describe(t) for t in trends(timed, "ann"))
    assert "best time s" in text and "best hold s" not in text
    assert "hold time" not in text and "24.1" not in text and "Goldberg 2011" not in text
    assert f"  time for five stands: 12.6 s on {_fastest(FIVE_STS_TIMES)[1]}" in text
    assert "fall-risk line: ≥ 12 s (Tiedemann 2008)" in text
    assert "fall-risk line: ≥ 12 s (CDC STEADI TUG)" in text
    assert "age mean 11.4 s (Bohannon 2006b (verify))" in text
    out = balance("history", "--person", "ann", "--protocol", "five-sts").stdout
    assert "time for five stands since week 1, the first week: 15.8 -> 12.6 s" in out


def test_a_time_stored_without_its_session_result_still_reads(timed):
    """Rows of an old history (no stored result) keep the trial's time column."""
    timed._con.execute("UPDATE sessions SET result_json = NULL")
    five = trends(timed, "ann", protocol="five-sts")[0]
    assert five.bests[("main", None)] == _fastest(FIVE_STS_TIMES)


def test_a_summary_measure_is_one_value_a_session(tmp_path, monkeypatch):
    """The 30 s chair stand follows its stands (the summary's), not the 30 s its trial
    lasted; the mCTSIB its total time held of the four conditions."""
    freeze_today(monkeypatch, profile, START + timedelta(weeks=8))  # ann is 66
    with History(tmp_path / "h.sqlite3") as h:
        for name, key, values in (("chair-stand-30", "stands", (9, 12)),
                                  ("mctsib", "total_s", (97.5, 120.0))):
            for week, value in enumerate(values, start=1):
                h.import_session(write_session(
                    tmp_path / f"{name}-{week}.balance", protocol=name, summary={key: value},
                    start=f"{START + timedelta(weeks=week - 1)}T10:00:00+00:00",
                    trials=[trial(None, 30.0)]))
        chair, foam = trends(h, "ann")
    assert chair.series("main", None) == ([1, 2], [9.0, 12.0])
    assert chair.bests[("main", None)][0] == 12.0
    assert chair.title("main") == "stands in 30 s" and chair.with_unit(12.0, "main") == "12 stands"
    assert chair.fall_risk.value == 11  # STEADI: below 11 stands is below average, women 65-69
    assert chair.fall_risk_words() == "fall risk < 11 stands"
    assert foam.series("main", None) == ([1, 2], [97.5, 120.0])
    assert foam.title("main") == "time held, all conditions (s)"


def test_a_reach_week_is_one_row_with_its_attempts_and_reach(tmp_path):
    """A reach's attempts carry their arm's side and no sway: they count in the session's
    row (they stood in a row of blanks of their own, a row of 0 trials beside it)."""
    reach = {"trial": 1, "side": "left", "hold_time_s": None, "end_reason": "completed",
             "metrics": {}, "errors": [], "score": None, "reach_cm": 20.0}
    with History(tmp_path / "h.sqlite3") as h:
        for week, cm in enumerate((21.5, 24.0), start=1):
            h.import_session(write_session(
                tmp_path / f"reach-{week}.balance", protocol="functional-reach",
                summary={"reach_cm": cm}, start=f"{START + timedelta(weeks=week - 1)}T10:00:00+00:00",
                trials=[{**reach, "trial": n} for n in (1, 2, 3)]))
        (trend,) = trends(h, "ann")
    assert [(p.week, p.side, p.trials, p.main) for p in trend.points] == [
        (1, None, 3, 21.5), (2, None, 3, 24.0)]
    assert trend.sides == [None]


def test_a_reach_change_is_judged_by_the_spread_of_the_persons_two_trials(tmp_path):
    """One row a session, but two scored trials in it: their pooled SD is the person's
    trial-to-trial variability (it said "not known yet" for ever)."""
    weeks = [[20.0, 21.5], [22.0, 24.0], [21.0, 21.5], [26.0, 27.0]]
    with History(tmp_path / "h.sqlite3") as h:
        for week, cm in enumerate(weeks, start=1):
            h.import_session(write_session(
                tmp_path / f"reach-{week}.balance", protocol="functional-reach",
                summary={"reach_cm": max(cm), "trials_cm": cm},
                start=f"{START + timedelta(weeks=week - 1)}T10:00:00+00:00",
                trials=[{"trial": 1, "side": "left", "hold_time_s": None, "metrics": {},
                         "end_reason": "completed", "errors": [], "score": None}]))
        (trend,) = trends(h, "ann")
    pooled_sd = np.sqrt(sum(np.var(w) * len(w) for w in weeks) / len(weeks))  # 1 dof each
    (first,) = [c for c in trend.changes if c.measure == "main" and c.baseline_week == 1]
    assert first.mdc == pytest.approx(1.96 * np.sqrt(2) * pooled_sd)
    assert first.mdc_source == "this person's trial-to-trial variability"
    assert (first.baseline, first.latest) == (21.5, 27.0) and first.real and first.better
