"""Balance tests as small state machines fed one frame at a time (see ``base``).

``create(name, profile, image_size=..., fps=..., **options)`` builds one (names and
their options: ``registry``); ``score_recording`` runs one over recorded frames.
"""

from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.registry import create
from balance.protocols.results import ProtocolResult, TrialResult


def score_recording(protocol: Protocol, t, image, world, detected) -> tuple[ProtocolResult,
                                                                           list]:
    """Feed recorded frames to ``protocol`` in order; return its result and all events.

    ``t`` (n,) s; ``image``, ``world`` (n, 33, 4); ``detected`` (n,) bool.
    """
    events = []
    for i in range(len(t)):
        status = protocol.update(Frame(i, float(t[i]), image[i], world[i], bool(detected[i])))
        events += status.events
        if protocol.done:
            break
    if not protocol.done and len(t):
        events += protocol.stop(float(t[-1]), "recording_ended")
    return protocol.result(), events


__all__ = ["Frame", "Protocol", "ProtocolResult", "Status", "TrialResult", "create",
           "score_recording"]
