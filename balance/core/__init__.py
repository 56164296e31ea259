"""The scoring core: landmarks -> centre of mass -> sway metrics, events and a score.

Pure functions and small stateful accumulators over NumPy arrays, with numba kernels
(``_sway_kernels``, ``_filter_kernels``, ``_com_kernels``) behind them; no Qt, no I/O. Modules:

* ``metrics``   ``sway_metrics`` (batch posturography metrics, BDS-validated)
* ``spectral``  Welch PSD and the frequency measures
* ``streaming`` ``SwayAccumulator`` (O(1) per frame live metrics)
* ``filters``   zero-phase, causal and One-Euro filters, NaN-gap aware
* ``com``       segmental centre of mass, image scale, sway relative to the stance foot
* ``depth``     AP sway from a front camera: the CoM's depth over the planted feet
* ``events``    foot lift / touchdown, stance-foot moves, hands off hips, loss of balance:
                the kinds, thresholds, and ``detect_events`` over a recording
* ``live_events`` the one event detector, frame by frame, dated back to when they
                happened (``live_signals``: the signals its rules read)
* ``score``     stability score 0-100
* ``stance``    stance codes
* ``jit``       the kernel/twin table, ``warmup()`` and the NumPy-twin switch for tests and
                benchmarks
"""

from balance.core import _numba_cache  # noqa: F401  (first: where compiled kernels go)
from balance.core.com import (
    ComSway, com_pixels, com_sway, px_per_cm_from_height, px_per_cm_from_segment,
)
from balance.core.events import Event, EventConfig, EventTrace, detect_events
from balance.core.filters import (
    CausalLowpass, OneEuro, butter_lowpass_sos, finite_runs, lowpass_causal,
    lowpass_zero_phase, one_euro,
)
from balance.core.jit import warmup
from balance.core.live_events import LiveEventDetector
from balance.core.metrics import SwayMetrics, sway_metrics
from balance.core.score import stability_score, sway_index
from balance.core.spectral import WELCH_PARAMS, welch_psd
from balance.core.streaming import LiveMetrics, SwayAccumulator

__all__ = [
    "CausalLowpass", "ComSway", "Event", "EventConfig", "EventTrace", "LiveEventDetector",
    "LiveMetrics",
    "OneEuro", "SwayAccumulator", "SwayMetrics", "WELCH_PARAMS", "butter_lowpass_sos",
    "com_pixels", "com_sway", "detect_events", "finite_runs", "lowpass_causal",
    "lowpass_zero_phase", "one_euro", "px_per_cm_from_height", "px_per_cm_from_segment",
    "stability_score", "sway_index", "sway_metrics", "warmup", "welch_psd",
]
