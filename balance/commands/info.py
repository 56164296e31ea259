"""``balance info SESSION``: what a session holds, in a few lines."""

import sys
from collections import Counter
from pathlib import Path

import numpy as np

from balance.storage.session import read_session

HELP = "summarise a session file"
DESCRIPTION = "Print a session's metadata, frames, detection and events."


def add_arguments(p) -> None:
    p.add_argument("session", type=Path)


def run(args) -> int:
    s = read_session(args.session)
    for w in s.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(describe(s))
    return 0


def describe(s) -> str:
    m = s.metadata
    n = len(s)
    duration = float(s.t[-1] - s.t[0]) if n > 1 else 0.0
    rate = 100.0 * np.count_nonzero(s.detected) / n if n else 0.0
    w, h = s.image_size
    lines = [
        f"session   {s.path}",
        f"format    {m.get('format')} v{m.get('format_version')}, "
        f"written by balance {m.get('software_version')}",
        f"started   {m.get('start_time')}",
        f"person    {m.get('person_id') or '-'}",
        f"protocol  {m.get('protocol') or '-'}",
        f"source    {m.get('source')} ({w}x{h}, {s.fps:g} fps)",
        f"model     {(m.get('model_sha256') or '-')[:16]}",
        f"frames    {n} over {duration:.2f} s, person found in {rate:.1f} %",
    ]
    kinds = Counter(e.kind for e in s.events)
    lines.append("events    " + (", ".join(f"{k} x{c}" for k, c in sorted(kinds.items()))
                                 if kinds else "none"))
    return "\n".join(lines)
