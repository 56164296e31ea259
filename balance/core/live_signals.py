"""The signals the event detector's rules read, frame by frame, from landmarks.

``Signals.extend`` turns a block of frames into a few numbers per frame: each foot's
offset from its calibrated floor (raw and causally low-passed), its height above the
other foot in the world, the hands' wrist-to-hip ratios, the feet's positions and the
CoM's, all filtered causally. It is vectorised over the block and its filters carry
their state from one block to the next, so one frame at a time and a whole recording at
once give the same numbers. ``live_events.LiveEventDetector`` runs its rules on them.
"""

from dataclasses import dataclass

import numpy as np

from balance.core import com as com_mod, stance as st
from balance.core.events import EventConfig, noise_sd
from balance.core.filters import CausalLowpass
from balance.pose.landmarks import INDEX

_FOOT_IDX = [list(com_mod.FOOT_POINTS[s]) for s in st.SIDES]
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]
_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]
_WRISTS = [INDEX["left_wrist"], INDEX["right_wrist"]]
_HEELS = [INDEX["left_heel"], INDEX["right_heel"]]
_TOES = [INDEX["left_foot_index"], INDEX["right_foot_index"]]


_ROWS = ("u", "u_smooth", "low", "heel_up", "still", "lift", "apart", "hands", "foot",
         "balance")


@dataclass
class Block:
    """A block's signals, one row per frame (NaN unknown): ndarrays, or lists of rows of
    floats after ``as_lists``.

    Attributes
    ----------
    start : index of the block's first frame after the floor calibration; rows before
        it are NaN.
    u, u_smooth : (left, right) foot offset from its calibrated floor, px, down positive:
        raw and low-passed.
    low : (left, right) offset of the foot's lowest point (heel or toe, whichever is
        lower), px, down positive: the sole's last point on the floor at toe-off and its
        first at contact, which the edge dating reads.
    heel_up : (left, right) heel height above the toe, each from its calibrated floor,
        px: which of the two ``low`` is, so that the edge dating can set each one's floor
        again (``edge_dating.lowest_point``); NaN where either is not seen.
    still : (left, right) median of ``u`` over the last ``still_s`` where the foot was
        still there (``u_smooth`` spanned less than ``still_cm``, or 2.4 noise SDs), or
        NaN: the floor level under a standing foot.
    lift : (left, right) foot height above the other in world coordinates, cm.
    apart : the feet's distance across the floor in world coordinates, cm.
    hands : (left, right) wrist-to-hip distance over trunk length, low-passed; NaN
        where a wrist or the trunk is not seen.
    foot : ((base x, toe-minus-heel x) of the left foot, of the right foot), px, raw;
        NaN offset where the heel or toe is not seen.
    balance : (CoM x, left foot x, right foot x, CoM speed), cm and cm/s, low-passed;
        NaN where the CoM or a foot is not known.
    """

    start: int
    u: list
    u_smooth: list
    low: list
    heel_up: list
    still: list
    lift: list
    apart: list
    hands: list
    foot: list
    balance: list

    def as_lists(self) -> "Block":
        """The same rows as lists of Python floats (what plain-Python rules read fastest)."""
        return Block(self.start, *(np.asarray(getattr(self, name)).tolist() for name in _ROWS))

    def features(self, have: np.ndarray) -> np.ndarray:
        """(n, 22) float64: u, u_smooth, still, lift (2 each), ``have`` (1.0 where the
        frame has world landmarks), hands (2), foot (base, offset of the left foot, then
        of the right), balance (4), low (2) and apart: the columns of
        ``_event_kernels.F_*``."""
        n = len(self.u)
        return np.column_stack([self.u, self.u_smooth, self.still, self.lift,
                                np.asarray(have, dtype=np.float64), self.hands,
                                np.reshape(self.foot, (n, 4)), self.balance, self.low,
                                self.apart])


