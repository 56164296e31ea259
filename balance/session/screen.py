"""The STEADI screen from test results: what each result says for the CDC rules, and the
recorded sessions scored through the same code as ``balance score``.

``balance.clinical.steadi`` holds the rules on plain numbers; this reads them out of the
three protocols' results: a TUG time only when the walk was seen whole, the stands only
after a full 30 s, the tandem stance held or not (a stage before it that the feet broke
counts as not held, as the 4-stage test stops there). A run stopped, cut off or with
nobody in view gives None: not assessed.
"""

from __future__ import annotations

from pathlib import Path

from balance.clinical import steadi
from balance.errors import InputError
from balance.profile import Profile
from balance.protocols import ProtocolResult, registry
from balance.protocols.four_stage import tandem_held
from balance.session.rescore import rescore
from balance.storage.session import read_session


def tug_time(result) -> float | None:
    r = ProtocolResult.of(result) if result else None
    if r is None or not r.summary.completed:
        return None
    return r.summary.time_s


def chair_stands(result) -> int | None:
    """Stands in 30 s, once the 30 s ran out (not stopped, not cut off)."""
    r = ProtocolResult.of(result) if result else None
    if r is None or not r.trials or r.trials[0].end_reason != "time":
        return None
    return int(r.summary.stands)


def tandem(result) -> tuple[bool | None, float | None]:
    """(held, seconds held) of the tandem stance in a 4-stage result (``tandem_held``)."""
    r = ProtocolResult.of(result) if result else None
    return tandem_held(r.trials if r is not None else [])


def outcome(answers: dict, results: dict, profile: Profile, *,
            asked: bool = False) -> steadi.Outcome:
    """The screen on ``results`` (test name -> result dict or None)."""
    held, held_s = tandem(results.get(steadi.FOUR_STAGE))
    return steadi.screen(answers, asked=asked, tug_s=tug_time(results.get(steadi.TUG)),
                         chair_stands=chair_stands(results.get(steadi.CHAIR)),
                         tandem_held=held, tandem_s=held_s, age=profile.age, sex=profile.sex)


def score_recording(path: Path, test: str, profile: Profile) -> dict:
    """Score the session ``path`` as ``test``. A session recorded as another test is
    refused; one recorded without a test (``analyze``) is scored as ``test``, a TUG then
    from the first movement (no Go cue was given)."""
    session = read_session(path)
    recorded = registry.canonical(session.metadata.get("protocol"))
    if recorded not in (None, test):
        raise InputError(f"{path} is a {registry.title(recorded)} session, not a "
                         f"{registry.title(test)}")
    options = {"go": "movement"} if recorded is None and test == steadi.TUG else None
    return rescore(session, test, profile=profile, options=options).result


def person_for(h, profile: Profile):
    """The history's person for ``profile``: added when new; the fields the profile
    knows written over the stored ones (a birth year given for the chair norms is kept)."""
    fields = {k: v for k, v in profile.to_dict().items() if k != "person_id"}
    if h.find_person(profile.person_id) is None:
        return h.add_person(profile.person_id, **fields)
    return h.update_person(profile.person_id, **fields)


def save(h, profile: Profile, outcome: steadi.Outcome, files: dict | None = None, *,
         taken: str | None = None) -> int:
    """Record ``outcome`` in the history ``h`` for ``profile``'s person, linked to the
    history's records of the test ``files`` (test name -> session file, already
    imported). Returns the screen's id."""
    from balance.storage import screens
    person_for(h, profile)
    ids = {test: rec.id for test, path in (files or {}).items()
           if path and (rec := h.session_by_file(path)) is not None}
    return screens.save_screen(h, profile.person_id, outcome, sessions=ids, taken=taken)
