"""The event detector's per-frame rules as one numba kernel over a block of frames.

``rules_nb`` runs, frame after frame, exactly what ``LiveEventDetector``'s plain-Python
rules do (``_feet_step``, ``_floor_step``, ``_hands_step``, ``_stance_step``,
``_balance_step``): the hystereses, the floor following, the world check of a lift, the
stance reference and its low-pass, loss of balance. It stops at every event, so that
Python dates the edge and makes the ``Event`` with the state as it was at that point,
and is then called again from there. Those plain-Python rules are its twin: the tests
run both over the same signals and ask for identical events.

State lives in small arrays (layouts below); ``live_kernel_state`` moves it between
them and the detector's attributes.

Stop points within a frame (``p``): ``LIFT + 2 k`` when foot k's confirmed lift is due,
``TOUCHDOWN + 2 k`` when its touchdown is due, ``HANDS + k`` after hand k switched,
``STANCE`` after the stance foot moved, ``LOB`` after a loss of balance, ``RETUNE`` at
the end of every ``P_RETUNE``-th frame (Python sets the feet's levels again); 0 is a
frame's start.
"""

import math

import numpy as np
from numba import njit

from balance.core import _numba_cache  # noqa: F401  (before the kernels: where they are cached)
from balance.core import stance as st

# Stop points
LIFT, TOUCHDOWN, HANDS, STANCE, LOB, RETUNE = 1, 2, 5, 7, 8, 9
# Feature columns of ``feat`` (n, N_FEAT)
F_U, F_SMOOTH, F_STILL, F_LIFT = 0, 2, 4, 6  # (left, right) each
F_HAVE = 8  # 1.0 where the frame has world landmarks
F_HANDS = 9  # (left, right)
F_FOOT = 11  # (base, offset) of the left foot, then of the right
F_BAL = 15  # CoM x, left x, right x, speed
F_LOW = 19  # (left, right)
F_APART = 21  # the feet's distance across the floor in the world, cm
N_FEAT = 22
# Parameters ``par``
P_SCALE, P_SETTLE, P_WORLD_LIFT, P_MOVE, P_PIVOT, P_HALF, P_MARGIN, P_SPEED = range(8)
P_HANDS_OFF, P_MIN_N, P_FEET_ONLY, P_LIFT_WAIT, P_REF_GATE = 8, 9, 10, 11, 12
P_MOVE0, P_PIVOT0 = 13, 14  # the configured limits: P_MOVE, P_PIVOT are this stance's
P_RETUNE = 15  # frames between the feet's level settings
P_WIDE, P_WIDE_LEVEL = 16, 17  # EventConfig.wide_cm, wide_level_cm
N_PAR = 18
# Hystereses: rows of ``hi`` (state, run, first frame), ``hx`` (first t, a, b) and
# ``hp`` (on, off, min_on, min_off)
H_FOOT, H_HANDS, H_STANCE, H_LOB = 0, 2, 4, 5
N_HYST = 6
# Integer state ``si``
(S_COUNT, S_STANCE, S_UNCONF, S_UNCONF_FRAME, S_PEND, S_PEND_AT, S_PEND_FRAME,
 S_HANDS_INIT) = 0, 1, 2, 4, 6, 8, 10, 12  # the last six (left, right)
S_STANCE_INIT, S_STANCE_DONE, S_LOB_DONE, S_LP, S_ZI, S_REF_N = 14, 15, 16, 17, 18, 19
S_LIFTS_N, S_LIFTS_POS, S_DETECTED = 20, 22, 24  # (left, right), (left, right), one
S_DUE, S_DUE_AT, S_DUE_FRAME = 25, 27, 29  # a confirmed lift waiting to be dated (l, r)
S_REF_COUNT = 31  # frames in the stance foot's running reference
N_SI = 32
# Float state ``sx``
X_LEVEL, X_TOP, X_REF, X_REF_SUM = 0, 2, 4, 6  # (left, right) twice, (base, offset) twice
N_SX = 8

_BOTH, _LEFT, _RIGHT, _NONE = st.BOTH, st.LEFT, st.RIGHT, st.NONE


@njit(cache=True)
def _hyst(hi, hx, hp, h, v, frame, t, a, b):
    """One sample through hysteresis ``h`` (as ``live_events.Hysteresis.update``);
    True when its state switched. The run's first frame, time and (a, b) are kept."""
    state = hi[h, 0]
    if not math.isfinite(v):
        crossing = False
    elif state == 0:
        crossing = v > hp[h, 0]
    else:
        crossing = v < hp[h, 1]
    if not crossing:
        hi[h, 1] = 0
        return False
    if hi[h, 1] == 0:
        hi[h, 2] = frame
        hx[h, 0] = t
        hx[h, 1] = a
        hx[h, 2] = b
    hi[h, 1] += 1
    if hi[h, 1] < (hp[h, 2] if state == 0 else hp[h, 3]):
        return False
    hi[h, 0] = 1 - state
    hi[h, 1] = 0
    return True


