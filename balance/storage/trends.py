"""Trends per person and test: weekly values, personal bests, and change that is real.

Weeks are counted from the person's first session of the test (week 1 = days 0-6), also
when only the last weeks are shown. The latest week is compared with the first week shown
and with the last week at least four weeks before it (longer after a pause: the words say
how long).
Rows are the legs, or for a test of poses (yoga) each pose and leg ("warrior 2, right").
Per week and row: the best hold (best-of-N, as the tests are scored), the median sway
velocity and ellipse area (a typical trial, not a lucky one) and the best score.

Is a change real? A change counts only when it exceeds the minimal detectable change
(MDC95 = 1.96 * sqrt(2) * SEM): the difference two measurements of an unchanged person
exceed only 5 % of the time. ``MDC`` holds the published values with their sources; a
measure without one uses the person's own repeatability (the pooled SD of their repeated
trials within a session, taken as the SEM). Published values come from stopwatch and
force-plate studies; a webcam measure is noisier, so they are a lower bound here.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from balance.protocols import ProtocolResult, registry
from balance.clinical import norms
from balance.storage.history import History
from balance.storage.records import TrialRecord

MEASURES = ("hold_time_s", "mean_velocity", "ellipse_area", "score")
LABELS = {"hold_time_s": ("hold time", "s"), "mean_velocity": ("sway velocity", "cm/s"),
          "ellipse_area": ("sway area (95 %, AP estimated)", "cm²"), "score": ("stability score", "")}
HIGHER_IS_BETTER = {"hold_time_s": True, "mean_velocity": False, "ellipse_area": False,
                    "score": True}
Z95_DIFF = 1.96 * math.sqrt(2.0)  # MDC95 = Z95_DIFF * SEM
# The mCTSIB's ratios (its summary's "ratios", sway RMS): one value per session, so their
# variability is the person's own from session to session. No published MDC of the ratios
# was found (Rugelj 2015 reports the conditions' test-retest reliability, not the ratios').
RATIO_LABELS = {"closed_open_firm": "eyes closed / open on firm ground (sway RMS)",
                "foam_firm_open": "foam / firm, eyes open (sway RMS)",
                "foam_firm_closed": "foam / firm, eyes closed (sway RMS)"}
LABELS.update({f"ratio:{k}": (v, "") for k, v in RATIO_LABELS.items()})
MIN_EARLIER = 3  # earlier sessions needed for their SD (two degrees of freedom)
MONTH_WEEKS = 4  # the second baseline: at least this many weeks before the latest


@dataclass(frozen=True)
class Mdc:
    """A minimal detectable change: ``absolute`` in the measure's unit, or ``relative``
    (a fraction of the baseline value)."""

    absolute: float | None
    relative: float | None
    source: str
    verify: bool = False


# Published MDCs. Keep them here, in one table, with their sources.
MDC = {
    # Goldberg A, Casby A, Wasielewski M. Minimum detectable change for single-leg-stance-
    # time in older adults. Gait Posture 2011;33(4):737-739: 25 adults 60-89 y, SEM 8.7 s,
    # MDC95 24.1 s (taken from the abstract as summarised by APTA: verify).
    "hold_time_s": Mdc(24.1, None, "Goldberg 2011 (older adults, SEM 8.7 s)", verify=True),
    # Single-leg balance on a force plate, test-retest typical error 9-15 % CV of sway
    # velocity (J Sports Sci Med 2018;17:174, tables 2 and 4): MDC95 = 2.77 x 12 % = 33 %.
    "mean_velocity": Mdc(None, 0.33, "JSSM 2018 (force plate, CV ~12 %)", verify=True),
}


@dataclass
class WeekPoint:
    """One week's values for one row (None where no trial gave the value); ``side`` is
    the row: the leg, None for both legs, or a pose and its leg (``row_names``)."""

    week: int
    start: date
    side: str | None
    trials: int
    hold_time_s: float | None
    mean_velocity: float | None
    ellipse_area: float | None
    score: float | None


@dataclass
class Change:
    """Latest week against a baseline week, for one measure and side."""

    measure: str
    side: str | None
    since: str  # the baseline in words: "since week 3, 6 weeks before"
    baseline_week: int
    baseline: float
    latest: float
    delta: float
    mdc: float | None
    mdc_source: str
    real: bool | None  # |delta| > MDC; None when the MDC is not known
    better: bool

    def sentence(self) -> str:
        label, unit = LABELS[self.measure]
        unit = f" {unit}" if unit else ""
        side = f" ({self.side})" if self.side else ""
        verdict = ("within the measurement's variability" if self.real is False
                   else "variability not known yet" if self.real is None
                   else "a real " + ("improvement" if self.better else "decline"))
        mdc = f", MDC {self.mdc:.3g}{unit}" if self.mdc is not None else ""
        return (f"{label}{side} {self.since}: "
                f"{self.baseline:.3g} -> {self.latest:.3g}{unit} ({self.delta:+.3g}{unit}"
                f"{mdc}): {verdict}")


@dataclass
class Trend:
    """Everything the history view, the terminal and the report show for one test."""

    person: str
    protocol: str
    first_day: date
    points: list[WeekPoint]
    bests: dict = field(default_factory=dict)  # (measure, side) -> (value, date)
    changes: list[Change] = field(default_factory=list)
    norm_band_s: tuple[float, float] | None = None  # age-norm hold range, SLS only
    norm_sources: str = ""
    fall_risk_s: float | None = None
    adherence: list[tuple[int, int, float]] = field(default_factory=list)  # week, n, min

    @property
    def sides(self) -> list:
        return sorted({p.side for p in self.points}, key=lambda s: (s is None, s or ""))

    def week_start(self, week: int) -> date:
        return self.first_day + timedelta(days=7 * (week - 1))

    def series(self, measure: str, side) -> tuple[list[int], list[float]]:
        """(weeks, values) of one measure and side, skipping weeks without a value."""
        return self._series(measure, side, "week")

    def dated(self, measure: str, side) -> tuple[list[date], list[float]]:
        """As ``series``, each week by the date it starts (for a calendar axis)."""
        return self._series(measure, side, "start")

    def _series(self, measure: str, side, key: str) -> tuple[list, list[float]]:
        pts = [(getattr(p, key), getattr(p, measure)) for p in self.points
               if p.side == side and getattr(p, measure) is not None]
        return [w for w, _ in pts], [v for _, v in pts]


def trends(history: History, person: str, *, protocol: str | None = None,
           since: str | None = None) -> list[Trend]:
    """One ``Trend`` per test the person has results for (or only ``protocol``)."""
    who = history.person(person)
    every = history.trials(person, protocol=protocol)
    trials = history.trials(person, protocol=protocol, since=since) if since else every
    sessions = history.sessions(person, protocol=protocol, since=since)
    out = []
    names = row_names(sessions)
    for name in sorted({t.protocol or "unknown" for t in trials}):
        rows = [replace(t, side=names.get((t.session_id, t.trial), t.side)) for t in trials
                if (t.protocol or "unknown") == name]
        # weeks count from the person's very first session of the test, even when only
        # the last weeks are shown: "week 9" means the same in every report
        first = min(_day(t.started) for t in every if (t.protocol or "unknown") == name)
        trend = _trend(who.name, name, rows, first)
        trend.adherence = _adherence(trend.first_day,
                                     [s for s in sessions if (s.protocol or "unknown") == name])
        if registry.is_single_leg_stance(name):
            _add_norms(trend, who.profile())
        if registry.canonical(name) == "mctsib":
            trend.changes += ratio_changes(first, [s for s in sessions if s.protocol == name])
        out.append(trend)
    return out


def row_names(sessions) -> dict:
    """(session id, trial position) -> "pose, leg" for the trials that name a pose: a
    week's best "right" hold would otherwise mix warrior II with tree."""
    out = {}
    for s in sessions:
        for i, t in enumerate(ProtocolResult.of(s.result).trials, start=1):
            if t.pose:
                pose = t.pose.replace("_", " ")
                out[(s.id, i)] = f"{pose}, {t.side}" if t.side else pose
    return out


