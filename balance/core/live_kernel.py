"""Running ``LiveEventDetector``'s per-frame rules in the numba kernel over a block.

``KernelRules.run`` copies the detector's state into the kernel's arrays
(``_event_kernels``), lets the kernel run until something happens, copies the state
back so the detector's own edge dating (``_lift``, ``_touchdown``) and event making see
it exactly as the plain-Python rules would have left it, and goes on. The detector's
attributes stay the state between calls: the two ways can take turns on one stream.
"""

import numpy as np

from balance.core import _event_kernels as ek, stance as st
from balance.core.filters import CausalLowpass

_FIRST_WIDTH = ((ek.H_FOOT, 0), (ek.H_FOOT + 1, 0), (ek.H_HANDS, 1), (ek.H_HANDS + 1, 1),
                (ek.H_STANCE, 2), (ek.H_LOB, 2))  # payload values in each run's first tag


class KernelRules:
    """The kernel's arrays for one detector (made once its feet are calibrated)."""

    def __init__(self, det):
        cfg, n = det.cfg, det.min_n
        self.par = np.zeros(ek.N_PAR)
        self.par[[ek.P_SCALE, ek.P_SETTLE, ek.P_WORLD_LIFT, ek.P_MOVE, ek.P_PIVOT,
                  ek.P_HALF, ek.P_MARGIN, ek.P_SPEED, ek.P_HANDS_OFF, ek.P_MIN_N, ek.P_FEET_ONLY,
                  ek.P_LIFT_WAIT, ek.P_REF_GATE, ek.P_MOVE0, ek.P_PIVOT0, ek.P_RETUNE,
                  ek.P_WIDE, ek.P_WIDE_LEVEL]] = (
            det.scale, det.settle_n, cfg.world_lift_cm, cfg.stance_move_cm, cfg.pivot_cm,
            cfg.bos_half_width_cm, cfg.lob_margin_cm, cfg.lob_speed_cm_s,
            cfg.hands_off_ratio, n, det.feet_only, det.lift_wait_n, cfg.stance_ref_gate,
            cfg.stance_move_cm, cfg.pivot_cm, det.retune_n, cfg.wide_cm, cfg.wide_level_cm)
        self.hp = np.zeros((ek.N_HYST, 4))
        for h, (on, off, n_on, n_off) in enumerate(_thresholds(det)):
            self.hp[h] = on, off, n_on, n_off
        self.si = np.zeros(ek.N_SI, dtype=np.int64)
        self.sx = np.zeros(ek.N_SX)
        self.hi = np.zeros((ek.N_HYST, 3), dtype=np.int64)
        self.hx = np.zeros((ek.N_HYST, 3))
        self.lifts = np.full((2, n), np.nan)
        self.ref = np.full((det.ref_n, 2), np.nan)
        lp = CausalLowpass(det.fps, channels=2)
        self.sos, self.zi0 = lp.sos, np.ascontiguousarray(lp._zi0[:, :, 0])
        self.zi = np.zeros(self.zi0.shape + (2,))

    def run(self, det, frames, times, sig, have, heights, emitted=None, world_rows=None) -> list:
        """The rules over the block's rows from ``sig.start``; returns their events
        (``emitted``: as ``LiveEventDetector.extend``)."""
        n = len(frames)
        frames = np.asarray(frames, dtype=np.int64)
        times = np.asarray(times, dtype=np.float64)
        feat = np.ascontiguousarray(sig.features(have))
        raw = np.full((n, 4), np.nan)  # heights and lowest points, cm
        down = np.zeros((n, 2), dtype=bool)
        self.pack(det)
        events, j, p = [], sig.start, 0
        hist_done = down_done = sig.start  # rows already in the detector's histories
        while True:
            j, p = ek.rules_nb(j, p, frames, times, feat, self.par, self.hp, self.si,
                               self.sx, self.hi, self.hx, self.lifts, self.ref, self.zi,
                               self.zi0, self.sos, raw, down)
            stop = min(j + 1, n)
            _history(det, frames, times, raw, world_rows, sig.foot, down, hist_done,
                     down_done, stop)
            if j < n:  # row j's other foot may still join its history: take it again
                down[j] = False
            hist_done, down_done = stop, min(j, n)
            self.unpack(det)
            if j >= n:
                break
            found = _event(det, p)
            events += found
            if emitted is not None:
                emitted += [int(frames[j])] * len(found)
            self.pack(det)
        if heights is not None:
            heights[sig.start:] = raw[sig.start:, :2]
        return events

    def pack(self, det) -> None:
        """The detector's attributes -> the kernel's arrays."""
        si, sx = self.si, self.sx
        si[ek.S_COUNT], si[ek.S_STANCE] = det._count, det._stance
        self.par[ek.P_MOVE], self.par[ek.P_PIVOT] = det.limits
        for k in (0, 1):
            self.hp[ek.H_FOOT + k, :2] = det._feet[k].on, det._feet[k].off
            unconf, pending = det._unconfirmed[k], det._pending[k]
            si[ek.S_UNCONF + k] = unconf is not None
            si[ek.S_UNCONF_FRAME + k] = unconf or 0
            si[ek.S_PEND + k] = pending is not None
            si[ek.S_PEND_AT + k], si[ek.S_PEND_FRAME + k] = pending or (0, 0)
            due = det._due[k]
            si[ek.S_DUE + k] = due is not None
            si[ek.S_DUE_AT + k], si[ek.S_DUE_FRAME + k] = due or (0, 0)
            si[ek.S_HANDS_INIT + k] = det._hands[k] is not None
            sx[ek.X_LEVEL + k], sx[ek.X_TOP + k] = det._level[k], det._top[k]
            lifts = list(det._lifts[k])
            self.lifts[k, :len(lifts)] = lifts
            si[ek.S_LIFTS_N + k], si[ek.S_LIFTS_POS + k] = len(lifts), len(lifts) % det.min_n
        lp = det._stance_lp
        si[ek.S_LP] = lp is not None
        si[ek.S_ZI] = lp is not None and lp._zi is not None
        if si[ek.S_ZI]:
            self.zi[:] = lp._zi
        si[ek.S_STANCE_INIT] = det._stance_hyst is not None
        if det._stance_hyst is not None:
            sx[ek.X_REF:ek.X_REF + 2] = det._ref
            sx[ek.X_REF_SUM:ek.X_REF_SUM + 2] = det._ref_sum
            si[ek.S_REF_COUNT] = det._ref_count
        si[ek.S_REF_N] = len(det._stance_ref)
        if det._stance_ref:
            self.ref[:len(det._stance_ref)] = det._stance_ref
        si[ek.S_STANCE_DONE], si[ek.S_LOB_DONE] = det._stance_done, det._lob_done
        for h, hyst in enumerate(_hystereses(det)):
            if hyst is not None:
                first = hyst._first or (0, 0.0)
                self.hi[h] = hyst.state, hyst.run, first[0]
                self.hx[h, :len(first) - 1] = first[1:]

    def unpack(self, det) -> None:
        """The kernel's arrays -> the detector's attributes."""
        si, sx = self.si.tolist(), self.sx.tolist()
        det._count, det._stance = si[ek.S_COUNT], si[ek.S_STANCE]
        det.limits = (float(self.par[ek.P_MOVE]), float(self.par[ek.P_PIVOT]))
        for k in (0, 1):
            det._unconfirmed[k] = si[ek.S_UNCONF_FRAME + k] if si[ek.S_UNCONF + k] else None
            det._pending[k] = ((si[ek.S_PEND_AT + k], si[ek.S_PEND_FRAME + k])
                               if si[ek.S_PEND + k] else None)
            det._due[k] = ((si[ek.S_DUE_AT + k], si[ek.S_DUE_FRAME + k])
                           if si[ek.S_DUE + k] else None)
            det._level[k], det._top[k] = sx[ek.X_LEVEL + k], sx[ek.X_TOP + k]
            if si[ek.S_HANDS_INIT + k] and det._hands[k] is None:
                det._hands[k] = det._new_hands(0)
            elif not si[ek.S_HANDS_INIT + k]:
                det._hands[k] = None
            m, pos = si[ek.S_LIFTS_N + k], si[ek.S_LIFTS_POS + k]
            row = self.lifts[k].tolist()
            det._lifts[k].clear()
            det._lifts[k].extend(row[:m] if m < det.min_n else row[pos:] + row[:pos])
        self._unpack_stance(det, si, sx)
        hi, hx = self.hi.tolist(), self.hx.tolist()
        for (h, width), hyst in zip(_FIRST_WIDTH, _hystereses(det)):
            if hyst is not None:
                hyst.state, hyst.run = hi[h][0], hi[h][1]
                hyst._first = (hi[h][2], *hx[h][:1 + width])

    def _unpack_stance(self, det, si, sx) -> None:
        if not si[ek.S_LP]:
            det._stance_lp = None
        else:
            if det._stance_lp is None:
                det._stance_lp = CausalLowpass(det.fps, channels=2)
            det._stance_lp._zi = self.zi.copy() if si[ek.S_ZI] else None
        if not si[ek.S_STANCE_INIT]:
            det._stance_hyst = None
        else:
            if det._stance_hyst is None:
                det._stance_hyst = det._new_stance_hyst()
            det._ref = sx[ek.X_REF:ek.X_REF + 2]
            det._ref_sum, det._ref_count = sx[ek.X_REF_SUM:ek.X_REF_SUM + 2], si[ek.S_REF_COUNT]
        det._stance_ref = [tuple(r) for r in self.ref[:si[ek.S_REF_N]].tolist()]
        det._stance_done, det._lob_done = bool(si[ek.S_STANCE_DONE]), bool(si[ek.S_LOB_DONE])


