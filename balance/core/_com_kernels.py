"""Centre-of-mass kernel: the segmental whole-body CoM per frame.

Arithmetic only, as every kernel: no validation and no Python objects; the public modules
validate input and call them through ``jit.kernel``. Each ``name_nb`` (numba) sits beside
its ``name_np`` twin, written independently; ``jit.TWINS`` pairs them.
"""

import math

import numpy as np
from numba import njit

from balance.core import _numba_cache  # noqa: F401  (before the kernels: where they are cached)

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
