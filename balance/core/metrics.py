"""Posturography sway metrics of a two-axis trace (Prieto et al. 1996 family).

Conventions (docs/clinical.md, section 4; validated against the BDS force-plate peer to 1e-9):

* The mean of each axis is removed first; RD = sqrt(AP² + ML²) is the resultant distance.
* Durations: ``velocity="n_over_fs"`` uses T = N / fs (the BDS peer), ``"span"`` uses
  T = (N - 1) / fs, the time from the first to the last sample (other vendors).
* ``ellipse="prediction"``: 95 % prediction ellipse, sample covariance C (ddof = 1),
  area = pi sqrt(det C) F(0.95; 2, N-2) 2 (N-1)(N+1) / (N (N-2)).
  ``ellipse="chi2"``: pi sqrt(det C_pop) chi2(0.95; 2), C_pop with ddof = 0; the quantile
  is -2 ln 0.05 = 5.99146, of which vendors' "5.991" is the rounded value.
* Spectral measures: see ``balance.core.spectral`` (Welch, fixed parameters).

Units: the input unit L (cm in this package) gives L, L², L/s, L²/s and Hz.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from balance.core import _validate
from balance.core._sway_kernels import (
    TS_MAX_AP, TS_MAX_ML, TS_MAX_RD, TS_MIN_AP, TS_MIN_ML, TS_PATH, TS_PATH_AP, TS_PATH_ML,
    TS_SAA, TS_SAM, TS_SMM, TS_SUM_CROSS, TS_SUM_RD, TS_SUM_RD2,
)
from balance.core.jit import kernel
from balance.core.spectral import spectral_measures
from balance.errors import InputError

ELLIPSES = ("prediction", "chi2")
VELOCITIES = ("n_over_fs", "span")
#: Coverage of the sway ellipse.
ELLIPSE_P = 0.95
#: Fewest samples accepted: the prediction ellipse needs N > 2 and Welch N // 4 >= 2.
MIN_SAMPLES = 8


@dataclass(frozen=True)
class SwayMetrics:
    """Sway metrics of one trace. L is the input length unit (cm here).

    Attributes
    ----------
    n, fs, duration_s : samples, sampling rate (Hz) and the duration T used for rates (s).
    ellipse, velocity : the conventions used (see the module docstring).
    mean_distance, rms_distance, max_distance : mean, RMS and maximum of RD, L.
    sd_ap, sd_ml : sample standard deviation (ddof = 1), L.
    rms_ap, rms_ml : RMS about the mean (ddof = 0), L.
    range_ap, range_ml : max - min, L.
    path_length : sum of resultant step lengths, L; ``_ap`` / ``_ml``: sum of |steps|.
    mean_velocity, mean_velocity_ap, mean_velocity_ml : path lengths / T, L/s.
    ellipse_area : 95 % ellipse area, L².
    area_per_second : sum |AP[i+1] ML[i] - AP[i] ML[i+1]| / (2 T), L²/s.
    mean_frequency, mean_frequency_ap, mean_frequency_ml, f50, f95 : Hz.
    total_power, total_power_ap, total_power_ml : L².
    """

    n: int
    fs: float
    duration_s: float
    ellipse: str
    velocity: str
    mean_distance: float
    rms_distance: float
    max_distance: float
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
    area_per_second: float
    mean_frequency: float
    mean_frequency_ap: float
    mean_frequency_ml: float
    f50: float
    f95: float
    total_power: float
    total_power_ap: float
    total_power_ml: float

    def to_dict(self) -> dict:
        """Plain ``{name: value}`` (floats, ints and the two convention strings)."""
        return dict(vars(self))  # flat fields: asdict's deep copy costs a live frame's time


def sway_metrics(ap, ml, fs, *, ellipse: str = "prediction",
                 velocity: str = "n_over_fs") -> SwayMetrics:
    """All sway metrics of a two-axis trace sampled at a constant rate.

    Parameters
    ----------
    ap, ml : array_like, shape (n,), or None
        Antero-posterior and medio-lateral positions, one length unit (cm here), n >= 8,
        all finite. One camera sees one horizontal axis (front view: ML; side view: AP):
        pass None for the other. Then that axis's fields, ``ellipse_area`` and
        ``area_per_second`` are NaN (they need two axes), and the resultant measures
        (distances, path, velocity, mean frequency) are those of the measured axis.
    fs : float
        Sampling rate, Hz.
    ellipse : {"prediction", "chi2"}
        95 % prediction ellipse (sample covariance, F scale) or the chi-square variant
        (population covariance, 5.991).
    velocity : {"n_over_fs", "span"}
        Duration for the rates: N / fs, or (N - 1) / fs (first to last sample).

    Returns
    -------
    SwayMetrics

    Raises
    ------
    InputError
        Different lengths, fewer than 8 samples, a NaN or infinite sample (split the trace
        at gaps with ``balance.core.filters.finite_runs`` or interpolate it; the metrics
        are not defined across a gap), fs not > 0, or an unknown convention.

    Notes
    -----
    A trace that never moves gives zeros for the distances, paths and areas and NaN for
    the frequencies (a spectrum without power has no mean frequency).
    """
    fs = _validate.positive_rate(fs)
    _validate.choice(ellipse, "ellipse", ELLIPSES)
    _validate.choice(velocity, "velocity", VELOCITIES)
    if ap is None and ml is None:
        raise InputError("sway metrics need at least one of ap and ml")
    if ap is None or ml is None:
        # One camera axis: compute with a still other axis, then blank what needs it.
        missing = "ap" if ap is None else "ml"
        still = np.zeros_like(_validate.trace(ml if ap is None else ap, "trace"))
        full = sway_metrics(still if ap is None else ap, still if ml is None else ml, fs,
                            ellipse=ellipse, velocity=velocity)
        return _one_axis(full, missing)
    ap, ml = _checked_pair(ap, ml)
    return _two_axis_metrics(ap, ml, fs, ellipse, velocity)


def _checked_pair(ap, ml) -> tuple[np.ndarray, np.ndarray]:
    """Both traces as float arrays of one length, long enough and finite (else InputError)."""
    ap = _validate.trace(ap, "ap")
    ml = _validate.trace(ml, "ml")
    if ap.shape != ml.shape:
        raise InputError(f"ap and ml differ in length: {ap.size} and {ml.size}")
    if ap.size < MIN_SAMPLES:
        raise InputError(
            f"sway metrics need at least {MIN_SAMPLES} samples, got {ap.size}")
    hint = "split the trace at gaps (filters.finite_runs) or interpolate it"
    _validate.finite(ap, "ap", hint)
    _validate.finite(ml, "ml", hint)
    return ap, ml


def _two_axis_metrics(ap: np.ndarray, ml: np.ndarray, fs: float, ellipse: str,
                      velocity: str) -> SwayMetrics:
    """The metrics of a checked two-axis trace: the kernel's sums, then the spectrum."""
    n = ap.size
    st = kernel("time_stats")(ap, ml)
    duration = n / fs if velocity == "n_over_fs" else (n - 1) / fs
    spec = spectral_measures(ap, ml, fs)
    return SwayMetrics(
        n=n, fs=fs, duration_s=duration, ellipse=ellipse, velocity=velocity,
        mean_distance=st[TS_SUM_RD] / n,
        rms_distance=math.sqrt(st[TS_SUM_RD2] / n),
        max_distance=float(st[TS_MAX_RD]),
        sd_ap=math.sqrt(st[TS_SAA] / (n - 1)),
        sd_ml=math.sqrt(st[TS_SMM] / (n - 1)),
        rms_ap=math.sqrt(st[TS_SAA] / n),
        rms_ml=math.sqrt(st[TS_SMM] / n),
        range_ap=float(st[TS_MAX_AP] - st[TS_MIN_AP]),
        range_ml=float(st[TS_MAX_ML] - st[TS_MIN_ML]),
        path_length=float(st[TS_PATH]),
        path_length_ap=float(st[TS_PATH_AP]),
        path_length_ml=float(st[TS_PATH_ML]),
        mean_velocity=st[TS_PATH] / duration,
        mean_velocity_ap=st[TS_PATH_AP] / duration,
        mean_velocity_ml=st[TS_PATH_ML] / duration,
        ellipse_area=ellipse_area(n, st[TS_SAA], st[TS_SMM], st[TS_SAM], ellipse),
        area_per_second=st[TS_SUM_CROSS] / (2.0 * duration),
        mean_frequency=spec.mean_frequency,
        mean_frequency_ap=spec.mean_frequency_ap,
        mean_frequency_ml=spec.mean_frequency_ml,
        f50=spec.f50,
        f95=spec.f95,
        total_power=spec.total_power,
        total_power_ap=spec.total_power_ap,
        total_power_ml=spec.total_power_ml,
    )