def measure_label(measure: str, side=None) -> str:
    """'hold time (left)', 'hold time' for a row without a side."""
    label = LABELS[measure][0]
    return f"{label} ({side})" if side else label


def with_unit(value: float, measure: str) -> str:
    unit = LABELS[measure][1]
    return f"{value:.3g} {unit}" if unit else f"{value:.3g}"


def since_weeks(history: History, person: str, weeks: int | None) -> str | None:
    """The start of the ``weeks`` weeks that end with the person's latest session (ISO
    date), or None for all. Anchored on the latest session, not today: a report on
    someone who paused training for a month still shows their last weeks of work."""
    if not weeks:
        return None
    sessions = history.sessions(person)
    if not sessions:
        return None
    last = _day(sessions[-1].started)
    return (last - timedelta(weeks=weeks) + timedelta(days=1)).isoformat()


def _day(started: str) -> date:
    try:
        return datetime.fromisoformat(started).date()
    except ValueError:
        return date.fromisoformat(started[:10])


def _trend(person: str, protocol: str, rows: list[TrialRecord], first: date) -> Trend:
    groups: dict[tuple[int, str | None], list[TrialRecord]] = {}
    for r in rows:
        groups.setdefault(((_day(r.started) - first).days // 7 + 1, r.side), []).append(r)
    points = [_week_point(week, first, side, g) for (week, side), g in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or ""))]
    trend = Trend(person, protocol, first, points)
    trend.bests = _bests(rows)
    sem = _personal_sem(rows)
    for side in trend.sides:
        for measure in MEASURES:
            trend.changes += _changes(trend, measure, side, sem.get((measure, side)))
    return trend


