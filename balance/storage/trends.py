"""Trends per person and test: weekly values, personal bests, and change that is real.

Weeks are counted from the person's first session of the test (week 1 = days 0-6), also
when only the last weeks are shown. The latest week is compared with the first week shown
and with the last week at least four weeks before it (longer after a pause: the words say
how long).
Rows are the legs, or for a test of poses (yoga) each pose and leg ("warrior 2, right").
Per week and row: the best of the test's main measure (``MAIN``: what its registry entry
declares, ``protocols.measures.Measure``: a single-leg hold, a five-times sit-to-stand's
time, which is best when shortest, the stands of a chair stand), the median sway velocity
and ellipse area (a typical trial, not a lucky one) and the best score.

Is a change real? A change counts only when it exceeds the minimal detectable change
(MDC95 = 1.96 * sqrt(2) * SEM): the difference two measurements of an unchanged person
exceed only 5 % of the time. The published values are in ``balance.clinical.mdc``: the main
measure's as its test declares it, the sway velocity's in ``MDC``. A measure without one
uses the person's own repeatability (the pooled SD of their repeated trials within a
session, taken as the SEM). Published values come from stopwatch and force-plate studies;
a webcam measure is noisier, so they are a lower bound here.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from balance.clinical import mdc
from balance.clinical.mdc import Mdc
from balance.protocols import ProtocolResult, registry
from balance.protocols.measures import HOLD, Band, Line, Measure, number, with_unit
from balance.storage.history import History
from balance.storage.records import TrialRecord

MAIN = "main"  # the test's own measure (``Trend.measure``)
MEASURES = (MAIN, "mean_velocity", "ellipse_area", "score")
SWAY = MEASURES[1:]  # read from every trial's stored row
LABELS = {"mean_velocity": ("sway velocity", "cm/s"),
          "ellipse_area": ("sway area (95 %, AP estimated)", "cm²"), "score": ("stability score", "")}
HIGHER_IS_BETTER = {"mean_velocity": False, "ellipse_area": False, "score": True}
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
# Published MDCs of the measures every test shares (``balance.clinical.mdc``); a test's
# main measure carries its own (``Measure.mdc``).
MDC: dict[str, Mdc] = {"mean_velocity": mdc.SWAY_VELOCITY}


@dataclass
class Sample:
    """One trial's values (``trial``) or, for a measure read from the summary, one
    session's; ``values`` maps a measure in ``MEASURES`` to its number or None."""

    session_id: int
    started: str
    side: str | None
    trial: bool
    values: dict


