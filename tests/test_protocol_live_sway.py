"""The live sway every timed test reports (``Status.sway_cm``): (horizontal, vertical) cm,
horizontal following the person's side-to-side sway, as the window's plots expect."""

import numpy as np
import pytest

from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.testing.synthetic import Lift, generate

TOGETHER = [(0, "hip_width"), (1, "together")]


def live_sway(s, name, **options):
    p = create(name, Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps,
               **options)
    frames, sway = [], []
    for i in range(s.t.size):
        st = p.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], bool(s.detected[i])))
        if st.sway_cm is not None:
            frames.append(i)
            sway.append(st.sway_cm)
        if p.done:
            break
    return np.array(frames), np.array(sway, dtype=float)


@pytest.mark.parametrize("name, make, options", [
    ("single-leg-stance", dict(lifts=[Lift("left", 3.0, 20.0)]), {}),
    ("romberg", dict(stances=TOGETHER, arms="crossed"), {}),
    ("mbess", dict(stances=TOGETHER), {"stances": ("double_leg",)}),
])
def test_live_sway_is_horizontal_then_vertical(name, make, options):
    s = generate(duration_s=22.0, jitter_px=0.3, sway_cm=(0.3, 0.8), seed=2, **make)
    frames, sway = live_sway(s, name, **options)
    assert sway.shape[1:] == (2,) and len(frames) > 10 * s.fps
    assert np.isfinite(sway).all()
    assert np.corrcoef(sway[:, 0], s.com_ml_cm[frames])[0, 1] > 0.9


def test_live_sway_without_depth_is_still_shown():
    """A landmark CSV has no world landmarks: the AP estimate is NaN, the sway is not."""
    s = generate(duration_s=22.0, jitter_px=0.3, lifts=[Lift("left", 3.0, 20.0)], seed=2)
    s.world[:] = np.nan
    frames, sway = live_sway(s, "single-leg-stance")
    assert len(frames) > 10 * s.fps and np.isfinite(sway).all()
