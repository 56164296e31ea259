"""The trend view, offscreen, on eight weeks of generated results."""

import os
from datetime import timedelta

import cv2  # noqa: F401  (imported first, as the app does: its Qt paths are cleared below)
import numpy as np
import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from balance.gui.history_view import HistoryView  # noqa: E402
from balance.gui.style import apply_style, point_sizes  # noqa: E402
from balance.storage.history import History  # noqa: E402
from tests.test_history_trends import (START, left_hold, make_weeks, right_hold,  # noqa: E402
                                       yoga_week)


@pytest.fixture
def history(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        make_weeks(h, tmp_path)
        make_weeks(h, tmp_path, weeks=3, person="bo")
        yield h


def test_trend_view_draws_weeks_sides_norms_and_changes(qtbot, history):
    view = HistoryView(history, "ann")
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    assert [view.person_box.itemText(i) for i in range(view.person_box.count())] == ["ann", "bo"]
    assert view.test_box.currentText() == "Single-leg stance"
    plots = view.plots
    x, y = plots.curves[("main", "left")].getData()
    assert list(x) == [(START + timedelta(weeks=w)).toordinal() for w in range(8)]
    assert list(y) == [left_hold(w, 2) for w in range(1, 9)]
    x, y = plots.curves[("main", "right")].getData()
    assert list(y) == [right_hold(w, 2) for w in range(1, 9)]
    _, v = plots.curves[("mean_velocity", "left")].getData()
    assert v[0] == pytest.approx(2.0) and v[-1] == pytest.approx(1.0)
    # from zero: a sway halved looks halved, not like a fall from the top to the bottom
    assert plots.plots["mean_velocity"].plotItem.vb.viewRange()[1][0] == 0.0
    assert plots.fall_line.value() == 5.0
    if plots.norm_band is not None:  # born 1960: in the 60-69 band until 2029
        assert plots.norm_band.getRegion() == pytest.approx((27.0, 32.1))
    text = plots.text.text()
    assert "hold time (left): 38 s" in text
    assert "since week 1, the first week: 10 -> 38 s (+28 s, MDC 24.1 s): a real improvement" in text
    assert "within the measurement's variability" in text
    assert view.adherence.text().startswith("adherence (last 4 weeks): ")
    # another person: three weeks
    view.person_box.setCurrentText("bo")
    x, _ = view.plots.curves[("score", "left")].getData()
    assert list(x) == [(START + timedelta(weeks=w)).toordinal() for w in range(3)]


def test_trend_view_renders_something_visible(qtbot, history):
    view = HistoryView(history, "ann")
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    img = view.plots.plots["main"].grab().toImage()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, :img.width() * 4].reshape(img.height(), img.width(), 4)
    # the left curve's cyan (#35e0ff, BGRA in memory) is drawn
    cyan = (np.abs(arr[..., 0].astype(int) - 0xff) < 30) & (np.abs(arr[..., 1].astype(int)
                                                                    - 0xe0) < 30)
    assert cyan.sum() > 200


def _pixels_of(plot, colour_bgr, x, y_lo, y_hi, tol=40) -> int:
    """Pixels of ``colour_bgr`` in the plot's screen column at data ``x``, data rows
    ``y_lo``..``y_hi``."""
    from PySide6.QtCore import QPointF
    img = plot.grab().toImage()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, :img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3].astype(int)
    vb = plot.plotItem.vb

    def at(xv, yv):
        return plot.mapFromScene(vb.mapViewToScene(QPointF(xv, yv)))
    top, bottom = at(x, y_hi), at(x, y_lo)
    col = arr[top.y():bottom.y() + 1, top.x() - 1:top.x() + 2]
    return int((np.abs(col - colour_bgr).max(axis=2) < tol).sum())


