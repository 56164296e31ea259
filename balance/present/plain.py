"""Stored values as words for the terminal: no ``None``, no dicts, no Python lists.

A result's summary keeps its values in JSON form (``{"left": None, "right": 6.03}``,
``"feet_together"``, ``False``); these functions turn them into what a person reads
("left not tested, right 6.0 s", "feet together", "no"). A key's ``_s`` suffix is its
unit, seconds.
"""

from __future__ import annotations

import math
import re

NOT_TESTED = "not tested"
PERCENT_KEYS = {"asymmetry"}  # stored as a fraction of the better side
_CODE_GAP = re.compile(r"(?<=[a-z0-9])_(?=[a-z0-9])")  # "double_leg" -> "double leg"


def label(key: str) -> str:
    """'best_hold_s' -> 'best hold'; 'warrior_2:right' -> 'warrior 2 right'; 'mountain:-'
    -> 'mountain' (a yoga pose's "pose:side" key, "-" for a two-legged pose)."""
    key = key.removesuffix(":-").replace(":", " ")
    return key.removesuffix("_s").replace("_", " ")


def value(v, *, seconds: bool = False, percent: bool = False) -> str | None:
    """One value as words; None (and an empty list or dict) gives None: nothing to say."""
    if v is None or v == [] or v == {}:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return _number(v, seconds, percent)
    if isinstance(v, str):
        return _CODE_GAP.sub(" ", v)
    if isinstance(v, dict):
        return ", ".join(f"{label(str(k))} {_item(k, x, seconds)}" for k, x in v.items())
    return "; ".join(w for w in (value(x, seconds=seconds) for x in v) if w)


def summary_lines(summary: dict, skip=("norms",)) -> list[str]:
    """'label   value' lines of a summary's keys, those with nothing to say left out."""
    rows = [(label(k), value(v, seconds=k.endswith("_s"), percent=k in PERCENT_KEYS))
            for k, v in summary.items() if k not in skip]
    rows = [(k, v) for k, v in rows if v is not None]
    width = max((len(k) for k, _ in rows), default=0) + 2
    return [f"{k:<{width}}{v}" for k, v in rows]


def _item(key, v, seconds: bool) -> str:
    return value(v, seconds=seconds or str(key).endswith("_s")) or NOT_TESTED


def _number(v: float, seconds: bool, percent: bool) -> str:
    if not math.isfinite(v):
        return "-"
    if percent:
        return f"{math.floor(100 * v + 0.5):.0f} %"  # half up: a stored 0.245 is 25 %
    if seconds:
        return f"{v:.1f} s"
    return f"{v:g}" if float(v).is_integer() else f"{v:.3g}"
