"""Single-leg stance on real footage nobody on the team made (issue 13; skipped without
../shared/realdata): stepping into warrior II, two people moving outdoors, and a man
balancing with a foot up from 0.25 s (no steady stance before it, four views) are no
counted single-leg trial, and none of them sets the fall-risk flag.

Each clip's pose runs once per test run (``analyze``, which scores it live too), into a
private temporary folder; ``balance score`` then scores the recorded session again.
"""

import json
from pathlib import Path

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
