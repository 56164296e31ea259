"""Filters for landmark and sway traces: offline zero-phase, live causal, display-only.

Which filter for what
---------------------
* ``lowpass_zero_phase``: scoring a recorded trial. A Butterworth low-pass run forwards
  and backwards (no phase shift, so events keep their frame); default cut-off
  ``ZERO_PHASE_CUTOFF_HZ`` = 5 Hz, order 2 per pass (amplitude response squared: -6 dB
  at the cut-off, -80 dB/decade). Quiet-standing sway lies below 2 Hz and a foot lift
  rises in ~0.25 s (content below ~4 Hz), while landmark jitter is white: 5 Hz keeps the
  movement and removes most of the jitter at 30-60 fps.
* ``lowpass_causal`` / ``CausalLowpass``: live scoring. The same Butterworth run forwards
  only, default cut-off ``CAUSAL_CUTOFF_HZ`` = 8 Hz, order 2: group delay about
  0.225 / fc = 28 ms at low frequencies, under one frame at 30 fps.
* ``one_euro`` / ``OneEuro``: the skeleton on screen only (Casiez et al. 2012). Its
  cut-off rises with speed, which distorts amplitudes in a speed-dependent way: never
  score on it. MediaPipe's own smoothing is of this kind too.

Cut-offs are clipped to 0.4 x the sampling rate (below Nyquist) when the default is
used, so the defaults work at 15 fps; an explicit cut-off at or above Nyquist is an
InputError.

Gaps: every filter is NaN-aware. The zero-phase and causal filters run each finite run
of samples separately (``finite_runs``) and leave the gaps NaN: filtering across a gap
would smear invented values into real ones. The causal filter restarts from the first
sample after a gap in its steady state, so a restart does not ring.
"""

import math

import numpy as np

from balance.core import _validate
from balance.core.jit import kernel
from balance.errors import InputError

ZERO_PHASE_CUTOFF_HZ = 5.0
CAUSAL_CUTOFF_HZ = 8.0
#: Default cut-offs never exceed this fraction of the sampling rate.
MAX_DEFAULT_CUTOFF_FRACTION = 0.4

ONE_EURO_MIN_CUTOFF_HZ = 1.0
ONE_EURO_BETA = 0.02  # per pixel: 1 Hz of extra cut-off per 50 px/s of speed
ONE_EURO_D_CUTOFF_HZ = 1.0


# --------------------------------------------------------------------------------------
# Design
# --------------------------------------------------------------------------------------

def butter_lowpass_sos(order: int, cutoff_hz: float, fs: float) -> np.ndarray:
    """Digital Butterworth low-pass as second-order sections.

    Analogue prototype poles, pre-warped cut-off, bilinear transform; each section is
    scaled to unit gain at DC, so the cascade has unit DC gain and its -3 dB point at
    ``cutoff_hz``.

    Parameters
    ----------
    order : int >= 1.
    cutoff_hz, fs : float, Hz, with 0 < cutoff_hz < fs / 2.

    Returns
    -------
    sos : ndarray, shape (ceil(order / 2), 6)
        Rows (b0, b1, b2, 1, a1, a2).
    """
    if int(order) != order or order < 1:
        raise InputError(f"filter order must be a positive integer, not {order!r}")
    fs = _validate.positive_rate(fs)
    cutoff_hz = _validate.positive_rate(cutoff_hz, "cutoff_hz")
    if cutoff_hz >= fs / 2:
        raise InputError(f"cut-off {cutoff_hz} Hz is not below Nyquist ({fs / 2} Hz)")
    order = int(order)
    warped = 2.0 * fs * math.tan(math.pi * cutoff_hz / fs)
    sections = []
    # Upper-half-plane analogue poles; their conjugates are paired in the same section.
    for k in range(order // 2):
        theta = math.pi * (2 * k + 1 + order) / (2 * order)
        p = warped * complex(math.cos(theta), math.sin(theta))
        z = (2 * fs + p) / (2 * fs - p)
        a1, a2 = -2.0 * z.real, abs(z) ** 2
        g = (1.0 + a1 + a2) / 4.0  # b = g (1, 2, 1): unit gain at z = 1
        sections.append([g, 2 * g, g, 1.0, a1, a2])
    if order % 2:
        z = (2 * fs - warped) / (2 * fs + warped)  # the real pole at -warped
        g = (1.0 - z) / 2.0
        sections.append([g, g, 0.0, 1.0, -z, 0.0])
    return np.array(sections)


def sos_steady_state(sos: np.ndarray) -> np.ndarray:
    """Transposed-form state (s, 2) of ``sos`` after a unit step has settled.

    With input 1 a section with unit DC gain outputs 1; solving the state equations at
    rest gives z1 = b1 + b2 - (a1 + a2) y and z2 = b2 - a2 y with y = H(1). Each section
    sees the previous sections' DC gain as its input level."""
    zi = np.empty((sos.shape[0], 2))
    level = 1.0
    for i, (b0, b1, b2, _, a1, a2) in enumerate(sos):
        y = (b0 + b1 + b2) / (1.0 + a1 + a2)
        zi[i] = level * (b1 + b2 - (a1 + a2) * y), level * (b2 - a2 * y)
        level *= y
    return zi


def _default_cutoff(cutoff_hz, default: float, fs: float) -> float:
    if cutoff_hz is None:
        return min(default, MAX_DEFAULT_CUTOFF_FRACTION * fs)
    return cutoff_hz


# --------------------------------------------------------------------------------------
# Gaps
# --------------------------------------------------------------------------------------

def finite_runs(x) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of rows of ``x`` that are entirely finite.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, ...)

    Returns
    -------
    list of (start, stop), half-open, in order.
    """
    arr = np.asarray(x, dtype=float)
    ok = np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1) if arr.ndim else np.array([])
    edges = np.diff(np.concatenate([[0], ok.view(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _as_columns(x) -> tuple[np.ndarray, tuple]:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        raise InputError("a filter needs an array of samples, got a scalar")
    return np.ascontiguousarray(arr.reshape(arr.shape[0], -1)), arr.shape


def _padlen(sos: np.ndarray) -> int:
    # Three times the filter's length in taps, as in MATLAB's and scipy's filtfilt: long
    # enough for the start-up transient to die out in the padding.
    taps = 2 * sos.shape[0] + 1
    taps -= min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * taps


# --------------------------------------------------------------------------------------
# Zero-phase (offline)
# --------------------------------------------------------------------------------------

def sosfiltfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Forward-backward filtering of the columns of finite ``x`` (n, k).

    Odd extension at both ends by ``3 * taps`` samples (fewer for short runs: n - 1),
    each pass started in the steady state of its first sample. Matches
    ``scipy.signal.sosfiltfilt`` for runs longer than the padding.
    """
    n = x.shape[0]
    if n < 2:
        return x.copy()
    pad = min(_padlen(sos), n - 1)
    head = 2.0 * x[:1] - x[pad:0:-1]
    tail = 2.0 * x[-1:] - x[-2:-pad - 2:-1]
    ext = np.ascontiguousarray(np.concatenate([head, x, tail]))
    zi0 = sos_steady_state(sos)[:, :, None]
    run = kernel("sosfilt")
    y = run(sos, ext, zi0 * ext[0][None, None, :])
    y = np.ascontiguousarray(y[::-1])
    y = run(sos, y, zi0 * y[0][None, None, :])
    return y[::-1][pad:pad + n]


