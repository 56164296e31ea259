"""Events of a live trial, one frame at a time, for the protocols' state machines.

``LiveEventDetector.push(frame, t_s, pose)`` returns the events that became certain on
that frame. The detectors are those of ``balance.core.events`` made causal:

* Foot lift / touchdown. The floor level of each foot landmark and the noise of the foot
  heights are measured over the first ``calibration_s`` (the person must start on both
  feet). Heights then go through the causal low-pass and the same hysteresis as offline.
  A lift is emitted as soon as the hysteresis is sure (``min_state_s`` after the foot
  passed ``lift_on_cm``) and *dated back* by the offline hinge fit on the unfiltered
  heights of the last second: its ``frame`` is the first frame that showed the foot off
  the floor. A touchdown waits ``settle_s`` more, so the fit sees the foot at rest, and is
  dated back the same way. A lift of one foot while the other is up is also a hop.
  The floor follows a standing foot whenever it is still (a foot slid forward into a
  tandem stance). With world landmarks a lift is only confirmed once the foot is
  ``world_lift_cm`` above the other one in the world; a foot that stays "up" in the
  image but level in the world was slid back, and its new place becomes the floor
  without an event (the offline rules, ``events.floor_track``).
* Hands off / on the hips, stance-foot shift or pivot, loss of balance: the offline rules
  on causally filtered signals, dated at the first frame of the qualifying run.

An event arrives ``min_state_s`` (plus ``settle_s`` for a touchdown, plus ~30 ms of
filter delay) after it happened, but its ``frame`` and ``t_s`` are when it happened: a
protocol stops its hold timer at ``t_s``, not at the frame it hears of it.
"""

import math
from collections import deque
from statistics import median

import numpy as np

from balance.core import _validate, com as com_mod, stance as st
from balance.core.events import (
    FOOT_LIFT, HANDS_OFF_HIPS, HANDS_ON_HIPS, LOSS_OF_BALANCE, STANCE_FOOT_MOVED, TOUCHDOWN,
    Event, EventConfig, _edge_time, noise_sd, world_lift,
)
from balance.core.filters import CausalLowpass
from balance.errors import InputError
from balance.pose.landmarks import INDEX, N_LANDMARKS

_FOOT_IDX = [list(com_mod.FOOT_POINTS[s]) for s in st.SIDES]
_TRUNK = [INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]


class Hysteresis:
    """Streaming form of ``_kernels.hysteresis_nb`` (same rules) for one signal.

    ``update(v, tag)`` returns the tag given with the first sample of the run that
    switched the state, or None when nothing switched."""

    def __init__(self, on: float, off: float, min_on: int, min_off: int, state: int = 0):
        self.on, self.off, self.min_on, self.min_off = on, off, min_on, min_off
        self.state, self.run, self._first = int(state), 0, None

    def update(self, v: float, tag=None):
        crossing = math.isfinite(v) and (v > self.on if self.state == 0 else v < self.off)
        if not crossing:
            self.run = 0
            return None
        if self.run == 0:
            self._first = tag
        self.run += 1
        if self.run < (self.min_on if self.state == 0 else self.min_off):
            return None
        self.state, self.run = 1 - self.state, 0
        return self._first


