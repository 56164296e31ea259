"""Filter kernels: IIR second-order sections and the One-Euro display filter.

Arithmetic only, as every kernel: no validation and no Python objects; the public modules
validate input and call them through ``jit.kernel``. Each ``name_nb`` (numba) sits beside
its ``name_np`` twin, written independently; ``jit.TWINS`` pairs them.
"""

import math

import numpy as np
from numba import njit

from balance.core import _numba_cache  # noqa: F401  (before the kernels: where they are cached)

# --------------------------------------------------------------------------------------
# IIR filtering: cascade of second-order sections, direct form II transposed
# --------------------------------------------------------------------------------------

@njit(cache=True)
def sosfilt_nb(sos, x, zi):
    """Filter the columns of ``x`` (n, k) through ``sos`` (s, 6); ``zi`` (s, 2, k) is
    the state, updated in place. Returns y (n, k)."""
    n, k = x.shape
    ns = sos.shape[0]
    y = np.empty((n, k))
    for j in range(k):
        for i in range(n):
            v = x[i, j]
            for s in range(ns):
                b0, b1, b2 = sos[s, 0], sos[s, 1], sos[s, 2]
                a1, a2 = sos[s, 4], sos[s, 5]
                out = b0 * v + zi[s, 0, j]
                zi[s, 0, j] = b1 * v - a1 * out + zi[s, 1, j]
                zi[s, 1, j] = b2 * v - a2 * out
                v = out
            y[i, j] = v
    return y


def sosfilt_np(sos, x, zi):
    """Twin of ``sosfilt_nb``: direct form I with explicit delay lines, vectorised over
    columns, equivalent in exact arithmetic to the transposed form used by the kernel."""
    n, k = x.shape
    y = np.array(x, dtype=float)
    for s in range(sos.shape[0]):
        b0, b1, b2, _, a1, a2 = sos[s]
        # Recover the direct-form-I delays (x[-1], x[-2], y[-1], y[-2]) that reproduce the
        # transposed state: with zero past input, z1 = -a1 y1 - a2 y2 and z2 = -a2 y1.
        # Any past that yields the same (z1, z2) is equivalent; pick x[-1] = x[-2] = 0.
        z1, z2 = zi[s, 0].copy(), zi[s, 1].copy()
        if a2 != 0.0:
            y1 = -z2 / a2
            y2 = (-z1 - a1 * y1) / a2
            x1 = np.zeros(k)
            x2 = np.zeros(k)
        else:  # first-order section: the state is z1 = b1 x1 - a1 y1; choose y1 = 0
            y1, y2 = np.zeros(k), np.zeros(k)
            x1 = z1 / b1 if b1 != 0.0 else np.zeros(k)
            x2 = np.zeros(k)
        out = np.empty((n, k))
        for i in range(n):
            xi = y[i]
            yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            out[i] = yi
            x2, x1 = x1, xi
            y2, y1 = y1, yi
        # Final state in the transposed form, so chained calls agree with the kernel.
        zi[s, 0] = b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        zi[s, 1] = b2 * x1 - a2 * y1
        y = out
    return y


# --------------------------------------------------------------------------------------
# One-Euro filter (Casiez, Roussel & Vogel 2012): display smoothing
# --------------------------------------------------------------------------------------

@njit(cache=True)
def one_euro_nb(t, x, min_cutoff, beta, d_cutoff):
    """One-Euro filter of the columns of ``x`` (n, k) sampled at times ``t`` (n,).
    A non-finite sample outputs NaN and restarts the filter at the next finite one."""
    n, k = x.shape
    y = np.empty((n, k))
    for j in range(k):
        started = False
        x_prev = 0.0
        dx_prev = 0.0
        t_prev = 0.0
        for i in range(n):
            v = x[i, j]
            if not math.isfinite(v):
                y[i, j] = np.nan
                started = False
                continue
            if not started:
                y[i, j] = v
                x_prev = v
                dx_prev = 0.0
                t_prev = t[i]
                started = True
                continue
            dt = t[i] - t_prev
            if dt <= 0.0:
                y[i, j] = x_prev
                continue
            a_d = 1.0 / (1.0 + 1.0 / (2.0 * math.pi * d_cutoff * dt))
            dx = a_d * ((v - x_prev) / dt) + (1.0 - a_d) * dx_prev
            cutoff = min_cutoff + beta * abs(dx)
            a = 1.0 / (1.0 + 1.0 / (2.0 * math.pi * cutoff * dt))
            x_prev = a * v + (1.0 - a) * x_prev
            dx_prev = dx
            t_prev = t[i]
            y[i, j] = x_prev
    return y


def one_euro_np(t, x, min_cutoff, beta, d_cutoff):
    """Twin of ``one_euro_nb``, vectorised over columns, written with the smoothing
    factor in its time-constant form alpha = dt / (dt + tau), tau = 1 / (2 pi fc)."""
    n, k = x.shape
    y = np.full((n, k), np.nan)
    x_prev = np.full(k, np.nan)
    dx_prev = np.zeros(k)
    t_prev = np.zeros(k)
    for i in range(n):
        v = x[i]
        ok = np.isfinite(v)
        fresh = ok & ~np.isfinite(x_prev)
        x_prev = np.where(ok, x_prev, np.nan)
        dt = t[i] - t_prev
        run = ok & ~fresh & (dt > 0)
        hold = ok & ~fresh & (dt <= 0)
        dts = np.where(run, dt, 1.0)
        tau_d = 1.0 / (2 * np.pi * d_cutoff)
        dx = np.where(run, (dts / (dts + tau_d)) * (v - x_prev) / dts
                      + (1 - dts / (dts + tau_d)) * dx_prev, 0.0)
        tau = 1.0 / (2 * np.pi * (min_cutoff + beta * np.abs(dx)))
        alpha = dts / (dts + tau)
        new = np.where(run, alpha * v + (1 - alpha) * x_prev, np.where(fresh, v, x_prev))
        dx_prev = np.where(run, dx, np.where(fresh, 0.0, dx_prev))
        t_prev = np.where(run | fresh, t[i], t_prev)
        x_prev = np.where(ok, new, np.nan)
        y[i] = np.where(ok, np.where(hold, x_prev, new), np.nan)
    return y
