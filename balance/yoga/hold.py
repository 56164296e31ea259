"""Hold timing for yoga poses: time counts only while the pose is held with good form.

`YogaHold` follows a landmark stream through a `PoseTracker`. A *hold* is one stretch of a
stable pose; its ``duration_s`` is the time inside that stretch during which the frames
recognised the pose and the form was good (no cue-bearing criterion more than
`FORM_DEVIATION` tolerances out, ignoring lapses shorter than ``form_grace_s``). Frames
that the tracker's hysteresis bridges (a brief misdetection) pause the clock without
ending the hold. The confirmation run that made the pose stable (``enter_s``) counts once
the pose is confirmed with good form. `YogaHold.best_holds` gives the best hold per pose
and side, `transitions_between` the transitions. No Qt: the GUI and the CLI drive it the
same way.
"""

from dataclasses import dataclass

import numpy as np

from balance.yoga.cues import check_form
from balance.yoga.poses import UNKNOWN
from balance.yoga.tracker import PoseTracker


@dataclass(frozen=True)
class Hold:
    """One held pose.

    Attributes
    ----------
    pose : str
    side : str or None
    start_s, end_s : float
        When the pose was first and last recognised.
    duration_s : float
        Time with good form between start and end (at most ``end_s - start_s``).
    """

    pose: str
    side: str | None
    start_s: float
    end_s: float
    duration_s: float


@dataclass(frozen=True)
class Transition:
    """A change from one held pose to the next.

    Attributes
    ----------
    t_s : float
        When the new pose started.
    from_pose, from_side, to_pose, to_side
    gap_s : float
        Time between the end of the old pose and the start of the new one.
    """

    t_s: float
    from_pose: str
    from_side: str | None
    to_pose: str
    to_side: str | None
    gap_s: float


@dataclass(frozen=True)
class HoldState:
    """Where the hold stands after one frame.

    Attributes
    ----------
    t_s : float
    pose, side
        The stable pose (``"unknown"`` when none).
    counting : bool
        True when this frame's time counted toward the hold.
    hold_s : float
        Good-form time of the current hold so far.
    cues : tuple of str
        Corrections for this frame, worst first (give them to a `CueLimiter`).
    confidence : float
        This frame's recognition confidence.
    """

    t_s: float
    pose: str
    side: str | None
    counting: bool
    hold_s: float
    cues: tuple
    confidence: float


class YogaHold:
    """Count good-form hold time over a landmark stream.

    Parameters
    ----------
    target : str, optional
        Only this pose counts (a protocol asking for one pose); None counts any pose.
    tracker : PoseTracker, optional
    form_grace_s : float
        Bad-form lapses shorter than this do not stop the clock (landmark jitter).
    max_step_s : float
        Longest frame interval counted; a longer gap (dropped frames) counts this much.
    """

    def __init__(self, target=None, tracker=None, form_grace_s=0.5, max_step_s=0.5):
        self.target = target
        self.tracker = tracker or PoseTracker()
        self.form_grace_s = float(form_grace_s)
        self.max_step_s = float(max_step_s)
        self.holds = []
        self._t_prev = None
        self._was_counting = False
        self._counted = 0.0
        self._bad_since = None

    def _form_ok(self, t_s, good):
        """Good form, forgiving lapses shorter than the grace time."""
        if good:
            self._bad_since = None
            return True
        if self._bad_since is None:
            self._bad_since = t_s
        return t_s - self._bad_since < self.form_grace_s

    def _close_segments(self):
        """Turn the tracker's newly closed segments into holds."""
        for seg in self.tracker.segments[len(self.holds):]:
            hold = Hold(seg.pose, seg.side, seg.start_s, seg.end_s, self._counted)
            self.holds.append(hold)
            self._counted = 0.0
            self._bad_since = None

    def update(self, t_s, landmarks):
        """Add one frame.

        Parameters
        ----------
        t_s : float
            Monotonic time, seconds.
        landmarks : ndarray, shape (33, 4)

        Returns
        -------
        HoldState
        """
        state = self.tracker.update(t_s, landmarks)
        self._close_segments()
        step = 0.0 if self._t_prev is None else min(t_s - self._t_prev, self.max_step_s)
        self._t_prev = t_s
        counting, cues = False, ()
        active = state.pose != UNKNOWN and self.target in (None, state.pose)
        if active and state.supported:
            form = check_form(landmarks, state.pose, state.side)
            cues = tuple(c.text for c in form.cues)
            counting = self._form_ok(t_s, form.good)
            if counting and state.changed:
                # Credit the confirmation run: those frames recognised the pose.
                self._counted += t_s - state.since_s
            elif counting and self._was_counting:
                self._counted += step  # only intervals between two counting frames
        self._was_counting = counting
        return HoldState(t_s, state.pose, state.side, counting, self._counted if active else 0.0,
                         cues, state.frame.confidence)

    def finish(self):
        """End of stream: close the open hold and return every hold.

        Returns
        -------
        list of Hold
            In time order; with a ``target`` only that pose's holds.
        """
        self.tracker.finish()
        self._close_segments()
        return [h for h in self.holds if self.target in (None, h.pose)]

    def best_holds(self):
        """Longest good-form hold per (pose, side), from the holds closed so far."""
        best = {}
        for h in self.holds:
            key = (h.pose, h.side)
            if self.target in (None, h.pose) and (key not in best
                                                  or h.duration_s > best[key].duration_s):
                best[key] = h
        return best


