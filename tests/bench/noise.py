"""What a real pose model adds to clean landmarks: correlated jitter (noisier at the feet),
visibility below 1 with dips, dropped detections and one-frame landmark glitches."""

import numpy as np

from tests.bench.motion import ar1

FOOT = (27, 28, 29, 30, 31, 32)  # ankles, heels, toes
WORLD_SD_M = (0.008, 0.008, 0.025)  # world landmark jitter per axis: depth is the worst


def jitter(rng, n: int, sd_px: float, rho: float, foot_gain: float) -> np.ndarray:
    """Image jitter (n, 33, 2) px: AR(1) in time with lag-1 autocorrelation ``rho``, SD
    ``sd_px`` (``foot_gain`` times that at ankles, heels and toes)."""
    gain = np.ones(33)
    gain[list(FOOT)] = foot_gain
    return ar1(rng, (n, 33, 2), sd_px, rho) * gain[None, :, None]


def visibility(rng, n: int, image: np.ndarray) -> np.ndarray:
    """Visibility (n, 33): high for the upper body, lower and noisier at the feet, low for
    points outside the image."""
    base = np.full(33, 0.995)
    base[list(FOOT)] = 0.93
    wobble = ar1(rng, (n, 33), 1.0, 0.8) * np.where(np.isin(np.arange(33), FOOT), 0.02, 0.003)
    vis = np.clip(base + wobble, 0.0, 0.999)
    outside = (image[..., 0] < 0) | (image[..., 0] > 1) | (image[..., 1] < 0) | (image[..., 1] > 1)
    return np.where(outside, 0.05, vis)


def fault_frames(rng, t, count: int, lift, width: int = 1) -> list[np.ndarray]:
    """Frame index runs for ``count`` faults: the first in the 1.2 s before heel-off
    (where it hurts a detector waiting for steadiness), the rest inside the hold away
    from its ends. Runs are ``width`` frames or fewer."""
    runs = []
    for i in range(count):
        if i == 0:
            lo, hi = lift.heel_off - 1.2, lift.heel_off - 0.1
        else:
            lo, hi = lift.raised + 0.3, max(lift.raised + 0.4, lift.lower - 0.3)
        k = int(np.searchsorted(t, rng.uniform(max(lo, t[1]), min(hi, t[-1]))))
        runs.append(np.arange(k, min(k + int(rng.integers(1, width + 1)), len(t))))
    return runs


def degrade(sc, rng, t, image, world, camera, lift):
    """Noisy (n, 33, 4) float32 image and world landmarks and the (n,) detected flags."""
    n = len(t)
    w, h = camera.image_size
    img = image.copy()
    px = jitter(rng, n, sc.jitter_px, sc.jitter_rho, sc.foot_jitter)
    img[..., 0] += px[..., 0] / w
    img[..., 1] += px[..., 1] / h
    img[..., 2] += ar1(rng, (n, 33), 2 * sc.jitter_px / w, sc.jitter_rho)
    wld = world + ar1(rng, (n, 33, 3), 1.0, sc.jitter_rho) * np.array(WORLD_SD_M)
    vis = visibility(rng, n, image)
    for run in fault_frames(rng, t, sc.dips, lift, width=3):
        foot = FOOT[int(rng.integers(0, 6))]
        vis[run, foot] = rng.uniform(0.15, 0.45)
    for run in fault_frames(rng, t, sc.glitches, lift):
        foot = (29, 30, 31, 32)[int(rng.integers(0, 4))]
        img[run, foot, 1] -= sc.glitch_px / h  # a heel or toe jumps up for one frame
    detected = np.ones(n, bool)
    for run in fault_frames(rng, t, sc.drops, lift, width=2):
        detected[run] = False
    out = []
    for arr in (img, wld):
        full = np.concatenate([arr, vis[..., None]], axis=-1).astype(np.float32)
        full[~detected] = np.nan
        out.append(full)
    return out[0], out[1], detected
