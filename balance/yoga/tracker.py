"""Pose recognition over a stream, with hysteresis so a brief misdetection changes nothing.

Per frame, `balance.yoga.classify` may flicker: a blurred frame, an occluded foot, a
moment in between. The tracker keeps a *stable* pose:

- a new pose (with its side) becomes stable once it has won for ``enter_s``;
- the stable pose is kept while frames support it: they recognise it, or they recognise
  nothing better and it still fits at least ``keep_fit`` (a looser bar than recognition);
- it is dropped only after ``exit_s`` without support, and its end is dated to its last
  supported frame, its start to the first frame of the run that made it stable.
"""

from dataclasses import dataclass

from balance.yoga.classify import Classification, default_classifier
from balance.yoga.poses import UNKNOWN


@dataclass(frozen=True)
class Segment:
    """One stretch of a stable pose: ``pose`` on ``side`` from ``start_s`` to ``end_s``."""

    pose: str
    side: str | None
    start_s: float
    end_s: float


@dataclass(frozen=True)
class TrackState:
    """The tracker's answer for one frame.

    Attributes
    ----------
    t_s : float
    pose : str
        Stable pose (``"unknown"`` when none).
    side : str or None
    since_s : float or None
        When the stable pose started.
    frame : Classification
        This frame's own classification.
    changed : bool
        True when the stable pose (or side) changed at this frame.
    supported : bool
        True when this frame itself supports the stable pose (False during a brief
        misdetection that the hysteresis bridges).
    """

    t_s: float
    pose: str
    side: str | None
    since_s: float | None
    frame: Classification
    changed: bool
    supported: bool


class PoseTracker:
    """Stable pose over a stream of landmark frames.

    Parameters
    ----------
    enter_s : float
        How long a new pose must win before it becomes stable.
    exit_s : float
        How long the stable pose may go unsupported before it is dropped.
    keep_fit : float
        A frame that recognises no other pose still supports the stable pose while the
        stable pose fits at least this well (0..1).
    classifier : Classifier, optional
        Defaults to the shipped table.
    """

    def __init__(self, enter_s=0.5, exit_s=1.0, keep_fit=0.4, classifier=None):
        self.enter_s = float(enter_s)
        self.exit_s = float(exit_s)
        self.keep_fit = float(keep_fit)
        self.classifier = classifier or default_classifier()
        self.reset()

    def reset(self):
        """Forget the stream."""
        self.segments = []
        self._stable = None  # (pose, side)
        self._since = None
        self._last_support = None
        self._candidate = None
        self._candidate_since = None
        self._candidate_seen = None

    def _supports(self, frame):
        pose, _ = self._stable
        if (frame.pose, frame.side) == self._stable:
            return True
        return frame.pose == UNKNOWN and frame.fits.get(pose, 0.0) >= self.keep_fit

    def _follow_candidate(self, t_s, key):
        """Track the run of a pose that differs from the stable one."""
        stale = (self._candidate_seen is not None
                 and t_s - self._candidate_seen > self.exit_s)
        if key != self._candidate or stale:
            self._candidate, self._candidate_since = key, t_s
        self._candidate_seen = t_s

    def _close(self):
        pose, side = self._stable
        self.segments.append(Segment(pose, side, self._since, self._last_support))
        self._stable = self._since = self._last_support = None

    def update(self, t_s, landmarks):
        """Add one frame.

        Parameters
        ----------
        t_s : float
            Monotonic time, seconds, increasing.
        landmarks : ndarray, shape (33, 4)
            NaN for a frame without a person.

        Returns
        -------
        TrackState
        """
        t_s = float(t_s)
        frame = self.classifier.classify(landmarks)
        before = self._stable
        key = (frame.pose, frame.side)
        supported = self._stable is not None and self._supports(frame)
        if supported:
            self._last_support = t_s
            if key == self._stable:  # a clear vote for the stable pose ends any rival run
                self._candidate = None
        elif frame.pose != UNKNOWN:
            self._follow_candidate(t_s, key)
        if self._stable is not None and t_s - self._last_support > self.exit_s:
            self._close()
        if (frame.pose != UNKNOWN and key == self._candidate and key != self._stable
                and t_s - self._candidate_since >= self.enter_s):
            if self._stable is not None:
                self._close()
            self._stable, self._since, self._last_support = key, self._candidate_since, t_s
            self._candidate = None
            supported = True
        pose, side = self._stable or (UNKNOWN, None)
        return TrackState(t_s, pose, side, self._since, frame, self._stable != before,
                          supported and self._stable is not None)

    def finish(self):
        """Close the open stretch (end of stream) and return all segments."""
        if self._stable is not None:
            self._close()
        return list(self.segments)
