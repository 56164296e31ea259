"""A session's event record: what happened when (a trial start, a lift, an error, a note).

Protocols raise them, the session driver logs them and session files store them; it lives
here, below all three, so none of them imports another for it. (The event detector's own
findings, with their frame and side, are `balance.core.events.Event`.)
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """Something that happened at ``t_s`` seconds of the session: ``kind`` names it,
    ``payload`` holds its details (JSON-ready)."""

    t_s: float
    kind: str
    payload: dict = field(default_factory=dict)