@dataclass
class WeekPoint:
    """One week's values for one row (None where no trial gave the value); ``side`` is
    the row: the leg, None for both legs, or a pose and its leg (``row_names``); ``main``
    the test's measure (``Trend.measure``)."""

    week: int
    start: date
    side: str | None
    trials: int
    main: float | None
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
    label: str
    unit: str

    def sentence(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        side = f" ({self.side})" if self.side else ""
        verdict = ("within the measurement's variability" if self.real is False
                   else "variability not known yet" if self.real is None
                   else "a real " + ("improvement" if self.better else "decline"))
        mdc = f", MDC {self.mdc:.3g}{unit}" if self.mdc is not None else ""
        return (f"{self.label}{side} {self.since}: "
                f"{self.baseline:.3g} -> {self.latest:.3g}{unit} ({self.delta:+.3g}{unit}"
                f"{mdc}): {verdict}")


@dataclass
class Trend:
    """Everything the history view, the terminal and the report show for one test."""

    person: str
    protocol: str
    first_day: date
    points: list[WeekPoint]
    measure: Measure = HOLD
    bests: dict = field(default_factory=dict)  # (measure, side) -> (value, date)
    changes: list[Change] = field(default_factory=list)
    norm_band: Band | None = None  # the main measure's age norm, for the person's age
    fall_risk: Line | None = None  # the main measure's fall-risk line
    adherence: list[tuple[int, int, float]] = field(default_factory=list)  # week, n, min

    @property
    def sides(self) -> list:
        return sorted({p.side for p in self.points}, key=lambda s: (s is None, s or ""))

    def week_start(self, week: int) -> date:
        return self.first_day + timedelta(days=7 * (week - 1))

    def label(self, measure: str) -> tuple[str, str]:
        """(label, unit) of a measure of this trend."""
        return (self.measure.label, self.measure.unit) if measure == MAIN else LABELS[measure]

    def title(self, measure: str) -> str:
        """A plot's title: 'hold time (s)', 'stands in 30 s', 'stability score'."""
        if measure == MAIN:
            return self.measure.title
        label, unit = LABELS[measure]
        return f"{label} ({unit})" if unit else label

    def higher_is_better(self, measure: str) -> bool:
        return self.measure.higher_is_better if measure == MAIN else HIGHER_IS_BETTER[measure]

    def measure_label(self, measure: str, side=None) -> str:
        """'hold time (left)', 'hold time' for a row without a side."""
        label = self.label(measure)[0]
        return f"{label} ({side})" if side else label

    def with_unit(self, value: float, measure: str) -> str:
        return with_unit(value, self.label(measure)[1])

    def fall_risk_words(self) -> str:
        """'fall risk < 5 s', 'fall risk ≥ 12 s' ('' without a line)."""
        return self.measure.risk_words(self.fall_risk) if self.fall_risk else ""

    def norm_words(self) -> str:
        """'age norm 27-32.1 s', 'age mean 12.6 s' ('' without a band)."""
        return self.norm_band.words(self.measure.unit) if self.norm_band else ""

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
        mine = [s for s in sessions if (s.protocol or "unknown") == name]
        measure = registry.measure(name)
        rows = samples(measure, [replace(t, side=names.get((t.session_id, t.trial), t.side))
                                 for t in trials if (t.protocol or "unknown") == name], mine)
        # weeks count from the person's very first session of the test, even when only
        # the last weeks are shown: "week 9" means the same in every report
        first = min(_day(t.started) for t in every if (t.protocol or "unknown") == name)
        trend = _trend(who.name, name, measure, rows, first, _repeat_sem(measure, mine))
        trend.adherence = _adherence(trend.first_day, mine)
        trend.fall_risk, trend.norm_band = measure.lines(who.profile())
        if registry.canonical(name) == "mctsib":
            trend.changes += ratio_changes(first, mine)
        out.append(trend)
    return out


def samples(measure: Measure, trials: list[TrialRecord], sessions) -> list[Sample]:
    """The trials' values, the main one read as ``measure`` says: from each trial (a
    stored column when there is one, so rows without a stored result read too), or once
    per session from its summary."""
    results = {s.id: ProtocolResult.of(s.result) for s in sessions}
    out = []
    for t in trials:
        values = {m: getattr(t, m) for m in SWAY}
        values[MAIN] = _trial_main(measure, t, results.get(t.session_id)) if measure.per_trial else None
        # a trial with nothing of its own to show (a reach: its arm's side, no sway) counts
        # in the session's row, not in a row of blanks beside it
        bare = not measure.per_trial and all(v is None for v in values.values())
        out.append(Sample(t.session_id, t.started, None if bare else t.side, True, values))
    if not measure.per_trial:
        out += [Sample(s.id, s.started, None, False, {MAIN: v}) for s in sessions
                if (v := measure.session_value(results[s.id])) is not None]
    return out


def _trial_main(measure: Measure, record: TrialRecord, result) -> float | None:
    if hasattr(record, measure.field):
        return number(getattr(record, measure.field))
    trials = result.trials if result is not None else []
    return measure.trial_value(trials[record.trial - 1]) if 0 < record.trial <= len(trials) else None


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


def _trend(person: str, protocol: str, measure: Measure, rows: list[Sample], first: date,
           repeat_sem: float | None = None) -> Trend:
    groups: dict[tuple[int, str | None], list[Sample]] = {}
    for r in rows:
        groups.setdefault(((_day(r.started) - first).days // 7 + 1, r.side), []).append(r)
    points = [_week_point(week, first, side, measure, g) for (week, side), g in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or ""))]
    trend = Trend(person, protocol, first, points, measure)
    trend.bests = _bests(trend, rows)
    sem = _personal_sem(rows)
    if repeat_sem is not None:  # a session-level measure (a reach): one row, two trials
        sem[(MAIN, None)] = repeat_sem
    for side in trend.sides:
        for name in MEASURES:
            trend.changes += _changes(trend, name, side, sem.get((name, side)))
    return trend


def _week_point(week: int, first: date, side, measure: Measure, rows: list[Sample]) -> WeekPoint:
    def pick(name, how):
        vals = _values(rows, name)
        return how(vals) if vals else None
    return WeekPoint(week, first + timedelta(days=7 * (week - 1)), side,
                     sum(r.trial for r in rows), pick(MAIN, measure.best),
                     pick("mean_velocity", statistics.median),
                     pick("ellipse_area", statistics.median), pick("score", max))


def _values(rows: list[Sample], name: str) -> list[float]:
    return [v for r in rows if (v := r.values.get(name)) is not None]


def _bests(trend: Trend, rows: list[Sample]) -> dict:
    bests = {}
    for name in MEASURES:
        better = max if trend.higher_is_better(name) else min
        for side in {r.side for r in rows}:
            vals = [(v, r.started) for r in rows
                    if r.side == side and (v := r.values.get(name)) is not None]
            if vals:
                value, when = better(vals, key=lambda v: v[0])
                bests[(name, side)] = (value, _day(when))
    return bests


def _personal_sem(rows: list[Sample]) -> dict:
    """Pooled within-session SD of repeated trials, per (measure, side): the SEM."""
    out = {}
    for name in MEASURES:
        for side in {r.side for r in rows}:
            ss, dof = 0.0, 0
            for sid in {r.session_id for r in rows}:
                vals = _values([r for r in rows if r.session_id == sid and r.side == side], name)
                if len(vals) >= 2:
                    m = sum(vals) / len(vals)
                    ss += sum((v - m) ** 2 for v in vals)
                    dof += len(vals) - 1
            if dof >= 2:
                out[(name, side)] = math.sqrt(ss / dof)
    return out


def _repeat_sem(measure: Measure, sessions) -> float | None:
    """Pooled within-session SD of a session-level measure's repeated trials (a reach's
    two; ``Measure.repeats``). A single trial's SD: for a best of two it is cautious,
    as the best of two varies less than one trial."""
    ss, dof = 0.0, 0
    for s in sessions:
        vals = measure.repeat_values(ProtocolResult.of(s.result)) if s.result else []
        if len(vals) >= 2:
            ss += sum((v - statistics.fmean(vals)) ** 2 for v in vals)
            dof += len(vals) - 1
    return math.sqrt(ss / dof) if dof >= 2 else None


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
    published = trend.measure.mdc if measure == MAIN else MDC.get(measure)
    higher = trend.higher_is_better(measure)
    out = []
    for since, week, base in baselines:
        value, source = _mdc(published, base, sem)
        delta = latest - base
        out.append(Change(measure, side, since, week, base, latest, delta, value, source,
                          None if value is None else abs(delta) > value,
                          (delta > 0) == higher and delta != 0, *trend.label(measure)))
    return out


def _mdc(published: Mdc | None, baseline: float, sem: float | None) -> tuple[float | None, str]:
    if published is not None:
        return published.of(baseline), published.cited
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
                          "this person's trial-to-trial variability (one trial of each "
                          "condition a session; no published MDC)"
                          if mdc is not None else "not known yet (needs 3 earlier sessions)",
                          None if mdc is None else abs(delta) > mdc, delta < 0, *LABELS[f"ratio:{key}"]))
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


