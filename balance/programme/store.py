"""The programme in the history database (schema version 4): levels and the daily log.

``levels`` reads a person's ladder states (the bottom of each ladder when none is stored);
``set_level`` is the therapist's adjustment; ``log_outcomes`` records what was done today
and moves the ladders by the rules; ``today_plan`` builds the plan from all of it.
"""

from datetime import date, datetime, timezone

from balance.errors import InputError
from balance.programme import plan as P
from balance.programme import progression as G
from balance.programme import rules as R
from balance.storage.history import History

# History._query / transaction are the store's own plumbing (error wording, one
# transaction per write); this module is its programme half, kept apart for size.


def levels(h: History, person: str) -> dict[str, G.LadderState]:
    pid = h.person(person).id
    states = G.start_states()
    rows = h._query("SELECT ladder, level, target, met, missed, set_by FROM "
                    "programme_levels WHERE person_id=?", (pid,))
    for ladder, level, target, met, missed, set_by in rows:
        if ladder in R.LADDERS and any(x.key == level for x in R.LADDERS[ladder]):
            states[ladder] = G.LadderState(ladder, level, target, met, missed, set_by)
    return states


def _save(con, pid: int, s: G.LadderState) -> None:
    con.execute("INSERT OR REPLACE INTO programme_levels (person_id, ladder, level, target, "
                "met, missed, set_by, updated) VALUES (?,?,?,?,?,?,?,?)",
                (pid, s.ladder, s.level, s.target, s.met, s.missed, s.set_by, _now()))


def set_level(h: History, person: str, ladder: str, level: str | None = None, *,
              target: float | None = None, by: str = "therapist") -> G.LadderState:
    """A therapist's change: a level (streaks start again) and/or an own target."""
    if ladder not in R.LADDERS:
        raise InputError(f"no ladder {ladder!r}; ladders: {', '.join(R.LADDERS)}")
    current = levels(h, person)[ladder]
    try:
        key = level or current.level
        R.level_index(ladder, key)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if target is not None and not 0 < target <= 600:
        raise InputError(f"a target of {target:g} is outside 0-600 (seconds or reps)")
    state = G.LadderState(ladder, key, target if target is not None else (
        current.target if key == current.level else None), 0, 0, by)
    with h.transaction("set a level in") as con:
        _save(con, h.person(person).id, state)
    return state


def log_outcomes(h: History, person: str, outcomes: list[G.Outcome], *,
                 done_items: list[tuple[str, bool]] = (),
                 session_id: int | None = None,
                 day: date | None = None) -> list[tuple[G.Outcome, str]]:
    """Record a sitting: measured outcomes (moving the ladders by the rules) and the
    plain items done or skipped (``(item key, done)``). Returns the rule decisions."""
    pid = h.person(person).id
    states, decisions = G.replay(levels(h, person), _new_sessions(h, person, outcomes))
    with h.transaction("log training in") as con:
        for o in outcomes:
            con.execute("INSERT INTO programme_log (person_id, day, item, ladder, level, "
                        "target, achieved, done, discomfort, session_id, logged) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?)",
                        (pid, o.day.isoformat(), o.ladder, o.ladder, o.level, o.target,
                         o.achieved, int(o.achieved is not None), int(o.discomfort),
                         session_id, _now()))
        day = day or (outcomes[0].day if outcomes else date.today())
        for key, done in done_items:
            con.execute("INSERT INTO programme_log (person_id, day, item, done, logged) "
                        "VALUES (?,?,?,?,?)", (pid, day.isoformat(), key, int(done), _now()))
        for ladder in {o.ladder for o, _ in decisions}:
            _save(con, pid, states[ladder])
    return decisions


def _new_sessions(h: History, person: str, outcomes: list[G.Outcome]) -> list[G.Outcome]:
    """The outcomes that may still move a ladder: a ladder moves once per day (a second
    try is not a second session), except that discomfort always counts once."""
    seen: dict[tuple, bool] = {}
    for r in log_rows(h, person):
        if r["ladder"] and (r["achieved"] is not None or r["discomfort"]):
            k = (r["day"], r["ladder"])
            seen[k] = seen.get(k, False) or bool(r["discomfort"])
    out = []
    for o in outcomes:
        k = (o.day.isoformat(), o.ladder)
        if k not in seen or (o.discomfort and not seen[k]):
            out.append(o)
    return out


def log_rows(h: History, person: str) -> list[dict]:
    """Every logged item of a person, oldest first."""
    pid = h.person(person).id
    rows = h._query("SELECT day, item, ladder, level, target, achieved, done, discomfort "
                    "FROM programme_log WHERE person_id=? ORDER BY day, id", (pid,))
    keys = ("day", "item", "ladder", "level", "target", "achieved", "done", "discomfort")
    return [dict(zip(keys, r)) for r in rows]


def today_plan(h: History, person: str, today: date | None = None) -> P.Plan:
    """Today's plan from the person's levels and log, rest days respected."""
    today = today or date.today()
    rows = log_rows(h, person)
    trained = {date.fromisoformat(r["day"]) for r in rows if r["done"]}
    trained |= {date.fromisoformat(s.started[:10]) for s in h.sessions(person)}
    sore = {date.fromisoformat(r["day"]) for r in rows if r["discomfort"]}
    strong = {date.fromisoformat(r["day"]) for r in rows
              if r["done"] and r["ladder"] in R.STRENGTH}
    return P.build(levels(h, person), today, rest=G.rest_reason(trained, sore, today),
                   strength=G.strength_today(strong, today))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