def _week_point(week: int, first: date, side, rows: list[TrialRecord]) -> WeekPoint:
    def pick(measure, how):
        vals = [getattr(r, measure) for r in rows if getattr(r, measure) is not None]
        return how(vals) if vals else None
    return WeekPoint(week, first + timedelta(days=7 * (week - 1)), side, len(rows),
                     pick("hold_time_s", max), pick("mean_velocity", statistics.median),
                     pick("ellipse_area", statistics.median), pick("score", max))


def _bests(rows: list[TrialRecord]) -> dict:
    bests = {}
    for measure in MEASURES:
        better = max if HIGHER_IS_BETTER[measure] else min
        for side in {r.side for r in rows}:
            vals = [(getattr(r, measure), r.started) for r in rows
                    if r.side == side and getattr(r, measure) is not None]
            if vals:
                value, when = better(vals, key=lambda v: v[0])
                bests[(measure, side)] = (value, _day(when))
    return bests


def _personal_sem(rows: list[TrialRecord]) -> dict:
    """Pooled within-session SD of repeated trials, per (measure, side): the SEM."""
    out = {}
    for measure in MEASURES:
        for side in {r.side for r in rows}:
            ss, dof = 0.0, 0
            for sid in {r.session_id for r in rows}:
                vals = [getattr(r, measure) for r in rows if r.session_id == sid
                        and r.side == side and getattr(r, measure) is not None]
                if len(vals) >= 2:
                    m = sum(vals) / len(vals)
                    ss += sum((v - m) ** 2 for v in vals)
                    dof += len(vals) - 1
            if dof >= 2:
                out[(measure, side)] = math.sqrt(ss / dof)
    return out


def _changes(trend: Trend, measure: str, side, sem: float | None) -> list[Change]:
    weeks, values = trend.series(measure, side)
    if len(weeks) < 2:
        return []
    latest_week, latest = weeks[-1], values[-1]
    shown = "the first week" if weeks[0] == 1 else "the first week shown"
    baselines = [(f"since week {weeks[0]}, {shown}", weeks[0], values[0])]
    # about a month back: the last week at least 4 before, which after a pause may be
    # longer ago, so the words give the interval; none when that is the first week
    month = [(w, v) for w, v in zip(weeks, values) if weeks[0] < w <= latest_week - MONTH_WEEKS]
    if month:
        week, value = month[-1]
        baselines.append((f"since week {week}, {latest_week - week} weeks before", week, value))
    out = []
    for since, week, base in baselines:
        mdc, source = _mdc(measure, base, sem)
        delta = latest - base
        out.append(Change(measure, side, since, week, base, latest, delta, mdc, source,
                          None if mdc is None else abs(delta) > mdc,
                          (delta > 0) == HIGHER_IS_BETTER[measure] and delta != 0))
    return out


def _mdc(measure: str, baseline: float, sem: float | None) -> tuple[float | None, str]:
    published = MDC.get(measure)
    if published is not None:
        value = (published.absolute if published.absolute is not None
                 else published.relative * abs(baseline))
        return value, published.source + (" (verify)" if published.verify else "")
    if sem is not None:
        return Z95_DIFF * sem, "this person's trial-to-trial variability"
    return None, "not known yet (needs repeated trials)"


