"""PDF reports: one session, or a person's last weeks of training.

``write_session_report(SESSION, OUT)`` and ``write_person_report(history, PERSON, OUT,
weeks=N)`` write A4 PDFs with Qt's own PDF writer; ``render_*`` paint the same pages
into images. What goes in: the person (alias, age, sex, height, dominant leg), each test
with its results against the published norms, trend plots with the age-norm band and the
fall-risk line, bests and changes judged against the minimal detectable change, practice
per week, and the therapist's notes. Numbers come from the Qt-free modules
(``balance.storage.trends``, ``balance.present.timeline``, ``balance.clinical.norms``), so the
report says what ``balance history`` prints.

A QGuiApplication must exist (fonts); ``balance.commands.report`` creates one offscreen
when there is no screen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF

from balance import __version__
from balance.errors import InputError
from balance.gui.pdf_layout import (GREY, SIDE, Axis, ImagePager, Layout, PdfPager, Series,
                                    chart, notes_block, person_lines, row_colour)
from balance.core.camera_view import CameraView
from balance.present import messages
from balance.present.axes import connected, date_range, date_ticks, day_number, span_label
from balance.protocols import ProtocolResult, TrialResult, registry
from balance.protocols.measures import with_unit
from balance.clinical import norms
from balance.session.rescore import score_for_history
from balance.storage.files import atomic_path
from balance.storage.history import History
from balance.storage.records import Person
from balance.storage.session import read_session
from balance.storage.trends import MAIN, MEASURES, norm_lines, since_weeks, sorted_bests, trends

TRIAL_HEADER = ["#", "leg", "time (s)", "ended", "errors", "score", "sway (cm/s)",
                "area (cm²)"]
TRIAL_WIDTHS = [0.05, 0.09, 0.11, 0.29, 0.09, 0.09, 0.14, 0.14]
CHART_MM = 58  # a trend chart's height


# --- public API -------------------------------------------------------------------------

def write_session_report(session_path, out, *, history: History | None = None,
                         overwrite: bool = False) -> Path:
    with atomic_path(out, overwrite=overwrite) as tmp:
        pager = PdfPager(tmp, f"balance report - {Path(session_path).name}")
        _session_report(Layout(pager, _footer()), session_path, history)
        _check_whole(tmp, out)
    return Path(out)


def render_session_report(session_path, *, history: History | None = None, dpi: int = 100):
    pager = ImagePager(dpi)
    _session_report(Layout(pager, _footer()), session_path, history)
    return pager.images


def write_person_report(history: History, person: str, out, *, weeks: int = 12,
                        overwrite: bool = False) -> Path:
    name = history.person(person).name  # an unknown name fails before a file is made
    with atomic_path(out, overwrite=overwrite) as tmp:
        pager = PdfPager(tmp, f"balance progress report - {name}")
        _person_report(Layout(pager, _footer()), history, name, weeks)
        _check_whole(tmp, out)
    return Path(out)


def render_person_report(history: History, person: str, *, weeks: int = 12, dpi: int = 100):
    pager = ImagePager(dpi)
    _person_report(Layout(pager, _footer()), history, history.person(person).name, weeks)
    return pager.images


def _check_whole(tmp: Path, out) -> None:
    """Qt's PDF writer reports no write error (a full disk): a whole PDF ends in %%EOF."""
    with open(tmp, "rb") as fh:
        fh.seek(max(0, tmp.stat().st_size - 32))
        if b"%%EOF" not in fh.read():
            raise InputError(f"cannot write the PDF {out}: it came out incomplete "
                             "(is the disk full?)")


def _footer() -> str:
    return f"balance {__version__} - made {date.today().isoformat()}"


# --- one session --------------------------------------------------------------------------

def _session_report(lay: Layout, path, history: History | None) -> None:
    from balance.present.timeline import build

    session = read_session(path)
    meta = session.metadata
    record = history.session_by_file(path) if history is not None else None
    person = _person(history, meta, record)
    stored = meta.get("result") if isinstance(meta.get("result"), dict) else None
    if stored is None and record is not None:
        stored = record.result
    if stored is None:
        stored, _why = score_for_history(session, None)
    result = ProtocolResult.from_dict(stored) if stored else None
    protocol = (result.protocol if result else None) or meta.get("protocol") or "recording"
    tl = build(session, height_cm=person.height_cm)
    lay.text(f"Balance report: {registry.title(protocol)}", 18, bold=True)
    lay.text(f"{person.name} - {person_lines(person)}", 11)
    duration = float(session.t[-1] - session.t[0]) if len(session) > 1 else 0.0
    lay.text(f"Recorded {(meta.get('start_time') or '?')[:16].replace('T', ' ')} UTC from "
             f"{meta.get('source') or '?'}; {len(session)} frames over {duration:.1f} s at "
             f"{session.fps:g} fps; sway {tl.scale_note}. File: {Path(path).name}", 9,
             colour=GREY)
    lay.heading("Results")
    _results_block(lay, result, tl, person, protocol)
    lay.heading("Sway during the session")
    _session_chart(lay, tl)
    if history is not None and history.find_person(person.name) is not None:
        _progress_block(lay, history, person.name, protocol)
    notes_block(lay, [("this session", e.t_s, e.payload.get("text", ""),
                       e.payload.get("author")) for e in tl.notes])
    lay.finish()


