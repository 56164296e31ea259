"""The trend view, offscreen, on eight weeks of generated results."""

import os

import cv2  # noqa: F401  (imported first, as the app does: its Qt paths are cleared below)
import numpy as np
import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from balance.gui.history_view import HistoryView  # noqa: E402
from balance.storage.history import History  # noqa: E402
from tests.test_history_trends import left_hold, make_weeks, right_hold  # noqa: E402


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
    x, y = plots.curves[("hold_time_s", "left")].getData()
    assert list(x) == list(range(1, 9)) and list(y) == [left_hold(w, 2) for w in range(1, 9)]
    x, y = plots.curves[("hold_time_s", "right")].getData()
    assert list(y) == [right_hold(w, 2) for w in range(1, 9)]
    _, v = plots.curves[("mean_velocity", "left")].getData()
    assert v[0] == pytest.approx(2.0) and v[-1] == pytest.approx(1.0)
    assert plots.fall_line.value() == 5.0
    if plots.norm_band is not None:  # born 1960: in the 60-69 band until 2029
        assert plots.norm_band.getRegion() == pytest.approx((27.0, 32.1))
    text = plots.text.text()
    assert "hold time (left): 38 s" in text
    assert "since first week (week 1): 10 -> 38 s (+28 s, MDC 24.1 s): a real improvement" in text
    assert "within the measurement's variability" in text
    assert view.adherence.text().startswith("adherence (last 4 weeks): ")
    # another person: three weeks
    view.person_box.setCurrentText("bo")
    x, _ = view.plots.curves[("score", "left")].getData()
    assert list(x) == [1, 2, 3]


def test_trend_view_renders_something_visible(qtbot, history):
    view = HistoryView(history, "ann")
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    img = view.plots.plots["hold_time_s"].grab().toImage()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, :img.width() * 4].reshape(img.height(), img.width(), 4)
    # the left curve's cyan (#35e0ff, BGRA in memory) is drawn
    cyan = (np.abs(arr[..., 0].astype(int) - 0xff) < 30) & (np.abs(arr[..., 1].astype(int)
                                                                    - 0xe0) < 30)
    assert cyan.sum() > 200
