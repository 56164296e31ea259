"""Single-leg stance timing on the independent bench (issue 13), per condition fixed.

Each bound is what the rules reach on the bench's 4 seeds (``benchmarks/sls_accuracy.py``):
holds found, |hold time error| max, false trials, wrong end reasons.
"""

import numpy as np
import pytest

from balance.protocols.single_leg import FIDGET_S
from balance.testing.synthetic import generate
from tests.bench.conditions import evaluate

# condition -> (max |error| s, wrong ends allowed)
FIXED = {
    "frontal 3 m 30 fps": (0.2, 0),
    "15 fps": (0.2, 0),
    "lift 1 s after start": (0.2, 0),
    "fidgets before lift": (0.2, 0),
    "visibility dips": (0.2, 0),
    "dropped frames": (0.2, 0),
    "toe-tap before lift": (0.25, 0),
    "short holds 2-4 s": (0.3, 0),
    "one-frame glitch": (0.4, 0),
    "near 2 m, low 0.6 m, 640x480": (0.2, 0),
    "far 5 m, high 1.5 m": (0.2, 0),
    # Holds of 30-48 s: no end by a centre-of-mass "loss of balance" or foot jitter.
    "long holds 30-48 s": (0.2, 0),
    "weight shifts 3 cm in hold": (0.35, 0),
    "oblique 50 deg": (0.45, 0),
    # Seen ~19 deg off the optical axis, the foot held behind overlaps the standing shank
    # in the picture: no "foot on leg" end (it is judged in 3-D). The 0.7 s is one lift
    # dated early (seed 2), a lift-timing error, not the end.
    "off-centre 1.2 m": (0.75, 0),
    # ... while a foot that does rest on the calf ends the hold, square on and off-centre.
    "foot rests on the leg": (0.2, 0),
    "foot rests on the leg, off-centre 1.2 m": (0.2, 0),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_bench_condition_every_hold_found_and_timed(name):
    bound, wrong = FIXED[name]
    s = evaluate(name)
    assert s.found == s.true_holds == 4
    assert s.false_trials == 0
    assert s.wrong_end <= wrong
    assert np.max(np.abs(s.errors)) <= bound


@pytest.mark.parametrize("name", ["end of recording mid-lift", "step into a wide stance"])
def test_fragment_or_step_is_no_trial(name):
    s = evaluate(name)
    assert s.true_holds == 0 and s.false_trials == 0
    assert len(s.details) == 4


def _score(session, **kw):
    from balance.profile import Profile
    from balance.protocols import create
    from balance.session.rescore import score_frames
    proto = create("single-leg-stance", Profile(height_cm=170), image_size=session.image_size,
                   fps=session.fps, **kw)
    n = len(session.t)
    world = np.full((n, 33, 4), np.nan)
    result, _ = score_frames(proto, session.t, session.image, world, np.ones(n, bool))
    return result


def test_synthetic_hold_starts_at_lift_not_earlier():
    s = generate(fps=30, duration_s=12, lifts=[("right", 3.0, 9.0)], jitter_px=1.5, seed=3)
    trials = _score(s, side="left")["trials"]
    assert len(trials) == 1
    assert abs(trials[0]["hold_time_s"] - 6.0) <= 0.1


def test_synthetic_short_cut_fragment_sets_no_fall_risk():
    # A lift the recording cuts after 0.5 s: no trial, no fall-risk flag.
    s = generate(fps=30, duration_s=3.5, lifts=[("right", 3.0, 9.0)], jitter_px=1.5, seed=4)
    assert 3.5 - 3.0 < FIDGET_S
    result = _score(s, side="left")
    assert result["trials"] == [] and result["summary"]["fall_risk"] is False
