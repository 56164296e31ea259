"""Stability score 0-100 from sway metrics and, where a test has one, the hold time.

Formula
-------
Two sway ratios against the sway of people who fall (Oliveira et al. 2018, fallers in a
30 s single-leg stance on a force plate: 95 % ellipse area 10.3 cm², AP velocity
2.9 cm/s, ML velocity 3.4 cm/s; *verify*, kept in ``FALLER_REFERENCE``):

    r_velocity = sqrt(((v_ap / 2.9)² + (v_ml / 3.4)²) / 2)     (per-axis mean velocities)
    r_area     = sqrt(area / 10.3)                               (a length ratio, like r_v)
    S          = (r_velocity + r_area) / 2                       (dimensionless sway index)
    hold       = min(hold_s / target_s, 1)                       (1 when no hold time)
    (one camera axis only: S = v_axis / v_axis_ref, see ``stability_score(axes=...)``)
    score      = 100 x hold x 2^(-S)

Rationale: S = 0 (no sway) scores 100; sway equal to the fallers' averages scores 50;
each further "fallers' worth" of sway halves the score, so it never goes negative and
keeps resolving large sway. The area enters as a square root so both ratios scale
linearly with the size of the sway. Velocity and area are the two force-plate measures
that separated fallers from non-fallers where hold time did not (docs/clinical.md). Holding
only part of the target time scales the score down in proportion.

Monotonic: the score strictly decreases as either velocity or the area grows, and
strictly increases with hold time up to the target.

Caveat: the references are centre-of-pressure values; a camera measures the centre of
mass, whose sway is smaller and slower than the COP's (the COP oscillates around the
CoM to drive it). Camera scores therefore run high against force-plate intuition: use
them for a person's own trend, not as a fall-risk cut-off.
"""

import math
from collections.abc import Mapping

from balance.errors import InputError

#: Fallers' sway in a 30 s single-leg stance (Oliveira et al. 2018, *verify*).
FALLER_REFERENCE = {
    "ellipse_area_cm2": 10.3,
    "mean_velocity_ap_cm_s": 2.9,
    "mean_velocity_ml_cm_s": 3.4,
    "source": "Oliveira et al. 2018, fallers, 30 s single-leg stance, force plate",
}


def sway_index(mean_velocity_ap: float, mean_velocity_ml: float, ellipse_area: float) -> float:
    """Dimensionless sway S (0 = still, 1 = the fallers' reference); see the module doc.

    Parameters
    ----------
    mean_velocity_ap, mean_velocity_ml : float, cm/s.
    ellipse_area : float, cm² (95 % ellipse).
    """
    ref = FALLER_REFERENCE
    for name, v in (("mean_velocity_ap", mean_velocity_ap),
                    ("mean_velocity_ml", mean_velocity_ml), ("ellipse_area", ellipse_area)):
        if not (math.isfinite(v) and v >= 0):
            raise InputError(f"{name} must be a finite value >= 0, not {v!r}")
    r_v = math.sqrt(((mean_velocity_ap / ref["mean_velocity_ap_cm_s"]) ** 2
                     + (mean_velocity_ml / ref["mean_velocity_ml_cm_s"]) ** 2) / 2.0)
    r_a = math.sqrt(ellipse_area / ref["ellipse_area_cm2"])
    return 0.5 * (r_v + r_a)


AXES = ("both", "ml", "ap")


def _axis_index(axis: str, velocity: float) -> float:
    """Sway index of one measured axis: its mean velocity over the fallers' value."""
    if not (math.isfinite(velocity) and velocity >= 0):
        raise InputError(f"mean_velocity_{axis} must be a finite value >= 0, not {velocity!r}")
    return velocity / FALLER_REFERENCE[f"mean_velocity_{axis}_cm_s"]


def stability_score(metrics, *, hold_s: float | None = None,
                    target_s: float | None = None, axes: str = "both") -> float:
    """Stability score, 0 (no hold, or huge sway) to 100 (still for the whole target).

    Parameters
    ----------
    metrics : SwayMetrics, LiveMetrics or a mapping
        Needs ``mean_velocity_ap``, ``mean_velocity_ml`` (cm/s) and ``ellipse_area``
        (cm²), in centimetres; with ``axes="ml"`` / ``"ap"`` only that axis's velocity.
    hold_s, target_s : float, optional
        Hold time achieved and the test's target (e.g. 30 s); both or neither.
    axes : {"both", "ml", "ap"}
        Which sway axes were measured. One camera sees one horizontal axis (a front view
        the ML sway, a side view the AP sway): then S is that axis's velocity ratio
        alone, v / v_ref, because an ellipse needs two axes. Never pass a zero trace
        for the missing axis: its zero area would inflate the score.

    Returns
    -------
    float in [0, 100].

    Raises
    ------
    InputError
        A missing or negative metric, or only one of hold_s / target_s.
    """
    get = metrics.get if isinstance(metrics, Mapping) else (
        lambda k: getattr(metrics, k, None))
    if axes not in AXES:
        raise InputError(f"axes must be one of {AXES}, not {axes!r}")
    if axes == "both":
        names = ("mean_velocity_ap", "mean_velocity_ml", "ellipse_area")
    else:
        names = (f"mean_velocity_{axes}",)
    values = [get(k) for k in names]
    if any(v is None for v in values):
        raise InputError(f"stability_score needs {', '.join(names)}")
    s = sway_index(*(float(v) for v in values)) if axes == "both" else _axis_index(
        axes, float(values[0]))
    hold = 1.0
    if (hold_s is None) != (target_s is None):
        raise InputError("give both hold_s and target_s, or neither")
    if hold_s is not None:
        if not (target_s > 0 and hold_s >= 0):
            raise InputError(f"hold_s must be >= 0 and target_s > 0, "
                             f"not {hold_s!r}, {target_s!r}")
        hold = min(hold_s / target_s, 1.0)
    return 100.0 * hold * 2.0 ** (-s)
