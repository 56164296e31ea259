"""One timed trial: its clock, pauses, centre-of-mass samples, errors and result.

Sway is measured in the camera's image plane. From the front (the set-up every protocol
asks for) that is the frontal plane: horizontal = medio-lateral, vertical = up. The
core's two-axis metrics are computed on (vertical, horizontal) and reported with
``_vertical`` / ``_ml`` names; antero-posterior sway needs a side view.
"""

from dataclasses import dataclass, field

import numpy as np

from balance.core import (
    CausalLowpass, SwayAccumulator, lowpass_zero_phase, stability_score, sway_metrics,
)
from balance.errors import InputError

MIN_METRIC_S = 1.0  # shorter holds get no sway metrics: too few samples to mean anything
# Zero-phase low-pass before the metrics: postural sway lies below ~2 Hz while landmark
# jitter is white, and jitter inflates path length and velocity (CLINICAL.md).
SWAY_CUTOFF_HZ = 3.0


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
    paused_s: float = 0.0
    errors: list[dict] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)
    samples: list[tuple[float, float]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.end_t is None

    def elapsed(self, t_s: float) -> float:
        """Counted time at ``t_s``: wall time since the start minus pauses."""
        end = t_s if self.end_t is None else self.end_t
        return max(0.0, end - self.start_t - self.paused_s)

    def add_sample(self, frame: int, h_cm: float, v_cm: float) -> None:
        self.frames.append(frame)
        self.samples.append((h_cm, v_cm))

    def end(self, t_s: float, frame: int, reason: str) -> None:
        """Stop at ``t_s`` (which may lie a few frames back: events are back-dated)."""
        self.end_t = max(t_s, self.start_t)
        self.end_reason = reason
        while self.frames and self.frames[-1] >= frame:
            self.frames.pop()
            self.samples.pop()

    def hold_time_s(self) -> float:
        held = self.elapsed(self.end_t if self.end_t is not None else self.start_t)
        return min(held, self.target_s) if self.target_s else held

    def to_dict(self, fs: float) -> dict:
        hold = self.hold_time_s()
        metrics = frontal_metrics(self.samples, fs)
        score = frontal_score(metrics, hold if self.target_s else None, self.target_s)
        return {
            "trial": self.number, "side": self.side, "stance": self.stance,
            "start_s": round(self.start_t, 4), "end_s": round(self.end_t, 4),
            "hold_time_s": round(hold, 3), "end_reason": self.end_reason,
            "paused_s": round(self.paused_s, 3), "metrics": metrics,
            "errors": self.errors, "score": None if score is None else round(score, 1),
            **self.extra,
        }


def frontal_metrics(samples, fs: float) -> dict:
    """Sway metrics of (horizontal, vertical) cm samples, keys named for the frontal plane,
    after the ``SWAY_CUTOFF_HZ`` low-pass (named in the result's "filter").

    Returns {} when there are fewer than ``MIN_METRIC_S`` seconds of finite samples.
    The AP-named fields of ``SwayMetrics`` hold the vertical axis and are renamed.
    """
    arr = np.asarray(samples, dtype=float).reshape(-1, 2)
    arr = arr[np.isfinite(arr).all(axis=1)]
    if arr.shape[0] < max(8, MIN_METRIC_S * fs):
        return {}
    arr = lowpass_zero_phase(arr, fs, cutoff_hz=min(SWAY_CUTOFF_HZ, 0.4 * fs))
    try:
        m = sway_metrics(arr[:, 1], arr[:, 0], fs).to_dict()
    except InputError:
        return {}
    out = {k.replace("_ap", "_vertical"): _round(v) for k, v in m.items()}
    out["filter"] = f"zero-phase Butterworth low-pass {min(SWAY_CUTOFF_HZ, 0.4 * fs):g} Hz"
    return out


def frontal_score(metrics: dict, hold_s: float | None = None,
                  target_s: float | None = None) -> float | None:
    """The core's stability score of ``frontal_metrics`` (vertical as the second axis)."""
    if not metrics:
        return None
    return stability_score({"mean_velocity_ap": metrics["mean_velocity_vertical"],
                            "mean_velocity_ml": metrics["mean_velocity_ml"],
                            "ellipse_area": metrics["ellipse_area"]},
                           hold_s=hold_s, target_s=target_s)


def _round(v):
    return round(float(v), 6) if isinstance(v, (float, np.floating)) else v


class LiveSway:
    """The live numbers of the current stance: causal low-pass, then the core's O(1)
    accumulator. Frontal-plane naming as ``frontal_metrics``."""

    def __init__(self, fs: float):
        self.fs = fs
        self._filter = CausalLowpass(fs, cutoff_hz=min(SWAY_CUTOFF_HZ, 0.4 * fs), channels=2)
        self._acc = SwayAccumulator(fs)

    def reset(self) -> None:
        self._filter.reset()
        self._acc.reset()

    def push(self, h_cm: float, v_cm: float) -> None:
        h, v = self._filter.push((h_cm, v_cm))
        self._acc.push(v, h)

    def metrics(self) -> dict:
        if self._acc.n < MIN_METRIC_S * self.fs:
            return {}
        return {k.replace("_ap", "_vertical"): v for k, v in self._acc.snapshot().to_dict().items()}

    def score(self, hold_s: float | None = None, target_s: float | None = None):
        return frontal_score(self.metrics(), hold_s, target_s)
