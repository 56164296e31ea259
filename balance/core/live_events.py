"""The event detector: one frame at a time, causal, for live trials and recordings alike.

``LiveEventDetector.push(frame, t_s, pose)`` returns the events that became certain on
that frame; ``extend`` feeds a block of frames (a recording is a stream that is already
there) and finds exactly the same events. ``events.detect_events`` is ``extend`` over a
whole recording.

* Foot lift / touchdown. The floor level of each foot landmark and the noise of the foot
  heights are measured over the first ``calibration_s`` (the person must start on both
  feet). Heights then go through the causal low-pass and a hysteresis. A lift is fitted
  ``lift_wait_s`` after the hysteresis is sure (``min_state_s`` after the foot passed
  ``lift_on_cm``) and *dated back* by the hinge fit (``edge_dating``) on the unfiltered
  heights: its ``frame`` is the first frame that showed the foot off the floor. The wait
  is for the fit: the mean of a foot's landmarks passes ``lift_on_cm`` at heel-off, when
  its lowest point (the toe) is often still on the floor, and a fit of the toe's edge
  before the toe has risen out of the noise dates floor noise.
  A touchdown waits ``settle_s`` more, so the fit sees the foot at rest, and is dated
  back the same way. A lift of one foot while the other is up is also a hop.
  The floor follows a standing foot whenever it is still (a foot slid forward into a
  tandem stance). With world landmarks a lift is only confirmed once the foot is
  ``world_lift_cm`` above the other one in the world; a foot that stays "up" in the
  image but level in the world was slid back, and its new place becomes the floor
  without an event; a foot whose lift the world never confirmed has no touchdown
  either. A lifted foot the world still sees up (its recent world lifts' median at
  least half ``world_lift_cm``: a hysteresis, as a foot held 3 cm up in front sags to
  1.5-2 cm) is not down, whatever the image says: a foot held in front of a camera at
  laptop height comes towards it and sinks in the image. World heights
  are along the body's up (mid-ankle to mid-shoulder over the first frames), as the
  world axes turn with a pitched camera.
  A raised foot that is still, under its lift threshold in the image, and level with the
  other foot in the world (``_world_level``) is down: set down where the image reads it
  1-2 cm up, it can stay over the off level for seconds. So is one still ``wide_cm``
  or more from the other across the floor and under ``wide_level_cm`` above it in the
  world, however high the image reads it: stepped out into a wide stance and set down
  further from the camera (warrior II), its new place is its floor at once, and its
  touchdown is where its lowest point came to rest from its top.
  A lift still up once its whole rise is in the history (``edge_dating.RISE_S`` after
  heel-off) is dated then, on the whole movement: of the toe in the world and the
  picture if the world rose more than the image (a foot raised in front,
  ``edge_dating.forward_lift_time``), else of the lowest point, the hinge's date kept
  near it (``edge_dating.knee_lift_time``, ``near_ramp``); its touchdown the same way
  (``edge_dating.rest_time``). On the hinge fits instead: every lift of a detector with
  no ``lift_wait_s`` (a test a step fails), at once; every lift of one with no
  ``rise_dating`` (BESS), after ``lift_wait_s``; and any hop. So a lift may arrive after
  events that happened later.
* Hands off / on the hips, stance-foot shift or pivot, loss of balance: hystereses on
  causally filtered signals, dated at the first frame of the qualifying run.

An event arrives ``min_state_s`` (plus ``lift_wait_s`` for a lift, or for one still up
then, up to ``RISE_S`` from heel-off; ``settle_s`` for a touchdown; plus ~30 ms of
filter delay) after it happened, but its ``frame`` and
``t_s`` are when it happened: a protocol stops its hold timer at ``t_s``, not at the
frame it hears of it.

Each frame goes through two stages: ``_Signals`` turns landmarks into the few filtered
numbers the rules need (vectorised over a block, its filters carrying their state from
block to block), then the rules run on plain floats. NumPy's per-call overhead on a
(33, 4) frame would otherwise be most of the cost of a long recording. A block of at
least ``kernel_min_frames`` frames runs the rules in a numba kernel
(``_event_kernels``, through ``live_kernel``) that hands back to Python only for an
event; shorter blocks (a live frame) and ``jit.numpy_twins()`` run the plain-Python
rules below, the kernel's twin. Both give the same events.
"""

import math
from collections import deque
from statistics import median

import numpy as np

from balance.core import _validate, edge_dating, jit, stance as st
from balance.core.events import (
    FOOT_LIFT, HANDS_OFF_HIPS, HANDS_ON_HIPS, LOSS_OF_BALANCE, STANCE_FOOT_MOVED, TOUCHDOWN,
    Event, EventConfig, body_up, image_toes, noise_sd, world_apart, world_lift, world_low,
    world_toes,
)
from balance.core.filters import CausalLowpass
from balance.core.live_kernel import KernelRules
from balance.core.live_signals import Signals
from balance.errors import InputError
from balance.pose.landmarks import N_LANDMARKS