def test_trends_sit_on_a_calendar_with_gaps_as_gaps(qtbot, tmp_path):
    """Weeks 1, 2 and 10: dates on the axis, a line from week 1 to 2, none across the
    seven empty weeks; the legend is in the title, not over the points."""
    from tests.test_history_store import trial, write_session
    with History(tmp_path / "h.sqlite3") as h:
        for week, hold in ((1, 10.0), (2, 12.0), (10, 20.0)):
            day = START + timedelta(weeks=week - 1)
            h.import_session(write_session(tmp_path / f"w{week}.balance",
                                           start=f"{day}T09:00:00+00:00",
                                           trials=[trial("left", hold)]))
        view = HistoryView(h, "ann")
        qtbot.addWidget(view)
        view.resize(1200, 900)
        view.show()
        qtbot.waitExposed(view)
        plot = view.plots.plots["main"]
        assert plot.getAxis("bottom").labelText == "week starting (Jan 2026 - Mar 2026)"
        ticks = plot.getAxis("bottom")._tickLevels[0]
        assert ticks[0] == (START.toordinal(), "5 Jan")
        assert plot.plotItem.legend is None
        assert "left" in plot.plotItem.titleLabel.text
        cyan = (0xff, 0xe0, 0x35)  # #35e0ff as BGR
        day = START.toordinal()
        assert _pixels_of(plot, cyan, day + 3.5, 10.0, 12.0) > 0       # weeks 1-2 joined
        assert _pixels_of(plot, cyan, day + 35.0, 10.0, 20.0) == 0     # none across the gap


