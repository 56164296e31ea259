"""Typed protocol results: one ``TrialResult`` per trial, one ``ProtocolResult`` per test.

``to_dict()`` gives the JSON shape sessions and the history store have always held (plus
``"format"``), and ``from_dict()`` reads any such dict back, old ones included: missing
keys take their defaults, keys this version does not know are kept in ``extra`` and
written back unchanged. Each protocol has its own summary class (its registry entry's
``summary``); an unknown protocol's summary is a ``Summary`` holding only ``extra``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

FORMAT = 1  # the result format version, written as "format"


def _build(cls, data: dict | None):
    """An instance of dataclass ``cls`` from ``data``: known keys as fields, the rest
    (and only those) in ``extra``."""
    data = data if isinstance(data, dict) else {}
    names = {f.name for f in fields(cls)} - {"extra"}
    known = {k: v for k, v in data.items() if k in names}
    return cls(**known, extra={k: v for k, v in data.items() if k not in names})


@dataclass
class Summary:
    """A protocol's summary. Subclasses list their keys as fields; every field is written,
    None included (readers test e.g. ``failure is None``)."""

    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Summary":
        return _build(cls, data)

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**out, **self.extra}


@dataclass
class SingleLegSummary(Summary):
    """Best hold per stance leg (s or None), left/right asymmetry (0-1), norms per side
    (lists of ``norms.Comparison.to_dict()``)."""

    eyes: str | None = None
    cap_s: float | None = None
    arms: str | None = None
    best_hold_s: dict | None = None
    asymmetry: float | None = None
    fall_risk: bool | None = None
    norms: dict | None = None
    scale: str | None = None
    fps: float | None = None
    sway_axis: str | None = None


@dataclass
class PracticeSummary(Summary):
    best_hold_s: dict | None = None
    scale: str | None = None
    fps: float | None = None
    sway_axis: str | None = None
    holds: int = 0
    practice_s: float | None = None


@dataclass
class FourStageSummary(Summary):
    stages_held: int = 0
    last_stance_held: str | None = None
    fall_risk: bool | None = None
    fall_risk_rule: str | None = None
    source: str | None = None
    scale: str | None = None


@dataclass
class BessSummary(Summary):
    """Error scores (lower is better); ``total_score`` is None until every trial is done."""

    total_score: int | None = None
    score_so_far: int = 0
    by_stance: dict = field(default_factory=dict)
    by_surface: dict = field(default_factory=dict)
    missing_trials: list = field(default_factory=list)
    surfaces: list = field(default_factory=list)
    trial_s: float | None = None
    eyes: str | None = None
    dominant_leg: str | None = None
    stance_leg: str | None = None
    scoring: str | None = None
    sources: list = field(default_factory=list)
    scale: str | None = None
    fps: float | None = None


@dataclass
class RombergSummary(Summary):
    """``romberg_quotient``: eyes-closed / eyes-open per metric key, or None."""

    completed: bool = False
    sharpened: bool = False
    stance: str | None = None
    failure: dict | None = None
    romberg_quotient: dict | None = None
    quotient_note: str | None = None
    excluded_around_switch_s: list = field(default_factory=list)
    eyes: str | None = None
    phase_s: float | None = None
    sources: list = field(default_factory=list)
    scale: str | None = None
    fps: float | None = None
    plane: str | None = None


@dataclass
class MctsibSummary(Summary):
    """``conditions``: one dict per condition (surface, eyes, held_s, fell, end_reason,
    rms_ml, mean_velocity_ml); ``ratios``: name -> {metric key: ratio} or None when its two
    conditions were not both held the full time; ``total_s`` of ``max_s``."""

    pad: str | None = None
    note: str | None = None
    conditions: list = field(default_factory=list)
    completed: bool = False
    total_s: float | None = None
    max_s: float | None = None
    falls: int = 0
    ratios: dict = field(default_factory=dict)
    ratio_measure: str | None = None
    phase_s: float | None = None
    eyes: str | None = None
    failures: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    scale: str | None = None
    fps: float | None = None
    plane: str | None = None


@dataclass
class RepsSummary(Summary):
    reps: int = 0
    bad_reps: int = 0
    target_reps: int | None = None
    duration_s: float | None = None
    hands: str | None = None


@dataclass
class ChairStandSummary(RepsSummary):
    """``stands`` counts a last stand past half-way; ``norms`` keyed "stands"."""

    stands: int = 0
    norms: dict | None = None


@dataclass
class FiveStsSummary(Summary):
    """``time_s``: from the start to the seated return after the fifth good stand, or
    None when five were not completed; ``stands``: every stand seen (good or not), with
    its times, peak level and faults; ``norms``: ``norms.Comparison.to_dict()`` list."""

    time_s: float | None = None
    completed: bool = False
    reps: int = 0
    bad_reps: int = 0
    all_reps_good: bool | None = None
    fall_risk: bool | None = None
    start_s: float | None = None
    end_s: float | None = None
    start_rule: str | None = None
    stands: list = field(default_factory=list)
    cycle_s: list = field(default_factory=list)
    hands: str | None = None
    norms: list = field(default_factory=list)


@dataclass
class TugSummary(Summary):
    """``time_s``: from the start (``go``: the Go cue or the first movement) to the seat
    contact, None unless the walk and both turns were seen; ``parts``: the subtask times,
    s; ``events``: their edges, s; ``gait_speed_cm_s``: the walk out and back, None when
    the walk was more than ``tug.WALK_MAX_DEG`` off the picture's plane
    (``walk_angle_deg``; ``gait_speed_note`` says why); ``turn_steps``: the feet's swings in
    the turn at the line, None unless the walk was seen; ``aid``, ``chair_arms``: declared."""

    time_s: float | None = None
    completed: bool = False
    fall_risk: bool | None = None
    start_s: float | None = None
    end_s: float | None = None
    start_rule: str | None = None
    go: str | None = None
    parts: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    stands: list = field(default_factory=list)
    gait_speed_cm_s: dict = field(default_factory=dict)
    walk_angle_deg: float | None = None
    gait_speed_note: str | None = None
    turn_steps: int | None = None
    aid: str | None = None
    chair_arms: str | None = None
    scale: str | None = None
    norms: list = field(default_factory=list)
    neuropathy_note: str | None = None


@dataclass
class FunctionalReachSummary(Summary):
    """``reach_cm``: the best of the scored trials, or None until that many are good;
    ``mean_cm``: their mean (the published norms' measure); ``trials_cm``: each good
    scored trial's reach; ``fall_risk``: ``norms.reach_risk``;
    ``view_deg``: how far the forward direction lay out of the image plane (0 side-on)."""

    reach_cm: float | None = None
    mean_cm: float | None = None
    trials_cm: list = field(default_factory=list)
    completed: bool = False
    voided: int = 0
    practice: int | None = None
    trials: int | None = None
    scoring: str | None = None
    fall_risk: str | None = None
    norms: list = field(default_factory=list)
    arm: str | None = None
    view_deg: float | None = None
    method: str | None = None
    scale: str | None = None
    fps: float | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> "FunctionalReachSummary":
        """Sessions scored before 2026-12-02 stored the trials' mean as ``reach_cm`` and
        the best as ``best_cm``: read as today's, so a trend compares best with best."""
        data = dict(data) if isinstance(data, dict) else {}
        if "best_cm" in data and "mean_cm" not in data:
            best, mean = data.pop("best_cm"), data.get("reach_cm")
            data["mean_cm"], data["reach_cm"] = mean, best if mean is not None else None
        return _build(cls, data)


@dataclass
class YogaSummary(Summary):
    """``best_hold_s`` keyed "pose:side" (side "-" for two-legged poses), s."""

    poses_held: list = field(default_factory=list)
    best_hold_s: dict | None = None
    transitions: list = field(default_factory=list)
    target: str | None = None
    scale: str | None = None


# Written even when None: every protocol's trials have had these keys.
_ALWAYS = ("trial", "side", "hold_time_s", "end_reason", "metrics", "errors", "score")


@dataclass
class TrialResult:
    """One finished trial. Times in s (recording time), ``metrics`` the core's sway
    metrics (cm, cm/s), ``score`` 0-100 or None. The protocol-specific fields are None
    where a protocol does not have them, and are then not written."""

    trial: int | None = None
    side: str | None = None
    hold_time_s: float | None = None
    end_reason: str | None = None
    metrics: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # old files may hold a count instead
    score: float | None = None
    stance: str | None = None
    start_s: float | None = None
    end_s: float | None = None
    paused_s: float | None = None
    target_s: float | None = None            # the hold the score is scaled against
    end_text: str | None = None
    eyes: str | None = None                 # single-leg, BESS, Romberg (declared)
    raised_foot: str | None = None
    pose: str | None = None                 # yoga
    held: bool | None = None                # four-stage: the stage was held its time
    surface: str | None = None              # BESS: firm / foam, and its error scoring
    rear_foot: str | None = None
    complete: bool | None = None
    error_score: int | None = None
    error_count: int | None = None
    longest_hold_s: float | None = None
    unable_to_hold: bool | None = None
    capped: bool | None = None
    sharpened: bool | None = None           # Romberg
    front_foot: str | None = None
    reach_cm: float | None = None           # functional reach (None: voided)
    practice: bool | None = None
    reps: int | None = None                 # strengthening exercises
    attempts: int | None = None
    view: dict | None = None                # core.camera_view.CameraView.to_dict(); older trials have none
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> "TrialResult":
        trial = _build(cls, data)
        trial.metrics = trial.metrics if isinstance(trial.metrics, dict) else {}
        return trial

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "extra" and (value is not None or f.name in _ALWAYS):
                out[f.name] = value
        return {**out, **self.extra}

    @property
    def error_number(self) -> int | None:
        """How many errors: the list's length, or the count an old result stored."""
        if isinstance(self.errors, list):
            return len(self.errors)
        ok = isinstance(self.errors, (int, float)) and not isinstance(self.errors, bool)
        return int(self.errors) if ok else None


@dataclass
class ProtocolResult:
    """A protocol's whole result: its name, its trials in order and its summary."""

    protocol: str
    trials: list[TrialResult] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    format: int = FORMAT
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> "ProtocolResult":
        data = data if isinstance(data, dict) else {}
        name = str(data.get("protocol") or "")
        known = ("protocol", "trials", "summary", "format")
        trials = data.get("trials") if isinstance(data.get("trials"), list) else []
        summary_cls = _summary_class(name)
        return cls(protocol=name,
                   trials=[TrialResult.from_dict(t) for t in trials if isinstance(t, dict)],
                   summary=summary_cls.from_dict(data.get("summary")),
                   format=int(data.get("format") or FORMAT),
                   extra={k: v for k, v in data.items() if k not in known})

    def to_dict(self) -> dict:
        return {"format": self.format, "protocol": self.protocol,
                "trials": [t.to_dict() for t in self.trials],
                "summary": self.summary.to_dict(), **self.extra}

    def best_hold(self) -> float | None:
        """The longest finite hold of any trial, s (None without one)."""
        holds = [t.hold_time_s for t in self.trials if _finite(t.hold_time_s)]
        return max(holds) if holds else None

    @classmethod
    def of(cls, result: "ProtocolResult | dict | None") -> "ProtocolResult":
        """``result`` as a ``ProtocolResult``: a stored dict (or None) is read."""
        return result if isinstance(result, cls) else cls.from_dict(result)


def _finite(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _summary_class(name: str) -> type[Summary]:
    from balance.protocols import registry
    key = registry.canonical(name)
    return registry.spec(key).summary if key else Summary
