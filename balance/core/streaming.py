"""Live sway metrics: an accumulator updated once per frame in O(1).

It keeps Welford running means with the co-moment (for SDs, RMS and the ellipse), the
running path lengths and the extremes, so the window can show the time-domain metrics
of the trial so far at any frame. On the same finite samples it agrees with
``sway_metrics`` to rounding (about 1e-12 relative).

Two batch metrics have no exact O(1) form and are left out: the mean distance and the
sway area per second both need every sample's offset from the *final* mean. The
spectral measures need the whole trace too. ``SwayAccumulator.snapshot()`` therefore
returns the subset in ``LiveMetrics``; compute the rest with ``sway_metrics`` at the end.
"""

import math
from dataclasses import dataclass

import numpy as np

from balance.core import _sway_kernels as K
from balance.core import _validate
from balance.core.jit import kernel
from balance.core.metrics import ELLIPSES, VELOCITIES, ellipse_area
from balance.errors import InputError


@dataclass(frozen=True)
class LiveMetrics:
    """The time-domain sway metrics of the samples pushed so far (units as SwayMetrics).

    ``n`` counts finite samples, ``gaps`` the non-finite ones that were skipped. With
    fewer than 3 samples the metrics that need them (SDs, ellipse) are NaN."""

    n: int
    gaps: int
    fs: float
    duration_s: float
    rms_distance: float
    sd_ap: float
    sd_ml: float
    rms_ap: float
    rms_ml: float
    range_ap: float
    range_ml: float
    path_length: float
    path_length_ap: float
    path_length_ml: float
    mean_velocity: float
    mean_velocity_ap: float
    mean_velocity_ml: float
    ellipse_area: float

    def to_dict(self) -> dict:
        return dict(vars(self))  # flat fields: asdict's deep copy costs a live frame's time


class SwayAccumulator:
    """Running sway metrics of a (ap, ml) stream at a constant rate.

    Parameters
    ----------
    fs : float
        Sampling rate, Hz (the frame rate; durations are counted in samples).
    ellipse, velocity : str
        The conventions of ``sway_metrics``.

    Notes
    -----
    A non-finite sample (a frame without a person) is skipped and breaks the path: no
    step is measured across it, so a gap never adds a jump to the path length. It counts
    in ``gaps`` but not in the duration.
    """

    def __init__(self, fs: float, *, ellipse: str = "prediction",
                 velocity: str = "n_over_fs"):
        self.fs = _validate.positive_rate(fs)
        self.ellipse = _validate.choice(ellipse, "ellipse", ELLIPSES)
        self.velocity = _validate.choice(velocity, "velocity", VELOCITIES)
        self._s = K.stream_new()

    def reset(self) -> None:
        """Forget every sample (a new trial)."""
        self._s = K.stream_new()

    @property
    def n(self) -> int:
        """Finite samples pushed so far."""
        return int(self._s[K.ST_N])

    def push(self, ap: float, ml: float) -> None:
        """Add one sample (same unit as the metrics, cm here). O(1), about 1 us."""
        kernel("stream_push")(self._s, float(ap), float(ml))

    def extend(self, ap, ml) -> None:
        """Add samples in order; equivalent to ``push`` on each."""
        ap = _validate.trace(ap, "ap")
        ml = _validate.trace(ml, "ml")
        if ap.shape != ml.shape:
            raise InputError(f"ap and ml differ in length: {ap.size}, {ml.size}")
        kernel("stream_extend")(self._s, ap, ml)

    def snapshot(self) -> LiveMetrics:
        """The metrics of the samples so far (NaN where too few samples)."""
        s = self._s.tolist()  # Python floats: a live frame's arithmetic without NumPy scalars
        n = s[K.ST_N]
        duration = (n if self.velocity == "n_over_fs" else n - 1.0) / self.fs
        nan = float("nan")

        def per_s(x):
            return x / duration if duration > 0 else nan

        return LiveMetrics(
            n=int(n), gaps=int(s[K.ST_GAPS]), fs=self.fs, duration_s=max(duration, 0.0),
            rms_distance=math.sqrt((s[K.ST_M2_AP] + s[K.ST_M2_ML]) / n) if n else nan,
            sd_ap=math.sqrt(s[K.ST_M2_AP] / (n - 1)) if n > 1 else nan,
            sd_ml=math.sqrt(s[K.ST_M2_ML] / (n - 1)) if n > 1 else nan,
            rms_ap=math.sqrt(s[K.ST_M2_AP] / n) if n else nan,
            rms_ml=math.sqrt(s[K.ST_M2_ML] / n) if n else nan,
            range_ap=s[K.ST_MAX_AP] - s[K.ST_MIN_AP] if n else nan,
            range_ml=s[K.ST_MAX_ML] - s[K.ST_MIN_ML] if n else nan,
            path_length=s[K.ST_PATH],
            path_length_ap=s[K.ST_PATH_AP],
            path_length_ml=s[K.ST_PATH_ML],
            mean_velocity=per_s(s[K.ST_PATH]),
            mean_velocity_ap=per_s(s[K.ST_PATH_AP]),
            mean_velocity_ml=per_s(s[K.ST_PATH_ML]),
            ellipse_area=(ellipse_area(int(n), s[K.ST_M2_AP], s[K.ST_M2_ML], s[K.ST_C],
                                       self.ellipse) if n > 2 else nan),
        )

    def state(self) -> np.ndarray:
        """A copy of the raw state vector (for tests and persistence)."""
        return self._s.copy()
