"""Sit-to-stand reps and the 30-second chair stand test, counted by the camera.

The signal is the hip's height above the knees in shank lengths, absolute (not from a
resting level): seated, the thighs point at the camera and the hips sit at knee height.
``StandCycle`` is the one detector of every chair protocol (these two and ``five_sts``).
A stand counts when full standing is reached after being seen seated, as the chair stand
test counts; with ``hands="crossed"`` a stand with the hands down on the thighs or the
chair, anywhere from the seat up, is not counted.
"""

import numpy as np

from balance.clinical import norms
from balance.pose.landmarks import INDEX
from balance.protocols.reps import Exercise, RepCounter, xy
from balance.protocols.results import ChairStandSummary

# Sit-to-stand: hip height above the knee (about 1 shank standing, ~0.2 seated).
STAND = Exercise("sit-to-stand", "Sit to stand",
                 "Arms crossed, stand up fully from the chair, then sit down again.",
                 up=0.8, down=0.45, relative=False)

# Seated ~0.2, standing ~1.05 shank lengths of hip above knee: half-way up is ~0.6.
HALF_WAY = 0.6
# The person's own half-way down stays this far under the standing line, so that a
# spike in the standing peak cannot put it where sway while standing reads as a dip.
DIP_MARGIN = 0.1
HANDS_DOWN = 0.7        # wrists this far from shoulders to hips = hands on thighs/chair


_ARM_POINTS = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("shoulder", "hip", "wrist")]


def _hands_down(points: np.ndarray) -> bool:
    """Either wrist more than ``HANDS_DOWN`` of the way from its shoulder to its hip, along
    the shoulder-hip line (``points``: (33, 2) pixels or (33, 3) metres)."""
    for side in ("left", "right"):
        sh, hip, wrist = (points[INDEX[f"{side}_{p}"]] for p in ("shoulder", "hip", "wrist"))
        axis = hip - sh
        if float((wrist - sh) @ axis) / max(float(axis @ axis), 1e-12) > HANDS_DOWN:
            return True
    return False


# What ``StandCycle.update`` saw on a frame.
SEATED, STOOD, RESTOOD, SANK = "seated", "stood", "restood", "sank"


class StandCycle:
    """The one sit-to-stand detector (every chair protocol uses it), on the hip-over-knee
    level in shank lengths: seated below ``STAND.down``, standing above ``STAND.up``.

    ``update`` says what a frame did: SEATED (the seat reached: the first time, or back
    from standing), STOOD (standing reached from the seat), RESTOOD (standing again after
    sinking half-way down without reaching the seat), SANK (back on the seat from a rise
    past ``HALF_WAY`` that never reached standing), else None. ``peak`` is the highest
    level since the last rise began (standing reached, or a rise from the seat).

    Half-way down is the person's own: half-way from the lowest level of the last seated
    stretch to ``peak``. The fixed ``HALF_WAY`` missed returns that stopped 12 cm above
    the seat (a "no seat" stand) when the person sat at 0.28 and stood at 1.08: such a
    hover sits at 0.61, above it, and looked like standing. ``own_half_way=False`` keeps
    the fixed one, for a protocol whose person walks (TUG): walking at an angle to the
    camera, the level can swing below the person's own half-way and back over standing.
    """

    def __init__(self, own_half_way: bool = True):
        self.own_half_way = own_half_way
        self.reset()

    def reset(self) -> None:
        """Forget the position: the seat must be seen again."""
        self.seated = self.standing = self.dipped = self.rising = False
        self.peak = float("-inf")
        self.seat = float("inf")  # the lowest level of the last seated stretch

    def update(self, x: float) -> str | None:
        if x < STAND.down and not self.seated:
            self.seated, self.standing, self.dipped, self.rising = True, False, False, False
            self.seat = x
            return SEATED
        if self.seated:
            self.seat = min(self.seat, x)
            return self._from_seat(x)
        if not self.standing:
            return None
        if x < self._half_way_down():
            self.dipped = True
        elif self.dipped and x > STAND.up:
            self.dipped, self.peak = False, x
            return RESTOOD
        elif not self.dipped:
            self.peak = max(self.peak, x)
        return None

    def _half_way_down(self) -> float:
        if not self.own_half_way:
            return HALF_WAY
        return min((self.seat + self.peak) / 2, STAND.up - DIP_MARGIN)

    def _from_seat(self, x: float) -> str | None:
        if x > STAND.up:
            self.peak = max(self.peak, x) if self.rising else x
            self.seated, self.standing, self.rising = False, True, False
            return STOOD
        if x > HALF_WAY:
            self.peak = max(self.peak, x) if self.rising else x
            self.rising = True
        elif x < STAND.down and self.rising:
            self.rising = False
            return SANK
        return None