def lowpass_zero_phase(x, fs: float, *, cutoff_hz: float | None = None,
                       order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0, each finite run on its own.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, ...)
        Samples in time order; rows with any NaN are gaps (a landmark array (n, 33, 4)
        with NaN frames works as is).
    fs : float
        Sampling rate, Hz.
    cutoff_hz : float, optional
        -3 dB point of each pass (-6 dB overall). Default ``ZERO_PHASE_CUTOFF_HZ`` (5 Hz),
        clipped to 0.4 fs.
    order : int
        Order of each pass (the forward-backward response has twice this order).

    Returns
    -------
    ndarray, float64, the shape of ``x``; NaN where ``x`` had a gap.
    """
    fs = _validate.positive_rate(fs)
    sos = butter_lowpass_sos(order, _default_cutoff(cutoff_hz, ZERO_PHASE_CUTOFF_HZ, fs), fs)
    cols, shape = _as_columns(x)
    out = np.full_like(cols, np.nan)
    for start, stop in finite_runs(cols):
        out[start:stop] = sosfiltfilt(sos, cols[start:stop])
    return out.reshape(shape)


# --------------------------------------------------------------------------------------
# Causal (live)
# --------------------------------------------------------------------------------------

class CausalLowpass:
    """Streaming Butterworth low-pass for live scoring, one sample (vector) at a time.

    Parameters
    ----------
    fs : float
        Sampling rate, Hz.
    cutoff_hz : float, optional
        -3 dB point; default ``CAUSAL_CUTOFF_HZ`` (8 Hz) clipped to 0.4 fs. Group delay at
        low frequencies about 0.225 / cutoff_hz s for order 2.
    order : int
        Filter order (default 2).
    channels : int
        Values per sample (e.g. 2 for (ap, ml), 66 for 33 landmarks x (x, y)).

    Notes
    -----
    The first sample, and the first after a gap, starts the filter in its steady state
    for that value (no ramp from zero). A sample with any NaN outputs NaN for all
    channels and ends the run.
    """

    def __init__(self, fs: float, *, cutoff_hz: float | None = None, order: int = 2,
                 channels: int = 1):
        fs = _validate.positive_rate(fs)
        self.cutoff_hz = _default_cutoff(cutoff_hz, CAUSAL_CUTOFF_HZ, fs)
        self.sos = butter_lowpass_sos(order, self.cutoff_hz, fs)
        self.channels = int(channels)
        self._zi0 = sos_steady_state(self.sos)[:, :, None]
        self._zi = None

    def reset(self) -> None:
        """Forget the past: the next sample restarts the filter."""
        self._zi = None

    def push(self, x) -> np.ndarray:
        """Filter one sample of ``channels`` values; returns them filtered (float64)."""
        row = np.asarray(x, dtype=np.float64).reshape(1, self.channels)
        if not np.isfinite(row).all():
            self._zi = None
            return np.full(self.channels, np.nan)
        if self._zi is None:
            self._zi = self._zi0 * row[0][None, None, :]
        return kernel("sosfilt")(self.sos, row, self._zi)[0]

    def extend(self, x) -> np.ndarray:
        """``push`` over the rows of ``x`` (n, channels), in order, in one kernel call per
        run of finite rows; returns (n, channels), float64, exactly what ``push`` would."""
        rows = np.asarray(x, dtype=np.float64).reshape(-1, self.channels)
        out = np.full(rows.shape, np.nan)
        if rows.shape[0] == 0:
            return out
        runs = finite_runs(rows)
        if not runs or runs[0][0] > 0:
            self._zi = None  # a NaN row first ends the current run
        for start, stop in runs:
            seg = np.ascontiguousarray(rows[start:stop])
            if self._zi is None or start > 0:
                self._zi = self._zi0 * seg[0][None, None, :]
            out[start:stop] = kernel("sosfilt")(self.sos, seg, self._zi)
        if runs and runs[-1][1] < rows.shape[0]:
            self._zi = None
        return out


def lowpass_causal(x, fs: float, *, cutoff_hz: float | None = None,
                   order: int = 2) -> np.ndarray:
    """Causal Butterworth low-pass along axis 0, as ``CausalLowpass`` would stream it.

    Parameters and defaults as ``CausalLowpass``; ``x`` (n,) or (n, ...), gaps NaN.

    Returns
    -------
    ndarray, float64, the shape of ``x``; NaN where ``x`` had a gap.
    """
    fs = _validate.positive_rate(fs)
    sos = butter_lowpass_sos(order, _default_cutoff(cutoff_hz, CAUSAL_CUTOFF_HZ, fs), fs)
    cols, shape = _as_columns(x)
    out = np.full_like(cols, np.nan)
    zi0 = sos_steady_state(sos)[:, :, None]
    for start, stop in finite_runs(cols):
        seg = cols[start:stop]
        out[start:stop] = kernel("sosfilt")(sos, seg, zi0 * seg[0][None, None, :])
    return out.reshape(shape)


# --------------------------------------------------------------------------------------
# One-Euro (display only)
# --------------------------------------------------------------------------------------

def one_euro(x, t, *, min_cutoff: float = ONE_EURO_MIN_CUTOFF_HZ,
             beta: float = ONE_EURO_BETA, d_cutoff: float = ONE_EURO_D_CUTOFF_HZ) -> np.ndarray:
    """One-Euro smoothing along axis 0, for display only (never score on it).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, ...)
        Values (pixels for the defaults), NaN for gaps (each channel restarts after one).
    t : array_like, shape (n,)
        Sample times, s, non-decreasing (a repeated time holds the previous output).
    min_cutoff : float
        Cut-off at rest, Hz: lower is smoother when still.
    beta : float
        Cut-off increase per unit of speed (Hz per px/s): higher follows fast moves.
    d_cutoff : float
        Cut-off of the speed estimate, Hz.

    Returns
    -------
    ndarray, float64, the shape of ``x``.
    """
    cols, shape = _as_columns(x)
    t = _validate.trace(t, "t")
    if t.size != cols.shape[0]:
        raise InputError(f"t has {t.size} times for {cols.shape[0]} samples")
    y = kernel("one_euro")(t, cols, float(min_cutoff), float(beta), float(d_cutoff))
    return y.reshape(shape)


class OneEuro:
    """Streaming One-Euro filter over a vector of channels (display only).

    Same parameters as ``one_euro``; ``push(t, x)`` returns the smoothed vector."""

    def __init__(self, *, min_cutoff: float = ONE_EURO_MIN_CUTOFF_HZ,
                 beta: float = ONE_EURO_BETA, d_cutoff: float = ONE_EURO_D_CUTOFF_HZ):
        self.min_cutoff, self.beta, self.d_cutoff = float(min_cutoff), float(beta), float(d_cutoff)
        self._x = self._dx = None
        self._t = 0.0

    def push(self, t: float, x) -> np.ndarray:
        v = np.asarray(x, dtype=np.float64).ravel()
        if self._x is None:
            self._x, self._dx = v.copy(), np.zeros_like(v)
            self._t = t
            return self._x.copy()
        dt = t - self._t
        ok = np.isfinite(v)
        restart = ok & ~np.isfinite(self._x)
        if dt > 0:
            a_d = _alpha(self.d_cutoff, dt)
            dx = a_d * (v - self._x) / dt + (1 - a_d) * self._dx
            a = _alpha(self.min_cutoff + self.beta * np.abs(dx), dt)
            moved = ok & ~restart
            self._x = np.where(moved, a * v + (1 - a) * self._x, self._x)
            self._dx = np.where(moved, dx, self._dx)
            self._t = t
        self._x = np.where(restart, v, np.where(ok, self._x, np.nan))
        self._dx = np.where(restart | ~ok, 0.0, self._dx)
        return self._x.copy()


def _alpha(cutoff, dt):
    return 1.0 / (1.0 + 1.0 / (2.0 * np.pi * cutoff * dt))
