"""A step out into a wide stance is a lift and a touchdown, even where the foot is set down
further from the camera than it left (the picture then reads it up on its old floor):
the event detector's stance must not keep it up for the rest of the pose. Checked on the
independent bench (and on the real warrior II clip: ``test_sls_realdata``)."""

from dataclasses import replace
import numpy as np
import pytest

from balance.core import events as ce, jit
from balance.core.com import px_per_cm_from_height
from tests.bench.conditions import draw
from tests.bench.scenario import generate

SEEDS = range(1, 9)


def _events(rec):
    sc = rec.scenario
    px = px_per_cm_from_height(rec.image, sc.image_size, sc.height_m * 100)
    return ce.detect_events(rec.t, rec.image, sc.image_size, px_per_cm=px, world=rec.world,
                            return_trace=True)


def _truth(rec):
    """Frame times of the step's toe-off and first contact, from the sole's clearance."""
    up = np.flatnonzero(rec.clearance > 1e-4)
    return rec.t[up[0]], rec.t[up[-1] + 1]


@pytest.mark.parametrize("settings", [
    {}, {"fps": 15.0, "jitter_px": 2.0}, {"jitter_px": 2.0, "jitter_rho": 0.95},
    {"camera_height_m": 0.75}, {"fps": 60.0}], ids=str)
@pytest.mark.parametrize("name", ["step into a wide stance", "step wide and back"])
def test_a_step_out_wide_is_one_lift_and_one_touchdown_at_contact(name, settings):
    frame = 1.0 / settings.get("fps", 30.0)
    for seed in SEEDS:
        rec = generate(replace(draw(name, seed), **settings))
        found, trace = _events(rec)
        feet = [e for e in found if e.kind in (ce.FOOT_LIFT, ce.TOUCHDOWN)]
        off, contact = _truth(rec)
        assert [e.kind for e in feet] == [ce.FOOT_LIFT, ce.TOUCHDOWN], seed
        assert abs(feet[0].t_s - off) <= 0.1 + frame / 2, seed
        assert abs(feet[1].t_s - contact) <= 0.2, seed
        assert not trace.lifted[rec.t > contact + 0.5].any(), seed


def test_the_plain_python_rules_set_the_wide_foot_down_as_the_kernel_does():
    for seed in (1, 2):
        rec = generate(draw("step wide and back", seed))
        found, _ = _events(rec)
        with jit.numpy_twins():
            twin, _ = _events(rec)
        assert [(e.kind, e.side, e.frame, e.t_s) for e in twin] == \
            [(e.kind, e.side, e.frame, e.t_s) for e in found]
        assert ce.TOUCHDOWN in [e.kind for e in found]


def test_a_foot_held_up_low_in_front_is_not_set_down_by_the_wide_rule():
    """The rule's guard: a foot held 3-10 cm up in front is never 50 cm from the other."""
    for seed in (1, 2, 3, 4):
        rec = generate(replace(draw("hip-flexion lift, laptop 0.75 m", seed), hold_s=12.0))
        found, _ = _events(rec)
        (hold,) = rec.holds
        downs = [e.t_s for e in found if e.kind == ce.TOUCHDOWN]
        assert downs and abs(downs[0] - hold.contact_s) <= 0.2, seed
