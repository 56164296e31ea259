"""The history store: platform folder, permissions, migrations, import, deletion, errors."""

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from balance.errors import InputError, SessionFormatError
from balance.storage import migrations
from balance.storage.history import History, HistoryError, UnknownPerson
from balance.storage.session import (Event, SessionWriter, append_events, new_metadata,
                                     read_session)
from balance.testing.synthetic import generate
from balance.session.rescore import score_for_history

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


# --- helpers shared by the history, report and replay tests ---------------------------

def trial(side, hold, *, velocity=1.0, area=3.0, score=50.0, n=1, errors=()):
    return {"trial": n, "side": side, "hold_time_s": hold, "end_reason": "touchdown",
            "metrics": {"mean_velocity": velocity, "ellipse_area": area,
                        "mean_velocity_ml": velocity * 0.8},
            "errors": list(errors), "score": score, "start_s": 0.5, "end_s": 0.5 + hold}


def write_session(path, *, person="ann", start="2026-01-05T10:00:00+00:00",
                  trials=None, protocol="single-leg-stance", seconds=2.0, profile=None,
                  summary=None):
    """A short synthetic recording with a stored result (the protocols' contract)."""
    s = generate(duration_s=seconds, seed=len(str(path)))
    meta = new_metadata(source="synthetic:test", fps=s.fps, image_size=s.image_size,
                        person_id=person, protocol=protocol,
                        profile=profile or {"person_id": person, "birth_year": 1960,
                                            "sex": "female", "height_cm": 165.0})
    meta["start_time"] = start
    with SessionWriter(path, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], True)
        if trials is not None:
            w.update_metadata(result={"protocol": protocol, "trials": trials,
                                      "summary": summary or {}})
    return Path(path)


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    with History() as h:
        yield h


# --- where and how ----------------------------------------------------------------------

def test_database_is_private_wal_and_latest(db):
    assert stat.S_IMODE(db.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.path.parent.stat().st_mode) == 0o700
    assert db._con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.schema_version == migrations.LATEST == 5


# --- migrations from every earlier version ----------------------------------------------

def _old_database(path, version):
    con = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(con, target=version)
    return con


V1_RESULT = {"protocol": "single-leg-stance", "summary": {},
             "trials": [trial("left", 12.5, velocity=1.5, area=4.0, score=61.0,
                              errors=[{"kind": "hands_off_hips"}]),
                        trial("right", 7.25, velocity=2.5, area=9.0, score=40.0, n=2)]}


def _fill_v1(con):
    con.execute("INSERT INTO people (name, birth_year, sex, height_cm, dominant_leg, created) "
                "VALUES ('ann', 1950, 'female', 160, 'right', '2026-01-01')")
    con.execute("INSERT INTO sessions (person_id, key, file, protocol, started, device, "
                "imported, result_json) VALUES (1, 'k1', '/x/a.balance', 'single-leg-stance', "
                "'2026-01-05T10:00:00+00:00', 'camera 0', '2026-01-05', ?)",
                (json.dumps(V1_RESULT),))
    con.execute("INSERT INTO sessions (person_id, key, file, protocol, started, device, "
                "imported, result_json) VALUES (1, 'k2', NULL, NULL, '2026-01-06', NULL, "
                "'2026-01-06', 'not json{')")


