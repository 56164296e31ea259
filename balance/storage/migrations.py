"""The history database's schema, one numbered step at a time.

``PRAGMA user_version`` holds the schema version (0 = empty file). ``migrate`` runs each
missing step in its own transaction and bumps the version inside it, so a crash during a
step leaves the database at the previous version, never half-way.

Versions
--------
1. ``people`` (name or alias, birth year, sex, height, dominant leg) and ``sessions``
   (file, content key, protocol, start time, device), the whole protocol result kept as
   JSON in ``sessions.result_json``.
2. ``results``: one row per trial (side, hold time, end reason, errors, score, the sway
   metrics trends need as columns, all metrics as JSON), filled from ``result_json``.
3. Adherence and notes: ``people.notes``; ``sessions.duration_s`` and ``sessions.frames``
   (how long each practice lasted); ``notes`` (therapist notes, time-stamped in their
   session, copied from the session file's ``note`` events).
4. Training programme: ``programme_levels`` (each person's level, own target and
   met/missed streaks per ladder, who set it) and ``programme_log`` (each plan item done
   or skipped on a day: target, achieved, discomfort).
5. STEADI screens: ``screens`` (one row per screen: when, the outcome as JSON, at risk or
   not, the tests failed, and the sessions of its TUG, chair stand and 4-stage test).

The steps are frozen: they never import code that may change later (a step written for
version 2 must still do the same thing when version 9 exists).
"""

import json
import math
import sqlite3

LATEST = 5


def _step_1(con: sqlite3.Connection) -> None:
    con.execute("""
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            birth_year INTEGER,
            sex TEXT CHECK (sex IN ('female', 'male')),
            height_cm REAL,
            dominant_leg TEXT CHECK (dominant_leg IN ('left', 'right')),
            created TEXT NOT NULL)""")
    con.execute("""
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            key TEXT NOT NULL UNIQUE,
            file TEXT,
            protocol TEXT,
            started TEXT NOT NULL,
            device TEXT,
            imported TEXT NOT NULL,
            result_json TEXT)""")
    con.execute("CREATE INDEX sessions_by_person ON sessions (person_id, started)")


def _step_2(con: sqlite3.Connection) -> None:
    con.execute("""
        CREATE TABLE results (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            trial INTEGER NOT NULL,
            side TEXT,
            hold_time_s REAL,
            end_reason TEXT,
            errors INTEGER,
            errors_json TEXT,
            score REAL,
            mean_velocity REAL,
            ellipse_area REAL,
            metrics_json TEXT,
            UNIQUE (session_id, trial))""")
    con.execute("CREATE INDEX results_by_session ON results (session_id)")
    rows = con.execute("SELECT id, result_json FROM sessions "
                       "WHERE result_json IS NOT NULL").fetchall()
    for session_id, text in rows:
        try:
            result = json.loads(text)
        except ValueError:
            continue  # a damaged blob stays in result_json; it simply has no trial rows
        for row in _v2_trial_rows(result):
            con.execute("INSERT INTO results (session_id, trial, side, hold_time_s, "
                        "end_reason, errors, errors_json, score, mean_velocity, "
                        "ellipse_area, metrics_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (session_id, *row))


def _v2_trial_rows(result) -> list[tuple]:
    """Version 2's reading of a protocol result (frozen copy; see the module doc)."""
    trials = result.get("trials") if isinstance(result, dict) else None
    out = []
    for i, t in enumerate(trials or [], start=1):
        if not isinstance(t, dict):
            continue
        errors = t.get("errors")
        n_errors = len(errors) if isinstance(errors, list) else _num(errors)
        metrics = t.get("metrics") if isinstance(t.get("metrics"), dict) else {}
        out.append((i, t.get("side"), _num(t.get("hold_time_s")),
                    t.get("end_reason"), None if n_errors is None else int(n_errors),
                    json.dumps(errors if errors is not None else []), _num(t.get("score")),
                    _num(metrics.get("mean_velocity")), _num(metrics.get("ellipse_area")),
                    json.dumps(metrics)))
    return out


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _step_3(con: sqlite3.Connection) -> None:
    con.execute("ALTER TABLE people ADD COLUMN notes TEXT NOT NULL DEFAULT ''")
    con.execute("ALTER TABLE sessions ADD COLUMN duration_s REAL")
    con.execute("ALTER TABLE sessions ADD COLUMN frames INTEGER")
    con.execute("""
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            t_s REAL NOT NULL,
            text TEXT NOT NULL,
            author TEXT)""")
    con.execute("CREATE INDEX notes_by_session ON notes (session_id, t_s)")


def _step_4(con: sqlite3.Connection) -> None:
    con.execute("""
        CREATE TABLE programme_levels (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            ladder TEXT NOT NULL,
            level TEXT NOT NULL,
            target REAL,
            met INTEGER NOT NULL DEFAULT 0,
            missed INTEGER NOT NULL DEFAULT 0,
            set_by TEXT,
            updated TEXT NOT NULL,
            PRIMARY KEY (person_id, ladder))""")
    con.execute("""
        CREATE TABLE programme_log (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            item TEXT NOT NULL,
            ladder TEXT,
            level TEXT,
            target REAL,
            achieved REAL,
            done INTEGER NOT NULL,
            discomfort INTEGER NOT NULL DEFAULT 0,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            logged TEXT NOT NULL)""")
    con.execute("CREATE INDEX programme_log_by_person ON programme_log (person_id, day)")


def _step_5(con: sqlite3.Connection) -> None:
    con.execute("""
        CREATE TABLE screens (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            taken TEXT NOT NULL,
            at_risk INTEGER NOT NULL,
            failed TEXT NOT NULL,
            outcome_json TEXT NOT NULL,
            tug_session INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            chair_session INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            four_stage_session INTEGER REFERENCES sessions(id) ON DELETE SET NULL)""")
    con.execute("CREATE INDEX screens_by_person ON screens (person_id, taken)")


STEPS = {1: _step_1, 2: _step_2, 3: _step_3, 4: _step_4, 5: _step_5}


def version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def migrate(con: sqlite3.Connection, target: int = LATEST) -> tuple[int, int]:
    """Bring the schema up to ``target``, one step per transaction.

    ``con`` must be in autocommit mode (``isolation_level=None``): the transactions are
    explicit. Returns ``(version before, version after)``. A database newer than this
    code raises ``ValueError`` (the caller words the message).
    """
    start = version(con)
    if start > LATEST:
        raise ValueError(f"schema version {start} is newer than this balance knows ({LATEST})")
    for v in range(start + 1, target + 1):
        con.execute("BEGIN IMMEDIATE")
        try:
            if version(con) >= v:  # another process migrated while we waited for the lock
                con.execute("ROLLBACK")
                continue
            STEPS[v](con)
            con.execute(f"PRAGMA user_version = {v}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return start, version(con)
