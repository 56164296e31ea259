"""The per-frame body picture every protocol shares: view, scale, events, centre of mass.

Events come from the core's ``LiveEventDetector``, one frame at a time. It back-dates
each event to the frame it happened on, so a lift heard of up to a second late still
starts the timer on the right frame; and since it only ever looks backwards, a recorded
session scores exactly as the live stream did.
"""

from collections import deque

import numpy as np

from balance.core import camera_view
from balance.core import com as com_mod
from balance.core import depth
from balance.core import events as ev
from balance.core.live_events import LIFT_WAIT_S, LiveEventDetector
from balance.errors import InputError
from balance.protocols.base import Frame
from balance.protocols.view import GOOD, ViewCheck

DEFAULT_HEIGHT_CM = 170.0
SCALE_FRAMES = 15      # upright frames that fix the image scale
REPLAY_S = 3.0         # frames kept to restart the detector from a recent epoch
AHEAD_FRAMES = 900     # a recording's frames the detector runs ahead of the protocol
# A step fails a test from its first frame: no wait, or a slower per-frame rule (the
# feet leaving their placement, a heel lifted) ends the test first, later and for
# another reason.
STEP_LIFT_WAIT_S = 0.0


class BodyTracker:
    """Feeds frames to the view check and the event detector; reports new events once.

    Parameters
    ----------
    image_size : (width, height) in pixels.
    fps : nominal frame rate, Hz.
    height_cm : the person's height for the cm scale; None assumes 170 cm (and says so
        in ``scale_note``).
    events : False skips the event detector (a protocol that needs none saves its time).
    lift_wait_s : the detector's wait before it dates a lift (``live_events.LIFT_WAIT_S``:
        a hold starts at toe-off, which it waits for, and a lift held up is dated again
        once its whole rise is in); a test a step fails wants the lift at once
        (``STEP_LIFT_WAIT_S``).
    rise_dating : False: a lift held up is dated ``lift_wait_s`` after it is sure, on the
        hinge fits, not up to a second later on its whole rise (BESS: its errors need no
        finer date, and a trial's last second would otherwise be heard of after its end).
    """

    def __init__(self, image_size, fps: float, height_cm: float | None = None, *,
                 events: bool = True, lift_wait_s: float = LIFT_WAIT_S,
                 rise_dating: bool = True):
        self.events, self.lift_wait_s = events, float(lift_wait_s)
        self.rise_dating = rise_dating
        self.image_size = tuple(image_size)
        self.fps = float(fps)
        self.height_cm = height_cm or DEFAULT_HEIGHT_CM
        self.scale_note = ("scaled by the person's height" if height_cm else
                           f"scaled by an assumed height of {DEFAULT_HEIGHT_CM:g} cm")
        self.view = ViewCheck()
        self.view_state = GOOD
        self.px_per_cm: float | None = None
        self.world_cm: float | None = None   # cm per world metre (None: no world landmarks)
        self.last_index = -1
        self._upright = []
        self._recent = deque(maxlen=int(REPLAY_S * self.fps) + 1)  # (Frame, view good)
        self._detector: LiveEventDetector | None = None
        self._epoch = 0
        self._seen: list[ev.Event] = []
        self._ahead = None  # (t, image, world) of a recording: see lookahead
        self._fed = 0  # with them: the next frame index the detector has not seen
        self._due: deque = deque()  # (frame it became certain on, event), detected ahead
        # (frame, camera_view.frame_views row) of the last frames, live: a trial takes the
        # row of each frame it samples (``sample``), so none is kept for the whole session.
        # Twice the protocols' back-fill (3 s of frames a trial start may sample late).
        self._views: deque = deque(maxlen=2 * self._recent.maxlen)

    def lookahead(self, t, image, world) -> None:
        """The frames this stream will bring, by frame index (a recording replayed):
        ``t`` (n,) s, ``image`` and ``world`` (n, 33, 4). The detector then runs over
        blocks of them ahead of the protocol, in its fast block mode, and each event is
        still reported on the frame it became certain on: the protocol sees exactly what
        it saw one frame at a time (the detector only looks backwards)."""
        self._ahead = (np.asarray(t, dtype=np.float64), image, world)
        # The per-frame geometry too, for the whole recording at once (row by row the
        # same arithmetic as one frame's): CoM pixels, and its depth in world metres.
        self._com_px = com_mod.com_pixels(image, self.image_size)[0]
        self._depth_m = depth.com_depth(world)
        self._view_rows = np.stack(camera_view.frame_views(image, world, self.image_size), axis=1)

    def push(self, frame: Frame) -> list[ev.Event]:
        """Add a frame; return the events first found on it (frame indices are global)."""
        self.view_state = self.view.update(frame.t_s, frame.image, frame.detected)
        self.last_index = frame.index
        if self._ahead is None:
            row = camera_view.frame_views(frame.image[None], _world_block(frame), self.image_size)
            self._views.append((frame.index, tuple(float(x[0]) for x in row)))
        self._recent.append((frame, self.view_state == GOOD))
        if self.px_per_cm is None and self.view_state == GOOD:
            self._learn_scale(frame)
        if not self.events or self.px_per_cm is None:
            return []
        if self._detector is None:
            return self._restart()
        if self._ahead is not None:
            return self._new(self._certain_by(frame.index))
        return self._new(self._detector.push(frame.index, frame.t_s, frame.image,
                                             _world(frame)))

    def bad_views(self, since_s: float) -> list[tuple[float, float]]:
        """The runs of bad view (``view_state`` not good) of the last few seconds that
        end after ``since_s``: (first bad frame, first good one after it) s, inf for one
        that lasts."""
        runs, start = [], None
        for f, good in self._recent:
            if not good and start is None:
                start = f.t_s
            elif good and start is not None:
                if f.t_s > since_s:
                    runs.append((start, f.t_s))
                start = None
        return runs + ([(start, float("inf"))] if start is not None else [])

    def seen_frames(self) -> list[Frame]:
        """The frames of the last ``REPLAY_S`` with a good view, oldest first: what a trial
        heard of late samples back to its start."""
        return [f for f, good in self._recent if good]

    def set_epoch(self, index: int) -> None:
        """Restart the detector from frame ``index`` (within the last few seconds): the
        feet have been placed anew, so its floor calibration starts again there."""
        self._epoch = index
        self._detector = None

    def flush(self) -> list[ev.Event]:
        """Nothing is held back: events are reported as soon as they are certain. (A
        lift still up when the stream ends, under ``edge_dating.RISE_S`` from heel-off,
        never is: its date waits for its whole rise.)"""
        return []

    def _restart(self) -> list[ev.Event]:
        self._detector = LiveEventDetector(self.fps, self.image_size, px_per_cm=self.px_per_cm,
                                           lift_wait_s=self.lift_wait_s,
                                           rise_dating=self.rise_dating)
        frames = [f for f, _ in self._recent if f.index >= self._epoch]
        if self._ahead is not None:  # the same frames, as a block, and on from there
            self._due.clear()
            self._fed = frames[0].index if frames else self.last_index + 1
            return self._new(self._certain_by(self.last_index))
        found = []
        for f in frames:
            found += self._detector.push(f.index, f.t_s, f.image, _world(f))
        return self._new(found)

    def _certain_by(self, index: int) -> list[ev.Event]:
        """The events of the recording's frames that became certain by frame ``index``."""
        t, image, world = self._ahead
        while self._fed <= index and self._fed < len(t):
            a, b = self._fed, min(self._fed + AHEAD_FRAMES, len(t))
            emitted = []
            found = self._detector.extend(range(a, b), t[a:b], image[a:b], world[a:b],
                                          emitted=emitted)
            self._due.extend(zip(emitted, found))
            self._fed = b
        out = []
        while self._due and self._due[0][0] <= index:
            out.append(self._due.popleft()[1])
        return out

    def _learn_scale(self, frame: Frame) -> None:
        self._upright.append(frame)
        if len(self._upright) >= SCALE_FRAMES:
            try:
                self.px_per_cm = com_mod.px_per_cm_from_height(
                    np.array([f.image for f in self._upright]), self.image_size,
                    self.height_cm)
            except InputError:
                self._upright.clear()
                return
            self.world_cm = self._world_scale()

    def _world_scale(self) -> float | None:
        worlds = [w for w in map(_world, self._upright) if w is not None]
        try:
            return depth.world_scale(np.array(worlds), self.height_cm) if worlds else None
        except InputError:
            return None

    def _new(self, found: list[ev.Event]) -> list[ev.Event]:
        new = [e for e in found if not self._known(e)]
        self._seen += new
        return new

    def _known(self, e: ev.Event) -> bool:
        """The same event reported before (a restarted detector may find it again)."""
        tol = max(2, int(0.1 * self.fps))
        return any(s.kind == e.kind and s.side == e.side and abs(s.frame - e.frame) <= tol
                   for s in self._seen[-50:])

    def com_cm(self, frame: Frame) -> tuple[float, float]:
        """This frame's CoM (horizontal, vertical) in cm from the image origin, or NaN."""
        if self.px_per_cm is None:
            return float("nan"), float("nan")
        if self._ahead is not None:
            x, y = self._com_px[frame.index].tolist()
        else:
            x, y = com_mod.com_pixels(frame.image[None], self.image_size)[0][0].tolist()
        return x / self.px_per_cm, -y / self.px_per_cm

    def sample(self, trial, frame: Frame, h_cm: float, v_cm: float) -> None:
        """Add ``frame`` (the one just pushed) to ``trial``: its CoM sample (``h_cm``,
        ``v_cm`` as the protocol measures them), depth estimate and camera-view row."""
        trial.add_sample(frame.index, h_cm, v_cm, self.ap_cm(frame), self.view_row(frame.index))

    def view_row(self, index: int) -> tuple[float, float, float]:
        """Frame ``index``'s (yaw, off-axis, hip width) row (``camera_view.frame_views``):
        any frame of a recording, one of the last few frames live; NaN otherwise."""
        if self._ahead is not None:
            return tuple(self._view_rows[index].tolist())
        for i, row in reversed(self._views):
            if i == index:
                return row
        return (np.nan,) * 3

    def camera_view(self, trial) -> camera_view.CameraView | None:
        """The camera's view (yaw, off-centre) over a trial's sampled frames; None when
        none of them shows the hips."""
        if not trial.views:
            return None
        rows = np.array(trial.views, dtype=np.float64)
        return camera_view.summarise(rows[:, 0], rows[:, 1], rows[:, 2], self.px_per_cm)

    def ap_cm(self, frame: Frame) -> float:
        """The CoM's estimated lean ahead of the planted feet in cm (``core.depth``),
        NaN without world landmarks (a landmark CSV) or before the scale is known."""
        if self.world_cm is None:
            return float("nan")
        m = self._depth_m[frame.index] if self._ahead is not None else depth.com_depth(frame.world)[0]
        return float(m * self.world_cm)

    def foot_cm(self, image: np.ndarray, side: str) -> tuple[float, float]:
        """A foot's mean (horizontal, vertical) position in cm, as ``com_cm``."""
        if self.px_per_cm is None:
            return float("nan"), float("nan")
        xy, vis = com_mod.landmarks(image[None], self.image_size)
        base = com_mod.foot_base(xy, com_mod.usable_mask(vis), side)[0]
        return float(base[0] / self.px_per_cm), float(-base[1] / self.px_per_cm)


def _world_block(frame: Frame):
    """``_world`` as a one-frame block, for the per-frame geometry."""
    world = _world(frame)
    return None if world is None else world[None]


def _world(frame: Frame):
    """The frame's world landmarks, or None when it has none (a landmark CSV): the
    detector then judges lifts from the image alone."""
    return frame.world if np.isfinite(frame.world[:, :3]).any() else None
