"""How well the camera's view is estimated, and what an oblique view does to "ML" sway.

Run from the project root::

    .venv/bin/python benchmarks/view_accuracy.py

On the independent bench (``tests/bench``: a pinhole camera filming a generated person
on one leg, 1 px jitter, world landmarks with 8/25 mm noise), per camera yaw and
off-centre: the estimated yaw and off-axis angle (``balance.core.camera_view``) against
the set-up, and what the horizontal CoM sway of the hold is made of: its RMS over the true
medio-lateral RMS, and r², the share of its variance the true ML sway explains (the rest
is mostly antero-posterior). Figures, not pass/fail: the limits in camera_view and
docs/clinical.md section 8 were set from this table.
"""

import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance.core import camera_view, com as com_mod, lowpass_zero_phase  # noqa: E402
from tests.bench.conditions import draw  # noqa: E402
from tests.bench.scenario import generate  # noqa: E402

SEEDS = (1, 2, 3, 4)
VIEWS = [(yaw, 0.0, 3.2) for yaw in (0, 10, 15, 20, 25, 30, 40, 50, 64)] + \
        [(0, off, 3.5) for off in (0.3, 0.6, 0.9, 1.2)] + [(15, 0.9, 3.5), (15, -0.9, 3.5)]


def one(yaw: float, offset: float, distance: float, seed: int) -> dict:
    sc = replace(draw("frontal 3 m 30 fps", seed), yaw_deg=yaw, offset_m=offset,
                 distance_m=distance, hold_s=12.0)
    rec = generate(sc)
    hold = rec.holds[0]
    span = (rec.t >= hold.toe_off_s + 0.5) & (rec.t <= hold.contact_s - 0.5)
    scale = com_mod.px_per_cm_from_height(rec.image[:30], sc.image_size, sc.height_m * 100)
    view = camera_view.summarise(*camera_view.frame_views(rec.image[span], rec.world[span], sc.image_size),
                                 px_per_cm=scale)
    seen = com_mod.com_pixels(rec.image[span], sc.image_size)[0][:, 0] / scale
    # The true CoM from the noise-free 3-D points, in the person's frontal plane (x: ML, m).
    pts = rec.points[span]
    ortho = np.concatenate([pts[..., :1], -pts[..., 1:2], np.zeros_like(pts[..., :1]),
                            np.ones_like(pts[..., :1])], axis=-1)
    true_ml = com_mod.com_pixels(ortho, (1, 1))[0][:, 0] * 100
    a, b = (lowpass_zero_phase(x - x.mean(), sc.fps, cutoff_hz=3.0) for x in (seen, true_ml))
    r = np.corrcoef(a, b)[0, 1]
    return {"yaw": view.yaw_deg, "off_axis": view.off_axis_deg, "offset_cm": view.offset_cm,
            "true_off_axis": math.degrees(math.atan2(offset, distance)),
            "rms_ratio": a.std() / b.std(), "r2": r * r}


def main() -> int:
    print(f"{'yaw':>5s} {'offset':>7s} | {'est. yaw':>14s} {'off-axis (true)':>16s} {'offset cm':>10s} |"
          f" {'RMS / true ML':>13s} {'r2 ML':>6s}  ML?")
    for yaw, offset, distance in VIEWS:
        rows = [one(yaw, offset, distance, s) for s in SEEDS]
        col = {k: np.array([r[k] for r in rows]) for k in rows[0]}
        ml = abs(np.median(col["yaw"])) <= camera_view.YAW_LIMIT_DEG and \
            abs(np.median(col["off_axis"])) <= camera_view.OFF_AXIS_LIMIT_DEG
        print(f"{yaw:5.0f} {offset:6.1f}m | {np.median(col['yaw']):6.1f} ({np.ptp(col['yaw']):4.1f})"
              f" {np.median(col['off_axis']):7.1f} ({np.median(col['true_off_axis']):5.1f})"
              f" {np.median(col['offset_cm']):10.0f} | {np.median(col['rms_ratio']):6.2f}"
              f" ({col['rms_ratio'].min():.2f}-{col['rms_ratio'].max():.2f}) {np.median(col['r2']):5.2f}"
              f"  {'yes' if ml else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
