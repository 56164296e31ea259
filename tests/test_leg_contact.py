"""Where the raised foot is relative to the standing leg, in world landmarks: the distance
ahead of the stance ankle, along the stance foot, whichever way the world's axes point."""

import numpy as np
import pytest

from balance.pose.landmarks import INDEX
from balance.protocols import leg_contact as contact


def _world(raised_at, toe_out_deg=0.0, rotation=None):
    """World landmarks (33, 4), m, y down: the right leg standing straight (knee 45 cm
    above the ankle), its foot flat and turned ``toe_out_deg`` from +z towards +x (heel
    5 cm behind the ankle, toe 15 cm ahead); the left ankle at ``raised_at``."""
    a = np.radians(toe_out_deg)
    along = np.array([np.sin(a), 0.0, np.cos(a)])
    pts = {"right_ankle": np.zeros(3), "right_knee": np.array([0.0, -0.45, 0.0]),
           "right_heel": 0.05 * np.array([0, 1, 0]) - 0.05 * along,
           "right_foot_index": 0.05 * np.array([0, 1, 0]) + 0.15 * along,
           "left_ankle": np.asarray(raised_at, float)}
    w = np.full((33, 4), np.nan)
    for name, p in pts.items():
        w[INDEX[name]] = [*(p if rotation is None else rotation @ p), 0.99]
    return w


def _rotation(seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return q


@pytest.mark.parametrize("raised_at, toe_out_deg, expected_cm", [
    ((0.12, -0.08, 0.10), 0.0, 10.0),    # held low in front
    ((0.12, -0.25, -0.10), 0.0, -10.0),  # resting on the calf, behind
    ((0.10, -0.20, 0.0), 30.0, 5.0),     # beside the ankle, the stance toe turned out 30 deg
])
def test_ahead_of_the_stance_ankle_along_its_foot(raised_at, toe_out_deg, expected_cm):
    got = contact.ahead_of_ankle_cm(_world(raised_at, toe_out_deg), "left", "right", 100.0)
    assert got == pytest.approx(expected_cm, abs=1e-9)
    for seed in range(3):  # any camera: the world's axes turn with it
        turned = _world(raised_at, toe_out_deg, _rotation(seed))
        assert contact.ahead_of_ankle_cm(turned, "left", "right", 100.0) == pytest.approx(got)


def test_ahead_of_the_ankle_is_unknown_without_world_landmarks():
    w = _world((0.1, -0.1, 0.1))
    w[INDEX["right_heel"], :3] = np.nan
    assert np.isnan(contact.ahead_of_ankle_cm(w, "left", "right", 100.0))
    assert np.isnan(contact.ahead_of_ankle_cm(_world((0.1, -0.1, 0.1)), "left", "right", None))


def test_ankle_path_is_the_raised_ankle_from_the_stance_ankle_in_the_world_and_the_picture():
    from balance.protocols.base import Frame
    size, px_per_cm, world_cm = (1280, 720), 3.0, 105.0
    frames = []
    for i, (wx, ix) in enumerate([(0.10, 0.50), (0.05, 0.52)]):
        image, world = np.full((33, 4), 0.5), _world([wx, -0.2, -0.1])
        image[INDEX["left_ankle"], :2] = (ix, 0.80)
        image[INDEX["right_ankle"], :2] = (0.45, 0.90)
        frames.append(Frame(i, i / 30, image, world, True))
    path = contact.ankle_path_cm(frames, "left", "right", size, px_per_cm, world_cm)
    assert path.shape == (2, 5)
    assert path[0, :3] == pytest.approx(np.array([0.10, -0.2, -0.1]) * world_cm)
    assert path[1, 3:] == pytest.approx([(0.52 - 0.45) * 1280 / 3.0, -0.10 * 720 / 3.0])
    # a landmark file has no world landmarks: the picture's path alone
    alone = contact.ankle_path_cm(frames, "left", "right", size, px_per_cm, None)
    assert alone == pytest.approx(path[:, 3:])
