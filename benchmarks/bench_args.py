"""The arguments every bench-accuracy benchmark takes: how many seeds, which conditions."""

import argparse


def seeds_and_filter(doc: str, default_seeds: int, argv=None) -> tuple[tuple[int, ...], str]:
    """(seeds, name filter) from ``--seeds N`` (default ``default_seeds``), ``--first S``
    (the first seed, default 1) and ``--only TEXT``; ``doc`` is the script's docstring."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=default_seeds, help="seeds per condition")
    ap.add_argument("--first", type=int, default=1, help="the first seed")
    ap.add_argument("--only", default="", help="run the conditions whose name contains this")
    args = ap.parse_args(argv)
    return tuple(range(args.first, args.first + args.seeds)), args.only