@njit(cache=True)
def _world_ok(lifts, si, k, have, limit):
    """Whether a lift of foot k passes the world check (median of its recent finite
    world lifts at least ``limit`` cm, or no world landmarks on this frame)."""
    if not have:
        return True
    n = si[S_LIFTS_N + k]
    vals = np.empty(n)
    m = 0
    for i in range(n):
        v = lifts[k, i]
        if math.isfinite(v):
            vals[m] = v
            m += 1
    if m == 0:
        return False
    s = np.sort(vals[:m])
    half = m // 2
    med = s[half] if m % 2 else (s[half - 1] + s[half]) / 2
    return med >= limit


@njit(cache=True)
def _foot_rise(feat, par, si, sx, hi, hx, hp, lifts, k, j, frame, t):
    """Foot k on frame j up to its world check; True when a confirmed lift is due."""
    pos = si[S_LIFTS_POS + k]
    lifts[k, pos] = feat[j, F_LIFT + k]
    si[S_LIFTS_POS + k] = (pos + 1) % lifts.shape[1]
    si[S_LIFTS_N + k] = min(si[S_LIFTS_N + k] + 1, lifts.shape[1])
    smooth = (sx[X_LEVEL + k] - feat[j, F_SMOOTH + k]) / par[P_SCALE]
    h = H_FOOT + k
    if hi[h, 0] and smooth == smooth and smooth > sx[X_TOP + k]:
        sx[X_TOP + k] = smooth
    stay = 1.0 if si[S_UNCONF + k] else 0.5  # as LiveEventDetector._feet_step
    if hi[h, 0] and feat[j, F_HAVE] > 0.0 and _world_ok(lifts, si, k, True,
                                                       stay * par[P_WORLD_LIFT]):
        smooth = np.nan  # up in the world (held in front, low in the image)
    if _hyst(hi, hx, hp, h, smooth, frame, t, 0.0, 0.0):
        if hi[h, 0]:
            si[S_UNCONF + k], si[S_UNCONF_FRAME + k] = 1, frame
        elif si[S_UNCONF + k]:
            si[S_UNCONF + k] = 0  # down before the world confirmed it up: no touchdown
        else:
            si[S_PEND + k], si[S_PEND_FRAME + k] = 1, frame
            si[S_PEND_AT + k] = si[S_COUNT] + int(par[P_SETTLE])
    if si[S_UNCONF + k] and _world_ok(lifts, si, k, feat[j, F_HAVE] > 0.0,
                                      par[P_WORLD_LIFT]):
        si[S_DUE + k], si[S_DUE_FRAME + k] = 1, si[S_UNCONF_FRAME + k]
        si[S_DUE_AT + k] = si[S_COUNT] + int(par[P_LIFT_WAIT])
        si[S_UNCONF + k], sx[X_TOP + k] = 0, 0.0
    if si[S_DUE + k] and si[S_COUNT] >= si[S_DUE_AT + k]:
        si[S_DETECTED], si[S_DUE + k] = si[S_DUE_FRAME + k], 0
        return True
    level = feat[j, F_STILL + k]
    if level == level:
        if hi[h, 0] == 0 and not si[S_PEND + k]:
            sx[X_LEVEL + k] = level  # standing: the floor follows the foot
        elif hi[h, 0] == 1 and si[S_UNCONF + k]:
            sx[X_LEVEL + k] = level  # set down further back: no event
            hi[h, 0], hi[h, 1], si[S_UNCONF + k] = 0, 0, 0
        elif hi[h, 0] == 1 and not si[S_PEND + k] and not si[S_DUE + k] \
                and feat[j, F_HAVE] > 0.0:
            low = smooth < hp[h, 0] and _world_level(lifts, si, k, 0.5 * par[P_WORLD_LIFT])
            wide = (not low and feat[j, F_APART] >= par[P_WIDE]
                    and not _world_ok(lifts, si, k, True, par[P_WIDE_LEVEL]))
            if wide:
                sx[X_LEVEL + k] = level  # out in a wide stance: its new floor at once
            if low or wide:  # still, low and level in the world, or wide: set down
                hi[h, 0], hi[h, 1] = 0, 0
                si[S_PEND + k], si[S_PEND_FRAME + k] = 1, frame
                si[S_PEND_AT + k] = si[S_COUNT] + int(par[P_SETTLE])
    return False


