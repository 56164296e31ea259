"""What every protocol is: a small state machine fed one frame at a time.

The same object scores a live stream (the window's worker feeds it) and a recorded one
(``balance score`` feeds it a session): it never looks at a clock, only at frame times.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from balance.profile import Profile
from balance.protocols.results import ProtocolResult
from balance.events import Event

PHASES = ("waiting", "running", "paused", "rest", "done")
# A front camera: image horizontal is medio-lateral sway, image vertical is vertical.
FRONT_VIEW = "front: medio-lateral, vertical"


@dataclass(frozen=True)
class Frame:
    """One frame of landmarks. ``image`` and ``world`` are (33, 4) float32, NaN if none."""

    index: int
    t_s: float
    image: np.ndarray
    world: np.ndarray
    detected: bool


@dataclass
class Status:
    """What a protocol reports after each frame, for the window and the CLI.

    Attributes
    ----------
    phase : one of PHASES. "paused" means not counting (no person, body not in view).
    instruction : what the person should do now, in plain words (large text).
    cue : a form correction, or None.
    trial, side : the current trial (1-based) and its side ("left"/"right"/None).
    elapsed_s : the hold timer of the current trial, s.
    remaining_s : the countdown to the trial's cap, s, or None.
    sway_cm : the current (horizontal, vertical) centre-of-mass offset in cm from the
        stance reference, or None: image horizontal (the person's side to side) and
        image vertical.
    metrics : live time-domain sway metrics of the current trial.
    score : the running stability score 0-100, or None.
    events : the events raised on this frame (also written to the session).
    sway_ap_cm : the current front-to-back sway estimated from the camera's depth, cm, or
        None where there is no depth (a landmark CSV) or no sway.
    sway_view : what the two ``sway_cm`` axes are, from the camera's view (``FRONT_VIEW``
        for the front set-up every protocol asks for); None when there is no sway.
    """

    phase: str = "waiting"
    instruction: str = ""
    cue: str | None = None
    trial: int = 0
    side: str | None = None
    elapsed_s: float = 0.0
    remaining_s: float | None = None
    sway_cm: tuple[float, float] | None = None
    metrics: dict = field(default_factory=dict)
    score: float | None = None
    events: list[Event] = field(default_factory=list)
    sway_view: str | None = None
    sway_ap_cm: float | None = None


class Protocol(ABC):
    """Base of all protocols. Subclasses set ``name`` and ``title``."""

    name = ""
    title = ""
    body = None  # the protocol's tracking.BodyTracker, where it has one
    planned_trials: int | None = None  # the trials a whole run holds, where that is fixed

    def __init__(self, profile: Profile, *, image_size: tuple[int, int], fps: float):
        self.profile, self.image_size, self.fps = profile, image_size, fps

    def lookahead(self, t, image, world) -> None:
        """The frames of a recording this run will be fed, by frame index (``t`` (n,) s
        from 0, ``image`` and ``world`` (n, 33, 4)): the body tracker's event detector
        runs ahead over blocks of them, and every status stays what it is one frame at
        a time."""
        if self.body is not None:
            self.body.lookahead(t, image, world)

    @abstractmethod
    def update(self, frame: Frame) -> Status:
        """Consume one frame (in time order) and report the state after it."""

    @abstractmethod
    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        """End the running trial now (Stop button, discomfort, camera lost)."""

    @property
    @abstractmethod
    def done(self) -> bool:
        """True once the protocol has nothing more to do."""

    @abstractmethod
    def result(self) -> ProtocolResult:
        """The result so far: ``protocol``, ``trials`` and the protocol's ``summary``
        (``to_dict()`` for the JSON the session and the history store hold)."""
