"""Dating both ends of a smooth movement from rest to rest: a least-squares ramp fit.

A movement from one still level to another (a turn of the body on the spot, say) leaves
and reaches its levels with no speed; the slower it is, the longer it stays within the
noise at either end, so a fit that reads only the first part of it (a hinge of
``events.edge_time``: a parabola from the start) dates a long one late at its start and
early at its end. Here the whole movement is fitted at once, flat ends included:

    h(t) = b + a * m((t - t0) / (t1 - t0)),  m(u) = 10u^3 - 15u^4 + 6u^5 on 0..1,

the minimum-jerk ramp (Flash & Hogan 1985: the shape of a smooth point-to-point human
movement; no speed and no acceleration at either end), 0 before ``t0`` and 1 after
``t1``. For each (t0, t1) the level ``b`` and the size ``a`` are closed-form; the pair
with the least squared residual wins, searched on a coarse grid (on thinned samples) and
then a fine one around the best (optionally on the samples whitened for noise correlated
from frame to frame, ``rho``). Every sample weighs the same, so the straight stretches
on both sides anchor the levels and the ramp's whole course, not just its first degrees,
sets its ends.
"""

import numpy as np

COARSE_S = 0.1   # the first search's grid, s,
COARSE_HZ = 20.0  # ... on the samples thinned to about this rate (a slow walker's minute
                  # at 60 fps is otherwise seconds of search)
FINE_S = 0.004   # the second's, on every sample, within one coarse step of the first's best
CELLS = 1 << 20  # candidates x samples evaluated at once (8 MB an array)


def min_jerk(u: np.ndarray) -> np.ndarray:
    """10u^3 - 15u^4 + 6u^5 of ``u`` clipped to 0..1."""
    u = np.clip(u, 0.0, 1.0)
    return u ** 3 * (10.0 - 15.0 * u + 6.0 * u ** 2)


def _residuals(t, h, t0, t1, rho: float = 0.0) -> np.ndarray:
    """Squared residual of the best level and size for each candidate pair (t0[k], t1[k]),
    in the samples whitened for noise of lag-1 correlation ``rho`` (``_whiten``)."""
    m = min_jerk((t[None, :] - t0[:, None]) / (t1 - t0)[:, None])
    one, h, m = _whiten(np.ones(h.size), rho), _whiten(h, rho), _whiten(m, rho)
    cc, ch, hh = one @ one, one @ h, h @ h
    cm, mm, mh = m @ one, np.einsum("gs,gs->g", m, m), m @ h
    det = cc * mm - cm * cm
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (cc * mh - cm * ch) / det
    b = (ch - a * cm) / cc
    sse = hh - b * ch - a * mh
    return np.where(det > 1e-12, sse, np.inf)


def _whiten(x: np.ndarray, rho: float) -> np.ndarray:
    """``x`` (..., n) with each sample less ``rho`` times the one before (the first
    scaled by sqrt(1 - rho²)): AR(1) noise of lag-1 correlation ``rho`` made white. A
    stray of correlated noise then weighs as its two ends, not as its whole length."""
    if rho == 0.0:
        return x
    out = x - rho * np.concatenate([np.zeros_like(x[..., :1]), x[..., :-1]], axis=-1)
    out[..., 0] = np.sqrt(1.0 - rho * rho) * x[..., 0]
    return out


def _search(t, h, t0s, t1s, min_len, weight=(1.0,), rho: float = 0.0) -> tuple[float, float]:
    """The best (t0, t1) on the grid for the traces ``h`` (m, n) together: the sum of
    their squared residuals, trace i's times ``weight[i]``."""
    g0, g1 = (g.ravel() for g in np.meshgrid(t0s, t1s, indexing="ij"))
    keep = g1 - g0 >= min_len
    g0, g1 = g0[keep], g1[keep]
    # in blocks of candidates: a slow walker's long turn window would otherwise need a
    # (candidates x samples) array of hundreds of MB
    step = max(1, CELLS // max(t.size, 1))
    sse = np.concatenate([sum(w * _residuals(t, hi, g0[i:i + step], g1[i:i + step], rho)
                              for hi, w in zip(h, weight))
                          for i in range(0, g0.size, step)] or [np.empty(0)])
    if sse.size == 0:
        return float("nan"), float("nan")
    k = int(np.argmin(sse))
    return float(g0[k]), float(g1[k])


def ramp_ends(t: np.ndarray, h: np.ndarray, lo: tuple[float, float],
              hi: tuple[float, float]) -> tuple[float, float]:
    """(start, end) of the one ramp in ``h`` (samples at times ``t``), the start searched
    within ``lo`` and the end within ``hi`` (s); NaNs when too little is seen."""
    return joint_ramp_ends(t, np.asarray(h, float)[None], (1.0,), lo, hi)


def joint_ramp_ends(t: np.ndarray, h: np.ndarray, weight, lo: tuple[float, float],
                    hi: tuple[float, float], rho: float = 0.0) -> tuple[float, float]:
    """``ramp_ends`` of one movement seen in several traces ``h`` (m, n) at once (the
    axes of a point moving on a line): each its own level and size, one (start, end),
    trace i's squared residuals weighted by ``weight[i]`` (its inverse noise variance).
    Samples where any trace is NaN are left out. ``rho``: the noise's correlation from
    one sample to the next, the fit made on the samples whitened for it (``_whiten``;
    on the thinned samples of the coarse search, ``rho`` to the power of the thinning)."""
    h = np.asarray(h, float)
    ok = np.isfinite(h).all(axis=0)
    t, h = np.asarray(t, float)[ok], h[:, ok]
    if t.size < 6:
        return float("nan"), float("nan")
    dt = float(np.median(np.diff(t)))
    min_len = 2.0 * dt  # two samples on the ramp at least, or a step fits anywhere between
    k = max(1, int(round(1.0 / (COARSE_HZ * dt))))
    best = _search(t[::k], h[:, ::k], np.arange(lo[0], lo[1] + COARSE_S, COARSE_S),
                   np.arange(hi[0], hi[1] + COARSE_S, COARSE_S), min_len, weight, rho ** k)
    near = np.arange(-COARSE_S, COARSE_S + FINE_S / 2, FINE_S)
    return _search(t, h, best[0] + near, best[1] + near, min_len, weight, rho)
