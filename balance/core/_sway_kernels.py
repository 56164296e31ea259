"""Sway statistics kernels: the batch time-domain sums and the streaming accumulator.

Arithmetic only, as every kernel: no validation and no Python objects; the public modules
validate input and call them through ``jit.kernel``. Each ``name_nb`` (numba) sits beside
its ``name_np`` twin, written independently; ``jit.TWINS`` pairs them.
"""

import math

import numpy as np
from numba import njit

from balance.core import _numba_cache  # noqa: F401  (before the kernels: where they are cached)

# --------------------------------------------------------------------------------------
# Time-domain sway statistics
# --------------------------------------------------------------------------------------

#: Layout of the vector returned by ``time_stats_*``.
TS_MEAN_AP, TS_MEAN_ML = 0, 1
TS_SAA, TS_SMM, TS_SAM = 2, 3, 4  # sums of squared / cross deviations from the mean
TS_SUM_RD, TS_SUM_RD2 = 5, 6  # sum of resultant distance and of its square
TS_MIN_AP, TS_MAX_AP, TS_MIN_ML, TS_MAX_ML = 7, 8, 9, 10
TS_PATH, TS_PATH_AP, TS_PATH_ML = 11, 12, 13
TS_SUM_CROSS = 14  # sum |AP[i+1] ML[i] - AP[i] ML[i+1]| of the mean-removed trace
TS_MAX_RD = 15
TS_SIZE = 16


@njit(cache=True)
def time_stats_nb(ap, ml):
    """Two passes over (ap, ml): means, then every sum the time-domain metrics need."""
    n = ap.shape[0]
    out = np.zeros(TS_SIZE)
    sa = 0.0
    sm = 0.0
    for i in range(n):
        sa += ap[i]
        sm += ml[i]
    ma = sa / n
    mm = sm / n
    out[TS_MEAN_AP] = ma
    out[TS_MEAN_ML] = mm
    out[TS_MIN_AP] = ap[0]
    out[TS_MAX_AP] = ap[0]
    out[TS_MIN_ML] = ml[0]
    out[TS_MAX_ML] = ml[0]
    prev_a = ap[0] - ma
    prev_m = ml[0] - mm
    for i in range(n):
        a = ap[i] - ma
        m = ml[i] - mm
        out[TS_SAA] += a * a
        out[TS_SMM] += m * m
        out[TS_SAM] += a * m
        r2 = a * a + m * m
        r = math.sqrt(r2)
        out[TS_SUM_RD] += r
        out[TS_SUM_RD2] += r2
        if r > out[TS_MAX_RD]:
            out[TS_MAX_RD] = r
        out[TS_MIN_AP] = min(out[TS_MIN_AP], ap[i])
        out[TS_MAX_AP] = max(out[TS_MAX_AP], ap[i])
        out[TS_MIN_ML] = min(out[TS_MIN_ML], ml[i])
        out[TS_MAX_ML] = max(out[TS_MAX_ML], ml[i])
        if i > 0:
            da = a - prev_a
            dm = m - prev_m
            out[TS_PATH] += math.sqrt(da * da + dm * dm)
            out[TS_PATH_AP] += abs(da)
            out[TS_PATH_ML] += abs(dm)
            out[TS_SUM_CROSS] += abs(a * prev_m - prev_a * m)
        prev_a = a
        prev_m = m
    return out


def time_stats_np(ap, ml):
    """NumPy twin of ``time_stats_nb`` (vectorised, pairwise summation)."""
    out = np.zeros(TS_SIZE)
    out[TS_MEAN_AP], out[TS_MEAN_ML] = ap.mean(), ml.mean()
    a = ap - out[TS_MEAN_AP]
    m = ml - out[TS_MEAN_ML]
    out[TS_SAA], out[TS_SMM], out[TS_SAM] = a @ a, m @ m, a @ m
    rd = np.hypot(a, m)
    out[TS_SUM_RD], out[TS_SUM_RD2], out[TS_MAX_RD] = rd.sum(), (rd * rd).sum(), rd.max()
    out[TS_MIN_AP], out[TS_MAX_AP] = ap.min(), ap.max()
    out[TS_MIN_ML], out[TS_MAX_ML] = ml.min(), ml.max()
    da, dm = np.diff(a), np.diff(m)
    out[TS_PATH] = np.hypot(da, dm).sum()
    out[TS_PATH_AP], out[TS_PATH_ML] = np.abs(da).sum(), np.abs(dm).sum()
    out[TS_SUM_CROSS] = np.abs(a[1:] * m[:-1] - a[:-1] * m[1:]).sum()
    return out


# --------------------------------------------------------------------------------------
# Streaming accumulator (Welford means and co-moment, running path, running extremes)
# --------------------------------------------------------------------------------------

