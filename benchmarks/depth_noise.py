"""How much the camera-depth (AP) CoM estimate wanders on real people standing still.

Run from the project root::

    .venv/bin/python benchmarks/depth_noise.py

Needs ../shared/realdata (skips with a message when it is absent; nothing is copied).
Each video goes through the project's own pose pipeline (``pipeline.run`` into a
temporary ``.balance`` session, read back with ``read_session``). Per source it prints
the SD of ``core.depth.com_depth`` (scaled by ``world_scale``) and of the image-horizontal
CoM (``com_pixels`` / ``px_per_cm_from_height``), both for an assumed 170 cm person and
after the trials' zero-phase low-pass (``SWAY_CUTOFF_HZ``), and the SD of the raw
frame-to-frame change of each (jitter before the filter). For scale, it prints the SD of
a real person's quiet-standing CoM from marker motion capture (cop/mocap_cog).

Sources: the 4 views of the Pose2Sim static trial (11 frames, 0.18 s: far too short for
sway, so only a look at jitter) and the still stretches of the yoga clip, chosen by the
rule printed below, never by hand. Figures, not pass/fail: nothing asserts.
"""

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance import native_logs  # noqa: E402
from balance.session import pipeline  # noqa: E402
from balance.session.recording import Recording  # noqa: E402
from balance.capture import VideoFileSource  # noqa: E402
from balance.core import com_pixels, lowpass_zero_phase  # noqa: E402
from balance.core.com import px_per_cm_from_height  # noqa: E402
from balance.core.depth import com_depth, world_scale  # noqa: E402
from balance.pose.estimator import PoseEstimator  # noqa: E402
from balance.pose.model import prepare_model  # noqa: E402
from balance.protocols.trial import SWAY_CUTOFF_HZ  # noqa: E402
from balance.storage.session import SessionWriter, new_metadata, read_session  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
STATIC = REAL / "videos" / "pose2sim_demo" / "static_trial"
YOGA = REAL / "videos" / "yoga_warrior2" / "warrior2.mp4"
MOCAP = REAL / "cop" / "mocap_cog" / "postureData_COG_quiet_standing.txt"
HEIGHT_CM = 170.0
#: "Still": the low-passed image CoM stays within this range (max - min). About the
#: whole 60 s ML range of the motion-capture CoM (1.05 cm): a still person's real sway.
STILL_RANGE_CM = 1.0
SCALE_S = 1.0  # scales from the first second with a person (upright on both feet)


def cpu() -> str:
    """The processor's model name (Linux /proc; the platform's machine type elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def lowpass(x, fs):
    """The trials' filter (``sway_of``): zero-phase, SWAY_CUTOFF_HZ clipped to 0.4 fs."""
    return lowpass_zero_phase(x, fs, cutoff_hz=min(SWAY_CUTOFF_HZ, 0.4 * fs))


def analyze(video, model_path):
    """Pose of every frame through the project's pipeline; the session read back."""
    with tempfile.TemporaryDirectory() as tmp, VideoFileSource(video) as src, \
            PoseEstimator(model_path) as est:
        path = Path(tmp) / "depth_noise.balance"
        meta = new_metadata(source=str(video), fps=src.fps, image_size=src.size)
        with SessionWriter(path, meta) as writer:
            pipeline.run(src, est, Recording(None, writer))
        return read_session(path)


def traces(session):
    """Raw per-frame CoM in cm: (depth ahead of the feet, image horizontal)."""
    first = np.flatnonzero(session.detected)[0]
    upright = slice(first, first + max(2, round(SCALE_S * session.fps)))
    size = session.image_size
    ppc = px_per_cm_from_height(session.image[upright], size, HEIGHT_CM)
    depth = com_depth(session.world) * world_scale(session.world[upright], HEIGHT_CM)
    return depth, com_pixels(session.image, size)[0][:, 0] / ppc


