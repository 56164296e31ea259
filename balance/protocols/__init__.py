"""Balance tests as small state machines fed one frame at a time (see ``base``).

``create(name, profile, image_size=..., fps=..., **options)`` builds one (names and
their options: ``registry``); the session driver (`balance.session.recording`) is the
only code that feeds one.
"""

from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.registry import create
from balance.protocols.results import ProtocolResult, TrialResult

__all__ = ["Frame", "Protocol", "ProtocolResult", "Status", "TrialResult", "create"]
