"""One timed trial: its clock, pauses, centre-of-mass samples, errors and result.

Sway is measured in the camera's image plane. From the front (the set-up every protocol
asks for) the horizontal axis is medio-lateral: the headline metrics are the core's
one-axis ML metrics and the score its ML form. Each trial carries the camera's view over
its frames (``core.camera_view``); from an oblique or off-centre camera the horizontal
axis is not medio-lateral, and the words say so (``axis_text``; the metric keys keep
their ``_ml`` names, meaning the horizontal image axis). Antero-posterior sway is the camera's
depth: where world landmarks give it (``core.depth``), the AP fields and the 95 % ellipse
area are added, marked as an estimate (``"ap": AP_SOURCE``).
"""

from dataclasses import dataclass, field

import numpy as np

from balance.core import (
    CausalLowpass, SwayAccumulator, finite_runs, lowpass_zero_phase, stability_score,
    sway_metrics,
)
from balance.core.camera_view import CameraView
from balance.errors import InputError
from balance.protocols.base import FRONT_VIEW
from balance.protocols.results import TrialResult

VIEW_LOST_S = 2.0   # a bad view this long ends (interrupts) a trial
MIN_METRIC_S = 1.0  # shorter holds get no sway metrics: too few samples to mean anything
# Zero-phase low-pass before the metrics: postural sway lies below ~2 Hz while landmark
# jitter is white, and jitter inflates path length and velocity (docs/clinical.md, 4.5).
SWAY_CUTOFF_HZ = 3.0
AP_SOURCE = "camera depth estimate"
# Fields the depth (AP) axis adds; the rest stay the ML axis's, comparable with sessions
# that had no depth. Only spread measures: depth noise is white and frame to frame, so
# it inflates paths, velocities and frequencies far more than spreads.
AP_FIELDS = ("sd_ap", "rms_ap", "range_ap", "total_power_ap", "ellipse_area")


