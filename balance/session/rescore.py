"""Score a recorded session again, through the same `Recording` that scored it live.

Every input that scored the live run is replayed in its order: the frames, the tester's
keys (after the frame they followed), a logged discomfort and the reason the run ended.
A session recorded with a test therefore scores to the result the window showed; one
recorded without (``analyze`` with no ``--protocol``, a landmark CSV) is scored as if the
recording had simply ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from balance.errors import BalanceError, InputError
from balance.profile import Profile, profile_from_metadata
from balance.protocols import Protocol, create, reasons, registry
from balance.session.recording import DISCOMFORT_EVENT, TESTER_KEY, Recording
from balance.events import Event
from balance.storage.session import Session


@dataclass
class Rescored:
    """A re-scored session: the protocol's result, every event it raised, why it ended."""

    result: dict
    events: list[Event]
    end_reason: str


def rescore(session: Session, protocol: str | None = None, *,
            profile: Profile | None = None, options: dict | None = None) -> Rescored:
    """Run ``session`` through a fresh protocol as the live run did.

    Parameters
    ----------
    session : a read `Session` (frames, events, metadata).
    protocol : the test to score with; default the session's own. Scoring with another
        test than the one recorded replays the frames only (keys and stop belong to the
        recorded test).
    profile : the person; default the session's stored profile.
    options : protocol options (side, cap...), laid over the session's own when the test
        is its own.

    Raises InputError when there is no test to score with or the session has no frames.
    """
    meta = session.metadata
    recorded = meta.get("protocol")
    name = protocol or recorded
    if not name:
        raise InputError(f"{Path(session.path).name} was recorded without a test: "
                         "name one with --protocol")
    if len(session) == 0:
        raise InputError(f"{Path(session.path).name} holds no frames")
    own = _same_test(name, recorded)
    options = {**(meta.get("protocol_options") or {} if own else {}), **(options or {})}
    if registry.canonical(name) == "tug":  # a recording nobody said Go in: its first movement
        from balance.protocols.tug import recorded_go  # here: numba waits for the scoring
        options.setdefault("go", recorded_go(meta))
    test = create(name, profile or profile_from_metadata(meta),
                  image_size=session.image_size, fps=session.fps or _fps(session), **options)
    end = reasons.normalise(meta.get("end_reason")) if own else None
    discomfort = [e for e in session.events if e.kind == DISCOMFORT_EVENT] if own else []
    rec = replay(test, session.t, session.image, session.world, session.detected,
                 keys=_tester_keys(session) if own else [],
                 end=end if end not in (None, reasons.DONE) else reasons.SOURCE_ENDED,
                 discomfort_by=(discomfort[0].payload or {}).get("by", "stop")
                 if discomfort else None)
    return Rescored(rec.result(), rec.events, rec.ended)


def replay(protocol: Protocol, t, image, world, detected, *, keys=(),
           end: str = reasons.SOURCE_ENDED, discomfort_by: str | None = None) -> Recording:
    """Feed recorded frames through a `Recording` of ``protocol`` (no file), as the window
    fed them: before each frame the tester keys pressed since the last one, after the last
    frame the remaining keys and the stop (``end``, with a logged discomfort when
    ``discomfort_by`` names who logged it). Returns the ended Recording.

    ``t`` (n,) s; ``image``, ``world`` (n, 33, 4); ``detected`` (n,) bool; ``keys`` a
    list of (frames seen before the key, kind), in order.
    """
    rec, keys = Recording(protocol, None), list(keys)
    if len(t):  # the times the Recording gives the protocol: from 0 s
        protocol.lookahead(np.asarray(t, dtype=np.float64) - float(t[0]), image, world)
    for i in range(len(t)):
        while keys and keys[0][0] <= rec.frames:
            rec.tester_error(keys.pop(0)[1])
        rec.feed(float(t[i]), image[i], world[i], bool(detected[i]))
        if rec.protocol_done:
            rec.finish(reasons.DONE)
            return rec
    for _, kind in keys:
        rec.tester_error(kind)
    rec.stop(end, discomfort=discomfort_by is not None, by=discomfort_by or "")
    return rec


def score_frames(protocol: Protocol, t, image, world, detected) -> tuple[dict, list[Event]]:
    """Score arrays of frames that ran to their end: (result, every event raised)."""
    rec = replay(protocol, t, image, world, detected)
    return rec.result(), rec.events


def score_for_history(session: Session, protocol: str | None) -> tuple[dict | None, str | None]:
    """``rescore`` for an import: (result, None), (None, None) when there is no test to
    score with, or (None, why) when scoring failed. The file itself is not changed."""
    if not (protocol or session.metadata.get("protocol")):
        return None, None
    try:
        return rescore(session, protocol).result, None
    except (BalanceError, TypeError, ValueError) as exc:
        name = protocol or session.metadata.get("protocol")
        return None, f"{Path(session.path).name} could not be scored as {name}: {exc}"


def _same_test(name: str, recorded: str | None) -> bool:
    return recorded is not None and registry.canonical(name) == registry.canonical(recorded)


def _tester_keys(session: Session) -> list[tuple[int, str]]:
    """(frames seen before the key, kind) of each tester key, in order. Files written
    before the frame count was recorded place a key after the last frame at its time."""
    keys = []
    for e in session.events:
        if e.kind != TESTER_KEY:
            continue
        payload = e.payload or {}
        after = payload.get("after_frames")
        if not isinstance(after, int):
            after = int((session.t <= e.t_s + 1e-9).sum())
        keys.append((after, str(payload.get("kind", "eyes_opened"))))
    return keys


def _fps(session: Session) -> float:
    t = session.t
    return (len(t) - 1) / float(t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 30.0
