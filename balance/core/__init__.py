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
* ``steps``     the feet's swings (steps) from their landmarks; the TUG's turn steps
* ``score``     stability score 0-100
* ``stance``    stance codes
* ``jit``       the kernel/twin table, ``warmup()`` and the NumPy-twin switch for tests and
                benchmarks
"""

import importlib

# name -> its module: loaded on first use (PEP 562), so importing one light module of the
# core (``camera_view``, ``stance``) does not pull in numba and every kernel with it.
_EXPORTS = {
    "com": ("ComSway", "com_pixels", "com_sway", "px_per_cm_from_height", "px_per_cm_from_segment"),
    "events": ("Event", "EventConfig", "EventTrace", "detect_events"),
    "filters": ("CausalLowpass", "OneEuro", "butter_lowpass_sos", "finite_runs", "lowpass_causal",
                "lowpass_zero_phase", "one_euro"),
    "jit": ("warmup",),
    "live_events": ("LiveEventDetector",),
    "metrics": ("SwayMetrics", "sway_metrics"),
    "score": ("stability_score", "sway_index"),
    "spectral": ("WELCH_PARAMS", "welch_psd"),
    "streaming": ("LiveMetrics", "SwayAccumulator"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'balance.core' has no attribute {name!r}")
    return getattr(importlib.import_module(f"balance.core.{_WHERE[name]}"), name)