def still_runs(ml_lp):
    """(start, stop) of each maximal run whose image CoM range stays <= STILL_RANGE_CM,
    greedily from the first finite frame (each run starts where the last one broke)."""
    runs, i, n = [], 0, len(ml_lp)
    while i < n:
        if not np.isfinite(ml_lp[i]):
            i += 1
            continue
        lo = hi = ml_lp[i]
        j = i + 1
        while j < n and np.isfinite(ml_lp[j]) and \
                max(hi, ml_lp[j]) - min(lo, ml_lp[j]) <= STILL_RANGE_CM:
            lo, hi = min(lo, ml_lp[j]), max(hi, ml_lp[j])
            j += 1
        runs.append((i, j))
        i = j
    return runs


def row(label, depth, ml, fs):
    """One table row: SDs after the trials' low-pass, SDs of raw frame-to-frame change."""
    sd = [np.std(lowpass(x, fs)) for x in (depth, ml)]
    step = [np.std(np.diff(x)) for x in (depth, ml)]
    print(f"  {label:34s} {len(depth):6d} {len(depth) / fs:6.2f} "
          f"{sd[0]:9.2f} {sd[1]:9.2f} {step[0]:10.2f} {step[1]:9.2f}")


def mocap():
    """Quiet-standing CoM SD (cm) from motion capture; ML = the axis the ankles span."""
    data = np.genfromtxt(MOCAP, delimiter=",", names=True)
    fs = 1.0 / np.median(np.diff(data["Time"]))
    spread = {a: abs(data[f"RAnkle_{a}"].mean() - data[f"LAnkle_{a}"].mean()) for a in "XZ"}
    ml = max(spread, key=spread.get)
    ap = "X" if ml == "Z" else "Z"
    sd = {a: 100 * np.std(lowpass(data[f"COG_{a}"], fs)) for a in (ap, ml)}
    print(f"\nReal quiet-standing CoM (cop/mocap_cog, markers, {data.size / fs:.0f} s at "
          f"{fs:.0f} Hz; ML = {ml}, the axis the ankles span, AP = {ap}; same low-pass):")
    print(f"  SD AP {sd[ap]:.2f} cm, SD ML {sd[ml]:.2f} cm")


def main() -> int:
    if not REAL.is_dir():
        print(f"skipped: {REAL} is absent (real data for development, not in a clone)")
        return 0
    native_logs.silence()
    model = prepare_model()
    print(f"depth_noise  {time.strftime('%Y-%m-%d')}, {cpu()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}, Python {platform.python_version()}")
    print(f"assumed height {HEIGHT_CM:g} cm; low-pass {SWAY_CUTOFF_HZ:g} Hz zero-phase "
          "(clipped to 0.4 fs); step = SD of the raw frame-to-frame change")
    print(f"\n  {'source':34s} {'frames':>6s} {'s':>6s} {'SD depth':>9s} {'SD img x':>9s} "
          f"{'step dep.':>10s} {'step img':>9s}   (cm)")

    for video in sorted(STATIC.glob("cam0*.mp4")):
        session = analyze(video, model.path)
        row(f"static_trial {video.stem}", *traces(session), session.fps)
    print("  (11 frames: the filter is pinned to the end frames, so its SD can exceed the "
          "raw SD;\n   read the step columns there)")

    session = analyze(YOGA, model.path)
    depth, ml = traces(session)
    runs = still_runs(lowpass(ml, session.fps))
    fs = session.fps
    picks = [("warrior2 opening (mountain pose)", runs[0]),
             ("warrior2 longest still", max(runs, key=lambda r: r[1] - r[0]))]
    for label, (a, b) in picks:
        row(label, depth[a:b], ml[a:b], fs)
    print(f"\nStill = the 3 Hz low-passed image CoM stays within {STILL_RANGE_CM:g} cm "
          "(max - min), runs taken greedily from her first detected frame:")
    for label, (a, b) in picks:
        print(f"  {label}: frames {a}-{b - 1}, {a / fs:.2f}-{b / fs:.2f} s")
    print("  (her body is side-on to the camera in mountain pose: there the depth is her\n"
          "   ML and the image horizontal her AP; in warrior II her trunk faces the camera)")
    mocap()
    return 0


if __name__ == "__main__":
    sys.exit(main())