class SitToStand(RepCounter):
    """Stands from a chair: each counts on reaching full standing after being seen
    seated (as the chair stand test counts), and the next needs the seat again."""

    name, title, exercise = "sit-to-stand", "Sit to stand", STAND

    def __init__(self, profile, *, image_size, fps, **kw):
        super().__init__(profile, image_size=image_size, fps=fps, **kw)
        self.cycle = StandCycle()
        self._rise_flags: set[str] = set()

    def signals(self, image):
        return np.array([(xy(image, f"{s}_knee")[1] - xy(image, f"{s}_hip")[1]) * self.h
                         for s in ("left", "right")])

    def form(self, image, world=None):
        if self.hands != "crossed":
            return set()
        # Along the trunk in 3-D when the pose model gave it: from a camera above, a trunk
        # leaning towards it is foreshortened and crossed arms look low in the picture.
        if world is not None and np.isfinite(world[_ARM_POINTS, :3]).all():
            return {"hands"} if _hands_down(world[:, :3]) else set()
        return {"hands"} if _hands_down(image[:, :2] * (self.w, self.h)) else set()

    def _level(self, frame) -> tuple[float, str | None]:
        """The frame's level and what the cycle made of it; hands are checked from the
        seat up to standing (faults count from the seat up)."""
        x = float(self._smoothed(frame.image).mean())
        self._last_value = x
        what = self.cycle.update(x)
        if what in (SEATED, SANK):
            self._rise_flags = set()
        if self.cycle.seated or what == STOOD:
            self._rise_flags |= self.form(frame.image, frame.world)
        return x, what

    def _step(self, frame, out) -> None:
        x, what = self._level(frame)
        if what == STOOD:
            self._flags, self._peak = self._rise_flags, np.array([x, x])
            self._finish_rep(frame, out)

    def _instruction(self) -> str:
        if self.hands == "crossed":
            return self.exercise.instruction
        return "Stand up fully from the chair, pushing with your hands if you need to."

    def _drop_partial(self) -> None:
        super()._drop_partial()
        self.cycle.reset()
        self._rise_flags = set()  # must be seen seated again

    def half_way(self) -> bool:
        """Rising and past half-way between seated and standing (the test's last stand)."""
        return self.cycle.seated and self._last_value > HALF_WAY and not self._rise_flags


class ChairStand30(SitToStand):
    """30-second chair stand (Rikli & Jones 1999; CDC STEADI): arms crossed, as many full
    stands as possible in 30 s from the start; a stand more than half-way up when the
    time ends counts. Compared with the age and sex norms in ``norms``."""

    name, title = "chair-stand-30", "30-second chair stand"

    def __init__(self, profile, *, image_size, fps):
        super().__init__(profile, image_size=image_size, fps=fps,
                         duration_s=norms.CHAIR_STAND_S, hands="crossed")
        self._half = False

    def _end(self, t_s, reason, out) -> None:
        self._half = reason == "time" and self.half_way()
        super()._end(t_s, reason, out)

    def _summary(self) -> ChairStandSummary:
        reps = super()._summary()
        stands = len(self.good) + int(self._half)
        # keyed like the other tests' norms (by side there): ``reference_s`` holds stands
        compared = {"stands": [c.to_dict() for c in norms.compare_chair_stand(
            stands, age=self.profile.age, sex=self.profile.sex)]}
        return ChairStandSummary(reps=reps.reps, bad_reps=reps.bad_reps,
                                 target_reps=reps.target_reps, duration_s=reps.duration_s,
                                 hands=reps.hands, stands=stands, norms=compared)
