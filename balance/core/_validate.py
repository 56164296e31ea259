"""Input checks shared by the public functions of the core: one clear InputError each."""

import math

import numpy as np

from balance.errors import InputError


def positive_rate(fs, name: str = "fs") -> float:
    """``fs`` as a float, or InputError unless it is finite and > 0."""
    try:
        value = float(fs)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number (Hz), not {fs!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be a finite rate > 0 Hz, not {fs!r}")
    return value


def trace(x, name: str) -> np.ndarray:
    """``x`` as a contiguous 1-D float64 array, or InputError."""
    arr = np.ascontiguousarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise InputError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def finite(arr: np.ndarray, name: str, hint: str) -> None:
    """InputError naming how many values of ``arr`` are NaN/inf and where the first is."""
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(f"{name} has {int(bad.sum())} non-finite value(s) (NaN or inf), "
                         f"the first at index {first}; {hint}")


def choice(value, name: str, options) -> str:
    """``value`` if it is one of ``options``, else InputError listing them."""
    if value not in options:
        raise InputError(f"{name} must be one of {', '.join(map(repr, options))}, "
                         f"not {value!r}")
    return value
