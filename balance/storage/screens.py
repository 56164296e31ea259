"""STEADI screens in the history database (schema version 5).

``save_screen`` records one screen (the outcome of ``balance.clinical.steadi`` and the
history's sessions of its three tests); ``screens`` reads a person's, oldest first;
``describe`` is what ``balance history`` prints of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from balance.clinical import steadi
from balance.storage.history import History
from balance.storage.records import json_or_none

# History._query / transaction are the store's own plumbing (error wording, one
# transaction per write), as for the programme's tables.
_COLUMNS = {steadi.TUG: "tug_session", steadi.CHAIR: "chair_session",
            steadi.FOUR_STAGE: "four_stage_session"}


@dataclass
class ScreenRecord:
    """One screen; ``outcome`` None when its stored JSON is damaged; ``sessions`` maps a
    test to its session id in the history (None: not recorded, or deleted since)."""

    id: int
    person: str
    taken: str
    at_risk: bool
    failed: list[str]
    outcome: steadi.Outcome | None
    sessions: dict = field(default_factory=dict)


def save_screen(h: History, person: str, outcome: steadi.Outcome, *,
                sessions: dict | None = None, taken: str | None = None) -> int:
    """Record ``outcome`` for ``person`` (who must be in the history); returns its id."""
    pid = h.person(person).id
    ids = [(sessions or {}).get(test) for test in _COLUMNS]
    with h.transaction("record a screen in") as con:
        return con.execute(
            "INSERT INTO screens (person_id, taken, at_risk, failed, outcome_json, "
            "tug_session, chair_session, four_stage_session) VALUES (?,?,?,?,?,?,?,?)",
            (pid, taken or _now(), int(outcome.at_risk),
             ",".join(a.test for a in outcome.failed), json.dumps(outcome.to_dict()), *ids)
        ).lastrowid


def screens(h: History, person: str) -> list[ScreenRecord]:
    pid = h.person(person).id
    name = h.person(person).name
    rows = h._query("SELECT id, taken, at_risk, failed, outcome_json, tug_session, "
                    "chair_session, four_stage_session FROM screens WHERE person_id=? "
                    "ORDER BY taken, id", (pid,))
    return [ScreenRecord(r[0], name, r[1], bool(r[2]), [f for f in r[3].split(",") if f],
                         _outcome(r[4]), dict(zip(_COLUMNS, r[5:8]))) for r in rows]


def _outcome(text: str) -> steadi.Outcome | None:
    data = json_or_none(text)
    try:
        return steadi.Outcome.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None  # a damaged blob: the row's own columns still say at risk and what failed


def describe(records: list[ScreenRecord]) -> str:
    """'STEADI screens' and one line per screen: when, the verdict, what failed."""
    if not records:
        return ""
    lines = ["STEADI screens"]
    for r in records:
        lines.append(f"  {r.taken[:10]}  {'at risk' if r.at_risk else 'screened not at risk'}"
                     f"; {_findings(r)}")
    return "\n".join(lines)


def _findings(r: ScreenRecord) -> str:
    """What the tests found: failed and not assessed ones, or that none was needed."""
    if r.outcome is not None and not r.outcome.assessments:
        return "no tests needed"
    parts = [f"failed: {', '.join(steadi.WHAT.get(t, t) for t in r.failed)}"] if r.failed else []
    missing = [steadi.WHAT[a.test] for a in r.outcome.not_assessed] if r.outcome else []
    if missing:
        parts.append(f"not assessed: {', '.join(missing)}")
    return "; ".join(parts) or "no test failed"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
