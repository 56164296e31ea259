"""A batch from its jobs to its summary rows: skip what the manifest holds, hand the rest to
an executor, try a failure that might pass once more, and record each input's end.

The client alone writes: each input done goes into the history in one transaction of its
own, then into the manifest, so SQLite never sees the cluster's workers, and an input is
marked done only once its result is stored.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from balance.errors import BalanceError
from balance.session.batch.manifest import Manifest
from balance.session.batch.task import DONE, FAILED, Job, Outcome, run_job
from balance.storage.history import History

SKIPPED = "done earlier"
TRIES = 2  # an input that fails twice is reported, not tried again


@dataclass
class Row:
    """One input's line of the summary."""

    input: str
    status: str
    frames: int = 0
    detection_rate: float | None = None
    result: dict | None = None
    session: str | None = None
    error: str | None = None


@dataclass
class Progress:
    """Where a batch is: inputs ended (done or failed) of those to do, frames analysed or
    re-scored, seconds since it began."""

    ended: int
    total: int
    frames: int
    elapsed_s: float

    @property
    def frames_per_s(self) -> float:
        return self.frames / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def left_s(self) -> float | None:
        """Time left at the pace so far (None before the first input ends)."""
        return self.elapsed_s * (self.total - self.ended) / self.ended if self.ended else None


def run_batch(jobs: list[Job], executor, manifest: Manifest, history: History | None, *,
              on_progress: Callable[[Progress], None] | None = None,
              on_warning: Callable[[str], None] | None = None, task=run_job) -> list[Row]:
    """Do every job not in ``manifest`` on ``executor`` (entered here, only when there is
    work); one `Row` per job, in their order. ``task`` is what each worker runs
    (`run_job`; tests wrap it)."""
    rows: dict[str, Row] = {}
    todo: deque[Job] = deque()
    queued: set[str] = set()
    for job in jobs:
        entry = manifest.get(job.key)
        if entry is not None:
            rows[job.key] = _row(job, entry, SKIPPED)
        elif job.key not in queued:  # the same content twice is done once
            queued.add(job.key)
            todo.append(job)
    if todo:  # a batch with nothing left to do starts no cluster
        with executor:
            for job, outcome, progress in _ended(todo, executor, task):
                for w in outcome.warnings if on_warning is not None else ():
                    on_warning(f"{job.path}: {w}")
                rows[job.key] = _settle(job, outcome, manifest, history)
                if on_progress is not None:
                    on_progress(progress)
    return [_as_given(rows[j.key], j) for j in jobs]


def _ended(todo: deque[Job], executor, task):
    """(job, outcome, progress) of each job as it ends for good: submitted as the executor
    has room, a failure that might pass tried once more."""
    tries: dict[str, int] = {}
    running, ended, frames, start, total = 0, 0, 0, time.monotonic(), len(todo)
    while todo or running:
        while todo and (executor.slots is None or running < executor.slots):
            job = todo.popleft()
            tries[job.key] = tries.get(job.key, 0) + 1
            executor.submit(task, job)
            running += 1
        job, outcome = executor.next_done()
        running -= 1
        if outcome.status == FAILED and outcome.retry and tries[job.key] < TRIES:
            todo.append(job)
            continue
        ended, frames = ended + 1, frames + outcome.frames
        yield job, outcome, Progress(ended, total, frames, time.monotonic() - start)


def _settle(job: Job, outcome: Outcome, manifest: Manifest, history: History | None) -> Row:
    """Store a finished input: its result in the history, then the manifest entry."""
    if outcome.status == FAILED:
        tried = " (tried twice)" if outcome.retry else ""
        return Row(job.path, FAILED, error=f"{outcome.error}{tried}")
    entry = {"input": job.path, "kind": job.kind, "frames": outcome.frames,
             "detection_rate": outcome.detection_rate, "result": outcome.result,
             "session": outcome.session,
             "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        if history is not None and outcome.result is not None:
            history.import_session(outcome.session, person=job.settings.profile.get("person_id"),
                                   result=outcome.result)
        manifest.record(job.key, entry)
    except BalanceError as exc:  # the history busy, the folder full: a rerun tries again
        return Row(job.path, FAILED, outcome.frames, outcome.detection_rate, outcome.result,
                   outcome.session, f"done, but not stored: {exc}")
    return _row(job, entry, DONE)


def _row(job: Job, entry: dict, status: str) -> Row:
    return Row(job.path, status, entry.get("frames", 0), entry.get("detection_rate"),
               entry.get("result"), entry.get("session"))


def _as_given(row: Row, job: Job) -> Row:
    """A row under this job's own path (two paths with the same content share a row)."""
    return row if row.input == job.path else Row(job.path, row.status if row.status == FAILED
                                                 else SKIPPED, row.frames, row.detection_rate,
                                                 row.result, row.session, row.error)