_AXIS_FIELDS = ("sd", "rms", "range", "path_length", "mean_velocity", "mean_frequency",
                "total_power")


def _one_axis(m: SwayMetrics, missing: str) -> SwayMetrics:
    """Blank the unmeasured axis and the two-axis measures of a one-axis result."""
    nan = float("nan")
    blank = {f"{name}_{missing}": nan for name in _AXIS_FIELDS}
    blank.update(ellipse_area=nan, area_per_second=nan)
    return replace(m, **blank)


def ellipse_area(n: int, saa: float, smm: float, sam: float, kind: str) -> float:
    """95 % sway ellipse area from the sums of squared and cross deviations.

    Parameters
    ----------
    n : number of samples (> 2).
    saa, smm, sam : sum (AP - mean)², sum (ML - mean)², sum (AP - mean)(ML - mean), L².
    kind : "prediction" or "chi2" (see the module docstring).

    Returns
    -------
    float, L².
    """
    if kind == "prediction":
        det = (saa * smm - sam * sam) / ((n - 1) * (n - 1))
        scale = f2_ppf(ELLIPSE_P, n - 2) * 2.0 * (n - 1) * (n + 1) / (n * (n - 2))
    else:
        det = (saa * smm - sam * sam) / (n * n)
        scale = -2.0 * math.log1p(-ELLIPSE_P)  # chi-square(2) quantile, 5.991...
    # Rounding can leave a tiny negative determinant for a perfectly straight trace.
    return math.pi * math.sqrt(max(det, 0.0)) * scale


def f2_ppf(p: float, d: float) -> float:
    """Quantile of the F distribution with (2, d) degrees of freedom, closed form.

    The F(2, d) CDF is 1 - (1 + 2x/d)^(-d/2), so x = d/2 ((1 - p)^(-2/d) - 1); written
    with expm1/log1p because for large d the power is close to 1.
    """
    return 0.5 * d * math.expm1(-(2.0 / d) * math.log1p(-p))
