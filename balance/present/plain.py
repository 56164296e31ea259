"""Stored values as words for the terminal: no ``None``, no dicts, no Python lists.

A result's summary keeps its values in JSON form (``{"left": None, "right": 6.03}``,
``"feet_together"``, ``False``); these functions turn them into what a person reads
("left not tested, right 6.0 s", "feet together", "no"). A key's suffix is its unit
(``_s`` seconds, ``_cm`` cm, ``_cm_s`` cm/s, ``_deg`` deg); a TUG's ``parts`` and
``events`` are seconds too.
"""

from __future__ import annotations

import math
import re

NOT_TESTED = "not tested"
PERCENT_KEYS = {"asymmetry"}  # stored as a fraction of the better side
SECONDS_KEYS = {"parts", "events"}  # a TUG's subtask durations and event times
UNITS = (("_cm_s", "cm/s"), ("_cm", "cm"), ("_deg", "deg"), ("_s", "s"))  # longest first
_CODE_GAP = re.compile(r"(?<=[a-z0-9])_(?=[a-z0-9])")  # "double_leg" -> "double leg"


def label(key: str) -> str:
    """'best_hold_s' -> 'best hold'; 'warrior_2:right' -> 'warrior 2 right'; 'mountain:-'
    -> 'mountain' (a yoga pose's "pose:side" key, "-" for a two-legged pose)."""
    key = key.removesuffix(":-").replace(":", " ")
    suffix = next((s for s, _ in UNITS if key.endswith(s)), "")
    return key.removesuffix(suffix).replace("_", " ")


def unit(key: str) -> str | None:
    """The unit a summary key's suffix names ('gait_speed_cm_s' -> 'cm/s'), or None."""
    if key in SECONDS_KEYS:
        return "s"
    return next((u for s, u in UNITS if key.endswith(s)), None)


def value(v, *, seconds: bool = False, percent: bool = False,
          units: str | None = None) -> str | None:
    """One value as words; None (and an empty list or dict) gives None: nothing to say.
    ``units`` is written after a number (``seconds`` is ``units="s"``)."""
    units = "s" if seconds and units is None else units
    seconds = units == "s"
    if v is None or v == [] or v == {}:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return _number(v, units, percent)
    if isinstance(v, str):
        return _CODE_GAP.sub(" ", v)
    if isinstance(v, dict):
        return ", ".join(f"{label(str(k))} {_item(k, x, units)}" for k, x in v.items())
    return "; ".join(w for w in (value(x, units=units) for x in v) if w)


def summary_lines(summary: dict, skip=("norms",)) -> list[str]:
    """'label   value' lines of a summary's keys, those with nothing to say left out."""
    rows = [(label(k), value(v, units=unit(k), percent=k in PERCENT_KEYS))
            for k, v in summary.items() if k not in skip]
    rows = [(k, v) for k, v in rows if v is not None]
    width = max((len(k) for k, _ in rows), default=0) + 2
    return [f"{k:<{width}}{v}" for k, v in rows]


def _item(key, v, units: str | None) -> str:
    if str(key) == "faults" and v == []:
        return "none"  # checked and found none, not "not tested"
    return value(v, units=units or unit(str(key))) or NOT_TESTED


def _number(v: float, units: str | None, percent: bool) -> str:
    if not math.isfinite(v):
        return "-"
    if percent:
        return f"{math.floor(100 * v + 0.5):.0f} %"  # half up: a stored 0.245 is 25 %
    if units:
        return f"{v:.1f} {units}"
    return f"{v:g}" if float(v).is_integer() else f"{v:.3g}"
