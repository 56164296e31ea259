"""Each test's main measure, as its registry entry declares it (``ProtocolSpec.measure``).

The history follows one number per test: a single-leg hold, a five-times sit-to-stand's
time (shorter is better), the stands of a 30 s chair stand, the stages of the 4-stage
test. A ``Measure`` says what it is called and in which unit, which way is better, its
published minimal detectable change (``balance.clinical.mdc``; None: the trends use the
person's own repeatability), where a result holds it, and the lines its trend plot draws
(the age-norm band, the fall-risk line), which may depend on the person's age and sex.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from balance.clinical import norms
from balance.clinical.mdc import Mdc

TRIAL, SUMMARY = "trial", "summary"


@dataclass(frozen=True)
class Line:
    """A fall-risk line in the measure's unit, and where it comes from."""

    value: float
    source: str


@dataclass(frozen=True)
class Band:
    """An age-norm range (``low`` == ``high`` for a single mean) and its sources."""

    low: float
    high: float
    sources: str

    @property
    def kind(self) -> str:
        return "age mean" if self.low == self.high else "age norm"

    def words(self, unit: str) -> str:
        """'age norm 27-32.1 s', 'age mean 12.6 s'."""
        span = f"{self.low:g}" if self.low == self.high else f"{self.low:g}-{self.high:g}"
        return f"{self.kind} {span}" + (f" {unit}" if unit else "")


@dataclass(frozen=True)
class Measure:
    """``read`` is "trial:FIELD" (a value per trial: a ``TrialResult`` field or a key of
    its extra) or "summary:FIELD" (one value per session, from its summary). ``repeats``
    names a summary list of the session's repeated trials of that measure (a reach's
    two), whose spread is the person's trial-to-trial variability. ``column`` heads the
    terminal's weekly table. ``fall_risk`` and ``norm`` take the person's ``Profile``."""

    label: str
    unit: str
    column: str
    higher_is_better: bool = True
    mdc: Mdc | None = None
    read: str = "trial:hold_time_s"
    fall_risk: Callable[..., Line | None] | None = None
    norm: Callable[..., Band | None] | None = None
    repeats: str | None = None

    @property
    def per_trial(self) -> bool:
        return self.read.split(":")[0] == TRIAL

    @property
    def field(self) -> str:
        return self.read.split(":", 1)[1]

    @property
    def title(self) -> str:
        """'hold time (s)'; the unit left out when a word of the label already says it."""
        said = not self.unit or self.unit in self.label.split()
        return self.label if said else f"{self.label} ({self.unit})"

    def best(self, values: list[float]) -> float:
        """The best of ``values``: the longest hold, the shortest time."""
        return max(values) if self.higher_is_better else min(values)

    def risk_words(self, line: Line) -> str:
        """'fall risk < 5 s' (higher is better) or 'fall risk ≥ 12 s'."""
        sign = "<" if self.higher_is_better else "≥"
        return f"fall risk {sign} {line.value:g}" + (f" {self.unit}" if self.unit else "")

    def trial_value(self, trial) -> float | None:
        """This measure from one ``TrialResult`` (None: not there, or not a number)."""
        return number(getattr(trial, self.field, None) if hasattr(trial, self.field)
                      else trial.extra.get(self.field))

    def session_value(self, result) -> float | None:
        """This measure from a ``ProtocolResult``'s summary."""
        summary = result.summary
        return number(getattr(summary, self.field) if hasattr(summary, self.field)
                      else summary.extra.get(self.field))

    def repeat_values(self, result) -> list[float]:
        """The session's repeated trials of this measure (``repeats``), numbers only."""
        if not self.repeats:
            return []
        summary = result.summary
        given = (getattr(summary, self.repeats) if hasattr(summary, self.repeats)
                 else summary.extra.get(self.repeats))
        return [v for v in map(number, given or []) if v is not None]

    def lines(self, profile) -> tuple[Line | None, Band | None]:
        """The fall-risk line and the age-norm band for this person (None where none)."""
        return (self.fall_risk(profile) if self.fall_risk else None,
                self.norm(profile) if self.norm else None)


def with_unit(value: float, unit: str) -> str:
    """'12.3 s', '14 stands', '50' (no unit)."""
    return f"{value:.3g} {unit}" if unit else f"{value:.3g}"


def number(value) -> float | None:
    """A finite number as float, else None (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def fixed(value: float, source: str) -> Callable[..., Line]:
    """A fall-risk line that is the same for everyone."""
    line = Line(value, source)
    return lambda profile: line


def sls_norm(profile) -> Band | None:
    """From the Bohannon 2006 meta-analysis to the Springer 2007 mean for the age (eyes
    open), or the one of them that covers it."""
    if profile.age is None:
        return None
    found = [c for c in norms.compare_sls(0.0, age=profile.age, sex=profile.sex)
             if c.source in (norms.SPRINGER_2007, norms.BOHANNON_2006)]
    if not found:
        return None
    values = [c.reference_s for c in found]
    return Band(min(values), max(values), "; ".join(_cite(c.source) for c in found))


def five_sts_norm(profile) -> Band | None:
    """The mean time for the age (Bohannon 2006b)."""
    mean = next((c.reference_s for c in norms.compare_five_sts(0.0, age=profile.age)
                 if c.source == norms.BOHANNON_2006B), None)
    return None if mean is None else Band(mean, mean, _cite(norms.BOHANNON_2006B))


def chair_stand_line(profile) -> Line | None:
    """STEADI's below-average line for the age and sex (a reason to assess fall risk)."""
    line = norms.chair_stand_norm(profile.age, profile.sex)
    return None if line is None else Line(line, _cite(norms.CDC_STEADI_CHAIR) + ", below average")


def _cite(source) -> str:
    return source.key + (" (verify)" if source.verify else "")


HOLD = Measure("hold time", "s", "best hold s")  # also a stored result of an unknown test
