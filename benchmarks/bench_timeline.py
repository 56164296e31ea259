"""Speed of laying a long recorded session out in time (replay, reports, export).

Run from the project root::

    .venv/bin/python benchmarks/bench_timeline.py [minutes]

Generates a session (default 15 minutes at 30 fps: repeated single-leg trials), writes
it to a temporary file, and prints the median time of

* reading the session file (``read_session``),
* the centre-of-mass sway alone (``com_sway``),
* ``present.timeline.build`` (event detector for the stance, sway, trials), on the
  session as recorded without a test (the detector's every rule runs, for its events)
  and with its events recorded (as every session of a test is: the detector runs for
  the stance only),

and the build's ratio to each of the two baselines, measured in the same run so the
ratios hold across machines. Figures, not pass/fail: nothing asserts.
"""

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance.core import com as com_mod  # noqa: E402
from balance.core import warmup  # noqa: E402
from balance.present import timeline  # noqa: E402
from balance.storage.session import SessionWriter, new_metadata, read_session  # noqa: E402
from balance.testing.synthetic import Lift, generate  # noqa: E402


def timeit(func, repeat=3):
    """Median seconds of ``repeat`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return float(np.median(runs))


def long_session(minutes: float, folder: Path, protocol: str | None = None) -> Path:
    """A ``minutes`` long session file: stand 5 s, lift a foot 10 s, alternating;
    recorded for ``protocol`` (with the person's profile) when one is named."""
    duration = 60.0 * minutes
    lifts = [Lift("left" if k % 2 else "right", t0, t0 + 10.0)
             for k, t0 in enumerate(np.arange(5.0, duration - 15.0, 20.0))]
    s = generate(fps=30.0, duration_s=duration, lifts=lifts, jitter_px=1.5, seed=1)
    path = folder / "long.balance"
    meta = new_metadata(source="synthetic:bench", fps=s.fps, image_size=s.image_size,
                        height_cm=s.height_cm, protocol=protocol,
                        **({"profile": {"height_cm": s.height_cm}} if protocol else {}))
    with SessionWriter(path, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], True)
    return path


def main() -> int:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 15.0
    warmup()
    with tempfile.TemporaryDirectory() as tmp:
        path = long_session(minutes, Path(tmp))
        session = read_session(path)
        t_read = timeit(lambda: read_session(path))
    px = timeline._scale(session, 170.0)
    t_sway = timeit(lambda: com_mod.com_sway(session.image, session.image_size,
                                             px_per_cm=px))
    t_build = timeit(lambda: timeline.build(session))
    built = timeline.build(session)
    recorded = dataclasses.replace(session, events=list(built.events))
    t_recorded = timeit(lambda: timeline.build(recorded))
    print(f"session: {minutes:g} min, {len(session)} frames at {session.fps:g} fps, "
          f"{len(built.events)} events")
    print(f"  read_session                     {t_read:8.3f} s")
    print(f"  com_sway                         {t_sway:8.3f} s")
    for what, t in (("no events recorded", t_build), ("events recorded", t_recorded)):
        print(f"  timeline.build, {what:18s} {t:8.3f} s   "
              f"{t / t_read:5.1f}x reading, {t / t_sway:5.1f}x com_sway")
    return 0


if __name__ == "__main__":
    sys.exit(main())
