"""Where batch tasks run: a Dask cluster (a local one, or an existing one by its scheduler's
address), or, without Dask installed, a local process pool running the same task.

Both give the same two calls: ``submit(task, job)`` and ``next_done()``, which blocks until
some task ends and returns (job, `Outcome`). A worker process that dies is a failed
Outcome here, never an exception: Dask's scheduler first retries the task on another
worker (``allowed-failures``, one retry on the local cluster); the pool is rebuilt and
the inputs that were in it come back with ``retry`` set, for the caller's one more try.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from balance.errors import InputError
from balance.session.batch.task import FAILED, Outcome

INSTALL_HINT = "pip install 'balance[cluster]'"
LOCAL_RETRIES = 1  # a task whose worker died is tried once more, on another worker
WORKER_DIED = "its worker process died while on it"


def open_executor(workers: int | None = None, scheduler: str | None = None):
    """A Dask executor if Dask is installed, else a `PoolExecutor` (with a ``note`` that
    says how to get Dask). ``scheduler`` (an address) needs Dask."""
    try:
        import distributed  # noqa: F401  only to know whether it is there
    except ImportError:
        if scheduler:
            raise InputError(f"--scheduler needs Dask, which is not installed: {INSTALL_HINT}") from None
        pool = PoolExecutor(workers)
        pool.note = (f"Dask is not installed: running in a local pool of {pool.workers} "
                     f"processes ({INSTALL_HINT} for Dask and clusters)")
        return pool
    return DaskExecutor(workers, scheduler)


def local_cluster(workers: int):
    """A Dask cluster of ``workers`` processes on this machine, for one task at a time
    each (so a worker that dies takes only the input it was on with it, and that input
    gets `LOCAL_RETRIES` more tries), reachable from localhost only, with no dashboard."""
    import dask
    from distributed import LocalCluster

    # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc
    # hand every freed frame buffer back to the kernel: MediaPipe then runs 3x slower
    # (measured: 2.9-3.3 s a clip without it, 8.4-11.6 s with it). Its thread limits stay.
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    config = {"distributed.scheduler.allowed-failures": LOCAL_RETRIES,
              "distributed.scheduler.worker-saturation": 1.0,
              "distributed.nanny.pre-spawn-environ": environ}
    with dask.config.set(config):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address=None,
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                            silence_logs=logging.CRITICAL)


class DaskExecutor:
    """Tasks on a Dask cluster: a local one of ``workers`` processes (default one per
    core; no dashboard, scheduler on localhost only), or the one at ``scheduler``."""

    note = None
    slots = None  # the scheduler queues every task itself

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        self.workers, self.scheduler = workers or os.cpu_count() or 1, scheduler
        self._cluster = self._client = self._done = None
        self._jobs: dict[str, object] = {}

    def __enter__(self):
        from distributed import Client, as_completed

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except (OSError, ValueError) as exc:  # unreachable, or not an address
                raise InputError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        else:
            self._cluster = local_cluster(self.workers)
            self._client = Client(self._cluster)
        self._done = as_completed()
        return self

    def __exit__(self, *exc):
        for part in (self._client, self._cluster):
            if part is not None:
                part.close()

    def submit(self, task, job) -> None:
        future = self._client.submit(task, job, pure=False)
        self._jobs[future.key] = job
        self._done.add(future)

    def next_done(self):
        from distributed import KilledWorker

        future = next(self._done)
        job = self._jobs.pop(future.key)
        try:
            outcome = future.result()
        except KilledWorker:
            outcome = Outcome(FAILED, error=f"{WORKER_DIED}, on every try the scheduler allows")
        except Exception as exc:  # the task could not reach a worker or come back
            outcome = Outcome(FAILED, error=f"{type(exc).__name__}: {exc}", retry=True)
        future.release()
        return job, outcome


class PoolExecutor:
    """Tasks in a local pool of ``workers`` processes (default one per core), started
    afresh (spawn: nothing of the client's state, MediaPipe's threads included, is
    copied). At most ``slots`` tasks are in it at once, so a worker that dies takes only
    the inputs being worked on with it."""

    note = None

    def __init__(self, workers: int | None = None):
        self.workers = self.slots = workers or os.cpu_count() or 1
        self._pool, self._generation = None, 0
        self._jobs: dict = {}

    def __enter__(self):
        self._start()
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(cancel_futures=True)

    def submit(self, task, job) -> None:
        try:
            future = self._pool.submit(task, job)
        except BrokenProcessPool:  # broke since its last task ended: start anew
            self._restart()
            future = self._pool.submit(task, job)
        self._jobs[future] = (job, self._generation)

    def next_done(self):
        done, _ = wait(self._jobs, return_when=FIRST_COMPLETED)
        future = next(iter(done))
        job, generation = self._jobs.pop(future)
        try:
            return job, future.result()
        except BrokenProcessPool:  # the whole pool goes with one dead worker: start anew
            if generation == self._generation:
                self._restart()
            return job, Outcome(FAILED, error=f"{WORKER_DIED} (or on an input beside it)",
                                retry=True)
        except Exception as exc:  # the task could not reach a worker or come back
            return job, Outcome(FAILED, error=f"{type(exc).__name__}: {exc}", retry=True)

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._start()

    def _start(self) -> None:
        self._generation += 1
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
