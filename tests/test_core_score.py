"""Stability score: anchored at the fallers' reference, bounded, monotonic in sway."""

import itertools

import numpy as np
import pytest

from balance.core import stability_score, sway_index, sway_metrics
from balance.core.score import FALLER_REFERENCE
from balance.errors import InputError

FALLERS = {"mean_velocity_ap": 2.9, "mean_velocity_ml": 3.4, "ellipse_area": 10.3}


def test_anchors():
    assert stability_score({"mean_velocity_ap": 0.0, "mean_velocity_ml": 0.0,
                            "ellipse_area": 0.0}) == 100.0
    # Sway equal to the fallers' averages (Oliveira 2018) is the midpoint.
    assert stability_score(FALLERS) == pytest.approx(50.0)
    # Twice the velocity and four times the area (twice the size): S = 2, a quarter.
    double = {"mean_velocity_ap": 5.8, "mean_velocity_ml": 6.8, "ellipse_area": 41.2}
    assert stability_score(double) == pytest.approx(25.0)
    assert FALLER_REFERENCE["ellipse_area_cm2"] == 10.3


def test_monotonic_decreasing_in_every_sway_measure():
    grid = [0.0, 0.5, 1.0, 3.0, 10.0, 100.0]
    for v_ap, v_ml, area in itertools.product(grid, grid, grid):
        base = stability_score({"mean_velocity_ap": v_ap, "mean_velocity_ml": v_ml,
                                "ellipse_area": area})
        assert 0.0 < base <= 100.0
        for key, bumped in (("mean_velocity_ap", v_ap + 0.1), ("mean_velocity_ml", v_ml + 0.1),
                            ("ellipse_area", area + 0.1)):
            m = {"mean_velocity_ap": v_ap, "mean_velocity_ml": v_ml, "ellipse_area": area}
            m[key] = bumped
            assert stability_score(m) < base, (m, base)


def test_hold_time_scales_and_caps():
    assert stability_score(FALLERS, hold_s=15.0, target_s=30.0) == pytest.approx(25.0)
    assert stability_score(FALLERS, hold_s=45.0, target_s=30.0) == pytest.approx(50.0)
    assert stability_score(FALLERS, hold_s=0.0, target_s=30.0) == 0.0


def test_accepts_sway_metrics_objects_and_ranks_more_sway_lower():
    rng = np.random.default_rng(0)
    ap, ml = np.cumsum(rng.normal(0, 0.02, 3000)), np.cumsum(rng.normal(0, 0.02, 3000))
    calm = sway_metrics(ap, ml, 100.0)
    shaky = sway_metrics(3 * ap, 3 * ml, 100.0)
    assert stability_score(shaky) < stability_score(calm) < 100.0
    assert sway_index(calm.mean_velocity_ap, calm.mean_velocity_ml, calm.ellipse_area) > 0


@pytest.mark.parametrize("metrics,kwargs", [
    ({"mean_velocity_ap": 1.0, "mean_velocity_ml": 1.0}, {}),
    ({**FALLERS, "ellipse_area": -1.0}, {}),
    ({**FALLERS, "mean_velocity_ap": float("nan")}, {}),
    (FALLERS, {"hold_s": 10.0}),
    (FALLERS, {"hold_s": 10.0, "target_s": 0.0}),
])
def test_bad_input(metrics, kwargs):
    with pytest.raises(InputError):
        stability_score(metrics, **kwargs)


def test_one_measured_axis_uses_its_velocity_alone():
    # A front camera sees ML sway only: 3.4 cm/s is the fallers' ML velocity -> 50.
    assert stability_score({"mean_velocity_ml": 3.4}, axes="ml") == pytest.approx(50.0)
    assert stability_score({"mean_velocity_ap": 5.8}, axes="ap") == pytest.approx(25.0)
    slow = stability_score({"mean_velocity_ml": 1.0}, axes="ml")
    fast = stability_score({"mean_velocity_ml": 2.0}, axes="ml")
    assert 100.0 > slow > fast > 0.0
    with pytest.raises(InputError):
        stability_score({"mean_velocity_ml": 1.0}, axes="vertical")
    with pytest.raises(InputError):
        stability_score({"mean_velocity_ap": 1.0}, axes="ml")
