"""Welch power spectra of sway and the frequency measures derived from them.

Spectral sway measures move a lot with segment length and detrending, so the parameters
are fixed here, once (docs/clinical.md, 4.4): with m = N // 4, three segments of
``nperseg = nfft = 2 m`` samples overlapping by m, taken from the middle ``4 m`` samples
(the ``N mod 4`` samples left over, at most 3, are split between the two ends); periodic
Hann window, each segment's mean removed (constant detrend), one-sided density
(unit² / Hz), segment periodograms averaged with the mean. When N is a multiple of 4 this
is the BDS peer's ``nperseg = N // 2``, ``noverlap = N // 4``; for other lengths the
peer's rule yields 2 segments when ``N mod 4`` is 2 or 3 and 3 otherwise, which moved
the mean frequency by 9-17 % when two samples were trimmed. Here the segment count is
always 3 and the frequency spacing ``fs / (2 m)`` moves by one part in 2 m.

Pure NumPy: numba has no FFT and NumPy's pocketfft is already compiled.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Fixed spectral parameters, reported beside every spectral number (m = N // 4).
WELCH_PARAMS = {
    "window": "hann (periodic)",
    "samples": "middle 4 m",
    "nperseg": "2 m",
    "nfft": "2 m",
    "noverlap": "m",
    "segments": "3",
    "detrend": "constant",
    "scaling": "density, one-sided",
    "average": "mean",
}


def welch_psd(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Welch power spectral density of the rows of ``x`` (parameters above).

    Parameters
    ----------
    x : ndarray, shape (n,) or (k, n), float64
        Finite samples (the caller checks), at least 4 of them.
    fs : float
        Sampling rate, Hz.

    Returns
    -------
    f : ndarray, shape (n // 4 + 1,), read-only
        Frequencies, Hz, spaced ``fs / (2 (n // 4))``.
    p : ndarray, shape (n // 4 + 1,) or (k, n // 4 + 1)
        Power spectral density, unit² / Hz.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    m = n // 4
    start = (n - 4 * m) // 2
    window, norm = _hann(2 * m)
    segs = sliding_window_view(x[..., start:start + 4 * m], 2 * m, axis=-1)[..., ::m, :]
    tapered = segs - segs.mean(axis=-1, keepdims=True)  # (..., 3, 2 m), the one copy
    tapered *= window
    spec = np.fft.rfft(tapered, axis=-1)
    p = (spec.real ** 2 + spec.imag ** 2).mean(axis=-2)
    # One-sided: fold the negative frequencies onto the positive ones, except DC and the
    # Nyquist bin (2 m is even), which have no mirror image.
    p *= 2.0 / (fs * norm)
    p[..., 0] *= 0.5
    p[..., -1] *= 0.5
    return _grid(m, float(fs)), p


@lru_cache(maxsize=32)
def _hann(length: int) -> tuple[np.ndarray, float]:
    """Periodic (DFT-even) Hann window, as scipy's get_window("hann") builds it, and sum w²."""
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(length) / length)
    window.flags.writeable = False  # shared between calls
    return window, float(window @ window)


@lru_cache(maxsize=32)
def _grid(m: int, fs: float) -> np.ndarray:
    """The m + 1 frequencies of a 2 m-point one-sided spectrum, Hz."""
    f = np.arange(m + 1) * (fs / (2 * m))
    f.flags.writeable = False
    return f


@dataclass(frozen=True)
class SpectralMeasures:
    """Frequency measures of a two-axis sway trace (see ``spectral_measures``)."""

    mean_frequency: float
    mean_frequency_ap: float
    mean_frequency_ml: float
    f50: float
    f95: float
    total_power: float
    total_power_ap: float
    total_power_ml: float


def spectral_measures(ap: np.ndarray, ml: np.ndarray, fs: float) -> SpectralMeasures:
    """Mean, median (F50) and 95 % (F95) frequency and total power of a sway trace.

    Parameters
    ----------
    ap, ml : ndarray, shape (n,), float64
        Finite sway samples, one length unit (cm in this package).
    fs : float
        Sampling rate, Hz.

    Returns
    -------
    SpectralMeasures
        ``mean_frequency_ap`` / ``_ml``: per-axis mean power frequency,
        trapz(f P) / trapz(P), Hz. ``total_power_ap`` / ``_ml``: sum(P) * df, the Welch
        estimate of the axis variance (Parseval), unit². ``mean_frequency``: the two axes'
        mean frequencies weighted by their total power (this rectangle-rule power, which
        is what reproduces the BDS peer's ``COPmfreq`` to 1e-15; trapezoid weights differ
        by up to 0.5 %). Mixing the two rules makes it depend slightly (~1 %) on how the
        axes are oriented, unlike a single-rule mean: kept for agreement with the peer.
        ``total_power``: the sum over both axes. ``f50`` / ``f95``: the
        frequencies below which 50 % / 95 % of the combined spectrum P_ap + P_ml lies,
        from its cumulative trapezoid integral, linearly interpolated between bins (the
        bin spacing is fs / (2 (N // 4)), 0.033 Hz for 60 s).
        A trace with no variation has no spectrum: its frequencies are NaN and its power 0.
    """
    f, p = welch_psd(np.vstack([ap, ml]), fs)
    df = f[1] - f[0]
    area = np.trapezoid(p, f, axis=-1)
    first_moment = np.trapezoid(f * p, f, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mpf = first_moment / area
    power = p.sum(axis=-1) * df
    total = power.sum()
    if total > 0:
        # An axis without power contributes nothing; 0 * NaN would poison the mean.
        weighted = np.where(power > 0, mpf, 0.0) * power
        mean_frequency = float(weighted.sum() / total)
    else:
        mean_frequency = float("nan")
    f50, f95 = _power_quantiles(f, p.sum(axis=0), (0.5, 0.95))
    return SpectralMeasures(
        mean_frequency=mean_frequency,
        mean_frequency_ap=float(mpf[0]),
        mean_frequency_ml=float(mpf[1]),
        f50=f50,
        f95=f95,
        total_power=float(total),
        total_power_ap=float(power[0]),
        total_power_ml=float(power[1]),
    )


def _power_quantiles(f: np.ndarray, p: np.ndarray, qs) -> list[float]:
    """Frequencies where the cumulative trapezoid integral of ``p`` reaches each q."""
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(f))])
    if cum[-1] <= 0:
        return [float("nan")] * len(qs)
    cum /= cum[-1]
    out = []
    for q in qs:
        i = int(np.searchsorted(cum, q))  # first bin with cum >= q; i >= 1 as cum[0] = 0
        frac = (q - cum[i - 1]) / (cum[i] - cum[i - 1])
        out.append(float(f[i - 1] + frac * (f[i] - f[i - 1])))
    return out
