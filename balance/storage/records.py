"""The history's records and the rows they are stored as, with no database in sight.

What `balance.storage.history.History` returns (people, sessions, trials, notes, what an
import did) and how a session is identified and its result laid out in rows.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256
from pathlib import Path

from balance.errors import InputError
from balance.profile import FIRST_BIRTH_YEAR, Profile
from balance.storage.session import MAGIC


@dataclass
class Person:
    """A person in the history. ``name`` is the person id sessions carry."""

    name: str
    birth_year: int | None = None
    sex: str | None = None
    height_cm: float | None = None
    dominant_leg: str | None = None
    notes: str = ""
    id: int | None = None

    @classmethod
    def of(cls, profile: Profile) -> "Person":
        return cls(profile.person_id, profile.birth_year, profile.sex, profile.height_cm,
                   profile.dominant_leg)

    def profile(self) -> Profile:
        return Profile(person_id=self.name, birth_year=self.birth_year, sex=self.sex,
                       height_cm=self.height_cm, dominant_leg=self.dominant_leg)


@dataclass
class SessionRecord:
    """A session as the history holds it (``result`` None when none was stored)."""

    id: int
    person: str
    key: str
    file: str | None
    protocol: str | None
    started: str
    device: str | None
    duration_s: float | None
    frames: int | None
    result: dict | None = None


@dataclass
class TrialRecord:
    """One trial's result, with its session's time and protocol for trends."""

    session_id: int
    started: str
    protocol: str | None
    trial: int
    side: str | None
    hold_time_s: float | None
    end_reason: str | None
    errors: int | None
    score: float | None
    mean_velocity: float | None
    ellipse_area: float | None
    metrics: dict = field(default_factory=dict)


@dataclass
class NoteRecord:
    session_id: int
    started: str
    protocol: str | None
    t_s: float
    text: str
    author: str | None


@dataclass
class ImportReport:
    """What ``History.import_session`` did."""

    session_id: int
    person: str
    new: bool
    trials: int
    notes: int
    warnings: list[str] = field(default_factory=list)


def person_from_row(row) -> Person:
    return Person(*row)


def validated(p: Person) -> Person:
    if not p.name or not str(p.name).strip():
        raise InputError("a person needs a name or alias")
    p.name = str(p.name).strip()
    if p.birth_year is not None and not FIRST_BIRTH_YEAR <= int(p.birth_year) <= date.today().year:
        raise InputError(f"birth year {p.birth_year} is not a plausible year")
    try:
        p.profile()
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return p


def session_key(path: str | Path) -> str:
    """A session's identity: SHA-256 of its header (magic, version, metadata, CRC).

    The header is written once when recording starts; appended notes, results and
    events do not change it.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC) + 8)
            if len(head) < len(MAGIC) + 8 or not head.startswith(MAGIC):
                raise InputError(f"{path} is not a balance session file")
            (n,) = struct.unpack_from("<I", head, len(MAGIC) + 4)
            head += fh.read(n + 4)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from None
    return sha256(head).hexdigest()


def trial_rows(result: dict | None) -> list[tuple]:
    """Result rows ``(trial, side, hold, end_reason, n_errors, errors_json, score,
    mean_velocity, ellipse_area, metrics_json)`` of a protocol result."""
    from balance.protocols.results import ProtocolResult
    out = []
    for i, t in enumerate(ProtocolResult.of(result).trials, start=1):
        n_errors = t.error_number
        m = t.metrics  # older files named the fields with their units
        # the position, not the result's own number: numbering schemes differ per test
        out.append((i, t.side, number_or_none(t.hold_time_s), t.end_reason, n_errors,
                    json.dumps(t.errors if t.errors is not None else [], default=json_default),
                    number_or_none(t.score),
                    number_or_none(m.get("mean_velocity", m.get("mean_velocity_cm_s"))),
                    number_or_none(m.get("ellipse_area", m.get("ellipse_area_cm2"))),
                    json.dumps(m, default=json_default)))
    return out


def number_or_none(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def json_default(obj):
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def json_or_none(text) -> dict | None:
    """The JSON object stored in ``text``, or None (no text, damaged or not an object:
    the row is kept, its blob is not used)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
