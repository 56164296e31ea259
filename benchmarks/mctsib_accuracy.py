"""Foam mCTSIB condition timing and sway ratios on the independent bench (issue 16).

Each condition below is generated for a few seeds by ``tests/bench/foam.py`` (a pinhole
camera, an articulated person with folded arms who brings the feet together, sways more
with the eyes closed and on foam, and steps up onto a pad half-way; written without
``balance.testing`` or the protocol), scored by the ``mctsib`` protocol and compared with
the truth.

    python benchmarks/mctsib_accuracy.py [--seeds N]

Columns: the worst |error| over the seeds of the first condition's start (the second
foot's contact beside the first) and of the foam pair's start (the second foot's contact
on the pad), s; the worst relative error of the three sway-RMS ratios against the true
centre of mass's; the stumble's end error, s; whether every run ended as it should.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bench.foam import Stand, evaluate  # noqa: E402

CONDITIONS = {
    "30 fps, 1 px": {},
    "15 fps": {"fps": 15.0},
    "60 fps": {"fps": 60.0},
    "jitter 2 px": {"jitter_px": 2.0},
    "15 fps, 2 px": {"fps": 15.0, "jitter_px": 2.0},
    "short 1.55 m, 2.5 m away": {"height_m": 1.55, "distance_m": 2.5},
    "tall 1.90 m, camera 1.4 m": {"height_m": 1.90, "camera_height_m": 1.4},
    "pad 10 cm": {"pad_m": 0.10},
    "stumble, firm eyes closed": {"stumble": ("firm", "closed")},
    "stumble, foam eyes closed": {"stumble": ("foam", "closed")},
}


def _expected(stumble) -> list[str]:
    order = [("firm", "open"), ("firm", "closed"), ("foam", "open"), ("foam", "closed")]
    return ["step" if c == stumble else "completed" for c in order]


def _worst(values) -> float:
    v = np.asarray(values, float)
    return float(np.nanmax(v)) if np.isfinite(v).any() else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds per condition")
    args = ap.parse_args(argv)
    seeds = tuple(range(1, args.seeds + 1))
    print("| condition | start s | pad start s | ratio rel. error | stumble s | ends right |")
    print("|---|---|---|---|---|---|")
    for name, kw in CONDITIONS.items():
        rows = evaluate(Stand(**kw), seeds)
        ok = all(r["reasons"] == _expected(kw.get("stumble")) for r in rows)
        print(f"| {name} | {_worst([r['start_err'] for r in rows]):.3f} "
              f"| {_worst([r['pad_err'] for r in rows]):.3f} "
              f"| {_worst([r['ratio_err'] for r in rows]):.3f} "
              f"| {_worst([r['stumble_err'] for r in rows]):.3f} | {'yes' if ok else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
