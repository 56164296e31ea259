"""The batch's summary CSV: one line per input, what came of it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from balance.session.batch.run import Row
from balance.storage.files import atomic_open

SUMMARY = "batch-summary.csv"
HEADER = ["input", "status", "frames", "detection_rate", "result", "error", "session"]


def write_summary(folder: Path, rows: list[Row]) -> Path:
    """``folder/batch-summary.csv`` for this run's inputs, replacing the last run's (the
    batch folder's own file), atomically and owner-only."""
    path = Path(folder) / SUMMARY
    with atomic_open(path, overwrite=True, newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for r in rows:
            rate = "" if r.detection_rate is None else f"{r.detection_rate:.4f}"
            out.writerow([r.input, r.status, r.frames, rate, result_line(r.result),
                          r.error or "", r.session or ""])
    return path


def result_line(result: dict | None) -> str:
    """A protocol's result on one line: its name, trials and summary (norms left out)."""
    if not result:
        return ""
    summary = {k: v for k, v in (result.get("summary") or {}).items()
               if k != "norms" and v is not None}
    parts = [f"{k} {json.dumps(v, separators=(',', ':'))}" for k, v in summary.items()]
    trials = len(result.get("trials") or [])
    return "; ".join([f"{result.get('protocol')}: {trials} trial(s)", *parts])
