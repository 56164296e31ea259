"""The programme in the history: migration to version 4 from every earlier version,
therapist levels and targets, the daily log moving the ladders, rest days, adherence,
and `balance plan` / `balance history` on the command line."""

import json
import sqlite3
from datetime import date, timedelta

import pytest

from balance.cli import main
from balance.errors import InputError
from balance.programme import adherence as A
from balance.programme import plan as P
from balance.programme import store
from balance.programme.progression import Outcome
from balance.storage import migrations
from balance.storage.history import History

DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path))
    with History() as h:
        h.add_person("Ann", birth_year=1950)
        yield h


@pytest.mark.parametrize("old", [0, 1, 2, 3])
def test_migrates_to_version_4_from_every_earlier_version(tmp_path, old):
    path = tmp_path / "h.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(con, target=old)
    if old >= 1:
        con.execute("INSERT INTO people (name, created) VALUES ('bob', '2026-01-01')")
    con.close()
    with History(path) as h:
        assert h.schema_version == 5 == migrations.LATEST
        if old == 0:
            h.add_person("bob")
        assert store.levels(h, "bob")["balance"].level == "side-by-side"  # defaults
        store.set_level(h, "bob", "balance", "tandem")
        assert store.levels(h, "bob")["balance"].level == "tandem"
        h.delete_person("bob")  # cascades to the programme rows
        assert h._query("SELECT count(*) FROM programme_levels")[0][0] == 0


def test_a_therapist_sets_levels_and_targets_and_the_plan_follows(db):
    store.set_level(db, "Ann", "balance", "single-leg-20-crossed")
    store.set_level(db, "Ann", "sit-to-stand", target=3)
    plan = store.today_plan(db, "Ann", DAY)
    items = {i.key: i for i in plan.items}
    assert items["balance"].target == 20 and items["balance"].options["arms"] == "crossed"
    assert items["sit-to-stand"].options["target_reps"] == 3
    assert "therapist" in items["sit-to-stand"].what
    s = store.levels(db, "Ann")["sit-to-stand"]
    assert (s.set_by, s.goal, s.level) == ("therapist", 3, "sit-to-stand-hands-5")


def _log(db, day, achieved, discomfort=False):
    s = store.levels(db, "Ann")["balance"]
    return store.log_outcomes(db, "Ann", [Outcome(day, "balance", s.level, s.goal,
                                                  achieved, discomfort)])


def test_logged_sessions_move_the_ladder_once_per_day(db):
    assert _log(db, DAY, 12.0)[0][1] == "hold"
    assert _log(db, DAY, 12.0) == []  # a second try the same day is not a second session
    assert _log(db, DAY + timedelta(days=1), 12.0)[0][1] == "advance"
    assert store.levels(db, "Ann")["balance"].level == "semi-tandem"
    assert _log(db, DAY + timedelta(days=1), None, discomfort=True)[0][1] == "discomfort"
    assert store.levels(db, "Ann")["balance"].level == "side-by-side"
    assert _log(db, DAY + timedelta(days=1), None, discomfort=True) == []  # once a day
    plan = store.today_plan(db, "Ann", DAY + timedelta(days=2))
    assert plan.rest == "discomfort" and P.BALANCE not in [i.part for i in plan.items]


def test_strength_every_other_day_and_a_rest_day_after_six(db):
    store.log_outcomes(db, "Ann", [Outcome(DAY, "heel-raises", "heel-raises-8", 8, 8.0)])
    parts = [i.part for i in store.today_plan(db, "Ann", DAY + timedelta(days=1)).items]
    assert P.STRENGTH not in parts and P.BALANCE in parts
    parts = [i.part for i in store.today_plan(db, "Ann", DAY + timedelta(days=2)).items]
    assert P.STRENGTH in parts
    for k in range(1, 7):
        _log(db, DAY + timedelta(days=k), 5.0)
    assert store.today_plan(db, "Ann", DAY + timedelta(days=7)).rest == "rest_week"


def test_adherence_days_per_week_streaks_and_completion():
    # weeks starting DAY: 3, 4, 1, 3 training days; today is the Sunday of the 4th week
    offsets = [0, 2, 4, 7, 8, 9, 11, 16, 21, 23, 25]
    days = {DAY + timedelta(days=d) for d in offsets}
    log = [{"day": (DAY + timedelta(days=d)).isoformat(), "done": d != 25} for d in offsets]
    a = A.adherence(days, log, DAY + timedelta(days=27), weeks=4)
    assert a.days_per_week == pytest.approx(11 / 4)
    assert a.week_streak == 1        # this week (3 days); the week before had only 1
    assert a.day_streak == 0         # not yesterday (26) nor today (27)
    assert a.completion == pytest.approx(10 / 11)
    a = A.adherence(days, log, DAY + timedelta(days=25), weeks=4)
    assert a.day_streak == 1 and "1 day(s) in a row" in a.describe()
    assert A.adherence(set(), [], DAY).completion is None


def test_plan_command_prints_sets_logs_and_refuses_bad_input(db, capsys):
    assert main(["plan", "--person", "ann", "--date", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "Plan for 2026-03-02" in out and "why:" in out and "adherence" in out
    assert main(["plan", "--set-level", "balance=tandem", "--set-target",
                 "heel-raises=6"]) == 0  # the only person: no --person needed
    assert "balance set to tandem" in capsys.readouterr().out
    assert main(["plan", "--json", "--date", "2026-03-02"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert next(i for i in data["items"] if i["key"] == "heel-raises")["target"] == 6
    assert main(["plan", "--log", "balance=11", "--date", "2026-03-02"]) == 0
    assert "stay at this level" in capsys.readouterr().out
    assert main(["plan", "--set-level", "balance=flying"]) == 2
    with pytest.raises(InputError, match="no level 'flying'"):
        store.set_level(db, "Ann", "balance", "flying")
    assert main(["plan", "--log", "balance=lots"]) == 2
    assert main(["plan", "--rules"]) == 0
    assert "why:" in capsys.readouterr().out
    assert main(["history", "--person", "ann"]) == 0
    assert "adherence" in capsys.readouterr().out