class LiveEventDetector:
    """Per-frame event detection for a live trial (see the module docstring).

    Parameters
    ----------
    fps : float
        Frame rate, Hz (the filters and durations assume it).
    image_size : (width, height), pixels.
    px_per_cm : float
        Image scale.
    config : EventConfig, optional
        The thresholds of ``detect_events``.
    calibration_s : float
        Time on both feet, at the start, to find the floor levels and the noise.
    settle_s : float
        Extra wait before dating a touchdown.
    """

    def __init__(self, fps: float, image_size, *, px_per_cm: float,
                 config: EventConfig | None = None, calibration_s: float = 0.5,
                 settle_s: float = 0.25):
        self.cfg = cfg = config or EventConfig()
        self.fps = _validate.positive_rate(fps, "fps")
        self.size = np.array(com_mod._image_size(image_size))
        self.scale = _validate.positive_rate(px_per_cm, "px_per_cm")
        self.min_n = max(1, round(cfg.min_state_s * self.fps))
        self.calib_n = max(3, round(calibration_s * self.fps))
        self.settle_n = max(1, round(settle_s * self.fps))
        # Unfiltered foot heights kept for dating an edge back: a second of flat floor
        # before the edge, the edge, and the waits.
        self._hist = deque(maxlen=self.min_n + self.settle_n + max(4, round(2 * self.fps)))
        self._calib: list[np.ndarray] = []
        self.floor = None  # (2, 3) pixel y of each foot landmark standing on the floor
        self.noise_cm = None  # (2,) foot-height noise SD
        self._feet: list[Hysteresis] = []
        self._foot_lp = [CausalLowpass(self.fps) for _ in st.SIDES]
        self._level = [0.0, 0.0]  # floor under each foot, px from its calibrated floor
        self._still_px: list[float] = []
        still_n = max(3, round(cfg.still_s * self.fps))
        self._recent = [deque(maxlen=still_n) for _ in st.SIDES]  # (u, smoothed u, lift)
        self._unconfirmed: list[int | None] = [None, None]  # lift awaiting the world check
        self._top = [0.0, 0.0]
        self._pending: list[tuple[int, int] | None] = [None, None]  # (emit at count, frame)
        self._count = 0
        self._stance = st.BOTH
        self._hands_lp = CausalLowpass(self.fps, channels=2)
        hands_n = max(1, round(cfg.hands_min_s * self.fps))
        self._hands_n = hands_n
        self._hands: list[Hysteresis | None] = [None, None]
        self._stance_lp = self._stance_hyst = None
        self._stance_ref: list = []
        self._stance_done = False
        self._com_lp = CausalLowpass(self.fps, channels=3)
        self._last_com = None
        lob_n = max(1, round(cfg.lob_min_s * self.fps))
        self._lob = Hysteresis(1.0, 0.8, lob_n, lob_n)
        self._lob_done = False

    @property
    def ready(self) -> bool:
        """True once the floor is calibrated and lift detection runs."""
        return self.floor is not None

    @property
    def lifted(self) -> tuple[bool, bool]:
        """(left, right) lifted now, by the hysteresis (not dated back)."""
        if not self._feet:
            return (False, False)
        return (bool(self._feet[0].state), bool(self._feet[1].state))

    @property
    def stance(self) -> int:
        """Current ``balance.core.stance`` code."""
        return self._stance

    def push(self, frame: int, t_s: float, pose, world=None) -> list[Event]:
        """Consume one frame; returns the events that became certain on it.

        Parameters
        ----------
        frame : int
            Frame index (what the events' ``frame`` refers to).
        t_s : float
            Frame time, s.
        pose : array_like, shape (33, 4)
            Image landmarks of this frame (NaN when no person was found).
        world : array_like, shape (33, 4), optional
            World landmarks (metres, y down): with them a foot slid or set down further
            from the camera is not mistaken for a lifted one (see ``events.floor_track``).
        """
        pose = np.asarray(pose, dtype=np.float64)
        if pose.shape != (N_LANDMARKS, 4):
            raise InputError(f"a pose must have shape (33, 4), got {pose.shape}")
        xy = pose[:, :2] * self.size
        vis = np.where(np.isfinite(xy).all(axis=1), pose[:, 3], np.nan)
        usable = com_mod.usable_mask(vis, self.cfg.min_visibility)
        self._count += 1
        if self.floor is None:
            self._calibrate(xy, usable)
            return []
        tag = (int(frame), float(t_s))
        lift_cm = None
        if world is not None:
            w = np.asarray(world, dtype=np.float64)
            if w.shape != (N_LANDMARKS, 4):
                raise InputError(f"world must have shape (33, 4), got {w.shape}")
            lift_cm = world_lift(w[None])[0]
        events = self._feet_step(tag, xy, usable, lift_cm)
        events += self._hands_step(tag, xy, usable)
        events += self._stance_step(tag, xy, usable)
        events += self._balance_step(tag, xy, usable)
        return events

    # ---------------------------------------------------------------- feet
    def _foot_y(self, xy, usable):
        idx = _FOOT_IDX[0] + _FOOT_IDX[1]
        return np.where(usable[idx], xy[idx, 1], np.nan).reshape(2, 3)

    def _calibrate(self, xy, usable):
        self._calib.append(self._foot_y(xy, usable))
        if len(self._calib) < self.calib_n:
            return
        y = np.array(self._calib)  # (n, 2, 3)
        if np.isfinite(y).all(axis=(1, 2)).sum() < 3:
            self._calib.clear()  # feet not seen: start again with the next frames
            return
        self.floor = np.nanmedian(y, axis=0)
        u = np.nanmean(y - self.floor[None], axis=2)  # (n, 2) foot offsets, px
        self.noise_cm = np.array([noise_sd(u[:, k]) / self.scale for k in range(2)])
        cfg = self.cfg
        for k in range(2):
            on = max(cfg.lift_on_cm, cfg.noise_on * self.noise_cm[k])
            off = max(cfg.lift_off_cm, cfg.noise_off * self.noise_cm[k])
            self._feet.append(Hysteresis(on, off, self.min_n, self.min_n))
            # Stillness: the smoothed offsets of the last still_s span less than this.
            self._still_px.append(max(cfg.still_cm * self.scale,
                                      4.0 * 0.6 * self.noise_cm[k] * self.scale))

    def _feet_step(self, tag, xy, usable, lift_cm):
        d = self._foot_y(xy, usable) - self.floor
        n_ok = np.isfinite(d).sum(axis=1)
        u = np.where(n_ok > 0, np.nansum(np.nan_to_num(d), axis=1) / np.maximum(n_ok, 1),
                     np.nan)  # each foot's offset from its calibrated floor, px
        raw = (np.array(self._level) - u) / self.scale
        self._hist.append((tag[0], tag[1], raw))
        events = []
        for k, side in enumerate(st.SIDES):
            u_smooth = float(self._foot_lp[k].push(u[k])[0])
            self._recent[k].append((u[k], u_smooth,
                                    np.nan if lift_cm is None else lift_cm[k]))
            smooth = (self._level[k] - u_smooth) / self.scale
            foot = self._feet[k]
            if foot.state and math.isfinite(smooth):
                self._top[k] = max(self._top[k], smooth)
            if foot.update(smooth, tag) is not None:
                if foot.state:
                    self._unconfirmed[k] = tag[0]
                else:
                    self._pending[k] = (self._count + self.settle_n, tag[0])
            events += self._floor_step(k, side, lift_cm is not None)
            if self._pending[k] and self._count >= self._pending[k][0]:
                events.append(self._touchdown(k, side, self._pending[k][1]))
                self._pending[k] = None
        stance = int(st.stance_from_lifted(np.array([self._feet[0].state]),
                                           np.array([self._feet[1].state]))[0])
        if stance != self._stance:
            self._stance = stance
            self._stance_lp = self._stance_hyst = None
            self._stance_ref, self._stance_done, self._lob_done = [], False, False
        return events

    def _floor_step(self, k, side, have_world):
        """Confirm a lift (world check) or follow the floor; see ``events.floor_track``.

        Plain Python on the few recent samples: NumPy's per-call overhead would be most
        of the cost here."""
        foot, recent = self._feet[k], self._recent[k]
        if self._unconfirmed[k] is not None:
            lifts = [r[2] for r in list(recent)[-self.min_n:] if math.isfinite(r[2])]
            if not have_world or (lifts and median(lifts) >= self.cfg.world_lift_cm):
                detected, self._unconfirmed[k] = self._unconfirmed[k], None
                return self._lift(k, side, detected)
        if len(recent) < recent.maxlen:
            return []
        smooth = [r[1] for r in recent]
        if not all(map(math.isfinite, smooth)) or max(smooth) - min(smooth) >= self._still_px[k]:
            return []
        level = median(r[0] for r in recent if math.isfinite(r[0]))
        if foot.state == 0 and self._pending[k] is None:
            self._level[k] = level  # standing: the floor follows the foot
        elif foot.state == 1 and self._unconfirmed[k] is not None:
            # Still, "up" in the image, but level with the other foot in the world:
            # the foot was set down further back. It becomes the floor; no event.
            self._level[k] = level
            foot.state, foot.run, self._unconfirmed[k] = 0, 0, None
        return []

    def _history(self, k):
        frames = np.array([f for f, _, _ in self._hist])
        t = np.array([t for _, t, _ in self._hist])
        return frames, t, np.array([r[k] for _, _, r in self._hist])

    def _edge_low(self, k):
        return max(self.cfg.edge_low * self.noise_cm[k], self.cfg.edge_min_cm)

    def _lift(self, k, side, detected):
        frames, t, h = self._history(k)
        # The fit takes the lower half of the edge, as offline; the foot may still be
        # rising, so the highest recent height stands in for the lift's top.
        top = max(float(np.nanmax(h[-(self.min_n + 2):])), self._feet[k].on)
        t0 = _edge_time(t, h, self._edge_low(k), self.cfg.edge_high * top, rising=True)
        i = _index_at(t, t0, len(t) - 1)
        self._top[k] = 0.0
        lift = Event(float(t[i]), int(frames[i]), FOOT_LIFT, side, {
            "t_est_s": t0 if math.isfinite(t0) else None, "detected_frame": int(detected)})
        other_up = self._feet[1 - k].state and self._unconfirmed[1 - k] is None
        if other_up and self._pending[1 - k] is None:
            return [lift, Event(lift.t_s, lift.frame, STANCE_FOOT_MOVED, side,
                                {"mode": "hop"})]
        return [lift]

    def _touchdown(self, k, side, detected):
        frames, t, h = self._history(k)
        hi = self.cfg.edge_high * max(self._top[k], self._feet[k].on)
        start = int(np.searchsorted(frames, detected - 3 * self.min_n - self.settle_n))
        t0 = _edge_time(t[start:], h[start:], self._edge_low(k), hi, rising=False)
        i = _index_at(t, t0, int(np.searchsorted(frames, detected)))
        return Event(float(t[i]), int(frames[i]), TOUCHDOWN, side, {
            "t_est_s": t0 if math.isfinite(t0) else None, "detected_frame": int(detected),
            "height_cm": self._top[k]})

    # ---------------------------------------------------------------- hands
    def _hands_step(self, tag, xy, usable):
        wrists = [INDEX[f"{s}_wrist"] for s in st.SIDES]
        if not (usable[_TRUNK].all() and usable[wrists].all()):
            return []
        trunk = np.linalg.norm(xy[_TRUNK[:2]].mean(axis=0) - xy[_TRUNK[2:]].mean(axis=0))
        hips = [INDEX[f"{s}_hip"] for s in st.SIDES]
        ratio = self._hands_lp.push(np.linalg.norm(xy[wrists] - xy[hips], axis=1) / trunk)
        events = []
        for k, side in enumerate(st.SIDES):
            if self._hands[k] is None:  # the first state comes from the data, no event
                self._hands[k] = Hysteresis(
                    self.cfg.hands_off_ratio, self.cfg.hands_on_ratio, self._hands_n,
                    self._hands_n, int(ratio[k] > self.cfg.hands_off_ratio))
            first = self._hands[k].update(float(ratio[k]), tag + (float(ratio[k]),))
            if first is not None:
                kind = HANDS_OFF_HIPS if self._hands[k].state else HANDS_ON_HIPS
                events.append(Event(first[1], first[0], kind, side, {"ratio": first[2]}))
        return events

    # ---------------------------------------------------------------- stance foot
    def _stance_step(self, tag, xy, usable):
        if self._stance not in (st.LEFT, st.RIGHT) or self._stance_done:
            return []
        side = "left" if self._stance == st.LEFT else "right"
        heel, toe = INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"]
        if not (usable[heel] and usable[toe]):
            return []
        base = com_mod.foot_base(xy[None], usable[None], side)[0, 0]
        if self._stance_lp is None:
            self._stance_lp = CausalLowpass(self.fps, channels=2)
        base, offset = self._stance_lp.push([base, xy[toe, 0] - xy[heel, 0]])
        if len(self._stance_ref) < 2 * self.min_n:  # the foot's place as the stance began
            self._stance_ref.append((base, offset))
            return []
        if self._stance_hyst is None:
            self._stance_hyst = Hysteresis(1.0, 0.7, self.min_n, self.min_n)
        ref = np.median(np.array(self._stance_ref), axis=0)
        move, pivot = abs(base - ref[0]) / self.scale, abs(offset - ref[1]) / self.scale
        score = max(move / self.cfg.stance_move_cm, pivot / self.cfg.pivot_cm)
        first = self._stance_hyst.update(score, tag + (move, pivot))
        if first is None:
            return []
        self._stance_done = True  # one event per stance
        return [Event(first[1], first[0], STANCE_FOOT_MOVED, side, {
            "mode": "pivot" if first[3] >= self.cfg.pivot_cm else "shift",
            "displacement_cm": float(first[2]), "pivot_cm": float(first[3])})]

    # ---------------------------------------------------------------- balance
    def _balance_step(self, tag, xy, usable):
        c, _ = com_mod.com_from_pixels(xy[None], usable[None])
        feet = [com_mod.foot_base(xy[None], usable[None], s)[0, 0] for s in st.SIDES]
        if not (np.isfinite(c[0]).all() and np.isfinite(feet).all()):
            return []
        com_x, left, right = self._com_lp.push([c[0, 0], *feet]) / self.scale
        speed = 0.0 if self._last_com is None else abs(com_x - self._last_com) * self.fps
        self._last_com = com_x
        lo, hi = {st.LEFT: (left, left), st.RIGHT: (right, right)}.get(
            self._stance, (min(left, right), max(left, right)))
        half = self.cfg.bos_half_width_cm
        excursion = max(lo - half - com_x, com_x - hi - half)
        score = max(excursion / self.cfg.lob_margin_cm, speed / self.cfg.lob_speed_cm_s)
        first = self._lob.update(score, tag + (excursion, speed))
        if first is None or self._lob.state == 0 or self._lob_done:
            return []
        self._lob_done = True  # once per stance
        return [Event(first[1], first[0], LOSS_OF_BALANCE, None, {
            "reason": "outside" if first[2] >= self.cfg.lob_margin_cm else "speed",
            "excursion_cm": float(max(first[2], 0.0)), "speed_cm_s": float(first[3])})]


def _index_at(t: np.ndarray, t0: float, fallback: int) -> int:
    """Index of the first time >= t0 (at most the last), or ``fallback`` if t0 is NaN."""
    if not math.isfinite(t0):
        return fallback
    return min(int(np.searchsorted(t, t0 - 1e-9 * max(1.0, abs(t0)))), len(t) - 1)
