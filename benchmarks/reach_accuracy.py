"""Functional reach on the independent reach bench (issue 16).

Each condition of ``tests/bench/reach_conditions.py`` is generated for a few seeds (a
pinhole camera, an articulated person who raises the near arm and reaches with drawn
shoulder protraction, ankle lean and trunk flexion, the hand dropping as the trunk bends,
correlated jitter; written without ``balance.testing`` or the protocol), scored by the
``functional-reach`` protocol and compared with the truth. Seeds 1-4 are the ones the
thresholds were chosen on; ``--first 21`` gives held-out ones.

    python benchmarks/reach_accuracy.py [--seeds N] [--first K] [--only TEXT]

Columns: the worst |error| of any scored trial and its mean error over the seeds, cm; the
worst |error| of the reported reach (the best of the two scored trials), cm; whether every
attempt was found and exactly the faulty ones voided (with the right reason).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_args import seeds_and_filter  # noqa: E402
from tests.bench.reach_conditions import CONDITIONS, SEEDS, evaluate, worst  # noqa: E402


def main(argv=None) -> int:
    seeds, only = seeds_and_filter(__doc__, len(SEEDS), argv)
    print("| condition | trial worst cm | trial mean error cm | reported worst cm | attempts, voids right |")
    print("|---|---|---|---|---|")
    for name in CONDITIONS:
        if only not in name:
            continue
        w = worst(evaluate(name, seeds))
        ok = "yes" if w["attempts_ok"] and w["voids_ok"] else "NO"
        print(f"| {name} | {w['reach']:.2f} | {w['bias']:+.2f} | {w['reported']:.2f} | {ok} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
