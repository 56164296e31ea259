"""Axes for the trend plots, shared by the history window and the PDF (Qt-free).

Weeks are placed on a calendar (days since 1 January of year 1, ``date.toordinal``) so a
pause in training shows as the time it lasted; points more than a week apart are not
joined, so no line suggests values for weeks without a session; and a single value, or
values all alike, get a range around them rather than a sliver of axis.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

GAP_DAYS = 7  # week starts further apart than this had a week without a session between
STEPS_DAYS = (7, 14, 28, 56, 91, 182, 364)


def day_number(d: date) -> float:
    return float(d.toordinal())


def date_range(first: date, last: date) -> tuple[float, float]:
    """The x range: a week beyond the first and last week starts (their labels fit)."""
    return day_number(first) - 7.0, day_number(last) + 7.0


def date_ticks(first: date, last: date, most: int = 6) -> list[tuple[float, str]]:
    """(day number, "5 Jan") ticks every 1, 2, 4... weeks from ``first`` to ``last``, at
    most ``most`` of them (the years go in ``span_label``)."""
    span = max((last - first).days, 0)
    step = next((s for s in STEPS_DAYS if span / s < most), STEPS_DAYS[-1])
    out, day = [], first
    while day <= last:
        out.append((day_number(day), f"{day.day} {day:%b}"))
        day += timedelta(days=step)
    return out


def span_label(first: date, last: date) -> str:
    """'week starting (Nov 2025 - Feb 2026)': the x axis's name, with its years."""
    a, b = f"{first:%b %Y}", f"{last:%b %Y}"
    return f"week starting ({a})" if a == b else f"week starting ({a} - {b})"


def connected(days: list[float]) -> list[bool]:
    """For each point, whether the line goes on to the next (False after the last)."""
    return [b - a <= GAP_DAYS for a, b in zip(days, days[1:])] + [False] * bool(days)


def runs(days: list[float]) -> list[tuple[int, int]]:
    """Half-open index ranges of the points a line joins (``connected``)."""
    out, start = [], 0
    for i, joined in enumerate(connected(days)):
        if not joined:
            out.append((start, i + 1))
            start = i + 1
    return out


def value_range(values, *, zero: bool = False) -> tuple[float, float]:
    """A y range showing ``values`` (None and NaN skipped): their span plus a tenth each
    side; a single value, or equal ones, get a quarter of their size each side (1 for 0).
    ``zero`` starts the axis at 0 (a hold time starts from nothing), with room above the
    top value of a tenth of the whole axis."""
    vals = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return (0.0, 1.0)
    lo, hi = min(vals), max(vals)
    pad = 0.1 * (hi - lo) if hi > lo else (0.25 * abs(hi) or 1.0)
    if zero:
        pad, lo = max(pad, 0.1 * hi), min(lo, 0.0)
    low = lo - pad
    if lo >= 0:  # a time, a speed, an area, a score: never below zero
        low = max(low, 0.0)
    return low, hi + pad