def ratio_changes(first: date, sessions) -> list[Change]:
    """The latest session's mCTSIB ratios against the mean of the person's earlier ones,
    real when the difference exceeds ``Z95_DIFF`` times the SD of those earlier values
    (unknown with fewer than ``MIN_EARLIER``). A smaller ratio is better: the lost sense
    disturbs the person less."""
    out = []
    for key in RATIO_LABELS:
        pts = [(_day(s.started), v) for s in sessions if (v := _ratio(s.result, key)) is not None]
        if len(pts) < 2:
            continue
        earlier = [v for _, v in pts[:-1]]
        base, latest = statistics.fmean(earlier), pts[-1][1]
        mdc = Z95_DIFF * statistics.stdev(earlier) if len(earlier) >= MIN_EARLIER else None
        delta = latest - base
        out.append(Change(f"ratio:{key}", None, f"against the mean of {len(earlier)} earlier sessions",
                          (pts[0][0] - first).days // 7 + 1, base, latest, delta, mdc,
                          "this person's session-to-session variability (no published MDC)"
                          if mdc is not None else "not known yet (needs 3 earlier sessions)",
                          None if mdc is None else abs(delta) > mdc, delta < 0))
    return out


def _ratio(result: dict | None, key: str) -> float | None:
    ratio = ((result or {}).get("summary") or {}).get("ratios", {}).get(key) or {}
    value = ratio.get("rms_ml")
    return float(value) if isinstance(value, (int, float)) else None


def _adherence(first: date, sessions) -> list[tuple[int, int, float]]:
    """(week, sessions, minutes recorded) per week: how regularly the person practised."""
    weeks: dict[int, list[float]] = {}
    for s in sessions:
        week = max(1, (_day(s.started) - first).days // 7 + 1)
        weeks.setdefault(week, []).append(s.duration_s or 0.0)
    return [(w, len(d), sum(d) / 60.0) for w, d in sorted(weeks.items())]


def _add_norms(trend: Trend, profile) -> None:
    """The age-norm band (Bohannon 2006 meta-analysis to Springer 2007 mean, or the one
    that exists for the age) and the fall-risk line (Vellas 1997)."""
    trend.fall_risk_s = norms.FALL_RISK_SLS_S
    age = profile.age
    if age is None:
        return
    values, sources = [], []
    for c in norms.compare_sls(0.0, age=age, sex=profile.sex):
        if c.source in (norms.SPRINGER_2007, norms.BOHANNON_2006):
            values.append(c.reference_s)
            sources.append(c.source.key + (" (verify)" if c.source.verify else ""))
    if values:
        trend.norm_band_s = (min(values), max(values))
        trend.norm_sources = "; ".join(sources)


def describe(trend: Trend) -> str:
    """The trend as terminal text: weekly table, bests, changes, norms, adherence."""
    lines = [f"{trend.person} - {registry.title(trend.protocol)} (week 1 starts {trend.first_day})"]
    width = max([6] + [len(str(p.side)) for p in trend.points])
    lines.append(f"{'week':>4} {'side':<{width}} {'trials':>6} {'best hold s':>11} "
                 f"{'sway cm/s':>9} {'area cm²':>8} {'score':>5}")
    for p in trend.points:
        lines.append(f"{p.week:>4} {p.side or '-':<{width}} {p.trials:>6} "
                     f"{_f(p.hold_time_s, 11)} {_f(p.mean_velocity, 9, 2)} "
                     f"{_f(p.ellipse_area, 8, 2)} {_f(p.score, 5, 0)}")
    if trend.bests:
        lines.append("personal bests:")
        lines += [f"  {measure_label(m, side)}: {with_unit(v, m)} on {day}"
                  for (m, side), (v, day) in sorted_bests(trend)]
    if trend.changes:
        lines.append("change:")
        lines += [f"  {c.sentence()}" for c in trend.changes]
    if trend.norm_band_s:
        lo, hi = trend.norm_band_s
        lines.append(f"age norm: {lo:g}-{hi:g} s ({trend.norm_sources})")
    if trend.fall_risk_s is not None:
        lines.append(f"fall-risk line: {trend.fall_risk_s:g} s (Vellas 1997)")
    if trend.adherence:
        lines.append("practice: " + ", ".join(f"week {w}: {n} x, {m:.0f} min"
                                              for w, n, m in trend.adherence))
    return "\n".join(lines)


def sorted_bests(trend: Trend) -> list:
    """((measure, side), (value, day)) in the order of ``MEASURES``, then by side."""
    return sorted(trend.bests.items(), key=lambda kv: (MEASURES.index(kv[0][0]), str(kv[0][1])))


def _f(value, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"