@njit(cache=True)
def _world_level(lifts, si, k, limit):
    """Foot k's recent finite world lifts all under ``limit`` cm, at least one of them
    (as ``LiveEventDetector._world_level``)."""
    m = 0
    for i in range(si[S_LIFTS_N + k]):
        v = lifts[k, i]
        if math.isfinite(v):
            if not v < limit:
                return False
            m += 1
    return m > 0


@njit(cache=True)
def _stance_move(feat, par, si, sx, hi, hx, hp, ref, zi, zi0, sos, j, frame, t):
    """The stance foot's shift or pivot on frame j; True when it moved."""
    stance = si[S_STANCE]
    if (stance != _LEFT and stance != _RIGHT) or si[S_STANCE_DONE]:
        return False
    k = 0 if stance == _LEFT else 1
    x = np.array([feat[j, F_FOOT + 2 * k], feat[j, F_FOOT + 2 * k + 1]])
    if x[1] != x[1]:
        return False
    si[S_LP] = 1
    if not (math.isfinite(x[0]) and math.isfinite(x[1])):
        si[S_ZI] = 0
        x[0] = x[1] = np.nan
    else:
        if not si[S_ZI]:
            si[S_ZI] = 1
            for s in range(zi.shape[0]):
                for c in range(2):
                    zi[s, 0, c] = zi0[s, 0] * x[c]
                    zi[s, 1, c] = zi0[s, 1] * x[c]
        for c in range(2):  # the arithmetic of _kernels.sosfilt_nb
            v = x[c]
            for s in range(sos.shape[0]):
                out = sos[s, 0] * v + zi[s, 0, c]
                zi[s, 0, c] = sos[s, 1] * v - sos[s, 4] * out + zi[s, 1, c]
                zi[s, 1, c] = sos[s, 2] * v - sos[s, 5] * out
                v = out
            x[c] = v
    n_ref = si[S_REF_N]
    if n_ref < ref.shape[0]:  # the foot's place as the stance began
        ref[n_ref, 0], ref[n_ref, 1] = x[0], x[1]
        si[S_REF_N] = n_ref + 1
        return False
    if not si[S_STANCE_INIT]:
        si[S_STANCE_INIT] = 1
        hi[H_STANCE, 0] = hi[H_STANCE, 1] = 0
        for c in range(2):
            sx[X_REF + c] = np.median(ref[:, c])
            sx[X_REF_SUM + c] = sx[X_REF + c] * ref.shape[0]
        si[S_REF_COUNT] = ref.shape[0]
    move = abs(x[0] - sx[X_REF]) / par[P_SCALE]
    pivot = abs(x[1] - sx[X_REF + 1]) / par[P_SCALE]
    score = move / par[P_MOVE]
    b = pivot / par[P_PIVOT]
    if b > score:  # Python's max(score, b), NaN included
        score = b
    if score < par[P_REF_GATE]:  # the reference follows a foot near it
        si[S_REF_COUNT] += 1
        for c in range(2):
            sx[X_REF_SUM + c] += x[c]
            sx[X_REF + c] = sx[X_REF_SUM + c] / si[S_REF_COUNT]
    if not _hyst(hi, hx, hp, H_STANCE, score, frame, t, move, pivot):
        return False
    si[S_STANCE_DONE] = 1
    return True


@njit(cache=True)
def _balance_lost(feat, par, si, hi, hx, hp, j, frame, t):
    """Loss of balance on frame j; True when it is to be reported."""
    com_x, left, right, speed = (feat[j, F_BAL], feat[j, F_BAL + 1], feat[j, F_BAL + 2],
                                 feat[j, F_BAL + 3])
    if com_x != com_x:
        return False
    if si[S_STANCE] == _LEFT:
        lo = hi_x = left
    elif si[S_STANCE] == _RIGHT:
        lo = hi_x = right
    else:
        lo = right if right < left else left
        hi_x = right if right > left else left
    half = par[P_HALF]
    excursion = lo - half - com_x
    e2 = com_x - hi_x - half
    if e2 > excursion:
        excursion = e2
    score = excursion / par[P_MARGIN]
    s2 = speed / par[P_SPEED]
    if s2 > score:
        score = s2
    if not _hyst(hi, hx, hp, H_LOB, score, frame, t, excursion, speed):
        return False
    if hi[H_LOB, 0] == 0 or si[S_LOB_DONE]:
        return False
    si[S_LOB_DONE] = 1
    return True


