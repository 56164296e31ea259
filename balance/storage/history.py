"""The history store: people, their sessions and per-trial results, in one SQLite file.

Where: ``$BALANCE_DATA_DIR`` if set, else the platform's data folder (`balance.paths`).
How: WAL journal (readers never block the writer), foreign keys on (deleting a person
cascades to their sessions, results and notes), every write inside one ``BEGIN
IMMEDIATE`` transaction (a killed writer leaves the last committed state), a busy
timeout so two processes writing at once wait for each other instead of failing, and a
schema version stepped up by ``balance.storage.migrations``.

Every SQLite problem reaches the caller as ``HistoryError`` with a sentence that says
what to do; nothing is changed by a failed call. The database and its folder are
readable by their owner only.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from balance import paths
from balance.errors import BalanceError, InputError
from balance.privacy import owner_only, private_dir
from balance.storage import columns, migrations
from balance.storage.records import (
    ImportReport, NoteRecord, Person, SessionRecord, TrialRecord, json_default, json_or_none,
    person_from_row, session_key, trial_rows, validated,
)
from balance.storage.session import Session, read_session

DB_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 10.0
NOTE = "note"  # the session event kind of a therapist note


class HistoryError(BalanceError):
    """The history database cannot be used: busy, damaged, foreign or too new."""


class UnknownPerson(InputError):
    """A person id that the history does not hold."""


def default_path() -> Path:
    return paths.data_dir() / DB_NAME


class History:
    """An open history database. Use as a context manager or call ``close()``.

    Parameters
    ----------
    path : the database file (default ``default_path()``); its folder is created.
    timeout_s : how long a write waits for another process's write to finish
        (default ``$BALANCE_DB_TIMEOUT_S``, else ``BUSY_TIMEOUT_S``).
    """

    def __init__(self, path: str | Path | None = None, *, timeout_s: float | None = None):
        self.path = Path(path) if path is not None else default_path()
        # A folder or file that cannot be written (chmod, a read-only mount) still reads.
        self.read_only = not _writable(self.path)
        if not self.read_only:
            # The platform's balance folder is ours: owner-only even if it exists already.
            # Any other existing folder (named here or in $BALANCE_DATA_DIR) keeps its mode.
            private_dir(self.path.parent, tighten_existing=path is None
                        and not os.environ.get("BALANCE_DATA_DIR"))
        elif not self.path.exists():
            raise HistoryError(f"there is no history in {self.path.parent} yet, and that "
                               "folder cannot be written to create one")
        if timeout_s is None:  # $BALANCE_DB_TIMEOUT_S: scripts that must not wait long
            timeout_s = float(os.environ.get("BALANCE_DB_TIMEOUT_S") or BUSY_TIMEOUT_S)
        self._con = None
        try:
            with self._guard("open"):
                self._con = self._connect(timeout_s)
                self._check_foreign()  # both checks before anything is written
                self._check_version()
                self._con.execute("PRAGMA foreign_keys = ON")
                if not self.read_only:
                    self._prepare()
        finally:  # SQLite gives its side files the database's mode, even on a failed open
            if not self.read_only:
                for suffix in ("", "-wal", "-shm"):
                    owner_only(f"{self.path}{suffix}")

    def _connect(self, timeout_s: float) -> sqlite3.Connection:
        if not self.read_only:
            _create_owner_only(self.path)  # before SQLite creates it with the umask's mode
            return sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        # Read-only. With no write-ahead log beside it (nobody is writing: a writer would
        # need the folder) the file cannot change while open: immutable needs no -shm.
        wal = Path(f"{self.path}-wal").exists()
        uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("" if wal else "&immutable=1")
        return sqlite3.connect(uri, uri=True, timeout=timeout_s, isolation_level=None)

    def _check_version(self) -> None:
        version = migrations.version(self._con)
        if version > migrations.LATEST:
            raise HistoryError(
                f"{self.path} was written by a newer balance (schema version "
                f"{version}); update balance to read it. Nothing was changed.")
        if self.read_only and version < migrations.LATEST:
            raise HistoryError(
                f"{self.path} needs its schema updated (version {version} to "
                f"{migrations.LATEST}), which writes to it, and it is read-only here. Nothing "
                "was changed; open it once where it can be written.")

    def _prepare(self) -> None:
        """WAL journal, durable enough, schema up to date: the writes an open may make."""
        if self._con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._con.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable in WAL mode against a killed process (only an OS crash
        # can lose the last commits, never consistency) and much faster than FULL.
        self._con.execute("PRAGMA synchronous = NORMAL")
        migrations.migrate(self._con)

    # --- plumbing -----------------------------------------------------------------------

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def schema_version(self) -> int:
        return migrations.version(self._con)

    def _check_foreign(self) -> None:
        """Refuse an SQLite file of some other program (tables, but no schema version)."""
        tables = self._con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and migrations.version(self._con) == 0:
            raise HistoryError(f"{self.path} is an SQLite database of another program, not a "
                               "balance history. It was left untouched.")

    @contextmanager
    def _guard(self, what: str):
        """Turn SQLite's exceptions into a HistoryError sentence (no traceback)."""
        try:
            yield
        except HistoryError:
            if what == "open" and self._con is not None:
                self.close()
            raise
        except sqlite3.OperationalError as exc:
            if what == "open":
                self.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise HistoryError(f"the history database {self.path} is busy: another balance "
                                   f"is writing to it. Try again in a moment; nothing was "
                                   f"changed.") from None
            raise HistoryError(f"cannot {what} the history database {self.path}: {exc}. "
                               "Nothing was changed.") from None
        except sqlite3.IntegrityError as exc:
            raise HistoryError(f"cannot {what} the history database {self.path}: the data "
                               f"conflicts with what it holds ({exc}). Nothing was "
                               "changed.") from None
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # damaged text too
            if what == "open":
                self.close()
            raise HistoryError(f"{self.path} is not a balance history database or is damaged "
                               f"({exc}). It was left untouched: move it aside to start a new "
                               "history, or restore a backup.") from None

    @contextmanager
    def transaction(self, what: str = "write to"):
        """One write transaction: all of it is committed, or none of it."""
        if self.read_only:
            raise HistoryError(f"cannot {what} the history database {self.path}: it is "
                               "read-only here (its folder or file cannot be written). "
                               "Nothing was changed.")
        with self._guard(what):
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _query(self, sql: str, params=()) -> list[tuple]:
        with self._guard("read"):
            cur = self._con.execute(sql, params)
            rows = cur.fetchall()
        names = [d[0] for d in cur.description or ()]
        for row in rows:  # a damaged or foreign value: one sentence, not a traceback later
            if (bad := columns.bad_value(names, row)) is not None:
                raise HistoryError(f"the history database {self.path} is damaged: {bad}. "
                                   "Restore a backup, or move it aside to start a new one.")
        return rows

    # --- people -------------------------------------------------------------------------

    def people(self) -> list[Person]:
        return [person_from_row(r) for r in self._query(f"SELECT {_PERSON_COLS} FROM people "
                                                "ORDER BY name")]

    def find_person(self, name: str) -> Person | None:
        rows = self._query(f"SELECT {_PERSON_COLS} FROM people WHERE name = ?", (name,))
        return person_from_row(rows[0]) if rows else None

    def person(self, name: str) -> Person:
        """The person called ``name`` (case-insensitive); ``UnknownPerson`` if absent."""
        found = self.find_person(name)
        if found is None:
            known = ", ".join(p.name for p in self.people()) or "none yet"
            raise UnknownPerson(f"no person {name!r} in the history (known: {known})")
        return found

    def add_person(self, name: str, **fields) -> Person:
        """Add a person; fields as in ``Person`` (validated like a ``Profile``)."""
        person = validated(Person(name=name, **fields))
        with self.transaction("add a person to"):
            if self._con.execute("SELECT 1 FROM people WHERE name = ?", (name,)).fetchone():
                raise InputError(f"a person {name!r} is already in the history")
            person.id = self._insert_person(person)
        return person

    def update_person(self, name: str, **fields) -> Person:
        """Change some of a person's fields (a None value leaves a field as it is)."""
        current = self.person(name)
        values = {k: v for k, v in fields.items() if v is not None}
        updated = validated(Person(**{**current.__dict__, **values}))
        with self.transaction("update a person in"):
            self._con.execute("UPDATE people SET name=?, birth_year=?, sex=?, height_cm=?, "
                              "dominant_leg=?, notes=? WHERE id=?",
                              (updated.name, updated.birth_year, updated.sex, updated.height_cm,
                               updated.dominant_leg, updated.notes, current.id))
        return updated

    def delete_person(self, name: str) -> dict:
        """Delete a person with all their sessions, results and notes (one transaction).

        Returns ``{"sessions": n, "results": n, "notes": n, "files": [session files]}``:
        the caller decides whether to delete the files too (the history never owns them).
        """
        person = self.person(name)
        with self.transaction("delete from"):
            c = self._con
            files = [r[0] for r in c.execute("SELECT file FROM sessions WHERE person_id=? "
                                             "AND file IS NOT NULL", (person.id,))]
            counts = {
                "sessions": c.execute("SELECT count(*) FROM sessions WHERE person_id=?",
                                      (person.id,)).fetchone()[0],
                "results": c.execute("SELECT count(*) FROM results JOIN sessions s ON "
                                     "s.id = session_id WHERE s.person_id=?",
                                     (person.id,)).fetchone()[0],
                "notes": c.execute("SELECT count(*) FROM notes JOIN sessions s ON "
                                   "s.id = session_id WHERE s.person_id=?",
                                   (person.id,)).fetchone()[0],
            }
            c.execute("DELETE FROM people WHERE id=?", (person.id,))  # cascades
        return {**counts, "files": files}

    def _insert_person(self, p: Person) -> int:
        cur = self._con.execute(
            "INSERT INTO people (name, birth_year, sex, height_cm, dominant_leg, notes, "
            "created) VALUES (?,?,?,?,?,?,?)",
            (p.name, p.birth_year, p.sex, p.height_cm, p.dominant_leg, p.notes, _now()))
        return cur.lastrowid

    # --- sessions -----------------------------------------------------------------------

    def import_session(self, source: str | Path | Session, *, person: str | None = None,
                       protocol: str | None = None, scorer=None,
                       result: dict | None = None) -> ImportReport:
        """Add a session file to the history, or refresh it if it is already there.

        A session is identified by its header (the metadata written when recording
        began), so a moved or copied file, or one with notes appended since, is the same
        session. The person is ``person`` if given, else whoever the history already
        files it under, else the file's ``person_id`` (created from the file's profile if
        new). The result is the one stored in the file, else the one the history already
        holds; when there is neither, ``scorer(session, protocol)`` (if given; see
        `balance.session.rescore.score_for_history`) scores it with its own protocol, or
        ``protocol`` when it names none (a plain recording), and returns (result, warning).
        The history itself never scores: the session driver does. A ``result`` given (a
        batch's re-score) wins over all of these. The file is never changed.
        """
        session = source if isinstance(source, Session) else read_session(source)
        meta = session.metadata
        key = session_key(session.path)
        known = self._query("SELECT s.id, p.name, s.result_json FROM sessions s JOIN people p "
                            "ON p.id = s.person_id WHERE s.key=?", (key,))
        name = person or (known[0][1] if known else None) or meta.get("person_id") or "guest"
        warnings = list(session.warnings)
        if result is None and isinstance(meta.get("result"), dict):
            result = meta["result"]
        if result is None and known:
            result = json_or_none(known[0][2])  # scored at an earlier import: keep it
        if result is None and scorer is not None:
            result, why = scorer(session, protocol)
            if why:
                warnings.append(why)
        notes = [e for e in session.events if e.kind == NOTE and (e.payload or {}).get("text")]
        duration = float(session.t[-1] - session.t[0]) if len(session) > 1 else 0.0
        row = (str(Path(session.path).resolve()),
               (result or {}).get("protocol") or meta.get("protocol"),
               meta.get("start_time") or _now(), meta.get("device") or meta.get("source"),
               _now(), None if result is None else json.dumps(result, default=json_default),
               duration, len(session))
        with self.transaction("import into"):
            sid, new = self._upsert_session(key, self._person_for(name, meta), row)
            trials = trial_rows(result)
            c = self._con
            c.executemany("INSERT INTO results (session_id, trial, side, hold_time_s, "
                          "end_reason, errors, errors_json, score, mean_velocity, "
                          "ellipse_area, metrics_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                          [(sid, *r) for r in trials])
            c.executemany("INSERT INTO notes (session_id, t_s, text, author) VALUES (?,?,?,?)",
                          [(sid, float(e.t_s), str(e.payload["text"]),
                            e.payload.get("author")) for e in notes])
        if result is None:
            warnings.append(f"{Path(session.path).name} holds no result: imported without "
                            "trial results")
        return ImportReport(sid, name, new, len(trials), len(notes), warnings)

    def _upsert_session(self, key: str, pid: int, row: tuple) -> tuple[int, bool]:
        """Insert or refresh a session row, clearing its old results and notes (in the
        caller's transaction). Returns (session id, whether it is new)."""
        c = self._con
        old = c.execute("SELECT id FROM sessions WHERE key=?", (key,)).fetchone()
        if old is None:
            sid = c.execute("INSERT INTO sessions (person_id, key, file, protocol, started, "
                            "device, imported, result_json, duration_s, frames) VALUES "
                            "(?,?,?,?,?,?,?,?,?,?)", (pid, key, *row)).lastrowid
            return sid, True
        c.execute("UPDATE sessions SET person_id=?, file=?, protocol=?, started=?, device=?, "
                  "imported=?, result_json=?, duration_s=?, frames=? WHERE id=?",
                  (pid, *row, old[0]))
        c.execute("DELETE FROM results WHERE session_id=?", (old[0],))
        c.execute("DELETE FROM notes WHERE session_id=?", (old[0],))
        return old[0], False

    def _person_for(self, name: str, meta: dict) -> int:
        """The id of ``name``, adding them from the session's profile if new (in the
        caller's transaction)."""
        row = self._con.execute("SELECT id FROM people WHERE name=?", (name,)).fetchone()
        if row:
            return row[0]
        stored = meta.get("profile") if isinstance(meta.get("profile"), dict) else {}
        fields = {k: stored.get(k) for k in ("birth_year", "sex", "height_cm", "dominant_leg")}
        if fields["height_cm"] is None and isinstance(meta.get("height_cm"), (int, float)):
            fields["height_cm"] = float(meta["height_cm"])
        try:
            person = validated(Person(name=name, **fields))
        except InputError:
            person = Person(name=name)  # an odd profile in a file must not block an import
        return self._insert_person(person)

    def sessions(self, person: str | None = None, *, protocol: str | None = None,
                 since: str | None = None) -> list[SessionRecord]:
        """Sessions, oldest first, of one person (or all), one protocol, from a date."""
        where, params = self._filters(person, protocol, since)
        rows = self._query(
            "SELECT s.id, p.name, s.key, s.file, s.protocol, s.started, s.device, "
            "s.duration_s, s.frames, s.result_json FROM sessions s JOIN people p ON "
            f"p.id = s.person_id {where} ORDER BY s.started, s.id", params)
        return [SessionRecord(*r[:9], result=json_or_none(r[9])) for r in rows]

    def session_by_file(self, path: str | Path) -> SessionRecord | None:
        """The history's record of a session file (matched by its header), or None."""
        try:
            key = session_key(path)
        except InputError:
            return None
        rows = self._query("SELECT s.id FROM sessions s WHERE key=?", (key,))
        if not rows:
            return None
        return next(s for s in self.sessions() if s.id == rows[0][0])

    def trials(self, person: str, *, protocol: str | None = None,
               since: str | None = None) -> list[TrialRecord]:
        """Every trial result of a person, oldest first."""
        where, params = self._filters(person, protocol, since)
        rows = self._query(
            "SELECT r.session_id, s.started, s.protocol, r.trial, r.side, r.hold_time_s, "
            "r.end_reason, r.errors, r.score, r.mean_velocity, r.ellipse_area, "
            "r.metrics_json FROM results r JOIN sessions s ON s.id = r.session_id "
            f"JOIN people p ON p.id = s.person_id {where} ORDER BY s.started, s.id, r.trial",
            params)
        return [TrialRecord(*r[:11], metrics=json_or_none(r[11]) or {}) for r in rows]

    def notes(self, person: str, *, since: str | None = None) -> list[NoteRecord]:
        where, params = self._filters(person, None, since)
        rows = self._query(
            "SELECT n.session_id, s.started, s.protocol, n.t_s, n.text, n.author FROM notes n "
            "JOIN sessions s ON s.id = n.session_id JOIN people p ON p.id = s.person_id "
            f"{where} ORDER BY s.started, n.t_s", params)
        return [NoteRecord(*r) for r in rows]

    def _filters(self, person, protocol, since) -> tuple[str, list]:
        clauses, params = [], []
        if person is not None:
            self.person(person)  # a clear error for an unknown name, not an empty answer
            clauses.append("p.name = ?")
            params.append(person)
        if protocol is not None:
            clauses.append("s.protocol = ?")
            params.append(protocol)
        if since is not None:
            clauses.append("s.started >= ?")
            params.append(since)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def add_to_history(path: str | Path) -> tuple[ImportReport | None, str | None]:
    """Add a just-recorded session to the default history; never raises.

    For the recorder (window, ``analyze``) to call after closing a session file: the
    recording is safe in its file whatever happens here, and a busy or damaged database
    must not turn a finished test into an error. Returns (report, None) or (None, why).
    """
    try:
        with History() as h:
            return h.import_session(path), None
    except BalanceError as exc:
        return None, f"the session was saved but not added to the history: {exc}"


# --- helpers --------------------------------------------------------------------------

def _writable(path: Path) -> bool:
    """Whether the database (and its folder, where SQLite puts its journal) can be written;
    for a new database, whether the nearest existing folder can."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def _create_owner_only(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass

_PERSON_COLS = "name, birth_year, sex, height_cm, dominant_leg, notes, id"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