def test_one_week_of_yoga_gets_a_range_and_rows_named_by_pose(qtbot, tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        yoga_week(h, tmp_path, 1, {("warrior_2", "right"): 13.0, ("mountain", None): 4.0})
        view = HistoryView(h, "ann")
        qtbot.addWidget(view)
        plot = view.plots.plots["main"]
        title = plot.plotItem.titleLabel.text
        # each row named, with the symbol its points are drawn with (by leg)
        assert "&#9632; warrior 2, right" in title and "&#9660; mountain" in title
        assert view.plots.curves[("main", "warrior 2, right")].opts["symbol"] == "s"
        assert view.plots.curves[("main", "mountain")].opts["symbol"] == "t"
        (x_lo, x_hi), (y_lo, y_hi) = plot.plotItem.vb.viewRange()
        assert (x_lo, x_hi) == (START.toordinal() - 7, START.toordinal() + 7)
        assert y_lo == 0.0 and 13.0 < y_hi < 20.0  # the points inside, not on the edge
        (s_lo, s_hi), = [view.plots.plots["score"].plotItem.vb.viewRange()[1]]
        assert s_lo < 50.0 < s_hi and s_hi - s_lo >= 20.0  # one score: a range around it


def test_plots_take_the_text_size_before_they_are_shown_and_keep_it_in_new_titles(
        qtbot, history, qapp):
    apply_style(qapp, 1.5)
    try:
        view = HistoryView(history, "ann")  # never shown: no Ctrl +/- has reached it
        qtbot.addWidget(view)
        view.person_box.setCurrentText("bo")  # the titles are set again
        pt = point_sizes(1.5)["plot"]
        for plot in view.plots.plots.values():
            assert plot.getAxis("left").style["tickFont"].pointSize() == pt
            assert plot.getAxis("bottom").style["tickFont"].pointSize() == pt
            assert plot.plotItem.titleLabel.opts["size"] == f"{pt}pt"
            # the axis name at that size, still in the light text colour (not black on dark)
            label = plot.getAxis("bottom").labelStyle
            assert label["font-size"] == f"{pt}pt" and label["color"] == "#e0e0e0"
    finally:
        apply_style(qapp, 1.0)


def test_a_measure_the_test_does_not_give_shows_no_values(qtbot, tmp_path):
    """A five-times sit-to-stand has a time and no sway: the sway plots say "not
    measured" and carry no numbers on their axis."""
    from tests.test_history_store import write_session
    timed = {"trial": 1, "side": None, "hold_time_s": 12.5, "end_reason": "done",
             "metrics": {}, "errors": []}
    with History(tmp_path / "h.sqlite3") as h:
        h.import_session(write_session(tmp_path / "sts.balance", protocol="five-sts",
                                       trials=[timed]))
        view = HistoryView(h, "ann")
        qtbot.addWidget(view)
        sway = view.plots.plots["mean_velocity"]
        assert sway.plotItem.titleLabel.text.endswith("- not measured")
        assert sway.getAxis("left")._tickLevels == [[], []]
        assert view.plots.plots["main"].getAxis("left")._tickLevels is None


def test_timed_tests_are_plotted_with_their_own_measure_lines_and_bests(qtbot, tmp_path, monkeypatch):
    """Five-times sit-to-stand and TUG: their time's name and unit, the ≥ 12 s fall-risk
    line, the age mean, the shortest time as the best, and never "hold time"."""
    from balance import profile
    from tests.helpers import freeze_today
    from tests.test_history_trends import FIVE_STS_TIMES, TUG_TIMES, timed_weeks
    freeze_today(monkeypatch, profile, START + timedelta(weeks=8))  # ann, born 1960, is 66
    with History(tmp_path / "h.sqlite3") as h:
        timed_weeks(h, tmp_path, "five-sts", FIVE_STS_TIMES)
        timed_weeks(h, tmp_path, "tug", TUG_TIMES)
        view = HistoryView(h, "ann")
        qtbot.addWidget(view)
        assert view.test_box.currentText() == "Five-times sit-to-stand"
        plots = view.plots
        main = plots.plots["main"]
        assert main.plotItem.titleLabel.text.startswith("time for five stands (s)")
        _, y = plots.curves[("main", None)].getData()
        assert list(y) == [min(ts) for ts in FIVE_STS_TIMES.values()]
        assert plots.fall_line.value() == 12.0 and plots.fall_line.label.format == "fall risk ≥ 12 s"
        assert plots.norm_band.getRegion() == pytest.approx((11.4, 11.4))
        text = plots.text.text()
        assert "time for five stands: 12.6 s on" in text and "a real improvement" in text
        assert "hold time" not in text
        view.test_box.setCurrentIndex(1)
        assert plots.plots["main"].plotItem.titleLabel.text.startswith("TUG time (s)")
        assert plots.fall_line.value() == 12.0 and plots.norm_band is None
        assert "TUG time: 11 s on" in plots.text.text()


def test_the_norm_and_fall_risk_names_follow_a_text_size_change_at_once(qtbot, history, qapp):
    """They are drawn on the data, where the style sheet does not reach: they once kept
    their size until the next person or test was picked."""
    view = HistoryView(history, "ann")
    qtbot.addWidget(view)
    view.show()
    plots = view.plots
    names = [plots.fall_line.label] + [i for i in plots.plots["main"].plotItem.items
                                       if type(i).__name__ == "TextItem"]
    try:
        for scale in (1.6, 0.85):
            apply_style(qapp, scale)
            assert {n.textItem.font().pointSize() for n in names} == {point_sizes(scale)["plot"]}
    finally:
        apply_style(qapp, 1.0)


def test_the_view_lists_the_persons_steadi_screens(qtbot, history):
    from balance.clinical import steadi
    from balance.storage.screens import save_screen
    answers = {"fallen": True, "unsteady": False, "worries": False}
    save_screen(history, "bo", steadi.screen(answers, tug_s=9.0, chair_stands=7,
                                             tandem_held=False, age=70, sex="female"),
                taken="2026-03-02T09:00:00+00:00")
    view = HistoryView(history, "bo")
    qtbot.addWidget(view)
    text = view.screens.text()
    assert text.startswith("STEADI screens")
    assert "2026-03-02  at risk; failed: strength (30-second chair stand), balance" in text
    view.person_box.setCurrentText("ann")  # ann was never screened
    assert view.screens.text() == ""


def test_trend_curves_are_smooth_without_turning_the_live_plots_smooth(qtbot, history):
    # Antialiasing costs the live window's two cores; a trend's few points it costs nothing.
    import pyqtgraph as pg
    from balance.gui.widgets import SwayPlots
    live = SwayPlots()
    qtbot.addWidget(live)
    view = HistoryView(history, "ann")  # opened after: must not change what plots draw next
    qtbot.addWidget(view)
    assert view.plots.curves[("main", "left")].opts["antialias"] is True
    assert live.ml_curve.opts["antialias"] is False and live.path_curve.opts["antialias"] is False
    assert pg.getConfigOption("antialias") is False  # the replay's and later live plots' too
