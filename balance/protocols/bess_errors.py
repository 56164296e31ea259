"""The BESS error rules for one running trial: what counts as an error and when.

`ErrorWatch` checks each frame (feet in place, hands on hips, hip angle, a step) and the
core's events, and settles the errors in time order with the BESS rules: errors close
together count once, a trial caps at ``MAX_ERRORS``, a stance not held ``MIN_HOLD_S``
scores the cap. The test around it (which stance, when a trial starts) is `bess.BESS`.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from balance.clinical import norms
from balance.core import events as ev
from balance.events import Event
from balance.pose.landmarks import INDEX
from balance.protocols import feet
from balance.protocols.base import Frame
from balance.protocols.tracking import BodyTracker

SETTLE_S = 0.5            # a stance seen this long starts its trial (clock back-dated)
BROKEN_S = 0.4            # a placement lost (or regained) this long has changed
SIMULTANEOUS_S = 1.0      # errors closer than this to the last counted one count once
SETTLE_ERRORS_S = 2.0     # how far behind the newest frame errors are settled, s
MAX_ERRORS = norms.BESS_MAX_ERRORS
OUT_OF_POSITION_S = 5.0
MIN_HOLD_S = 5.0          # a stance never held this long in a row scores MAX_ERRORS
HIP_ANGLE_DEG = 30.0      # thigh-trunk angle over this = hip flexion or abduction error
HIP_RESET_DEG = 25.0      # and back under this before another one can count
HIP_MIN_S = 0.3
STEP_CM = 4.0             # a planted foot this far from its place has stepped (core's value)
STEP_MIN_S = 0.15
REF_S = 0.5               # a planted foot's place: its median position over this long
TOGETHER_GAP = 1.5        # feet together: ankle centres at most this many foot widths apart
HANDS_OFF_RATIO = 0.40    # wrist-hip distance / trunk length: the core's hands-off line

DOUBLE, SINGLE, TANDEM = "double_leg", "single_leg", "tandem"
STANCE_ORDER = (DOUBLE, SINGLE, TANDEM)
FIRM, FOAM = "firm", "foam"


OTHER = {"left": "right", "right": "left"}


@dataclass
class PendingError:
    """An error seen but not yet settled: time (s), kind, and what raised it."""

    t_s: float
    kind: str
    detail: str


class Debounce:
    """A boolean that changes only after the new value has held ``hold_s``; the change is
    dated back to the first frame of the new value."""

    def __init__(self, hold_s: float, value: bool = True):
        self.hold_s, self.value = hold_s, value
        self._since: float | None = None

    def update(self, t_s: float, raw: bool) -> float | None:
        """Feed one frame; return the (back-dated) time of a change, or None."""
        if raw == self.value:
            self._since = None
            return None
        self._since = t_s if self._since is None else self._since
        if t_s - self._since >= self.hold_s:
            self.value = raw
            t0, self._since = self._since, None
            return t0
        return None


class Seen:
    """When a stance has been seen for ``SETTLE_S``: single frames out of it (landmark
    noise flickers the placement) do not reset the wait; ``BROKEN_S`` out of it does."""

    def __init__(self):
        self.since: float | None = None
        self._off: float | None = None

    def update(self, t_s: float, ok: bool) -> float | None:
        """Feed one frame; the (back-dated) start time once seen long enough, else None."""
        if not ok:
            self._off = t_s if self._off is None else self._off
            if t_s - self._off >= BROKEN_S:
                self.since = None
            return None
        self._off = None
        self.since = t_s if self.since is None else self.since
        return self.since if t_s - self.since >= SETTLE_S else None

    def reset(self) -> None:
        self.since = self._off = None


def hip_angle_deg(image: np.ndarray, world: np.ndarray, image_size) -> float:
    """The larger of the two thigh-trunk angles, degrees (0 standing straight).

    Each angle is between a thigh (hip -> knee) and the trunk pointing down (mid-shoulder
    -> mid-hip): it grows with hip flexion, abduction, and the trunk bending at the hips.
    MediaPipe's world landmarks (metres, about the mid-hip) give it in 3-D. When they are
    missing, or are not world landmarks at all (a landmark CSV carries only image
    coordinates, so its mid-hip is not near the origin), a 2-D approximation in image
    pixels is used: it sees abduction but not flexion towards the camera.
    """
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    needed = hips + [INDEX[f"{s}_{p}"] for s in OTHER for p in ("knee", "shoulder")]
    pts = world[:, :3].astype(float)
    if not (np.isfinite(pts[needed]).all()
            and np.abs(pts[hips].mean(axis=0)[:2]).max() < 0.05):
        pts = np.column_stack([image[:, 0] * image_size[0], image[:, 1] * image_size[1],
                               np.zeros(len(image))])
    mid_sh = pts[[INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(axis=0)
    mid_hip = pts[hips].mean(axis=0)
    down = mid_hip - mid_sh
    angles = []
    for side in ("left", "right"):
        thigh = pts[INDEX[f"{side}_knee"]] - pts[INDEX[f"{side}_hip"]]
        c = np.dot(thigh, down) / (np.linalg.norm(thigh) * np.linalg.norm(down))
        angles.append(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))
    return float(np.nanmax(angles)) if np.isfinite(angles).any() else float("nan")


def hands_on_hips(image: np.ndarray, image_size) -> bool:
    """Both wrists within ``HANDS_OFF_RATIO`` trunk lengths of their hips (image plane)."""
    xy = image[:, :2] * np.asarray(image_size, float)
    trunk = np.linalg.norm(xy[[INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(0)
                           - xy[[INDEX["left_hip"], INDEX["right_hip"]]].mean(0))
    d = [np.linalg.norm(xy[INDEX[f"{s}_wrist"]] - xy[INDEX[f"{s}_hip"]]) for s in OTHER]
    return bool(trunk > 0 and max(d) / trunk < HANDS_OFF_RATIO)


class FootPlace:
    """Whether the planted feet stay where they stood: a foot moving ``STEP_CM`` (image
    plane, cm) from its median place for ``STEP_MIN_S`` has stepped. After a step the place
    is learned again once the feet are level (set down) for ``REF_S``."""

    def __init__(self, body: BodyTracker, planted: tuple[str, ...], fps: float):
        self.body, self.planted = body, planted
        self._n = max(3, int(round(REF_S * fps)))
        self._learn: list[np.ndarray] = []
        self._ref: np.ndarray | None = None
        self._recent = deque(maxlen=max(3, int(round(0.1 * fps))))
        self._moved = Debounce(STEP_MIN_S, False)

    def update(self, frame: Frame, level: bool) -> float | None:
        """Feed one frame (``level``: no planted foot raised); the time of a step or None."""
        pos = np.array([self.body.foot_cm(frame.image, s) for s in self.planted])
        if not np.isfinite(pos).all():
            return None
        if self._ref is None:
            self._learn = self._learn + [pos] if level else []
            if len(self._learn) >= self._n:
                self._ref = np.median(np.array(self._learn), axis=0)
                self._recent.clear()
            return None
        self._recent.append(pos)
        now = np.median(np.array(self._recent), axis=0)
        far = bool(np.linalg.norm(now - self._ref, axis=1).max() > STEP_CM)
        t0 = self._moved.update(frame.t_s, far)
        if t0 is not None and self._moved.value:
            self._ref, self._learn = None, []
            self._moved.value = False
            return t0
        return None


class ErrorWatch:
    """The error bookkeeping of one running trial: per-frame checks, core events, the
    settling of errors in time order."""

    def __init__(self, bess, stance: str, start_t: float):  # bess: the running `bess.BESS`
        self.p, self.stance, self.start_t = bess, stance, start_t
        self.trial = bess.current
        self.pending: list[PendingError] = []
        self.errors = self.trial.errors
        self.count = 0
        self._last_counted = -np.inf
        self._feet = Debounce(BROKEN_S)
        self._position = Debounce(BROKEN_S)
        self._hip = Debounce(HIP_MIN_S, False)
        self._hip_recent = deque(maxlen=max(3, int(round(0.15 * bess.fps)) | 1))
        self._place = FootPlace(bess.body, bess.planted(stance), bess.fps)
        self._out_since: float | None = None
        self._out_counted = False
        self._runs: list[list[float]] = [[start_t, None]]  # stretches with the feet in stance
        self._last_index = -1

    def add(self, t_s: float, kind: str, detail: str) -> None:
        self.pending.append(PendingError(t_s, kind, detail))

    def events(self, found) -> None:
        """Errors among the core's new events."""
        raised = self.p.dominant if self.stance == SINGLE else None
        for e in found:
            if e.frame < self.trial.start_frame:
                continue
            if e.kind == ev.HANDS_OFF_HIPS:
                self.add(e.t_s, "hands_off_hips", f"{e.side} hand")
            elif e.kind in (ev.STANCE_FOOT_MOVED, ev.LOSS_OF_BALANCE):
                self.add(e.t_s, "step", e.kind)
            elif e.kind == ev.TOUCHDOWN and e.side == raised:
                self.add(e.t_s, "step", "raised foot touched down")
            elif e.kind == ev.FOOT_LIFT and e.side != raised:
                self.add(e.t_s, "forefoot_heel_lift", f"{e.side} foot lifted")

    def frame(self, f: Frame) -> None:
        """Per-frame checks: placement, position, planted feet, hip angle; CoM sample."""
        if f.index <= self._last_index:
            return
        self._last_index = f.index
        p = self.p
        h, v = p.body.com_cm(f)
        p.body.sample(self.trial, f, h, v)
        feet_in = p.feet_ok(f, self.stance)
        t0 = self._feet.update(f.t_s, feet_in)
        if t0 is not None:
            if self._feet.value:
                self._runs.append([t0, None])
            else:
                self._runs[-1][1] = t0
                self.add(t0, "step", "left the stance placement")
        self._check_position(f, feet_in)
        level = feet.raised_foot(f.image) in (None, p.dominant if self.stance == SINGLE else None)
        moved = self._place.update(f, level)
        if moved is not None and self._feet.value:  # out of the placement: a return step
            self.add(moved, "step", "planted foot moved")
        self._check_hip(f)

    def _check_position(self, f: Frame, feet_in: bool) -> None:
        inside = feet_in and hands_on_hips(f.image, self.p.image_size)
        t0 = self._position.update(f.t_s, inside)
        if t0 is not None:
            self._out_since = None if self._position.value else t0
            self._out_counted = False
        if (self._out_since is not None and not self._out_counted
                and f.t_s - self._out_since >= OUT_OF_POSITION_S):
            self.add(self._out_since + OUT_OF_POSITION_S, "out_of_position",
                     f"out of position over {OUT_OF_POSITION_S:g} s")
            self._out_counted = True

    def _check_hip(self, f: Frame) -> None:
        self._hip_recent.append(hip_angle_deg(f.image, f.world, self.p.image_size))
        angle = float(np.nanmedian(np.array(self._hip_recent)))  # robust to depth noise
        line = HIP_RESET_DEG if self._hip.value else HIP_ANGLE_DEG
        t0 = self._hip.update(f.t_s, bool(angle > line))
        if t0 is not None and self._hip.value:
            self.add(t0, "hip_flexion_abduction", f"thigh-trunk angle {angle:.0f} deg")

    def settle(self, until_t: float) -> list[Event]:
        """Count the pending errors up to ``until_t`` in time order; their events."""
        out = []
        end = self.trial.end_t if self.trial.end_t is not None else np.inf
        ready = sorted((e for e in self.pending if e.t_s <= until_t), key=lambda e: e.t_s)
        self.pending = [e for e in self.pending if e.t_s > until_t]
        for e in ready:
            if not self.trial.start_t <= e.t_s <= end:
                continue
            if e.t_s - self._last_counted < SIMULTANEOUS_S and self.errors:
                self.errors[-1]["also"].append({"t_s": round(e.t_s, 3), "kind": e.kind,
                                                "detail": e.detail})
                continue
            self._last_counted = e.t_s
            self.count += 1
            counted = self.count <= MAX_ERRORS
            record = {"t_s": round(e.t_s, 3), "kind": e.kind, "detail": e.detail,
                      "counted": counted, "also": []}
            self.errors.append(record)
            out.append(Event(e.t_s, "bess_error", {"trial": self.trial.number, **record}))
        return out

    def summary(self, end_t: float) -> dict:
        """The trial's error score and the stance-holding numbers, for its result."""
        if self._runs[-1][1] is None:
            self._runs[-1][1] = end_t
        longest = max((min(b, end_t) - a for a, b in self._runs if a < end_t), default=0.0)
        unable = longest < MIN_HOLD_S
        score = MAX_ERRORS if unable else min(self.count, MAX_ERRORS)
        return {"error_score": score, "error_count": self.count,
                "longest_hold_s": round(max(longest, 0.0), 3),
                "unable_to_hold": unable, "capped": self.count > MAX_ERRORS}
