"""Speed of re-scoring a recorded session (``balance score``, ``import``, reports).

Run from the project root::

    .venv/bin/python benchmarks/bench_rescore.py [minutes]

Generates a practice session of single-leg holds (default 20 minutes at 30 fps), writes
it to a temporary file and prints, for the free practice (scored to the last frame):

* ``rescore``: the recording handed to the protocol ahead, so the event detector runs
  over blocks in its numba kernel (what ``score`` does);
* the same protocol fed one frame at a time, as the live window feeds it (the detector's
  plain-Python rules on every frame): the baseline, in the same run;
* ``balance score`` as a user runs it, start-up and file reading included;

each as seconds, milliseconds a frame and the fraction of the recording's own length.
Figures, not pass/fail: nothing asserts.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance.core import warmup  # noqa: E402
from balance.profile import profile_from_metadata  # noqa: E402
from balance.protocols import create  # noqa: E402
from balance.session.recording import Recording  # noqa: E402
from balance.session.rescore import rescore  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from benchmarks.bench_timeline import long_session  # noqa: E402

PROTOCOL = "practice"  # runs as long as the recording: every frame is scored


def frame_by_frame(session) -> dict:
    """The protocol fed as the live window feeds it: no recording ahead."""
    test = create(PROTOCOL, image_size=session.image_size, fps=session.fps,
                  profile=profile_from_metadata(session.metadata))
    rec = Recording(test, None)
    for i in range(len(session.t)):
        rec.feed(float(session.t[i]), session.image[i], session.world[i],
                 bool(session.detected[i]))
        if rec.protocol_done:
            break
    rec.stop("source_ended")
    return rec.result()


def seconds(func) -> tuple[float, object]:
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("minutes", nargs="?", type=float, default=20.0,
                        help="length of the generated session (default 20)")
    minutes = parser.parse_args().minutes
    warmup()
    with tempfile.TemporaryDirectory() as tmp:
        path = long_session(minutes, Path(tmp), PROTOCOL)
        session = read_session(path)
        t_ahead, ahead = seconds(lambda: rescore(session).result)
        t_live, live = seconds(lambda: frame_by_frame(session))
        t_cli, proc = seconds(lambda: subprocess.run(
            [sys.executable, "-m", "balance", "score", str(path), "--protocol", PROTOCOL, "--json"],
            capture_output=True, text=True))
    n, length = len(session.t), 60.0 * minutes
    print(f"session: {minutes:g} min, {n} frames at {session.fps:g} fps, "
          f"{len(ahead['trials'])} holds; same result both ways: {ahead == live}")
    rows = (("rescore (recording ahead)", t_ahead), ("frame by frame (live)", t_live),
            ("`balance score` command", t_cli))
    for what, t in rows:
        print(f"  {what:27s} {t:7.2f} s  {1000 * t / n:6.3f} ms/frame  "
              f"{t / length:6.4f} of real time")
    print(f"  frame by frame / rescore    {t_live / t_ahead:7.1f}x")
    if proc.returncode != 0:
        print(f"  (balance score failed: {proc.stderr.strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
