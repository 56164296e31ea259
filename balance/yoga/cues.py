"""Form cues: what to correct in a pose, in plain words, from the pose table.

The cues are the ``cue_low``/``cue_high`` texts of the pose's criteria, chosen by how far
the measured value lies outside the accepted range, in units of the criterion's tolerance
(its *deviation*): the worst deviations first. Criteria without a cue text only help to
recognise the pose and never produce a cue or spoil the form.

`CueLimiter` sits between these per-frame cues and the screen or voice, so a cue appears
only when it persists, then stays long enough to be read.
"""

from dataclasses import dataclass

import numpy as np

from balance.yoga.features import COLUMN, SIDES, compute_features
from balance.yoga.poses import BY_NAME
from balance.yoga.scoring import CompiledPose, deviation

# A cue is given from one tolerance outside the range (membership below 2/3).
CUE_DEVIATION = 1.0
# The form counts as good while no deviation that has a cue is further out than this.
FORM_DEVIATION = 2.0


@dataclass(frozen=True)
class Cue:
    """One correction.

    Attributes
    ----------
    text : str
    feature : str
        The criterion's feature, see `balance.yoga.features.FEATURE_INFO`.
    value : float
        Measured value, in the feature's unit.
    deviation : float
        Signed distance outside the range in tolerances (negative: below ``lo``).
    """

    text: str
    feature: str
    value: float
    deviation: float


@dataclass(frozen=True)
class FormCheck:
    """Form of one frame judged against one pose.

    Attributes
    ----------
    pose : str
    side : str or None
        The side the check used (for symmetric poses None).
    cues : tuple of Cue
        Every cue-bearing criterion at least `CUE_DEVIATION` out, worst first, one per
        distinct text.
    worst : float
        Largest absolute deviation that has a cue (0: all such criteria in range).
    """

    pose: str
    side: str | None
    cues: tuple
    worst: float

    @property
    def good(self):
        """True while no correctable deviation exceeds `FORM_DEVIATION` tolerances."""
        return self.worst <= FORM_DEVIATION


def _hypothesis(features, definition, side):
    """Side hypothesis to judge by: the given side, else the better-fitting one."""
    if side is not None:
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES} or None, got {side!r}")
        return SIDES.index(side)
    return int(np.argmax(CompiledPose(definition).log_fit(features)))


def _faults(definition, values):
    """(|deviation|, Cue) for every criterion out of range in a direction that has a cue."""
    for c in definition.criteria:
        value = float(values[COLUMN[c.feature]])
        d = float(deviation(value, c.lo, c.hi, c.soft))
        text = c.cue_low if d < 0 else c.cue_high if d > 0 else None
        if text is not None:
            yield abs(d), Cue(text, c.feature, value, d)


def check_form(landmarks, pose, side=None):
    """Judge one frame's form against ``pose``.

    Only deviations that have a cue count: the form is never called bad for something
    the person cannot be told to change.

    Parameters
    ----------
    landmarks : ndarray, shape (33, 4)
    pose : str
        A pose of the table (not ``"unknown"``).
    side : {"left", "right"} or None
        Standing (or leading) leg; None picks the side that fits better.

    Returns
    -------
    FormCheck
        With no landmarks (NaN) the check is bad (``worst`` infinite) and has no cues.
    """
    if pose not in BY_NAME:
        raise ValueError(f"no pose {pose!r} in the table; poses: {', '.join(BY_NAME)}")
    definition = BY_NAME[pose]
    features = compute_features(landmarks)
    if not np.isfinite(features).all():
        return FormCheck(pose, side, (), float("inf"))
    h = _hypothesis(features, definition, side)
    faults = sorted(_faults(definition, features[h]), key=lambda fault: -fault[0])
    cues, seen = [], set()
    for size, cue in faults:
        if size >= CUE_DEVIATION and cue.text not in seen:
            seen.add(cue.text)
            cues.append(cue)
    worst = faults[0][0] if faults else 0.0
    reported_side = SIDES[h] if definition.side is not None else None
    return FormCheck(pose, reported_side, tuple(cues), worst)


def form_cues(landmarks, pose, side=None, max_cues=2):
    """The most useful corrections for ``pose`` in this frame, worst first.

    Parameters
    ----------
    landmarks : ndarray, shape (33, 4)
    pose : str
    side : {"left", "right"} or None
    max_cues : int
        Two or three is what a person can take in at once.

    Returns
    -------
    list of str
        Empty when the form is within tolerance.
    """
    return [c.text for c in check_form(landmarks, pose, side).cues[:max_cues]]


class CueLimiter:
    """Steady cues for a display or a voice: no flicker, no nagging.

    A fault counts as present while it was seen within the last ``persist_s``, so one
    that flickers frame to frame is treated as steady. Rules, in order: a cue becomes
    eligible once present for ``persist_s``; a shown cue stays at least ``hold_s``, then
    for as long as its fault is present (fix one thing at a time), and is withdrawn when
    it is gone; a new cue appears no sooner than ``min_interval_s`` after the display last
    changed; a withdrawn cue rests for ``repeat_after_s`` before it may return.

    Parameters
    ----------
    min_interval_s, hold_s, persist_s, repeat_after_s : float
        Seconds.
    """

    def __init__(self, min_interval_s=3.0, hold_s=2.5, persist_s=0.7, repeat_after_s=6.0):
        self.min_interval_s = float(min_interval_s)
        self.hold_s = float(hold_s)
        self.persist_s = float(persist_s)
        self.repeat_after_s = float(repeat_after_s)
        self.reset()

    def reset(self):
        """Forget all cues (a new pose or a new set)."""
        self.current = None
        self.changed = False
        self._shown_at = -np.inf
        self._changed_at = -np.inf
        self._run_start = {}
        self._last_seen = {}
        self._withdrawn_at = {}

    def _present(self, t_s, cue):
        return t_s - self._last_seen.get(cue, -np.inf) <= self.persist_s

    def _eligible(self, t_s, cue):
        return (t_s - self._run_start[cue] >= self.persist_s
                and t_s - self._withdrawn_at.get(cue, -np.inf) >= self.repeat_after_s)

    def update(self, t_s, cues):
        """Feed this frame's cues (most important first); get the cue to show.

        Parameters
        ----------
        t_s : float
            Monotonic time, seconds.
        cues : sequence of str

        Returns
        -------
        str or None
            The cue to display now. After the call, `changed` is True when a new cue
            appeared (the moment to speak it).
        """
        t_s = float(t_s)
        for cue in cues:
            if not self._present(t_s, cue):
                self._run_start[cue] = t_s
            self._last_seen[cue] = t_s
        self.changed = False
        if self.current is not None:
            if t_s - self._shown_at < self.hold_s or self._present(t_s, self.current):
                return self.current
            self._withdrawn_at[self.current] = t_s
            self.current = None
            self._changed_at = t_s
        if t_s - self._changed_at >= self.min_interval_s:
            ready = [cue for cue in cues if self._eligible(t_s, cue)]
            if ready:
                self.current = ready[0]
                self._shown_at = self._changed_at = t_s
                self.changed = True
        return self.current