_STANCE = {(0, 0): st.BOTH, (0, 1): st.LEFT, (1, 0): st.RIGHT, (1, 1): st.NONE}


class Hysteresis:
    """Two-threshold state of one signal, sample by sample: becomes 1 once the signal is
    above ``on`` for ``min_on`` samples in a row, 0 once below ``off`` for ``min_off``;
    a NaN sample breaks a run.

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


# The wait before a lift is dated, s: the toe's rise must be in the history (a hold
# starts at toe-off). A test that a step fails takes no wait (``protocols.tracking``).
LIFT_WAIT_S = 0.25
# A touchdown's fit window must reach this share of the raised foot's top height, or
# the longer one is tried: slow jitter kept a landed foot over the off level for 1.2 s,
# and the last second's fit dated the noise a second late.
TD_TOP_SHARE = 0.25
# The stance limits rise with the feet's slow jitter at most this many times: feet that
# fidget before the lift (toes swinging 2-3 cm at ~1 Hz) read as noise and raised the
# pivot limit to 13-20 cm, which no real pivot reaches.
STANCE_CAP = 2.0
STANCE_RUN_S = 1.0  # how long the stance foot must be off its place to have moved, s
# Every this many seconds the standing feet's lift and touchdown levels are set again
# from both feet's last 10 s standing, by differences half of it apart: the
# calibration's half second, by frame-to-frame steps, read slow (correlated) jitter as
# 0.24-0.81 cm, so toe-taps crossed too low a lift level and a landed foot's jitter
# stayed over the off level (bench, 15 fps, 2 px: 4 false trials in 260 seeds, now 1).
# The reading is divided by sqrt 2, what steps read of noise correlated 0.5 from frame
# to frame, so the levels keep the calibration's multiples there: undivided, they rose
# 1.4-1.7x and lost 4 of 120 forward (hip-flexed) lifts, which barely rise in the image.
RETUNE_S = 0.5

class LiveEventDetector:
    """Event detection frame by frame (see the module docstring).

    Parameters
    ----------
    fps : float
        Frame rate, Hz (the filters and durations assume it).
    image_size : (width, height), pixels.
    px_per_cm : float
        Image scale.
    config : EventConfig, optional
        Thresholds.
    calibration_s : float
        Time on both feet, at the start, to find the floor levels and the noise.
    settle_s : float
        Extra wait before dating a touchdown.
    lift_wait_s : float
        Extra wait before dating a lift (its lowest point's rise must be in the history);
        0 dates every lift at once (see the module docstring).
    rise_dating : bool
        False dates a lift still up ``lift_wait_s`` after it is sure of it then, on the
        hinge fits, not once its whole rise is in (up to a second later).

    Attributes
    ----------
    kernel_min_frames : int
        Blocks of at least this many frames run the rules in the numba kernel.
    """

    kernel_min_frames = 16

    def __init__(self, fps: float, image_size, *, px_per_cm: float,
                 config: EventConfig | None = None, calibration_s: float = 0.5,
                 settle_s: float = 0.25, lift_wait_s: float = LIFT_WAIT_S,
                 feet_only: bool = False, rise_dating: bool = True):
        self.cfg = cfg = config or EventConfig()
        self.rise_dating = rise_dating
        # Only lifts and touchdowns (and so the stance): what a timeline needs of a
        # session that recorded its events; the other rules cost most of the time.
        self.feet_only = feet_only
        self.fps = _validate.positive_rate(fps, "fps")
        self.scale = _validate.positive_rate(px_per_cm, "px_per_cm")
        self.min_n = max(1, round(cfg.min_state_s * self.fps))
        self.settle_n = max(1, round(settle_s * self.fps))
        self.lift_wait_n = max(0, round(lift_wait_s * self.fps))
        self.retune_n = max(1, round(RETUNE_S * self.fps))
        self.retune_lag = max(1, round(RETUNE_S / 2 * self.fps))
        self.signals = Signals(self.fps, image_size, self.scale, cfg,
                               max(3, round(calibration_s * self.fps)))
        # Unfiltered foot heights kept for dating an edge back (``edge_dating``): the
        # floor before the edge, the edge, and the waits. Rows (frame, t, left, right,
        # left lowest point, right lowest point, left and right world sole, left toe's
        # world x, y, z, right toe's, left and right heel above toe, left toe's image
        # x, y, right toe's, cm; ``_history``).
        self._floor_n = max(3, round(0.5 * self.fps))
        # A touchdown is dated from a second before it was detected, or if no edge is
        # there, from this far: a foot set down a little higher in the image than it left
        # (1-2 cm at 2 px) can cross the off level late, once the floor follows it.
        self._back_n = round(2 * self.fps)
        self._hist = deque(maxlen=self.min_n + self.settle_n + self.lift_wait_n
                           + max(4, round(2 * self.fps)))
        self._feet: list[Hysteresis] = []
        self._level = [0.0, 0.0]  # floor under each foot, px from its calibrated floor
        self._lifts = [deque(maxlen=self.min_n) for _ in st.SIDES]  # recent world lifts
        self._unconfirmed: list[int | None] = [None, None]  # lift awaiting the world check
        self._due: list[tuple[int, int] | None] = [None, None]  # (date at count, frame)
        self._top = [0.0, 0.0]
        self._up, self._up_rows = None, []  # world up (3,), from the first frames
        self._lift_frame: list[int | None] = [None, None]  # each raised foot's dated lift
        self._lift_level = [math.nan, math.nan]  # ... and its floor then
        # A lift waiting for its whole rise: (detected frame, its hinge date, when its
        # rise is all in, s); and whether each raised foot's lift was dated as a forward one.
        self._deferred: list[tuple[int, float, float] | None] = [None, None]
        self._forward = [False, False]
        # Unfiltered heights of each foot standing, the last 10 s: its noise, for dating
        # edges (the calibration's half second is too few samples to tell it well).
        self._down = [deque(maxlen=max(30, round(10 * self.fps))) for _ in st.SIDES]
        # ... and each standing foot's place (base x, toe-minus-heel x, px; ``Signals``):
        # its noise sets the stance's move and pivot limits (``_stance_limits``).
        self._place = [deque(maxlen=self._down[0].maxlen) for _ in st.SIDES]
        self.limits = (cfg.stance_move_cm, cfg.pivot_cm)  # this stance's, cm
        self._pending: list[tuple[int, int] | None] = [None, None]  # (emit at count, frame)
        self._count = 0
        self._stance = st.BOTH
        self._hands_n = max(1, round(cfg.hands_min_s * self.fps))
        self._hands: list[Hysteresis | None] = [None, None]
        self._stance_lp = self._stance_hyst = None
        self._stance_ref: list = []
        # Frames that fix the stance foot's place: a second, so that at 15 fps and 2 px
        # the reference sits well inside the noise the 4 cm pivot and shift limits allow.
        self.ref_n = max(2 * self.min_n, round(1.0 * self.fps))
        # Then the reference follows the foot while it is near it (``stance_ref_gate``):
        # the running mean of its place since the stance began (sum, frames).
        self._ref_sum, self._ref_count = [0.0, 0.0], 0
        self._stance_done = False
        lob_n = max(1, round(cfg.lob_min_s * self.fps))
        self._lob = Hysteresis(1.0, 0.8, lob_n, lob_n)
        self._lob_done = False
        self._kernel: KernelRules | None = None

    @property
    def ready(self) -> bool:
        """True once the floor is calibrated and lift detection runs."""
        return self.signals.floor is not None

    @property
    def noise_cm(self):
        """(2,) foot-height noise SD, cm (left, right), once calibrated, else None: over
        the last 10 s standing, or the calibration's until there are enough of those."""
        if self.signals.noise_cm is None:
            return None
        return np.array([self._noise(k) for k in (0, 1)])

    def _noise(self, k: int) -> float:
        if len(self._down[k]) < 2 * self.signals.calib_n:
            return float(self.signals.noise_cm[k])
        return noise_sd(np.array(self._down[k]))

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
            from the camera is not mistaken for a lifted one.
        """
        pose = _frame_array(pose, "a pose")
        world = None if world is None else _frame_array(world, "world")[None]
        return self.extend([frame], [t_s], pose[None], world)

    def extend(self, frames, t, image, world=None, *, heights=None,
               emitted: list | None = None) -> list[Event]:
        """``push`` over a block of frames, in order; returns their events.

        Parameters
        ----------
        frames : array_like (n,) int; t : array_like (n,), s.
        image : ndarray (n, 33, 4)
            Image landmarks.
        world : ndarray (n, 33, 4), optional
            World landmarks; a frame whose world landmarks are all NaN has none.
        heights : ndarray (n, 2), optional
            Filled with each foot's unfiltered height above its floor, cm (NaN while
            calibrating or where the foot is not seen).
        emitted : list, optional
            Appended with, for each event returned, the frame it became certain on
            (the one whose ``push`` would have returned it).
        """
        frames = [int(f) for f in frames]
        times = [float(v) for v in t]
        lift, sole, apart = (None, np.full((len(frames), 2), np.nan), None) if world is None \
            else self._world_lift(np.asarray(world, np.float64))
        toes = (np.full((len(frames), 6), np.nan) if world is None
                else world_toes(world).reshape(len(frames), 6))
        have = (np.zeros(len(frames), bool) if world is None
                else np.isfinite(np.asarray(world)[..., :3]).any(axis=(1, 2)))
        sig = self.signals.extend(image, lift, apart, feet_only=self.feet_only)
        if sig is None:
            self._count += len(frames)
            return []
        if not self._feet:
            self._start_feet()
        self._count += sig.start
        seen = image_toes(image, self.signals.size).reshape(len(frames), 4) / self.scale
        extra = np.column_stack([sole, toes, np.asarray(sig.heel_up) / self.scale, seen])
        if len(frames) - sig.start >= self.kernel_min_frames and not jit.twins_active():
            if self._kernel is None:
                self._kernel = KernelRules(self)
            return self._kernel.run(self, frames, times, sig, have, heights, emitted, extra)
        sig = sig.as_lists()
        events = []
        for j in range(sig.start, len(frames)):
            self._count += 1
            tag, before = (frames[j], times[j]), len(events)
            events += self._feet_step(tag, sig, j, bool(have[j]), heights, extra[j].tolist())
            if not self.feet_only:
                events += self._hands_step(tag, sig.hands[j])
                events += self._stance_step(tag, sig, j)
                events += self._balance_step(tag, sig.balance[j])
            if emitted is not None:
                emitted += [frames[j]] * (len(events) - before)
            if self._count % self.retune_n == 0:
                self._retune_feet()
        return events

    # ---------------------------------------------------------------- feet
    def _world_lift(self, world: np.ndarray):
        """``events.world_lift``, ``world_low`` and ``world_apart`` along the up of the
        first ``calib_n`` frames with a body in the world (the person stands on both feet
        then), the camera's y before."""
        up = np.tile([0.0, -1.0, 0.0], (len(world), 1))
        if self._up is not None:
            up[:] = self._up
        else:
            for i, v in enumerate(body_up(world)):
                if np.isfinite(v).all():
                    self._up_rows.append(v)
                    if len(self._up_rows) == self.signals.calib_n:
                        m = np.mean(self._up_rows, axis=0)
                        self._up = m / np.linalg.norm(m)
                        up[i + 1:] = self._up
                        break
        return world_lift(world, up), world_low(world, up), world_apart(world, up)

    def _start_feet(self):
        for noise in self.signals.noise_cm:
            self._feet.append(Hysteresis(*self._foot_levels(noise), self.min_n, self.min_n))

    def _foot_levels(self, noise: float) -> tuple[float, float]:
        """(lift, touchdown) levels of a foot's height, cm, for height noise SD ``noise``."""
        cfg = self.cfg
        return (max(cfg.lift_on_cm, cfg.noise_on * noise),
                max(cfg.lift_off_cm, cfg.noise_off * noise))

    def _retune_feet(self):
        """Both feet's levels from their standing heights' noise (``RETUNE_S``), once there
        are twice the calibration's differences; a foot changes only while it stands with
        no run under way and no touchdown pending."""
        lag = self.retune_lag
        if sum(max(0, len(d) - lag) for d in self._down) < 2 * self.signals.calib_n:
            return
        pooled = np.concatenate([self._down[0], np.full(lag, np.nan), self._down[1]])
        on, off = self._foot_levels(noise_sd(pooled, lag) / math.sqrt(2.0))
        for k, foot in enumerate(self._feet):
            if foot.state == 0 and foot.run == 0 and self._pending[k] is None:
                foot.on, foot.off = on, off

    def _feet_step(self, tag, sig, j, have_world, heights, world_rows):
        """The feet's rules on row j; ``world_rows``: the world sole of each foot, each
        toe's world x, y, z (``world_toes``), each heel's height above its toe, then each
        toe's image x, y (``image_toes``), cm."""
        u, u_smooth, still, lift = sig.u[j], sig.u_smooth[j], sig.still[j], sig.lift[j]
        raw = [(self._level[k] - u[k]) / self.scale for k in (0, 1)]
        if heights is not None:
            heights[j] = raw
        low = sig.low[j]
        self._hist.append((tag[0], tag[1], raw[0], raw[1], (self._level[0] - low[0]) / self.scale,
                           (self._level[1] - low[1]) / self.scale, *world_rows))
        events = []
        for k, side in enumerate(st.SIDES):
            self._lifts[k].append(lift[k])
            smooth = (self._level[k] - u_smooth[k]) / self.scale
            foot = self._feet[k]
            if foot.state and smooth == smooth:
                self._top[k] = max(self._top[k], smooth)
            # up in the world (held in front, low in the image); once the world confirmed
            # the lift, until it reads the foot under half the confirming height
            stay = 1.0 if self._unconfirmed[k] is not None else 0.5
            if foot.state and have_world and self._world_up(k, stay * self.cfg.world_lift_cm):
                smooth = math.nan
            if foot.update(smooth, tag) is not None:
                if foot.state:
                    self._unconfirmed[k] = tag[0]
                elif self._unconfirmed[k] is not None:
                    self._unconfirmed[k] = None  # down before the world confirmed it up
                else:
                    self._pending[k] = (self._count + self.settle_n, tag[0])
            events += self._floor_step(k, side, have_world, still[k], smooth, tag[0],
                                       sig.apart[j])
            if not foot.state and self._pending[k] is None:
                self._down[k].append(raw[k])
                self._place[k].append(tuple(sig.foot[j][k]))
            if self._pending[k] and self._count >= self._pending[k][0]:
                events.append(self._touchdown(k, side, self._pending[k][1]))
                self._pending[k] = None
        stance = _STANCE[self._feet[0].state, self._feet[1].state]
        if stance != self._stance:
            self._stance = stance
            self._stance_lp = self._stance_hyst = None
            self._stance_ref, self._stance_done, self._lob_done = [], False, False
            if stance == st.BOTH:  # the next lift's dating sets its own; a flicker of
                # the standing foot's state (jitter) keeps this one's
                self.limits = (self.cfg.stance_move_cm, self.cfg.pivot_cm)
        return events

    def _world_up(self, k, limit: float | None = None) -> bool:
        """Foot k's recent world lifts say it is up: their median at least ``limit`` cm
        (``world_lift_cm`` unless given)."""
        lifts = [v for v in self._lifts[k] if math.isfinite(v)]
        return bool(lifts) and median(lifts) >= (self.cfg.world_lift_cm if limit is None
                                                 else limit)

    def _floor_step(self, k, side, have_world, level, smooth, frame, apart):
        """Confirm a lift (world check), follow the floor under a still foot (``level``,
        NaN unless the foot is still: ``Signals``), or set a still raised foot down
        (``smooth``: its filtered height, cm; ``frame`` this one; ``apart``: the feet's
        distance across the floor in the world, cm)."""
        foot = self._feet[k]
        if self._unconfirmed[k] is not None:
            if not have_world or self._world_up(k):
                self._due[k] = (self._count + self.lift_wait_n, self._unconfirmed[k])
                self._unconfirmed[k], self._top[k] = None, 0.0
        if self._due[k] is not None and self._count >= self._due[k][0]:
            detected, self._due[k] = self._due[k][1], None
            return self._lift(k, side, detected)
        if level != level:
            return []
        if foot.state == 0 and self._pending[k] is None:
            self._level[k] = level  # standing: the floor follows the foot
        elif foot.state == 1 and self._unconfirmed[k] is not None:
            # Still, "up" in the image, but level with the other foot in the world:
            # the foot was set down further back. It becomes the floor; no event.
            self._level[k] = level
            foot.state, foot.run, self._unconfirmed[k] = 0, 0, None
        elif foot.state == 1 and self._pending[k] is None and self._due[k] is None \
                and have_world:
            # Still, under the lift level in the image and level with the other foot in
            # the world: set down where the image reads it 1-2 cm up (further from the
            # camera), over the off level for seconds. Or still, out in a wide stance and
            # not well above the other foot: set down where the image reads it up, its
            # new place the floor at once (over the lift level, it would read as lifted
            # again).
            low = smooth < foot.on and self._world_level(k)
            wide = (not low and apart >= self.cfg.wide_cm
                    and not self._world_up(k, self.cfg.wide_level_cm))
            if not (low or wide):
                return []
            if wide:
                self._level[k] = level
            foot.state, foot.run = 0, 0  # a touchdown, dated back as any
            self._pending[k] = (self._count + self.settle_n, frame)
        return []

    def _world_level(self, k) -> bool:
        """Foot k's recent world lifts all under half ``world_lift_cm``, at least one known:
        on the bench a foot down reads 0 cm, SD 0.6-0.7, one raised in front 3.9 cm or more."""
        lifts = [v for v in self._lifts[k] if math.isfinite(v)]
        return bool(lifts) and max(lifts) < 0.5 * self.cfg.world_lift_cm

    def _history(self, k):
        """Foot k's history: frames, t (s), mean and lowest-point heights, world sole (cm),
        the toe's world position and its place in the picture (n, 5) cm, and the heel's
        height above the toe, cm."""
        rows = np.array([(r[0], r[1], r[2 + k], r[4 + k], r[6 + k], *r[8 + 3 * k:11 + 3 * k],
                          *r[16 + 2 * k:18 + 2 * k], r[14 + k]) for r in self._hist])
        return (rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4],
                rows[:, 5:10], rows[:, 10])

    def _edge_low(self, k):
        return max(self.cfg.edge_low * self._noise(k), self.cfg.edge_min_cm)

    def _lift(self, k, side, detected):
        """Foot k's lift detected at frame ``detected``, dated: its events, or none while
        a lift still up waits for its whole rise (due again next frame)."""
        wait = self._deferred[k]
        if wait is not None and wait[0] == detected:
            if self._feet[k].state and self._hist[-1][1] < wait[2]:
                self._due[k] = (self._count + 1, detected)  # its rise not all in yet
                return []
            self._deferred[k] = None
        frames, t, h, low, sole, toe, heel_up = self._history(k)
        at = min(int(np.searchsorted(frames, detected)), len(t) - 1)
        low = edge_dating.lowest_point(low, heel_up, *edge_dating.floor_stretch(
            h, at, self._edge_low(k), self._floor_n))
        if wait is None or wait[0] != detected:
            t0, _ = _first_fit(lambda trace: edge_dating.lift_time(
                t, h, trace, at, self._edge_low(k), self.cfg.edge_high, self._floor_n),
                edge_dating.sole_traces(low, sole, at, self._floor_n))
            stop = edge_dating.floor_end(h, at, self._edge_low(k), self._floor_n)
            if not (self._feet[k].state and stop and self.lift_wait_n and self.rise_dating) \
                    or self._hop(k):  # down again (a short lift), a step that fails a
                # test, a detector told not to wait, or a hop: now, the hinge's date
                return self._lift_events(k, side, detected, frames, t, at, t0)
            wait = (detected, t0, float(t[stop - 1]) + edge_dating.RISE_S)  # due at, s
            if t[-1] < wait[2]:
                self._deferred[k], self._due[k] = wait, (self._count + 1, detected)
                return []
        t0 = wait[1]
        if self._feet[k].state:  # still up, its whole rise in: date it on that
            if edge_dating.forward(low, sole, at, self._floor_n):
                fwd = edge_dating.forward_lift_time(t, h, toe, at, self._edge_low(k),
                                                    self._floor_n)
                if math.isfinite(fwd):
                    t0, self._forward[k] = fwd, True
            else:
                t0 = edge_dating.near_ramp(t0, edge_dating.knee_lift_time(
                    t, h, low, at, self._edge_low(k), self._floor_n))
        return self._lift_events(k, side, detected, frames, t, at, t0)

    def _lift_events(self, k, side, detected, frames, t, at, t0):
        """The lift (and a hop) of foot k dated at ``t0`` s (NaN: at its detection)."""
        i = _index_at(t, t0, at)
        self._lift_frame[k], self._lift_level[k] = int(frames[i]), self._level[k]
        self.limits = self._stance_limits(1 - k)
        lift = Event(float(t[i]), int(frames[i]), FOOT_LIFT, side, {
            "t_est_s": t0 if math.isfinite(t0) else None, "detected_frame": int(detected)})
        if self._hop(k):
            return [lift, Event(lift.t_s, lift.frame, STANCE_FOOT_MOVED, side,
                                {"mode": "hop"})]
        return [lift]

    def _hop(self, k) -> bool:
        """A lift of foot k now is a hop: the other foot is up (its lift confirmed, no
        touchdown pending)."""
        return bool(self._feet[1 - k].state and self._unconfirmed[1 - k] is None
                    and self._pending[1 - k] is None)

    def _touchdown(self, k, side, detected):
        frames, t, h, low, sole, toe, _ = self._history(k)
        at = min(int(np.searchsorted(frames, detected)), len(t) - 1)
        t0 = math.nan
        up = self._lift_frame[k]
        t_up = t[min(int(np.searchsorted(frames, up)), len(t) - 1)] if up is not None else -math.inf
        for back in (round(self.fps), self._back_n):  # the longer only if the last second fails
            t0, trace = _first_fit(lambda trace, back=back: edge_dating.touchdown_time(
                t, h, trace, at, self._edge_low(k), self.cfg.edge_high, back, t_up,
                TD_TOP_SHARE * self._top[k]),
                edge_dating.sole_traces(low, sole, max(0, at - back)))
            if math.isfinite(t0):
                break
        low = trace
        if up is not None and self._level[k] != self._lift_level[k]:
            # Set down out in a wide stance, on another floor: where its lowest point came
            # to rest from its top since the lift, up to the detection (later rows read
            # from the new floor).
            top = min(int(np.searchsorted(frames, up)), at)
            if np.isfinite(low[top:at + 1]).any():
                top += int(np.nanargmax(low[top:at + 1]))
            t0 = edge_dating.rest_time(t[:at + 1], low[:at + 1, None], at, at - top)
        elif self._forward[k]:  # raised in front: the end of the toe's movement, if found
            fwd = edge_dating.rest_time(t, toe, at, round(self.fps))
            t0 = fwd if math.isfinite(fwd) else t0
        elif math.isfinite(t0):  # from a second before the hinge's date: a foot slow
            # jitter kept over the off level is detected up to a second after it landed
            first = int(np.searchsorted(t, t0 - 1.0))
            if up is None or frames[first] > up:  # ... and if all of it was in the air
                t0 = edge_dating.near_ramp(t0, edge_dating.knee_touchdown_time(
                    t, low, at, at - first))
        self._forward[k] = False
        if not t0 > t_up:
            t0 = math.nan  # dated at or before its own lift: no date (a short tap's noise)
        if not math.isfinite(t0):
            t0 = edge_dating.rest_since(t, h, at, max(self.cfg.still_cm, 3 * self._noise(k)),
                                        self.signals.still_n)
        i = _index_at(t, t0, at)
        if up is not None and frames[i] <= up:  # its lift dated after this detection
            i = min(int(np.searchsorted(frames, up, side="right")), len(t) - 1)
        clear = (edge_dating.clearance(low, int(np.searchsorted(frames, up)), i, self._floor_n)
                 if up is not None and frames[0] < up else math.nan)
        self._lift_frame[k] = None
        return Event(float(t[i]), int(frames[i]), TOUCHDOWN, side, {
            "t_est_s": t0 if math.isfinite(t0) else None, "detected_frame": int(detected),
            "height_cm": self._top[k],
            "clearance_cm": clear if math.isfinite(clear) else None})

    # ---------------------------------------------------------------- hands
    def _hands_step(self, tag, ratio):
        if ratio[0] != ratio[0]:  # NaN: wrists or trunk not seen
            return []
        events = []
        for k in (0, 1):
            if self._hands[k] is None:  # the first state comes from the data, no event
                self._hands[k] = self._new_hands(int(ratio[k] > self.cfg.hands_off_ratio))
            first = self._hands[k].update(ratio[k], tag + (ratio[k],))
            if first is not None:
                events.append(self._hands_event(k, first))
        return events

    def _new_hands(self, state: int) -> Hysteresis:
        cfg = self.cfg
        return Hysteresis(cfg.hands_off_ratio, cfg.hands_on_ratio, self._hands_n,
                          self._hands_n, state)

    def _hands_event(self, k: int, first) -> Event:
        """Hand k's event, ``first`` (frame, t, ratio) the first frame of its run."""
        kind = HANDS_OFF_HIPS if self._hands[k].state else HANDS_ON_HIPS
        return Event(first[1], first[0], kind, st.SIDES[k], {"ratio": first[2]})

    # ---------------------------------------------------------------- stance foot
    def _stance_step(self, tag, sig, j):
        if self._stance not in (st.LEFT, st.RIGHT) or self._stance_done:
            return []
        k = 0 if self._stance == st.LEFT else 1
        base, offset = sig.foot[j][k]
        if offset != offset:  # heel or toe not seen
            return []
        if self._stance_lp is None:
            self._stance_lp = CausalLowpass(self.fps, channels=2)
        base, offset = self._stance_lp.push([base, offset]).tolist()
        if len(self._stance_ref) < self.ref_n:  # the foot's place as the stance began
            self._stance_ref.append((base, offset))
            return []
        if self._stance_hyst is None:
            self._stance_hyst = self._new_stance_hyst()
            self._ref = np.median(np.array(self._stance_ref), axis=0).tolist()
            self._ref_sum, self._ref_count = [v * self.ref_n for v in self._ref], self.ref_n
        move = abs(base - self._ref[0]) / self.scale
        pivot = abs(offset - self._ref[1]) / self.scale
        score = max(move / self.limits[0], pivot / self.limits[1])
        if score < self.cfg.stance_ref_gate:
            self._ref_sum[0] += base
            self._ref_sum[1] += offset
            self._ref_count += 1
            self._ref = [self._ref_sum[0] / self._ref_count, self._ref_sum[1] / self._ref_count]
        first = self._stance_hyst.update(score, tag + (move, pivot))
        if first is None:
            return []
        self._stance_done = True  # one event per stance
        return self._stance_event(first)

    def _stance_limits(self, k: int) -> tuple[float, float]:
        """Move and pivot limits, cm, of a stance on foot k: ``stance_move_cm`` and
        ``pivot_cm``, or ``stance_noise`` SDs of the feet's low-passed places while they
        stood (the last 10 s), where wider. A pose model's jitter is correlated over most
        of a second (real footage: lag-1 correlation 0.86-0.98 at 30 fps), and the
        low-pass keeps most of it: at 2 px such jitter ended 8 of 60 bench holds early.
        The SD is read from changes over half a second (MAD), which a re-placed foot's
        step barely moves, of both feet (the same camera's noise, twice the samples);
        at most ``STANCE_CAP`` times the configured ones; with under a second of either
        foot standing, the configured limits. They hold until both feet are down."""
        cfg, lag = self.cfg, max(1, round(0.5 * self.fps))
        parts = []
        for place in (self._place[k], self._place[1 - k]):
            rows = np.array(place, dtype=np.float64).reshape(-1, 2)
            rows = rows[np.isfinite(rows).all(axis=1)]
            if len(rows) < 2 * lag:
                return cfg.stance_move_cm, cfg.pivot_cm
            parts += [CausalLowpass(self.fps, channels=2).extend(rows), np.full((lag, 2), np.nan)]
        x = np.concatenate(parts)  # NaN rows: no change spans the two feet
        sd = np.array([noise_sd(x[:, c], lag) for c in (0, 1)])
        base = np.array([cfg.stance_move_cm, cfg.pivot_cm])
        move, pivot = np.clip(cfg.stance_noise * sd / self.scale, base, STANCE_CAP * base)
        return float(move), float(pivot)

    def _new_stance_hyst(self) -> Hysteresis:
        # A run of jitter is not a move: correlated over most of a second, 2 px of it
        # held the toe-heel offset over the pivot limit for 0.6 s in 2 of 60 bench holds
        # at 15 fps. The end is dated where the run began, so the wait costs no accuracy.
        n = max(self.min_n, round(STANCE_RUN_S * self.fps))
        return Hysteresis(1.0, 0.7, n, n)

    def _stance_event(self, first) -> list[Event]:
        """The stance foot's event, ``first`` (frame, t, move, pivot) its run's start; or
        none, when the limits read again from the feet's places now, the hold's frames
        of the stance foot included, are wider than the run. A real move is one step in
        those places, which the MAD of their changes ignores; 2-3 s of standing before a
        lift are too few to tell jitter correlated over 0.65 s, and pivot limits read
        from them at 4.0-4.2 cm let it end 4 of 520 slow-jitter bench holds early."""
        k = 0 if self._stance == st.LEFT else 1
        wider = np.maximum(self._stance_limits(k), self.limits)
        if first[2] < wider[0] and first[3] < wider[1]:
            self.limits = (float(wider[0]), float(wider[1]))
            self._stance_done, self._stance_hyst.state, self._stance_hyst.run = False, 0, 0
            return []
        return [Event(first[1], first[0], STANCE_FOOT_MOVED, st.SIDES[k], {
            "mode": "pivot" if first[3] >= self.limits[1] else "shift",
            "displacement_cm": float(first[2]), "pivot_cm": float(first[3]),
            "limits_cm": list(self.limits)})]

    # ---------------------------------------------------------------- balance
    def _balance_step(self, tag, row):
        com_x, left, right, speed = row
        if com_x != com_x:  # CoM or feet not known on this frame
            return []
        lo, hi = ((left, left) if self._stance == st.LEFT else
                  (right, right) if self._stance == st.RIGHT else
                  (min(left, right), max(left, right)))
        half = self.cfg.bos_half_width_cm
        excursion = max(lo - half - com_x, com_x - hi - half)
        score = max(excursion / self.cfg.lob_margin_cm, speed / self.cfg.lob_speed_cm_s)
        first = self._lob.update(score, tag + (excursion, speed))
        if first is None or self._lob.state == 0 or self._lob_done:
            return []
        self._lob_done = True  # once per stance
        return [self._lob_event(first)]

    def _lob_event(self, first) -> Event:
        """Loss of balance, ``first`` (frame, t, excursion, speed) its run's start."""
        return Event(first[1], first[0], LOSS_OF_BALANCE, None, {
            "reason": "outside" if first[2] >= self.cfg.lob_margin_cm else "speed",
            "excursion_cm": float(max(first[2], 0.0)), "speed_cm_s": float(first[3])})


def _frame_array(x, what: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.shape != (N_LANDMARKS, 4):
        raise InputError(f"{what} must have shape (33, 4), got {arr.shape}")
    return arr


def _first_fit(fit, traces) -> tuple[float, np.ndarray]:
    """(time, trace) of the first of ``traces`` that ``fit`` dates (finite); NaN and
    the first trace when none does."""
    for trace in traces:
        t0 = fit(trace)
        if math.isfinite(t0):
            return t0, trace
    return math.nan, traces[0]


def _index_at(t: np.ndarray, t0: float, fallback: int) -> int:
    """Index of the first time >= t0 (at most the last), or ``fallback`` if t0 is NaN."""
    if not math.isfinite(t0):
        return fallback
    return min(int(np.searchsorted(t, t0 - 1e-9 * max(1.0, abs(t0)))), len(t) - 1)