def transitions_between(holds):
    """The transition from each hold to the next.

    Parameters
    ----------
    holds : sequence of Hold
        In time order (for example after dropping holds too short to count).

    Returns
    -------
    list of Transition
        One per consecutive pair of holds; ``t_s`` is the start of the later hold.
    """
    return [Transition(b.start_s, a.pose, a.side, b.pose, b.side, b.start_s - a.end_s)
            for a, b in zip(holds[:-1], holds[1:])]


@dataclass(frozen=True)
class StreamSummary:
    """What a stream held: holds, best hold per pose and side, transitions between holds."""

    holds: list
    best: dict
    transitions: list


def analyze_stream(t_s, landmarks, min_duration_s=1.0, target=None, **tracker_options):
    """Run a whole landmark stream through `YogaHold`.

    Parameters
    ----------
    t_s : ndarray, shape (n,)
        Frame times, seconds, increasing.
    landmarks : ndarray, shape (n, 33, 4)
        NaN rows for frames without a person.
    min_duration_s : float
        Holds with less good-form time are left out of ``holds`` and ``best``.
    target : str, optional
        Count only this pose.
    **tracker_options
        Passed to `PoseTracker` (``enter_s``, ``exit_s``, ``keep_fit``).

    Returns
    -------
    StreamSummary
    """
    t_s = np.asarray(t_s, dtype=np.float64)
    landmarks = np.asarray(landmarks)
    if t_s.ndim != 1 or landmarks.shape[:1] != t_s.shape or landmarks.shape[1:2] != (33,):
        raise ValueError("t_s must have shape (n,) and landmarks (n, 33, 4)")
    hold = YogaHold(target=target, tracker=PoseTracker(**tracker_options))
    for t, frame in zip(t_s, landmarks):
        hold.update(float(t), frame)
    holds = [h for h in hold.finish() if h.duration_s >= min_duration_s]
    best = {k: h for k, h in hold.best_holds().items() if h.duration_s >= min_duration_s}
    return StreamSummary(holds, best, transitions_between(holds))


def summarize_stream(t_s, landmarks, min_duration_s=1.0):
    """The poses held in a landmark stream and for how long.

    Parameters
    ----------
    t_s : ndarray, shape (n,)
    landmarks : ndarray, shape (n, 33, 4)
    min_duration_s : float
        Shorter holds (good-form time) are dropped.

    Returns
    -------
    list of Hold
        ``(pose, side, start_s, end_s, duration_s)`` in time order.
    """
    return analyze_stream(t_s, landmarks, min_duration_s).holds
