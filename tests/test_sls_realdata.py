"""Single-leg stance on real footage nobody on the team made (issue 13; skipped without
../shared/realdata): stepping into warrior II, two people moving outdoors, and a man
balancing with a foot up from 0.25 s (no steady stance before it, four views) are no
counted single-leg trial, and none of them sets the fall-risk flag.

Each clip's pose runs once per test run (``analyze``, which scores it live too), into a
private temporary folder; ``balance score`` then scores the recorded session again.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import balance

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "videos"
CLIPS = {
    "warrior II": "yoga_warrior2/warrior2.mp4",
    "Sports2D demo": "sports2d/demo.mp4",
    **{f"Pose2Sim {cam}": f"pose2sim_demo/balancing_trial/{cam}.mp4"
       for cam in ("cam01", "cam02", "cam03", "cam04")},
}
PROTOCOL = "single-leg-stance"

pytestmark = [pytest.mark.model, pytest.mark.realdata,
              pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is absent")]


@pytest.fixture(scope="session")
def analysed(pose_model, tmp_path_factory):
    """clip name -> (its session file, the result ``analyze --protocol`` scored live)."""
    folder, done = tmp_path_factory.mktemp("sls-real"), {}

    def get(name):
        if name not in done:
            out = folder / f"{len(done)}.balance"
            proc = balance("analyze", REAL / CLIPS[name], "--out", out, "--quiet",
                           "--model", pose_model.path, "--protocol", PROTOCOL)
            assert proc.returncode == 0, proc.stderr
            from balance.storage.session import read_session
            done[name] = out, read_session(out).metadata["result"]
        return done[name]
    return get


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_real_clip_is_no_counted_trial_and_no_fall_risk(analysed, clip):
    session, live = analysed(clip)
    proc = balance("score", session, "--protocol", PROTOCOL, "--json")
    assert proc.returncode == 0, proc.stderr
    recorded = json.loads(proc.stdout)
    for result in (live, recorded):
        assert [(t["side"], t["hold_time_s"], t["end_reason"]) for t in result["trials"]] == []
        assert result["summary"]["fall_risk"] is False
        assert result["summary"]["best_hold_s"] == {"left": None, "right": None}


# Warrior II, 30 fps: she stands side-on, steps her far foot out and back (its toes touch
# the mat at frame 132-133, marked by eye on the frames), holds the pose to about frame
# 630 and steps back.
CONTACT_FRAME = 132.5


def test_warrior_ii_step_touches_down_at_contact_and_stays_down(analysed):
    """Set down further from the camera than it left, the foot reads 5 cm up on its old
    floor: it is down from its contact on, not up for the 16 s of the pose."""
    from balance.core import events as ce
    from balance.core.com import px_per_cm_from_height
    from balance.storage.session import read_session
    s = read_session(analysed("warrior II")[0])
    found, trace = ce.detect_events(
        s.t, s.image, s.image_size, world=s.world, return_trace=True,
        px_per_cm=px_per_cm_from_height(s.image, s.image_size, 170.0))
    first = [e for e in found if e.kind == ce.TOUCHDOWN][0]
    assert abs(first.frame - CONTACT_FRAME) <= 3  # 0.1 s
    frames = np.arange(len(s.t))
    assert not trace.lifted[(frames >= 140) & (frames < 600)].any()