def _hystereses(det):
    return [det._feet[0], det._feet[1], det._hands[0], det._hands[1], det._stance_hyst,
            det._lob]


def _thresholds(det):
    """(on, off, min_on, min_off) of each hysteresis, in the order of ``H_*``."""
    cfg = det.cfg
    feet = [(f.on, f.off, f.min_on, f.min_off) for f in det._feet]
    hands = (cfg.hands_off_ratio, cfg.hands_on_ratio, det._hands_n, det._hands_n)
    stance = det._new_stance_hyst()
    lob = det._lob
    return feet + [hands, hands, (stance.on, stance.off, stance.min_on, stance.min_off),
                   (lob.on, lob.off, lob.min_on, lob.min_off)]


def _history(det, frames, times, raw, world_rows, places, down, hist_start: int,
             down_start: int, stop: int) -> None:
    """Append rows up to ``stop`` to the detector's histories: the heights (and
    ``world_rows``, the world's sole clearances and toes: ``_feet_step``) from
    ``hist_start``, the standing feet's heights and ``places`` (n, 2, 2) from
    ``down_start``."""
    a = max(hist_start, stop - det._hist.maxlen)
    det._hist.extend(zip(frames[a:stop].tolist(), times[a:stop].tolist(),
                         *raw[a:stop].T.tolist(), *np.asarray(world_rows)[a:stop].T.tolist()))
    for k in (0, 1):
        rows = down[down_start:stop, k]
        det._down[k].extend(raw[down_start:stop, k][rows][-det._down[k].maxlen:].tolist())
        det._place[k].extend(map(tuple, places[down_start:stop, k][rows][-det._place[k].maxlen:].tolist()))


def _event(det, p: int) -> list:
    """The events of stop point ``p`` (the detector's state as the kernel left it)."""
    if p == ek.RETUNE:
        det._retune_feet()
        return []
    if p in (ek.LIFT, ek.LIFT + 2):
        k = (p - ek.LIFT) // 2
        return det._lift(k, st.SIDES[k], int(det._kernel.si[ek.S_DETECTED]))
    if p in (ek.TOUCHDOWN, ek.TOUCHDOWN + 2):
        k = (p - ek.TOUCHDOWN) // 2
        event = det._touchdown(k, st.SIDES[k], det._pending[k][1])
        det._pending[k] = None
        return [event]
    if p in (ek.HANDS, ek.HANDS + 1):
        k = p - ek.HANDS
        return [det._hands_event(k, det._hands[k]._first)]
    if p == ek.STANCE:
        return det._stance_event(det._stance_hyst._first)
    return [det._lob_event(det._lob._first)]