ST_N, ST_MEAN_AP, ST_MEAN_ML, ST_M2_AP, ST_M2_ML, ST_C = 0, 1, 2, 3, 4, 5
ST_PATH, ST_PATH_AP, ST_PATH_ML = 6, 7, 8
ST_MIN_AP, ST_MAX_AP, ST_MIN_ML, ST_MAX_ML = 9, 10, 11, 12
ST_LAST_AP, ST_LAST_ML, ST_HAS_LAST = 13, 14, 15
ST_GAPS = 16  # non-finite samples seen (skipped)
ST_SIZE = 17


def stream_new():
    """A fresh accumulator state vector (float64, shape (ST_SIZE,))."""
    s = np.zeros(ST_SIZE)
    s[ST_MIN_AP] = s[ST_MIN_ML] = np.inf
    s[ST_MAX_AP] = s[ST_MAX_ML] = -np.inf
    return s


@njit(cache=True)
def stream_push_nb(s, a, m):
    """Add one sample to state ``s`` in O(1). A non-finite sample is counted as a gap
    and breaks the path: no step is measured across it."""
    if not (math.isfinite(a) and math.isfinite(m)):
        s[ST_GAPS] += 1.0
        s[ST_HAS_LAST] = 0.0
        return
    n = s[ST_N] + 1.0
    s[ST_N] = n
    da = a - s[ST_MEAN_AP]
    dm = m - s[ST_MEAN_ML]
    s[ST_MEAN_AP] += da / n
    s[ST_MEAN_ML] += dm / n
    s[ST_M2_AP] += da * (a - s[ST_MEAN_AP])
    s[ST_M2_ML] += dm * (m - s[ST_MEAN_ML])
    s[ST_C] += da * (m - s[ST_MEAN_ML])
    if s[ST_HAS_LAST] != 0.0:
        sa = a - s[ST_LAST_AP]
        sm = m - s[ST_LAST_ML]
        s[ST_PATH] += math.sqrt(sa * sa + sm * sm)
        s[ST_PATH_AP] += abs(sa)
        s[ST_PATH_ML] += abs(sm)
    s[ST_LAST_AP] = a
    s[ST_LAST_ML] = m
    s[ST_HAS_LAST] = 1.0
    s[ST_MIN_AP] = min(s[ST_MIN_AP], a)
    s[ST_MAX_AP] = max(s[ST_MAX_AP], a)
    s[ST_MIN_ML] = min(s[ST_MIN_ML], m)
    s[ST_MAX_ML] = max(s[ST_MAX_ML], m)


@njit(cache=True)
def stream_extend_nb(s, ap, ml):
    """``stream_push_nb`` over arrays, in order."""
    for i in range(ap.shape[0]):
        stream_push_nb(s, ap[i], ml[i])


def stream_push_np(s, a, m):
    """Twin of ``stream_push_nb`` in plain Python floats (the update is a recurrence).

    Written from the textbook form (Chan et al. 1979 for the co-moment) rather than
    copied, so that a slip in either version shows up as a disagreement."""
    if not (np.isfinite(a) and np.isfinite(m)):
        s[ST_GAPS] += 1.0
        s[ST_HAS_LAST] = 0.0
        return
    n_old = s[ST_N]
    n = n_old + 1.0
    ma_old, mm_old = s[ST_MEAN_AP], s[ST_MEAN_ML]
    ma_new = ma_old + (a - ma_old) / n
    mm_new = mm_old + (m - mm_old) / n
    s[ST_M2_AP] += (a - ma_old) * (a - ma_new)
    s[ST_M2_ML] += (m - mm_old) * (m - mm_new)
    s[ST_C] += (n_old / n) * (a - ma_old) * (m - mm_old)
    s[ST_N], s[ST_MEAN_AP], s[ST_MEAN_ML] = n, ma_new, mm_new
    if s[ST_HAS_LAST]:
        step = np.array([a - s[ST_LAST_AP], m - s[ST_LAST_ML]])
        s[ST_PATH] += float(np.hypot(step[0], step[1]))
        s[ST_PATH_AP] += abs(step[0])
        s[ST_PATH_ML] += abs(step[1])
    s[ST_LAST_AP], s[ST_LAST_ML], s[ST_HAS_LAST] = a, m, 1.0
    s[ST_MIN_AP], s[ST_MAX_AP] = min(s[ST_MIN_AP], a), max(s[ST_MAX_AP], a)
    s[ST_MIN_ML], s[ST_MAX_ML] = min(s[ST_MIN_ML], m), max(s[ST_MAX_ML], m)


def stream_extend_np(s, ap, ml):
    """Twin of ``stream_extend_nb``."""
    for a, m in zip(ap.tolist(), ml.tolist()):
        stream_push_np(s, a, m)
