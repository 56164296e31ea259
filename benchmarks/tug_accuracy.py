"""Timed Up and Go timing and gait speed on the independent TUG bench (issue 16).

Each condition of ``tests/bench/tug_conditions.py`` is generated for a few seeds (a
pinhole camera from the side, at 45 deg, or 60 and 70 deg off side-on, an articulated person who rises from a chair,
walks 3 m with placed steps, turns on the spot, walks back, turns and sits, with drawn
timings, speed and cadence, correlated jitter; written without ``balance.testing`` or the
protocol), scored by the ``tug`` protocol from the first movement and compared with the
truth.

    python benchmarks/tug_accuracy.py [--seeds N] [--only TEXT]

Columns: the worst |error| over the seeds of each event (start, standing reached, the
turn at the line's start and end, the last turn's start, seat contact) and of the total
time, s; the worst gait speed error on the straights, % of the true 3-D walking speed
("-": not measured, the walk beyond ``tug.WALK_MAX_DEG`` off the picture's plane; "inf":
measured in some runs only); the walk's angle to the picture's plane, deg; the steps of the turn
at the line (2-7 drawn per seed): the runs counted exactly, and the worst count off.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_args import seeds_and_filter  # noqa: E402
from tests.bench.tug_conditions import CONDITIONS, EVENTS, SEEDS, evaluate, worst  # noqa: E402


def main(argv=None) -> int:
    seeds, only = seeds_and_filter(__doc__, len(SEEDS), argv)
    print(f"| condition | {' | '.join(EVENTS)} | total s | speed % | angle deg "
          "| turn steps exact | off by |")
    print("|---|" + "---|" * (len(EVENTS) + 5))
    for name in CONDITIONS:
        if only not in name:
            continue
        rows = evaluate(name, seeds)
        each = [worst([{**r, "events": {k: r["events"][k]}}])["event"] for r in rows for k in EVENTS]
        per = np.reshape(each, (len(rows), len(EVENTS))).max(axis=0)
        w = worst(rows)
        speed = "-" if np.isnan(w["speed"]) else f"{100 * w['speed']:.1f}"
        angle = max(r["angle"] for r in rows if r["angle"] is not None)
        off = [abs(r["turn_steps"]) if r["turn_steps"] is not None else np.inf for r in rows]
        print(f"| {name} | {' | '.join(f'{v:.3f}' for v in per)} | {w['time']:.3f} | {speed} "
              f"| {angle:.0f} | {sum(o == 0 for o in off)}/{len(off)} | {max(off):g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
