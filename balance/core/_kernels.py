"""Numeric kernels of the scoring core: numba-compiled, each with a NumPy twin.

Every kernel here does arithmetic only: no validation, no allocation of results the
caller did not ask for, no Python objects. The public modules (``metrics``,
``streaming``, ``filters``, ``com``) validate input and call them.

Each kernel ``name`` exists twice:

* ``name_nb`` compiled with ``@njit(cache=True)`` (the one the package uses), and
* ``name_np`` a NumPy (or plain Python, where the computation is a recurrence) twin
  written independently, used by the tests as a cross-check and by the benchmark
  for the numba-over-NumPy ratio.

``TWINS`` maps each name to its ``(numba, numpy)`` pair. Spectral analysis has no kernel:
numba has no FFT, and NumPy's pocketfft is already compiled code.

(Over 400 lines on purpose: five kernels, each beside its twin, and the one ``TWINS``
table the tests and the benchmark walk; split, a twin could drift from its kernel.)
"""

import math

import numpy as np
from numba import njit

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


# --------------------------------------------------------------------------------------
# Segmental centre of mass
# --------------------------------------------------------------------------------------

# One loop over frames and segments on purpose: in numba a call per segment costs more
# than the arithmetic it would hide.
@njit(cache=True)
def com_nb(xy, usable, seg_idx, seg_frac, seg_mass, mirror, max_missing):
    """Whole-body CoM per frame.

    xy (n, 33, 2) pixel positions; usable (n, 33) bool; seg_idx (s, 4) landmark indices
    (proximal a, proximal b, distal a, distal b; an end is the midpoint of its pair);
    seg_frac (s,) CoM position from the proximal end; seg_mass (s,) mass fractions;
    mirror (s,) index of the contralateral segment or -1. A segment with an unusable end
    takes its mirror image across the trunk axis if the contralateral one is usable,
    otherwise it is dropped and the masses renormalised; a frame whose dropped mass
    exceeds ``max_missing``, or whose trunk is unusable, is NaN.

    Returns out (n, 3): CoM x, y (px) and the mass fraction measured directly."""
    n = xy.shape[0]
    ns = seg_idx.shape[0]
    out = np.full((n, 3), np.nan)
    pos = np.empty((ns, 2))
    ok = np.empty(ns, dtype=np.bool_)
    for f in range(n):
        for s in range(ns):
            good = True
            for c in range(4):
                if not usable[f, seg_idx[s, c]]:
                    good = False
            ok[s] = good
            if good:
                for d in range(2):
                    p = 0.5 * (xy[f, seg_idx[s, 0], d] + xy[f, seg_idx[s, 1], d])
                    q = 0.5 * (xy[f, seg_idx[s, 2], d] + xy[f, seg_idx[s, 3], d])
                    pos[s, d] = p + seg_frac[s] * (q - p)
        if not ok[1]:  # segment 1 is the trunk (see com.SEGMENTS): no axis, no CoM
            continue
        # Trunk axis from the shoulder midpoint (proximal end) to the hip midpoint.
        cx = 0.5 * (xy[f, seg_idx[1, 0], 0] + xy[f, seg_idx[1, 1], 0])
        cy = 0.5 * (xy[f, seg_idx[1, 0], 1] + xy[f, seg_idx[1, 1], 1])
        ux = 0.5 * (xy[f, seg_idx[1, 2], 0] + xy[f, seg_idx[1, 3], 0]) - cx
        uy = 0.5 * (xy[f, seg_idx[1, 2], 1] + xy[f, seg_idx[1, 3], 1]) - cy
        norm = math.sqrt(ux * ux + uy * uy)
        if norm == 0.0:
            continue
        ux /= norm
        uy /= norm
        sx = 0.0
        sy = 0.0
        mass = 0.0
        direct = 0.0
        for s in range(ns):
            px = 0.0
            py = 0.0
            have = False
            if ok[s]:
                px = pos[s, 0]
                py = pos[s, 1]
                have = True
                direct += seg_mass[s]
            elif mirror[s] >= 0 and ok[mirror[s]]:
                qx = pos[mirror[s], 0] - cx
                qy = pos[mirror[s], 1] - cy
                along = qx * ux + qy * uy
                px = cx + 2.0 * along * ux - qx
                py = cy + 2.0 * along * uy - qy
                have = True
            if have:
                sx += seg_mass[s] * px
                sy += seg_mass[s] * py
                mass += seg_mass[s]
        if 1.0 - mass > max_missing:
            continue
        out[f, 0] = sx / mass
        out[f, 1] = sy / mass
        out[f, 2] = direct
    return out


def com_np(xy, usable, seg_idx, seg_frac, seg_mass, mirror, max_missing):
    """Twin of ``com_nb``, vectorised over frames."""
    n = xy.shape[0]
    prox = 0.5 * (xy[:, seg_idx[:, 0]] + xy[:, seg_idx[:, 1]])  # (n, s, 2)
    dist = 0.5 * (xy[:, seg_idx[:, 2]] + xy[:, seg_idx[:, 3]])
    pos = prox + seg_frac[None, :, None] * (dist - prox)
    ok = usable[:, seg_idx].all(axis=2)  # (n, s)
    c = prox[:, 1]  # trunk: shoulder midpoint -> hip midpoint
    axis = dist[:, 1] - c
    norm = np.hypot(axis[:, 0], axis[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        u = axis / norm[:, None]
    has_mirror = mirror >= 0
    mir = np.where(has_mirror, mirror, 0)
    q = pos[:, mir] - c[:, None]  # contralateral segment relative to the axis origin
    along = (q * u[:, None]).sum(axis=2, keepdims=True)
    reflected = c[:, None] + 2.0 * along * u[:, None] - q
    use_mirror = ~ok & has_mirror[None] & ok[:, mir]
    have = ok | use_mirror
    p = np.where(ok[..., None], pos, reflected)
    w = np.where(have, seg_mass[None], 0.0)
    mass = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        com = np.einsum("ns,nsd->nd", w, np.where(have[..., None], p, 0.0)) / mass[:, None]
    direct = np.where(ok, seg_mass[None], 0.0).sum(axis=1)
    bad = ~ok[:, 1] | (norm == 0) | (1.0 - mass > max_missing)
    out = np.column_stack([com, direct])
    out[bad] = np.nan
    return out.reshape(n, 3)


TWINS = {
    "time_stats": (time_stats_nb, time_stats_np),
    "stream_push": (stream_push_nb, stream_push_np),
    "stream_extend": (stream_extend_nb, stream_extend_np),
    "sosfilt": (sosfilt_nb, sosfilt_np),
    "one_euro": (one_euro_nb, one_euro_np),
    "com": (com_nb, com_np),
}
