"""Which implementation of each kernel runs, and compiling them ahead of use.

Every numeric kernel of the core (``_sway_kernels``, ``_filter_kernels``, ``_com_kernels``)
exists twice: ``name_nb`` compiled with ``@njit(cache=True)`` (the one the package uses)
and ``name_np``, a NumPy (or plain Python, where the computation is a recurrence) twin
written independently, used by the tests as a cross-check and by the benchmark for the
numba-over-NumPy ratio. ``TWINS`` pairs them by name. Spectral analysis has no kernel:
numba has no FFT, and NumPy's pocketfft is already compiled code. The event detector's
per-frame rules (``_event_kernels.rules_nb``) have their twin in ``live_events``' own
plain-Python rules, which run for short blocks (a live frame) and under ``numpy_twins()``.

The package always runs the numba kernels. ``numpy_twins()`` swaps in the NumPy twins
for the duration of a ``with`` block: the tests use it to run every public function both
ways, the benchmark to measure the numba-over-NumPy ratio. It is process-wide and not
meant for threads: never use it in the application.
"""

import time
from contextlib import contextmanager

import numpy as np

from balance.core import _com_kernels, _filter_kernels, _sway_kernels

#: kernel name -> (numba kernel, NumPy twin); the tests and the benchmark walk it.
TWINS = {
    "time_stats": (_sway_kernels.time_stats_nb, _sway_kernels.time_stats_np),
    "stream_push": (_sway_kernels.stream_push_nb, _sway_kernels.stream_push_np),
    "stream_extend": (_sway_kernels.stream_extend_nb, _sway_kernels.stream_extend_np),
    "sosfilt": (_filter_kernels.sosfilt_nb, _filter_kernels.sosfilt_np),
    "one_euro": (_filter_kernels.one_euro_nb, _filter_kernels.one_euro_np),
    "com": (_com_kernels.com_nb, _com_kernels.com_np),
}

_use_numpy = False


def kernel(name: str):
    """The active implementation of kernel ``name`` (see ``TWINS``)."""
    return TWINS[name][1 if _use_numpy else 0]


@contextmanager
def numpy_twins():
    """Run the NumPy twins instead of the numba kernels inside the block."""
    global _use_numpy
    previous, _use_numpy = _use_numpy, True
    try:
        yield
    finally:
        _use_numpy = previous


def twins_active() -> bool:
    """True inside ``numpy_twins()``: code with a kernel of its own runs its twin."""
    return _use_numpy


def warmup() -> float:
    """Compile (or load from the on-disk cache) every numba kernel; returns seconds taken.

    The live window runs it on a thread of its own while the first frames show (a cold
    cache takes seconds): a kernel's first call otherwise compiles mid-trial. The kernels
    a live test calls on every frame come first, so a test started early waits (on
    numba's compiler lock) for those only, not for the event detector's block kernel,
    which only recordings and results use.
    """
    start = time.perf_counter()
    for step in _live_steps() + _block_steps():
        step()
    return time.perf_counter() - start


def _live_steps() -> list:
    """What a live frame calls: centre of mass, causal filter, sway accumulator, metrics."""
    from balance.core.com import com_pixels
    from balance.core.filters import lowpass_causal
    from balance.core.metrics import sway_metrics
    from balance.core.streaming import SwayAccumulator

    t = np.arange(64) / 30.0
    x = np.sin(t)
    acc = SwayAccumulator(30.0)
    return [lambda: com_pixels(_still_pose(2), (640, 480)),
            lambda: lowpass_causal(x, 30.0),
            lambda: acc.push(0.0, 0.0),
            lambda: sway_metrics(x, np.cos(t), 30.0)]


def _block_steps() -> list:
    """What recordings and results call: block filters and the event detector's kernel."""
    from balance.core.events import detect_events  # late: events imports this module
    from balance.core.filters import lowpass_zero_phase, one_euro
    from balance.core.streaming import SwayAccumulator

    t = np.arange(64) / 30.0
    x = np.sin(t)
    return [lambda: SwayAccumulator(30.0).extend(x, x),
            lambda: lowpass_zero_phase(x, 30.0),
            lambda: one_euro(x, t),
            lambda: detect_events(t, _still_pose(t.size), (640, 480), px_per_cm=2.0)]


def _still_pose(n: int) -> np.ndarray:
    """A person standing still, just enough for the event and CoM kernels to run."""
    from balance.pose.landmarks import INDEX, N_LANDMARKS

    pose = np.zeros((n, N_LANDMARKS, 4), dtype=np.float32)
    pose[..., 3] = 1.0
    for name, idx in INDEX.items():
        side = -1.0 if name.startswith("right") else 1.0
        pose[:, idx, 0] = 0.5 + 0.02 * side * ("left" in name or "right" in name)
        pose[:, idx, 1] = 0.1 + 0.8 * (idx / N_LANDMARKS)
    return pose