@njit(cache=True)
def rules_nb(j, p, frames, t, feat, par, hp, si, sx, hi, hx, lifts, ref, zi, zi0, sos,
             heights, down):
    """Run the rules from frame ``j`` past stop point ``p`` to the next stop.

    Parameters
    ----------
    j, p : int
        Where to resume: block row and stop point (0: the row's start).
    frames : ndarray (n,) int64; t : ndarray (n,) float64, s.
    feat : ndarray (n, N_FEAT)
        The block's signals (``live_signals.Block``), columns ``F_*``.
    par : ndarray (N_PAR,); hp : ndarray (N_HYST, 4)
        Parameters and hysteresis thresholds (``P_*``, ``H_*``).
    si, sx, hi, hx : ndarray
        State, updated in place (``S_*``, ``X_*``, ``H_*``).
    lifts : ndarray (2, min_n)
        Ring buffers of the recent world lifts, cm.
    ref : ndarray (m, 2)
        The low-passed stance foot (base, offset) over the first m frames of a stance, px.
    zi : ndarray (s, 2, 2); zi0 : ndarray (s, 2); sos : ndarray (s, 6)
        The stance low-pass: state, steady state for a unit input, sections.
    heights : ndarray (n, 4)
        Filled with each foot's unfiltered height above its floor (left, right), then
        its lowest point's, cm: the rows of the detector's edge-dating history.
    down : ndarray (n, 2) bool
        Set where a foot's height joins its standing-noise history.

    Returns
    -------
    (j, p) : the row and stop point reached; j == n once the block is done.
    """
    n = frames.shape[0]
    scale = par[P_SCALE]
    while j < n:
        frame, tj = frames[j], t[j]
        if p == 0:
            si[S_COUNT] += 1
            for k in range(2):
                heights[j, k] = (sx[X_LEVEL + k] - feat[j, F_U + k]) / scale
                heights[j, 2 + k] = (sx[X_LEVEL + k] - feat[j, F_LOW + k]) / scale
        for k in range(2):
            if p < LIFT + 2 * k:
                if _foot_rise(feat, par, si, sx, hi, hx, hp, lifts, k, j, frame, tj):
                    return j, LIFT + 2 * k
            if p < TOUCHDOWN + 2 * k:
                pending = si[S_PEND + k]
                if hi[H_FOOT + k, 0] == 0 and not pending:
                    down[j, k] = True
                if pending and si[S_COUNT] >= si[S_PEND_AT + k]:
                    return j, TOUCHDOWN + 2 * k
        if p < HANDS:
            _new_stance(si, hi, par)
        if par[P_FEET_ONLY]:
            if p < RETUNE and si[S_COUNT] % int(par[P_RETUNE]) == 0:
                return j, RETUNE
            j += 1
            p = 0
            continue
        if feat[j, F_HANDS] == feat[j, F_HANDS]:
            for k in range(2):
                if p < HANDS + k:
                    v = feat[j, F_HANDS + k]
                    if not si[S_HANDS_INIT + k]:
                        si[S_HANDS_INIT + k] = 1
                        hi[H_HANDS + k, 0] = 1 if v > par[P_HANDS_OFF] else 0
                        hi[H_HANDS + k, 1] = 0
                    if _hyst(hi, hx, hp, H_HANDS + k, v, frame, tj, v, 0.0):
                        return j, HANDS + k
        if p < STANCE and _stance_move(feat, par, si, sx, hi, hx, hp, ref, zi, zi0, sos,
                                       j, frame, tj):
            return j, STANCE
        if p < LOB and _balance_lost(feat, par, si, hi, hx, hp, j, frame, tj):
            return j, LOB
        if p < RETUNE and si[S_COUNT] % int(par[P_RETUNE]) == 0:
            return j, RETUNE
        j += 1
        p = 0
    return j, 0


@njit(cache=True)
def _new_stance(si, hi, par):
    """The stance from the feet; a new one resets the stance-foot and balance rules, and
    both feet down the configured limits (a lift's dating raises them)."""
    left, right = hi[H_FOOT, 0], hi[H_FOOT + 1, 0]
    stance = (_BOTH if not (left or right) else _LEFT if not left else
              _RIGHT if not right else _NONE)
    if stance != si[S_STANCE]:
        si[S_STANCE] = stance
        si[S_LP] = si[S_ZI] = si[S_STANCE_INIT] = 0
        si[S_REF_N] = si[S_STANCE_DONE] = si[S_LOB_DONE] = 0
        if stance == _BOTH:
            par[P_MOVE], par[P_PIVOT] = par[P_MOVE0], par[P_PIVOT0]