class Signals:
    """Causal signals of a stream of frames (see the module docstring).

    Parameters
    ----------
    fps : float, Hz; image_size : (width, height), pixels; scale : px per cm.
    cfg : EventConfig.
    calib_n : frames on both feet that fix the floor levels and the noise.
    """

    def __init__(self, fps: float, image_size, scale: float, cfg: EventConfig,
                 calib_n: int):
        self.fps, self.scale, self.cfg, self.calib_n = fps, scale, cfg, calib_n
        self.size = np.array(com_mod._image_size(image_size))
        self.floor = None  # (2, 3) pixel y of each foot landmark standing on the floor
        self.noise_cm = None  # (2,) foot-height noise SD, cm
        self._calib: list[np.ndarray] = []
        self._foot_lp = [CausalLowpass(fps) for _ in st.SIDES]
        self._hands_lp = CausalLowpass(fps, channels=2)
        self._com_lp = CausalLowpass(fps, channels=3)
        self._last_com = None
        self.still_n = max(3, round(cfg.still_s * fps))
        self._tail = np.empty((0, 2, 2))  # the last still_n - 1 rows of (u, u_smooth)

    def extend(self, image, lift=None, apart=None, *, feet_only: bool = False) -> Block | None:
        """Signals of the frames ``image`` (n, 33, 4); ``lift`` (n, 2) from
        ``events.world_lift`` and ``apart`` (n,) from ``events.world_apart``, or None
        without world landmarks. None while the floor is
        still being calibrated at the block's end. ``feet_only``: the foot heights only
        (``hands``, ``foot`` and ``balance`` stay NaN)."""
        image = np.asarray(image, dtype=np.float64)
        xy = image[..., :2] * self.size
        vis = np.where(np.isfinite(xy).all(axis=-1), image[..., 3], np.nan)
        usable = com_mod.usable_mask(vis, self.cfg.min_visibility)
        foot_y = np.where(usable[:, _FOOT_IDX], xy[:, _FOOT_IDX, 1], np.nan)  # (n, 2, 3)
        start = 0
        while self.floor is None and start < len(image):
            self._calibrate(foot_y[start])
            start += 1
        if self.floor is None:
            return None
        xy, usable, foot_y = xy[start:], usable[start:], foot_y[start:]
        u = _foot_offsets(foot_y - self.floor)
        u_smooth = np.column_stack([lp.extend(u[:, k]) for k, lp in enumerate(self._foot_lp)])
        lift = np.full(u.shape, np.nan) if lift is None else np.asarray(lift)[start:]
        apart = np.full(len(u), np.nan) if apart is None else np.asarray(apart)[start:]
        sole = foot_y[:, :, 1:] - self.floor[None, :, 1:]  # heel, toe
        with np.errstate(invalid="ignore"):
            low = np.fmax(sole[..., 0], sole[..., 1])
        heel_up = sole[..., 1] - sole[..., 0]
        n = len(u)
        if feet_only:
            hands, feet, balance = np.full((n, 2), np.nan), np.full((n, 2, 2), np.nan), np.full((n, 4), np.nan)
        else:
            hands, feet, balance = self._hands(xy, usable), self._feet(xy, usable), self._balance(xy, usable)
        rows = (u, u_smooth, low, heel_up, self._still(u, u_smooth), lift, apart, hands, feet,
                balance)
        return Block(start, *(_pad(r, start) for r in rows))

    def _calibrate(self, foot_y: np.ndarray) -> None:
        self._calib.append(foot_y)
        if len(self._calib) < self.calib_n:
            return
        y = np.array(self._calib)  # (n, 2, 3)
        if np.isfinite(y).all(axis=(1, 2)).sum() < 3:
            self._calib.clear()  # feet not seen: start again with the next frames
            return
        self.floor = np.nanmedian(y, axis=0)
        u = _foot_offsets(y - self.floor[None])  # (n, 2) foot offsets, px
        self.noise_cm = np.array([noise_sd(u[:, k]) / self.scale for k in range(2)])

    def _still(self, u, u_smooth) -> np.ndarray:
        """(n, 2): the floor level under each still foot, px, else NaN (see Block)."""
        rows = np.concatenate([self._tail, np.stack([u, u_smooth], axis=2)])
        self._tail = rows[max(0, len(rows) - self.still_n + 1):]
        out = np.full(u.shape, np.nan)
        m = len(rows) - self.still_n + 1  # full windows, ending on the block's last rows
        if m <= 0:
            return out
        win = np.lib.stride_tricks.sliding_window_view(rows, self.still_n, axis=0)
        span = win[:, :, 1].max(axis=-1) - win[:, :, 1].min(axis=-1)  # NaN with a gap
        limit = np.maximum(self.cfg.still_cm * self.scale,
                           2.4 * self.noise_cm * self.scale)
        still = span < limit[None, :]
        if still.any():
            level = np.full(still.shape, np.nan)
            level[still] = np.median(win[:, :, 0][still], axis=-1)
            out[len(u) - m:] = level
        return out

    def _hands(self, xy, usable) -> np.ndarray:
        # Element-wise arithmetic only (no reductions): a block's rows then come out
        # bit for bit as they would one frame at a time.
        ok = usable[:, _SHOULDERS + _HIPS + _WRISTS].all(axis=1)
        mid = 0.5 * (xy[:, _SHOULDERS[0]] + xy[:, _SHOULDERS[1]]
                     - xy[:, _HIPS[0]] - xy[:, _HIPS[1]])
        trunk = np.sqrt(mid[:, 0] * mid[:, 0] + mid[:, 1] * mid[:, 1])
        d = xy[:, _WRISTS] - xy[:, _HIPS]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1]) / trunk[:, None]
        out = np.full(ratio.shape, np.nan)
        out[ok] = self._hands_lp.extend(ratio[ok])
        return out

    @staticmethod
    def _feet(xy, usable) -> np.ndarray:
        """(n, 2, 2): each foot's base x and toe-minus-heel x, px."""
        base = np.column_stack([com_mod.foot_base(xy, usable, s)[:, 0] for s in st.SIDES])
        ok = usable[:, _HEELS] & usable[:, _TOES]
        offset = np.where(ok, xy[:, _TOES, 0] - xy[:, _HEELS, 0], np.nan)
        return np.stack([base, offset], axis=2)

    def _balance(self, xy, usable) -> np.ndarray:
        c, _ = com_mod.com_from_pixels(xy, usable)
        rows = np.column_stack([c[:, 0]] + [com_mod.foot_base(xy, usable, s)[:, 0]
                                            for s in st.SIDES])
        ok = np.isfinite(rows).all(axis=1)
        out = np.full((rows.shape[0], 4), np.nan)
        if not ok.any():
            return out
        x = self._com_lp.extend(rows[ok]) / self.scale
        prev = x[0, 0] if self._last_com is None else self._last_com
        speed = np.abs(np.diff(x[:, 0], prepend=prev)) * self.fps
        self._last_com = float(x[-1, 0])
        out[ok] = np.column_stack([x, speed])
        return out


def _pad(rows: np.ndarray, start: int) -> np.ndarray:
    """``rows`` after ``start`` rows of NaN."""
    out = np.full((start + rows.shape[0],) + rows.shape[1:], np.nan)
    out[start:] = rows
    return out


def _foot_offsets(d: np.ndarray) -> np.ndarray:
    """Mean of each foot's finite ankle, heel and toe offsets (..., 2, 3) -> (..., 2), NaN
    where none is finite; by counts, as ``nanmean`` would warn of an empty foot."""
    ok = np.isfinite(d)
    n_ok = ok.sum(axis=-1)
    total = np.where(ok, d, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_ok > 0, total / n_ok, np.nan)
