"""Steps from the feet's landmarks: each swing of a foot between two plantings.

A planted foot keeps still in the picture; a stepping one moves, whether it travels,
turns on the spot or only lifts. So a foot's swing is a run of frames where its points
(ankle, heel, toe tip) move faster than the still foot's noise, and which carries the
foot far enough to be a step rather than a twitch. Counting the swings whose middle
falls inside an interval (a turn) gives that interval's steps.

Units: the points in picture pixels, the speeds in the caller's length unit per s through
a per-frame ``scale`` (the TUG gives a shank's picture length, which follows the person's
distance to the camera), times in s. Pure NumPy: no kernel, so no twin.
"""

from dataclasses import dataclass

import numpy as np

from balance.core.filters import finite_runs, lowpass_zero_phase

CUTOFF_HZ = 4.0     # a swing lasts 0.25-0.6 s; jitter lives above this
NOISE_K = 3.0       # moving: faster than this many times the feet's median speed ...
MIN_SPEED = 0.3     # ... and than this, units/s (shanks: ~13 cm/s)
LOW_OF_HIGH = 0.5   # a swing runs on while the speed stays above this part of its threshold
MIN_PATH = 0.15     # a swing carries its points this far, units (shank lengths: ~6 cm)
MIN_GAP_S = 0.2     # one foot's runs closer than this are one swing (heel-off, then the swing)


@dataclass(frozen=True)
class Swing:
    """One foot's swing: ``foot`` index, ``start``/``end`` (s) where it moved faster than
    the run's low threshold, ``middle`` (s) its speed-weighted centre, ``path`` (units)
    the distance its points travelled."""

    foot: int
    start: float
    end: float
    middle: float
    path: float


def foot_speed(t: np.ndarray, points: np.ndarray, scale=None) -> np.ndarray:
    """Each foot's speed, units/s, shape (n, feet).

    Parameters
    ----------
    t : (n,) s, increasing.
    points : (n, feet, k, 2) each foot's k points in the picture's plane (px); NaN rows
        are gaps (their speed is NaN).
    scale : (n,), optional: px per unit on each frame (a shank's picture length); the
        speeds are divided by it, after the differencing, so its own noise does not
        become the points' motion.

    The points are low-passed (zero phase) and their velocities averaged over the k
    points before the norm, so one point's jitter counts for 1/k of it. So a foot swivelled
    on the spot without a lift (heel and toe moving opposite ways) barely shows: a
    limitation; a step that lifts or travels does.
    """
    t = np.asarray(t, dtype=np.float64)
    p = np.asarray(points, dtype=np.float64)
    if t.size < 3:
        return np.full(p.shape[:2], np.nan)
    fs = (t.size - 1) / (t[-1] - t[0])
    smooth = lowpass_zero_phase(p, fs, cutoff_hz=CUTOFF_HZ)
    v = np.gradient(smooth, t, axis=0).mean(axis=2)          # (n, feet, 2)
    speed = np.hypot(v[..., 0], v[..., 1])
    return speed if scale is None else speed / np.asarray(scale, dtype=np.float64)[:, None]


def swings(t: np.ndarray, points: np.ndarray, scale=None) -> list[Swing]:
    """Every swing of every foot over the recording, in time order.

    Parameters as ``foot_speed``. The threshold is the larger of ``NOISE_K`` times the
    feet's median speed (a foot is still most of a recording, so the median is its
    noise) and ``MIN_SPEED``; a swing is a run above it, widened to where the speed
    drops below ``LOW_OF_HIGH`` of it, runs closer than ``MIN_GAP_S`` merged, kept when
    its points travel ``MIN_PATH``.
    """
    t = np.asarray(t, dtype=np.float64)
    speed = foot_speed(t, points, scale)
    if not np.isfinite(speed).any():
        return []
    high = max(NOISE_K * float(np.nanmedian(speed)), MIN_SPEED)
    found = [s for foot in range(speed.shape[1])
             for s in _foot_swings(t, speed[:, foot], foot, high)]
    return sorted(found, key=lambda s: s.middle)


def _foot_swings(t, v, foot: int, high: float) -> list[Swing]:
    """The swings of one foot's speed ``v`` (n,)."""
    v = np.where(np.isfinite(v), v, 0.0)
    runs = finite_runs(np.where(v > LOW_OF_HIGH * high, 0.0, np.nan))  # runs of True
    runs = [(a, b) for a, b in runs if v[a:b].max() > high]
    out = []
    for a, b in _merge(t, runs):
        w, dt = v[a:b], np.gradient(t)[a:b]
        path = float(np.sum(w * dt))
        if path >= MIN_PATH:
            middle = float(np.sum(t[a:b] * w * dt) / path)
            out.append(Swing(foot, float(t[a]), float(t[b - 1]), middle, path))
    return out


def _merge(t, runs):
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and t[a] - t[out[-1][1] - 1] < MIN_GAP_S:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def count_between(found: list[Swing], start: float, end: float) -> int:
    """How many of the swings ``found`` have their middle in [start, end] s."""
    return sum(start <= s.middle <= end for s in found)