def _person(history: History | None, meta: dict, record) -> Person:
    """Who the session is of: the history's person for it (an import may have filed it
    under a name the file does not hold), else the file's own."""
    name = (record.person if record is not None else None) or meta.get("person_id") or "guest"
    if history is not None and (found := history.find_person(name)) is not None:
        return found
    stored = meta.get("profile") if isinstance(meta.get("profile"), dict) else {}
    p = Person(name=name, **{k: stored.get(k) for k in ("birth_year", "sex", "dominant_leg")},
               height_cm=stored.get("height_cm") or meta.get("height_cm"))
    return p


def _results_block(lay: Layout, result: ProtocolResult | None, tl, person: Person,
                   protocol: str) -> None:
    trials = result.trials if result else []
    if not trials:
        lay.text("No test result is stored in this session. Holds found by the detector "
                 "(lift to touchdown):", 10)
        trials = [TrialResult(side=t.side, hold_time_s=t.end_s - t.start_s,
                              end_reason="touchdown",
                              metrics=tl.at(tl.index_at(t.end_s))["metrics"])
                  for t in tl.trials]
    rows = [_trial_row(i, t) for i, t in enumerate(trials, start=1)]
    lay.table(trial_header(protocol), rows, TRIAL_WIDTHS)
    oblique = [v for t in trials if (v := CameraView.from_dict(t.view)) and v.medio_lateral is False]
    if oblique:
        lay.text(messages.OBLIQUE_NOTE.format("; ".join(oblique[0].problems())), 8.5, colour=GREY)
    if any("ellipse_area" in t.metrics for t in trials):
        axis = "across the picture" if oblique else "medio-lateral (the image)"
        lay.text(f"Sway speed is {axis}. The area's antero-posterior "
                 "axis is estimated from the camera's depth: compare it over weeks, "
                 "not with force-plate norms.", 8.5, colour=GREY)
    if registry.is_single_leg_stance(protocol) or not result:
        for line in _norm_lines(trials, person):
            lay.text(line, 9.5)


def trial_header(protocol: str) -> list[str]:
    """The trial table's columns; the time column named as the test's measure names it
    ("hold (s)", "time (s)") when that is the time each trial lasted."""
    column = registry.measure(protocol).column
    timed = column.startswith("best ") and column.endswith(" s")
    return TRIAL_HEADER[:2] + [f"{column[5:-2]} (s)" if timed else TRIAL_HEADER[2]] + TRIAL_HEADER[3:]


def _trial_row(i: int, t: TrialResult) -> list[str]:
    m = t.metrics

    def f(v, d=1):
        return "-" if not isinstance(v, (int, float)) else f"{v:.{d}f}"
    return [str(i), t.side or "-", f(t.hold_time_s),
            str(t.end_text or t.end_reason or "-")[:34], f(t.error_number, 0),
            f(t.score, 0), f(m.get("mean_velocity"), 2), f(m.get("ellipse_area"), 1)]


def _norm_lines(trials: list[TrialResult], person: Person) -> list[str]:
    """Each leg's best hold against the age norm, fall-risk line and neuropathy mean."""
    out = []
    for side in ("left", "right", None):
        holds = [t.hold_time_s for t in trials
                 if t.side == side and isinstance(t.hold_time_s, (int, float))]
        if not holds:
            continue
        best = max(holds)
        cmp = norms.compare_sls(best, age=person.profile().age, sex=person.sex)
        where = "; ".join(f"{'below' if c.below else 'at or above'} the {c.label} "
                          f"({c.reference_s:g} s, {c.source.key}"
                          f"{', verify' if c.source.verify else ''})" for c in cmp)
        out.append(f"{(side or 'both').capitalize()} leg best {best:.1f} s: {where}.")
    return out


