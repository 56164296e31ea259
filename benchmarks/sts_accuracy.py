"""Five-times sit-to-stand timing on the independent sit-to-stand bench (issue 16).

Each condition of ``tests/bench/chair_conditions.py`` is generated for a few seeds (a
pinhole camera, an articulated person who leans, rises, stands and sits back with drawn
durations, correlated jitter; written without ``balance.testing`` or the detector),
scored by the ``five-sts`` protocol and compared with the truth.

    python benchmarks/sts_accuracy.py [--seeds N] [--only TEXT]

Columns: the worst |error| over the seeds of the start (first trunk movement), of any
counted stand's seat contact and of the total time, s; whether five good stands were
counted and exactly the faulty stands refused, on every seed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_args import seeds_and_filter  # noqa: E402
from tests.bench.chair_conditions import CONDITIONS, SEEDS, evaluate, worst  # noqa: E402


def main(argv=None) -> int:
    seeds, only = seeds_and_filter(__doc__, len(SEEDS), argv)
    print("| condition | start s | seat contact s | total time s | 5 stands | faults right |")
    print("|---|---|---|---|---|---|")
    for name in CONDITIONS:
        if only not in name:
            continue
        w = worst(evaluate(name, seeds))
        print(f"| {name} | {w['start']:.3f} | {w['contact']:.3f} | {w['time']:.3f} "
              f"| {'yes' if w['reps_ok'] else 'NO'} | {'yes' if w['refused_ok'] else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