def describe(trend: Trend) -> str:
    """The trend as terminal text: weekly table, bests, changes, norms, adherence."""
    lines = [f"{trend.person} - {registry.title(trend.protocol)} (week 1 starts {trend.first_day})"]
    width = max([6] + [len(str(p.side)) for p in trend.points])
    column = trend.measure.column
    main = max(11, len(column))
    lines.append(f"{'week':>4} {'side':<{width}} {'trials':>6} {column:>{main}} "
                 f"{'sway cm/s':>9} {'area cm²':>8} {'score':>5}")
    for p in trend.points:
        lines.append(f"{p.week:>4} {p.side or '-':<{width}} {p.trials:>6} "
                     f"{_f(p.main, main)} {_f(p.mean_velocity, 9, 2)} "
                     f"{_f(p.ellipse_area, 8, 2)} {_f(p.score, 5, 0)}")
    if trend.bests:
        lines.append("personal bests:")
        lines += [f"  {trend.measure_label(m, side)}: {trend.with_unit(v, m)} on {day}"
                  for (m, side), (v, day) in sorted_bests(trend)]
    if trend.changes:
        lines.append("change:")
        lines += [f"  {c.sentence()}" for c in trend.changes]
    lines += norm_lines(trend)
    if trend.adherence:
        lines.append("practice: " + ", ".join(f"week {w}: {n} x, {m:.0f} min"
                                              for w, n, m in trend.adherence))
    return "\n".join(lines)


def norm_lines(trend: Trend) -> list[str]:
    """'age norm 27-32.1 s (sources)' and 'fall-risk line: < 5 s (Vellas 1997)', where
    the test has them."""
    out = [f"{trend.norm_words()} ({trend.norm_band.sources})"] if trend.norm_band else []
    if trend.fall_risk:
        threshold = trend.fall_risk_words().removeprefix("fall risk ")
        out.append(f"fall-risk line: {threshold} ({trend.fall_risk.source})")
    return out


def sorted_bests(trend: Trend) -> list:
    """((measure, side), (value, day)) in the order of ``MEASURES``, then by side."""
    return sorted(trend.bests.items(), key=lambda kv: (MEASURES.index(kv[0][0]), str(kv[0][1])))


def _f(value, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"