def _session_chart(lay: Layout, tl) -> None:
    height = lay.mm(62)
    lay.ensure(height)
    t0 = float(tl.t[0]) if len(tl) else 0.0
    step = max(1, len(tl) // 1500)  # a vector path of ~1500 points is plenty on paper
    xs = [float(v) - t0 for v in tl.t[::step]]
    series = [Series("side to side (cm)", xs, [float(v) for v in tl.sway_h[::step]],
                     SIDE["left"], markers=False)]
    finite = tl.sway_h[np.isfinite(tl.sway_h)]
    # 1st-99th percentile: a step out of a pose must not flatten the trials' sway
    y_range = tuple(np.percentile(finite, [1, 99])) if finite.size else None
    chart(lay, QRectF(lay.left, lay.y, lay.width, height), series,
          title="Centre of mass, side to side, about each trial's own centre (trials shaded, "
                "events marked)", x_label="time (s)", y_zero=True, y_range=y_range,
          shade=[(t.start_s - t0, t.end_s - t0) for t in tl.trials],
          marks=[(e.t_s - t0, e.kind) for e in tl.events + tl.notes])
    lay.y += height + lay.mm(3)


def _progress_block(lay: Layout, history: History, name: str, protocol: str) -> None:
    found = [t for t in trends(history, name) if t.protocol == protocol]
    if not found or len({p.week for p in found[0].points}) < 2:
        return
    lay.heading("Progress so far")
    _trend_charts(lay, found[0], measures=(MAIN, "mean_velocity"))


# --- a person over weeks ------------------------------------------------------------------

def _person_report(lay: Layout, history: History, name: str, weeks: int) -> None:
    person = history.person(name)
    since = since_weeks(history, name, weeks)
    sessions = history.sessions(name, since=since)
    lay.text("Balance progress report", 18, bold=True)
    lay.text(f"{person.name} - {person_lines(person)}", 11)
    if person.notes:
        lay.text(f"Notes on the person: {person.notes}", 9.5)
    span = (f"{sessions[0].started[:10]} to {sessions[-1].started[:10]}" if sessions
            else "no sessions")
    lay.text(f"The {weeks} weeks up to the latest session: {span}; {len(sessions)} "
             f"session(s).", 9.5, colour=GREY)
    found = trends(history, name, since=since)
    if not found:
        lay.text("No test results in this period.", 11)
    for trend in found:
        lay.heading(registry.title(trend.protocol), keep_mm=CHART_MM)  # never alone at a page end
        _trend_charts(lay, trend, MEASURES)
        _trend_text(lay, trend)
    _programme_block(lay, history, name)
    _screens_block(lay, history, name, since)
    lay.heading("Sessions", 12)
    lay.table(["date", "test", "trials", "result", "minutes"],
              [_session_row(s) for s in sessions], [0.16, 0.28, 0.08, 0.36, 0.12])
    notes_block(lay, [(n.started[:10], n.t_s, n.text, n.author)
                      for n in history.notes(name, since=since)])
    lay.finish()


def _trend_charts(lay: Layout, trend, measures) -> None:
    """Charts two per row, each from zero (a few per cent must not fill a chart): the
    test's own measure carries its norm band and fall-risk line. A measure the test does not give (no
    values at all) gets a line of text instead."""
    missing = [m for m in measures if not any(trend.series(m, s)[0] for s in trend.sides)]
    measures = [m for m in measures if m not in missing]
    w, h = (lay.width - lay.mm(6)) / 2, lay.mm(CHART_MM)
    weeks = [p.start for p in trend.points]
    x_axis = Axis(date_ticks(min(weeks), max(weeks)), *date_range(min(weeks), max(weeks)))
    for k in range(0, len(measures), 2):
        lay.ensure(h)
        for j, measure in enumerate(measures[k:k + 2]):
            series = [_dated_series(trend, measure, side, n) for n, side in enumerate(trend.sides)]
            main = measure == MAIN
            band = (trend.norm_band.low, trend.norm_band.high) if main and trend.norm_band else None
            chart(lay, QRectF(lay.left + j * (w + lay.mm(6)), lay.y, w, h), series,
                  title=trend.title(measure),
                  x_label=span_label(min(weeks), max(weeks)), x_axis=x_axis,
                  band=band, band_label=trend.norm_band.kind if band else "",
                  hline=(trend.fall_risk.value, trend.fall_risk_words())
                  if main and trend.fall_risk else None, y_zero=True)
        lay.y += h + lay.mm(3)
    if missing:
        lay.text("Not measured by this test: " + ", ".join(trend.label(m)[0] for m in missing)
                 + ".", 8.5, colour=GREY)


def _dated_series(trend, measure: str, side, n: int) -> Series:
    """One row's weekly values on the calendar, unjoined across weeks without a session."""
    days, values = trend.dated(measure, side)
    days = [day_number(d) for d in days]
    return Series(side or "both", days, values, row_colour(side, n), joined=connected(days))


def _trend_text(lay: Layout, trend) -> None:
    bests = [f"{trend.measure_label(m, side)} {trend.with_unit(v, m)} on {d}"
             for (m, side), (v, d) in sorted_bests(trend)]
    if bests:
        lay.text("Personal bests: " + "; ".join(bests) + ".", 9)
    if trend.changes:
        lay.text("Change: real only when larger than the minimal detectable change (MDC)",
                 9.5, bold=True, gap_mm=0.5)
        lay.table(CHANGE_HEADER, [_change_row(c) for c in trend.changes], CHANGE_WIDTHS, pt=8)
        sources = {c.label: c.mdc_source for c in trend.changes}
        lay.text("MDC sources: " + "; ".join(f"{k}: {v}" for k, v in sources.items()) + ".",
                 8, colour=GREY)
    if lines := norm_lines(trend):
        text = "; ".join(lines)
        lay.text(text[0].upper() + text[1:] + ".", 8.5, colour=GREY)
    if trend.adherence:
        lay.text("Practice, by the week starting: " + ", ".join(
            f"{trend.week_start(w):%d %b %Y}: {n} session(s), {m:.0f} min"
            for w, n, m in trend.adherence) + ".", 8.5)


CHANGE_HEADER = ["measure", "leg", "compared", "then", "now", "change", "MDC", "verdict"]
CHANGE_WIDTHS = [0.19, 0.08, 0.2, 0.07, 0.07, 0.12, 0.07, 0.2]


def _change_row(c) -> list[str]:
    verdict = ("not known yet" if c.real is None else "within variability" if not c.real
               else "real improvement" if c.better else "real decline")
    return [c.label, c.side or "-", c.since, f"{c.baseline:.3g}",
            f"{c.latest:.3g}", f"{c.delta:+.3g} {c.unit}".strip(),
            "-" if c.mdc is None else f"{c.mdc:.3g}", verdict]


def _session_row(s) -> list[str]:
    result = ProtocolResult.of(s.result)
    minutes = f"{s.duration_s / 60:.1f}" if s.duration_s else "-"
    return [s.started[:10], registry.title(s.protocol), str(len(result.trials)),
            session_result(s.protocol, result), minutes]


def session_result(protocol: str | None, result: ProtocolResult) -> str:
    """A session's best of its test's measure, per leg where it has legs: "left 12.3 s,
    right 9.1 s", "11.2 s" (shortest five-times sit-to-stand), "14 stands"; "-" without."""
    measure = registry.measure(protocol)
    if not measure.per_trial:
        value = measure.session_value(result)
        return "-" if value is None else with_unit(value, measure.unit)
    by_side: dict = {}
    for t in result.trials:
        if (value := measure.trial_value(t)) is not None:
            by_side.setdefault(t.side, []).append(value)
    parts = [f"{side} " * bool(side) + with_unit(measure.best(v), measure.unit)
             for side, v in sorted(by_side.items(), key=lambda kv: str(kv[0]))]
    return ", ".join(parts) or "-"


def _screens_block(lay: Layout, history: History, name: str, since: str | None) -> None:
    """The STEADI screens of the period, when there were any."""
    from balance.storage.screens import screens
    found = [r for r in screens(history, name) if since is None or r.taken >= since]
    if not found:
        return
    lay.heading("STEADI screens", 12)
    lay.table(["date", "outcome", "failed", "not assessed"],
              [[r.taken[:10], "at risk" if r.at_risk else "screened not at risk",
                ", ".join(r.failed) or "none",
                ", ".join(a.test for a in r.outcome.not_assessed) if r.outcome else "-"]
               for r in found], [0.16, 0.24, 0.3, 0.3])


def _programme_block(lay: Layout, history: History, name: str) -> None:
    """The training programme: adherence and the current level of each ladder."""
    from balance.programme import adherence, store
    levels = store.levels(history, name)
    lay.heading("Training programme", 12)
    lay.text(adherence.of_person(history, name).describe(), 9.5)
    lay.table(["exercise", "level", "target", "set by"],
              [[ladder, s.level, f"{s.goal:g} {s.spec.unit}", s.set_by or "rules"]
               for ladder, s in levels.items()], [0.22, 0.38, 0.2, 0.2])
