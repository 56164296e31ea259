"""Nothing leaves the machine: no DNS lookup, no connection while a video is analysed."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.storage.session import read_session
from tests.test_capture import make_video

ROOT = Path(__file__).resolve().parents[1]
REAL_VIDEO = ROOT.parent / "shared/realdata/videos/yoga_warrior2/warrior2.mp4"

pytestmark = pytest.mark.model
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the lookup is blocked on Linux only (see README)")


@linux_only
def test_mediapipe_usage_logging_lookup_is_refused(pose_model):
    from balance.pose import offline
    from balance.pose.estimator import PoseEstimator

    assert offline.block_usage_logging()
    with PoseEstimator(pose_model.path) as est:
        est.detect(np.zeros((48, 64, 3), np.uint8), 0.0)
    # mediapipe looks its log server up when a task closes; the lookup reached our stub
    assert "play.googleapis.com" in offline.refused_hosts


def _outside_contacts(trace: str) -> list[str]:
    """Trace lines that reach beyond this machine or ask a name server."""
    bad = []
    for line in trace.splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        if "htons(53)" in line or "nscd" in line or "io.systemd.Resolve" in line:
            bad.append(line)  # a DNS query, sent or handed to a local resolver
        elif "connect(" in line and "AF_UNIX" not in line and not re.search(
                r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"', line):
            bad.append(line)
    return bad


def test_outside_contacts_are_recognised():
    dns = ('7 connect(8, {sa_family=AF_INET, sin_port=htons(53), '
           'sin_addr=inet_addr("10.255.255.53")}, 16) = 0')
    web = ('7 connect(8, {sa_family=AF_INET6, sin6_port=htons(443), '
           'inet_pton(AF_INET6, "2a00:1450::1", &sin6_addr)}, 28) = -1')
    x11 = '7 connect(3, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20) = 0'
    assert _outside_contacts("\n".join([dns, web, x11])) == [dns, web]


def _short_clip(path, n=30):
    """The first second of a real person when the public data is here, else a test card."""
    if not REAL_VIDEO.exists():
        return make_video(path, n=n)
    cap = cv2.VideoCapture(str(REAL_VIDEO))
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 360))
    for _ in range(n):
        ok, frame = cap.read()
        if not ok:
            break
        out.write(cv2.resize(frame, (640, 360)))
    cap.release()
    out.release()
    return path


# The window as `balance live --source FILE` opens it, minus the safety checklist and
# camera set-up (nobody stands in front of a test run): pose on every frame of the clip, a
# practice test recorded, the window closed when the clip ends (the landmarker closes
# too, which is when mediapipe reports).
WINDOW = """
import sys
from pathlib import Path
from balance.session import live
from balance.gui.run import run_window
video, model, folder = sys.argv[1:]
feed = live.open_feed(video)
sys.exit(run_window(feed, estimator_factory=live.estimator_factory(feed, Path(model)),
                    checklist=False, setup=False, autostart=True, protocol="practice",
                    side="none", session_dir=Path(folder), exit_when_done=True,
                    remember=False))
"""

needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")


def _traced(tmp_path, argv: list[str]) -> str:
    """Run ``python ARGV`` under strace; the network calls it made, one per line."""
    trace = tmp_path / "trace.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
         sys.executable, *argv], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=600)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip(f"strace cannot trace here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr
    return trace.read_text()


@linux_only
@needs_strace
def test_analyze_makes_no_lookup_and_no_connection(tmp_path, pose_model):
    video = _short_clip(tmp_path / "v.avi")
    trace = _traced(tmp_path, ["-m", "balance", "analyze", str(video), "--out",
                               str(tmp_path / "s.balance"), "--quiet", "--model",
                               str(pose_model.path)])
    assert (tmp_path / "s.balance").stat().st_size > 0
    assert _outside_contacts(trace) == []


@linux_only
@needs_strace
def test_the_live_window_makes_no_lookup_and_no_connection(tmp_path, pose_model):
    video = _short_clip(tmp_path / "v.avi", n=45)
    folder = tmp_path / "sessions"
    trace = _traced(tmp_path, ["-c", WINDOW, str(video), str(pose_model.path), str(folder)])
    recorded = list(folder.glob("*.balance"))
    assert len(recorded) == 1 and len(read_session(recorded[0])) > 0  # pose ran, it recorded
    assert _outside_contacts(trace) == []
