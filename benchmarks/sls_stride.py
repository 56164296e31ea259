"""What processing every second frame costs single-leg stance timing (issue 18, item 2).

The live window of a machine too slow for every frame passes on every second one at a
steady rate, the test made for half the rate (`balance.session.stride`). This scores each
condition of the independent bench (``tests/bench/conditions.py``) both ways, on the same
generated recordings, and prints the two tables' rows side by side with the difference.

    python benchmarks/sls_stride.py [--seeds N] [--first S] [--only TEXT]

Columns per way: holds found / true, |reported - true hold time| median and p95 in s,
holds within 0.2 s, false trials, wrong end reasons.
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_args import seeds_and_filter  # noqa: E402
from tests.bench.conditions import CONDITIONS, SEEDS, Stats, evaluate  # noqa: E402

WAYS = ((1, "all frames"), (2, "every 2nd"))


def cells(s: dict) -> list[str]:
    f = lambda v: "-" if v != v else f"{v:.2f}"  # noqa: E731  (NaN when nothing found)
    return [s["holds"], f(s["median"]), f(s["p95"]), str(s["within_0.2"]), str(s["false"]),
            str(s["wrong_end"])]


def diff(a: dict, b: dict) -> str:
    """Every second frame minus all frames: median and p95 error (s), holds within 0.2 s."""
    return (f"{b['median'] - a['median']:+.3f} / {b['p95'] - a['p95']:+.3f} / "
            f"{b['within_0.2'] - a['within_0.2']:+d}")


def add(total: Stats, st: Stats) -> None:
    total.true_holds += st.true_holds
    total.found += st.found
    total.errors += st.errors
    total.false_trials += st.false_trials
    total.wrong_end += st.wrong_end


def main(argv=None) -> int:
    seeds, only = seeds_and_filter(__doc__, len(SEEDS), argv)
    cols = ["holds", "median s", "p95 s", "within 0.2 s", "false", "wrong end"]
    print("| condition | " + " | ".join(f"{c} ({label})" for _, label in WAYS for c in cols)
          + " | difference: median / p95 / within 0.2 |")
    print("|---" * (2 + len(cols) * len(WAYS)) + "|")
    totals = [Stats("overall") for _ in WAYS]
    start = time.perf_counter()
    for name in CONDITIONS:
        if only and only not in name:
            continue
        stats = [evaluate(name, seeds, stride=stride) for stride, _ in WAYS]
        for total, st in zip(totals, stats):
            add(total, st)
        row(name, stats)
    row("**overall**", totals)
    errs = [np.mean(t.errors) if t.errors else float("nan") for t in totals]
    print(f"\n{len(seeds)} seeds per condition, {time.perf_counter() - start:.0f} s; errors "
          f"signed mean {errs[0]:+.3f} s (all frames), {errs[1]:+.3f} s (every 2nd)")
    return 0


def row(name: str, stats) -> None:
    s = [st.summary() for st in stats]
    print(f"| {name} | " + " | ".join(c for x in s for c in cells(x))
          + f" | {diff(*s)} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