def test_migrates_from_version_0_empty_file(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.touch()
    with History(path) as h:
        assert h.schema_version == 5
        assert h.people() == []


def test_migrates_from_version_1_splitting_results_into_rows(tmp_path):
    path = tmp_path / "h.sqlite3"
    con = _old_database(path, 1)
    _fill_v1(con)
    con.close()
    with History(path) as h:
        assert h.schema_version == 5
        ann = h.person("ann")
        assert (ann.birth_year, ann.dominant_leg, ann.notes) == (1950, "right", "")
        rows = h.trials("ann")
        assert [(r.side, r.hold_time_s, r.errors, r.score, r.mean_velocity, r.ellipse_area)
                for r in rows] == [("left", 12.5, 1, 61.0, 1.5, 4.0),
                                   ("right", 7.25, 0, 40.0, 2.5, 9.0)]
        # the damaged blob of the second session: kept, no rows, no crash
        assert [s.result for s in h.sessions("ann")] == [V1_RESULT, None]
        assert [s.duration_s for s in h.sessions("ann")] == [None, None]


def test_migrates_from_version_2_adding_notes_and_adherence(tmp_path):
    path = tmp_path / "h.sqlite3"
    con = _old_database(path, 2)
    _fill_v1(con)
    con.execute("INSERT INTO results (session_id, trial, side, hold_time_s) "
                "VALUES (2, 1, 'left', 3.5)")
    con.close()
    with History(path) as h:
        assert h.schema_version == 5
        assert [r.hold_time_s for r in h.trials("ann")] == [3.5]  # v2 rows are kept as is
        assert h.notes("ann") == []
        h.update_person("ann", notes="uses a cane outdoors")
        assert h.person("ann").notes == "uses a cane outdoors"


def test_failed_migration_step_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    _old_database(path, 2).close()

    def broken(con):
        con.execute("ALTER TABLE people ADD COLUMN notes TEXT")
        raise RuntimeError("power cut")
    monkeypatch.setitem(migrations.STEPS, 3, broken)
    with pytest.raises(RuntimeError):
        History(path)
    con = sqlite3.connect(path)
    assert migrations.version(con) == 2
    assert "notes" not in [r[1] for r in con.execute("PRAGMA table_info(people)")]


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "h.sqlite3"
    con = _old_database(path, 3)
    con.execute("PRAGMA user_version = 9")
    con.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer balance.*version 9"):
        History(path)
    assert path.read_bytes() == before


# --- import -------------------------------------------------------------------------------

def test_import_rescores_a_plain_recording_with_the_named_test(db):
    r = db.import_session(SAMPLE, protocol="single-leg-stance", scorer=score_for_history)
    assert (r.person, r.new, r.trials) == ("sample", True, 2)
    rows = db.trials("sample")
    truth = read_session(SAMPLE).metadata["synthetic"]["params"]["lifts"]
    # lifting the left foot tests the right leg; the holds match the generator's truth
    assert [r.side for r in rows] == ["right", "left"]
    for row, lift in zip(rows, truth):
        assert row.hold_time_s == pytest.approx(lift["t_touchdown"] - lift["t_lift"], abs=0.2)
        assert row.mean_velocity > 0 and 0 < row.score <= 100
        # the sample keeps world landmarks: their depth gives the AP axis and an ellipse
        assert row.ellipse_area > 0
    assert db.person("sample").height_cm == 170.0  # from the session's metadata


def test_import_without_result_or_test_keeps_the_session_and_says_so(db):
    r = db.import_session(SAMPLE)
    assert r.trials == 0 and "holds no result" in r.warnings[-1]
    assert len(db.sessions("sample")) == 1


def test_import_uses_the_stored_result_and_is_idempotent(db, tmp_path):
    f = write_session(tmp_path / "a.balance", trials=[trial("left", 20.0), trial("right", 15.0)])
    first = db.import_session(f)
    moved = tmp_path / "moved.balance"
    f.rename(moved)
    append_events(moved, [Event(1.25, "note", {"text": "wobbles at 1 s", "author": "pt"})])
    again = db.import_session(moved)
    assert again.session_id == first.session_id and not again.new
    assert [s.file for s in db.sessions("ann")] == [str(moved.resolve())]
    assert [r.hold_time_s for r in db.trials("ann")] == [20.0, 15.0]
    assert [(n.t_s, n.text, n.author) for n in db.notes("ann")] == [(1.25, "wobbles at 1 s",
                                                                      "pt")]
    p = db.person("ann")
    assert (p.birth_year, p.sex, p.height_cm) == (1960, "female", 165.0)


def test_import_under_another_person(db, tmp_path):
    f = write_session(tmp_path / "a.balance", trials=[trial("left", 20.0)])
    db.import_session(f, person="Bob")
    assert [p.name for p in db.people()] == ["Bob"]


def test_bad_session_files_give_clear_errors_and_change_nothing(db, tmp_path):
    foreign = tmp_path / "x.balance"
    foreign.write_text("hello")
    with pytest.raises(SessionFormatError, match="not a balance session"):
        db.import_session(foreign)
    with pytest.raises(SessionFormatError, match="no such session"):
        db.import_session(tmp_path / "missing.balance")
    assert db.sessions() == [] and db.people() == []


# --- people -------------------------------------------------------------------------------

def test_unknown_person_is_named_with_the_known_ones(db):
    db.add_person("ann")
    with pytest.raises(UnknownPerson, match="no person 'zed'.*known: ann"):
        db.trials("zed")


def test_person_fields_are_validated_and_names_are_case_insensitive(db):
    with pytest.raises(InputError, match="sex"):
        db.add_person("x", sex="other")
    with pytest.raises(InputError, match="birth year"):
        db.add_person("x", birth_year=1850)
    db.add_person("Ann", birth_year=1950)
    with pytest.raises(InputError, match="already"):
        db.add_person("ANN")
    assert db.person("ann").birth_year == 1950
    assert [p.name for p in db.people()] == ["Ann"]


def test_deleting_a_person_deletes_their_sessions_results_and_notes(db, tmp_path):
    for i, who in enumerate(("ann", "ann", "bob")):
        f = write_session(tmp_path / f"{i}.balance", person=who,
                          start=f"2026-01-0{i + 1}T10:00:00+00:00",
                          trials=[trial("left", 10.0 + i), trial("right", 9.0)])
        append_events(f, [Event(0.5, "note", {"text": f"note {i}"})])
        db.import_session(f)
    gone = db.delete_person("ann")
    assert (gone["sessions"], gone["results"], gone["notes"]) == (2, 4, 2)
    assert sorted(Path(f).name for f in gone["files"]) == ["0.balance", "1.balance"]
    c = db._con
    assert c.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    assert c.execute("SELECT count(*) FROM results").fetchone()[0] == 2
    assert c.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    assert [r.hold_time_s for r in db.trials("bob")] == [12.0, 9.0]


# --- a damaged, foreign or busy database --------------------------------------------------

def test_corrupt_database_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="not a balance history database or is damaged"):
        History(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(HistoryError, match="another program"):
        History(path)


def test_busy_database_says_try_again_and_loses_nothing(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        h.add_person("ann")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO people (name, created) VALUES ('held', 'now')")
    with History(path, timeout_s=0.2) as h:
        with pytest.raises(HistoryError, match="busy.*Try again"):
            h.add_person("bob")
        assert [p.name for p in h.people()] == ["ann"]  # readers still read under WAL
    blocker.execute("COMMIT")
    with History(path) as h:
        h.add_person("bob")
        assert [p.name for p in h.people()] == ["ann", "bob", "held"]


# --- session notes appended to the file ---------------------------------------------------

def test_append_events_trims_a_cut_tail_and_keeps_every_frame(tmp_path):
    f = write_session(tmp_path / "a.balance")
    n = len(read_session(f))
    with open(f, "ab") as fh:
        fh.write(b"\x40\x00\x00\x00Fpartial")  # a killed recorder's half record
    assert read_session(f).warnings
    append_events(f, [Event(0.3, "note", {"text": "ok", "author": "pt"})])
    s = read_session(f)
    assert (len(s), s.warnings) == (n, [])
    assert s.events == [Event(0.3, "note", {"text": "ok", "author": "pt"})]


def test_append_events_refuses_a_foreign_file_untouched(tmp_path):
    f = tmp_path / "x.balance"
    f.write_bytes(b"not a session")
    with pytest.raises(SessionFormatError):
        append_events(f, [Event(0.0, "note", {"text": "x"})])
    assert f.read_bytes() == b"not a session"


def test_add_to_history_never_raises(tmp_path, monkeypatch):
    from balance.storage.history import add_to_history

    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    f = write_session(tmp_path / "a.balance", trials=[trial("left", 20.0)])
    report, why = add_to_history(f)
    assert why is None and report.trials == 1
    (tmp_path / "data" / "history.sqlite3").write_bytes(b"broken" * 200)
    report, why = add_to_history(f)
    assert report is None and "saved but not added to the history" in why


def test_reimport_keeps_the_person_and_the_score_it_was_given(db, tmp_path):
    f = tmp_path / "s.balance"
    f.write_bytes(SAMPLE.read_bytes())
    db.import_session(f, person="Bob", protocol="single-leg-stance",
                      scorer=score_for_history)
    append_events(f, [Event(5.0, "note", {"text": "good", "author": "pt"})])
    again = db.import_session(f)  # what the replay window does after a note
    assert (again.person, again.trials, again.notes) == ("Bob", 2, 1)
    assert [p.name for p in db.people()] == ["Bob"]


def test_an_existing_shared_folder_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with History(shared / "h.sqlite3") as h:
        h.add_person("ann")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o777  # not ours to lock
    assert stat.S_IMODE((shared / "h.sqlite3").stat().st_mode) == 0o600  # the data is
