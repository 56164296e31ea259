"""STEADI screens in the history: the schema step from version 4, what a screen keeps, a
damaged outcome, and a person's deletion taking their screens with them."""

import sqlite3

import pytest

from balance.clinical import steadi
from balance.storage import migrations
from balance.storage.history import History, HistoryError
from balance.storage.screens import describe, save_screen, screens

NO = {"fallen": False, "unsteady": False, "worries": False}


def test_a_version_4_history_gains_screens_and_keeps_its_people(tmp_path):
    path = tmp_path / "h.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(con, target=4)
    con.execute("INSERT INTO people (name, created) VALUES ('ann', '2026-01-01')")
    con.close()
    with History(path) as h:
        assert h.schema_version == 5
        assert screens(h, "ann") == []
        o = steadi.screen({**NO, "worries": True}, tug_s=13.5, chair_stands=8,
                          tandem_held=True, age=80, sex="female")
        save_screen(h, "ann", o, taken="2026-03-02T10:00:00+00:00")
        (r,) = screens(h, "ann")
        assert (r.taken[:10], r.at_risk, r.failed) == ("2026-03-02", True,
                                                       ["tug", "chair-stand-30"])
        assert r.outcome == o and r.sessions == {"tug": None, "chair-stand-30": None,
                                                 "four-stage": None}
        assert "2026-03-02  at risk; failed: gait (Timed Up and Go), strength" in describe([r])


def test_a_damaged_outcome_keeps_its_row_and_a_deleted_person_their_screens_go(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.add_person("bob")
        save_screen(h, "bob", steadi.screen(NO, asked=True, tug_s=9.0, chair_stands=None,
                                            tandem_held=None, age=70, sex="male"))
        with h.transaction() as con:
            con.execute("UPDATE screens SET outcome_json = 'not json{'")
        (r,) = screens(h, "bob")
        assert r.outcome is None and r.at_risk is False
        assert "screened not at risk; no test failed" in describe([r])
        h.delete_person("bob")
        assert h._query("SELECT count(*) FROM screens")[0][0] == 0


def test_a_foreign_value_in_a_screen_column_is_one_clear_error(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.add_person("cy")
        save_screen(h, "cy", steadi.screen(NO))
        assert describe(screens(h, "cy")).endswith("screened not at risk; no tests needed")
        save_screen(h, "cy", steadi.screen({**NO, "fallen": True}, tug_s=10.0, age=70,
                                           sex="male"))  # stopped after the TUG
        assert describe(screens(h, "cy")).endswith(
            "at risk; not assessed: strength (30-second chair stand), "
            "balance (4-stage test, tandem stance)")
        with h.transaction() as con:
            con.execute("UPDATE screens SET taken = 'last tuesday', at_risk = 'maybe'")
        with pytest.raises(HistoryError, match="damaged: taken holds 'last tuesday'"):
            screens(h, "cy")