@dataclass
class Trial:
    """A trial in progress or finished. Times in s, positions in cm."""

    number: int
    side: str | None
    stance: str
    start_t: float
    start_frame: int
    target_s: float | None = None
    end_t: float | None = None
    end_reason: str | None = None
    errors: list[dict] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)
    samples: list[tuple[float, float, float]] = field(default_factory=list)
    # the camera's view on each sampled frame (``camera_view.frame_views`` rows): kept
    # here, with the trial, so the tracker need not keep one for every frame of a session
    views: list[tuple[float, float, float]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    bad_since: float | None = None
    pauses: list[tuple[float, float]] = field(default_factory=list)  # bad views: (from, s)
    # (samples, end, rate) -> sway metrics: a protocol's result is asked for after every
    # event, and the metrics of trials that ended long ago need not be computed again
    _metrics: tuple = field(default=(None, None), repr=False, compare=False)

    @property
    def paused_s(self) -> float:
        """Time the clock stood still (bad views of ``keep_s`` or more), s."""
        return float(sum(gap for _, gap in self.pauses))

    @property
    def running(self) -> bool:
        return self.end_t is None

    def elapsed(self, t_s: float) -> float:
        """Counted time at ``t_s``: wall time since the start minus pauses."""
        end = t_s if self.end_t is None else self.end_t
        return max(0.0, end - self.start_t - self.paused_s)

    def watch_view(self, t_s: float, good: bool, keep_s: float = 0.0) -> float | None:
        """Pause the clock while the view is bad (no person, part of the body, someone
        else); a bad view shorter than ``keep_s`` (a dip, a dropped detection) is counted
        as held, as a stopwatch would. Returns the time the view went bad once it has
        stayed bad for ``VIEW_LOST_S``: the trial should end there, counting only what
        was seen."""
        if good:
            if self.bad_since is not None:
                gap = t_s - self.bad_since
                if gap >= keep_s:
                    self.pauses.append((self.bad_since, gap))
                self.bad_since = None
            return None
        if self.bad_since is None:
            self.bad_since = t_s
        return self.bad_since if t_s - self.bad_since >= VIEW_LOST_S else None

    def replay_view(self, bad_views, keep_s: float = 0.0) -> None:
        """Take the bad views since the start that came before the trial was heard of (a
        lift dated back up to a second): ``bad_views`` [(from, to), s, to inf while it
        lasts], as ``watch_view`` would have seen them."""
        for since, until in bad_views:
            since = max(since, self.start_t)
            if until == float("inf"):
                self.bad_since = since
            elif until - since >= keep_s:
                self.pauses.append((since, until - since))

    def add_sample(self, frame: int, h_cm: float, v_cm: float,
                   ap_cm: float = float("nan"), view=(float("nan"),) * 3) -> None:
        """CoM position in cm: image horizontal and vertical, and the depth estimate;
        ``view``: the frame's (yaw, off-axis, hip width) row (``BodyTracker.view_row``)."""
        self.frames.append(frame)
        self.samples.append((h_cm, v_cm, ap_cm))
        self.views.append(view)

    def last_sway(self) -> tuple[float, float] | None:
        """The latest (horizontal, vertical) cm sample, as ``Status.sway_cm`` wants it."""
        return self.samples[-1][:2] if self.samples else None

    def show_sway(self, status) -> None:
        """Put the latest sample, and the view its axes come from, on ``status``."""
        status.sway_cm = self.last_sway()
        status.sway_view = FRONT_VIEW if status.sway_cm is not None else None
        ap = self.samples[-1][2] if self.samples else float("nan")
        status.sway_ap_cm = float(ap) if np.isfinite(ap) else None

    def end(self, t_s: float, frame: int, reason: str) -> None:
        """Stop at ``t_s`` (which may lie a few frames back: events are back-dated)."""
        self.end_t = max(t_s, self.start_t)
        self.end_reason = reason
        # a pause after the end (heard of once the view was back) is not the trial's
        self.pauses = [p for p in self.pauses if p[0] < self.end_t]
        while self.frames and self.frames[-1] >= frame:
            self.frames.pop()
            self.samples.pop()
            self.views.pop()

    def hold_time_s(self) -> float:
        held = self.elapsed(self.end_t if self.end_t is not None else self.start_t)
        return min(held, self.target_s) if self.target_s else held

    def _sway(self, fs: float) -> dict:
        """``sway_of`` the samples, once per set of samples (they only grow, until the end
        trims them and fixes ``end_t``)."""
        key = (len(self.samples), self.end_t, fs)
        if self._metrics[0] != key:
            self._metrics = (key, sway_of(self._with_gaps(), fs))
        return dict(self._metrics[1])

    def _with_gaps(self) -> np.ndarray:
        """Samples in frame order with a NaN row wherever frames were skipped (pauses)."""
        if not self.frames:
            return np.empty((0, 3))
        frames = np.asarray(self.frames)
        out = np.full((frames[-1] - frames[0] + 1, 3), np.nan)
        out[frames - frames[0]] = self.samples
        return out

    def result(self, fs: float, view: CameraView | None = None) -> TrialResult:
        """The finished trial's result, its sway metrics from samples at ``fs`` Hz and the
        camera's ``view`` over its frames (``BodyTracker.camera_view``)."""
        hold = self.hold_time_s()
        metrics = self._sway(fs)
        score = sway_score(metrics, hold if self.target_s else None, self.target_s)
        # ``extra`` holds the protocol's own keys (eyes, surface, error_score, ...)
        return TrialResult.from_dict({
            "trial": self.number, "side": self.side, "stance": self.stance,
            "start_s": round(self.start_t, 4), "end_s": round(self.end_t, 4),
            "hold_time_s": round(hold, 3), "end_reason": self.end_reason,
            "paused_s": round(self.paused_s, 3), "target_s": self.target_s, "metrics": metrics,
            "errors": self.errors, "score": None if score is None else round(score, 1),
            "view": None if view is None else view.to_dict(), **self.extra,
        })


def axis_text(views, depth: bool = False) -> str | None:
    """What the horizontal sway axis of trials seen with ``views`` (``CameraView`` or
    None each) is, in words: never medio-lateral when one camera stood oblique or off-centre.
    None without a trial: no view was measured, so nothing is claimed about it."""
    views = list(views)
    if not views:
        return None
    off = [v for v in views if v is not None and v.medio_lateral is False]
    if off:
        return "horizontal image axis, not medio-lateral: " + "; ".join(off[0].problems())
    if any(v is not None and v.medio_lateral is None for v in views):
        text = "medio-lateral (front camera assumed: no world landmarks to measure its angle)"
    else:
        text = "medio-lateral (front camera)"
    return text + ("; AP from camera depth, an estimate" if depth else "")


def sway_of(samples, fs: float) -> dict:
    """Sway metrics of (horizontal, vertical[, depth]) cm samples, NaN = a gap.

    The traces are low-passed (``SWAY_CUTOFF_HZ``, zero phase, each run on its own) and
    measured on the ML trace's longest unbroken run: the metrics are not defined across a
    gap, and joining runs would add a jump to the path. Returns {} under ``MIN_METRIC_S``
    seconds. The ML metrics always; the ``AP_FIELDS`` too when the depth is finite over
    the whole run. Only finite values are kept.
    """
    arr = np.asarray(samples, dtype=float)
    arr = arr.reshape(-1, arr.shape[-1] if arr.ndim == 2 else 2)
    runs = finite_runs(arr[:, 0])
    if not runs:
        return {}
    start, stop = max(runs, key=lambda r: r[1] - r[0])
    if stop - start < max(8, MIN_METRIC_S * fs):
        return {}
    cutoff = min(SWAY_CUTOFF_HZ, 0.4 * fs)
    ml = lowpass_zero_phase(arr[start:stop, 0], fs, cutoff_hz=cutoff)
    ap = arr[start:stop, 2] if arr.shape[1] > 2 else None
    try:
        out = _finite(sway_metrics(None, ml, fs).to_dict())
        if ap is not None and np.isfinite(ap).all():
            both = sway_metrics(lowpass_zero_phase(ap, fs, cutoff_hz=cutoff), ml, fs)
            out.update({k: v for k, v in _finite(both.to_dict()).items() if k in AP_FIELDS},
                       ap=AP_SOURCE)
    except InputError:
        return {}
    out["filter"] = f"zero-phase Butterworth low-pass {cutoff:g} Hz"
    out["span_s"] = round((stop - start) / fs, 3)
    return out


def _finite(metrics: dict) -> dict:
    return {k: _round(v) for k, v in metrics.items() if not _is_nan(v)}


def sway_score(metrics: dict, hold_s: float | None = None,
               target_s: float | None = None) -> float | None:
    """The core's stability score from the medio-lateral velocity (one camera axis)."""
    if not metrics:
        return None
    return stability_score(metrics, hold_s=hold_s, target_s=target_s, axes="ml")


def _round(v):
    return round(float(v), 6) if isinstance(v, (float, np.floating)) else v


def _is_nan(v) -> bool:
    return isinstance(v, (float, np.floating)) and not np.isfinite(v)


class LiveSway:
    """The live numbers of the current stance: causal low-pass, then the core's O(1)
    accumulator, medio-lateral fields only (the other axis is fed zeros and not read)."""

    def __init__(self, fs: float):
        self.fs = fs
        self._filter = CausalLowpass(fs, cutoff_hz=min(SWAY_CUTOFF_HZ, 0.4 * fs))
        self._acc = SwayAccumulator(fs)

    def reset(self) -> None:
        self._filter.reset()
        self._acc.reset()

    def push(self, h_cm: float) -> None:
        (ml,) = self._filter.push(h_cm)
        if np.isfinite(ml):
            self._acc.push(0.0, ml)

    def metrics(self) -> dict:
        if self._acc.n < MIN_METRIC_S * self.fs:
            return {}
        snap = self._acc.snapshot().to_dict()
        return {k: v for k, v in snap.items() if k.endswith("_ml") or k in ("n", "duration_s")}

    def show(self, st) -> None:
        """Put the live metrics and the live stability score on the status ``st``."""
        st.metrics = self.metrics()
        st.score = sway_score(st.metrics)
