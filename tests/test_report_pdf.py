"""PDF reports: written by Qt, rendered back to images (PDFium) and read for content."""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtGui import QImage  # noqa: E402

from balance.gui import pdf_report  # noqa: E402
from balance.gui.pdf_layout import nice_ticks  # noqa: E402
from balance.storage.history import History  # noqa: E402
from balance.events import Event  # noqa: E402
from balance.storage.session import append_events  # noqa: E402
from balance.session.rescore import score_for_history  # noqa: E402
from tests.helpers import assert_one_line_error, balance  # noqa: E402
from tests.test_history_trends import make_weeks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


@pytest.fixture(scope="module")
def world(tmp_path_factory, qapp):
    folder = tmp_path_factory.mktemp("report")
    h = History(folder / "h.sqlite3")
    make_weeks(h, folder)
    sls = folder / "sls.balance"
    shutil.copy(SAMPLE, sls)
    append_events(sls, [Event(4.0, "note", {"text": "weight shifts late before the lift",
                                            "author": "PT Kim"})])
    h.import_session(sls, protocol="single-leg-stance", scorer=score_for_history)
    yield folder, h, sls
    h.close()


def _each_page(pdf: Path, fn) -> list:
    """fn(page) for every page, read by PDFium (an independent reader, not Qt)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            out.append(fn(page))
            page.close()
        return out
    finally:
        doc.close()


def pages(pdf: Path, dpi: int = 60) -> list[np.ndarray]:
    """The PDF's pages as RGB arrays."""
    return _each_page(pdf, lambda page: page.render(scale=dpi / 72, rev_byteorder=True)
                      .to_numpy()[..., :3].copy())


def text_of(pdf: Path) -> str:
    def text(page):
        tp = page.get_textpage()
        try:
            return tp.get_text_bounded()
        finally:
            tp.close()
    return "\n".join(_each_page(pdf, text))


def colour_pixels(page: np.ndarray, rgb, tol: int = 40) -> int:
    return int((np.abs(page.astype(int) - rgb).max(axis=2) < tol).sum())


def test_person_report_pages_show_trends_norms_changes_and_notes(world):
    folder, h, _ = world
    pdf = pdf_report.write_person_report(h, "ann", folder / "ann.pdf", weeks=12)
    assert oct(pdf.stat().st_mode & 0o777) == "0o600"
    text = text_of(pdf)
    for words in ("Balance progress report", "ann - ", "female, 165 cm",
                  "Single-leg stance", "hold time (s)", "sway velocity (cm/s)",
                  "age norm", "fall risk < 5 s", "Goldberg 2011",
                  "much steadier on the left", "PT Kim", "2026-02-26",
                  "week starting (Jan 2026 - Feb 2026)", "5 Jan", "19 Jan",
                  "Practice, by the week starting: 05 Jan 2026: 2 session(s)"):
        assert words in text, words
    # the week 1 -> 8 left hold change is real (28 s > MDC 24.1 s), the right one is not
    # a cell too long for its column wraps onto a second line of its row, whole
    lines = text.splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("hold time left since week 1,"))
    row = " ".join(lines[k:k + 2])
    assert "since week 1, the first week" in row
    assert "+28 s" in row and "24.1" in row and "real improvement" in row
    shown = pages(pdf)
    assert len(shown) == 3  # the change table, its long cells wrapped, runs onto a third
    first = shown[0]
    assert colour_pixels(first, (0x0a, 0x7b, 0xbf)) > 300  # left curves (blue)
    assert colour_pixels(first, (0xd9, 0x73, 0x0d)) > 300  # right curves (orange)
    assert colour_pixels(first, (0xc8, 0x1e, 0x1e), 50) > 40  # the fall-risk line
    # the age-norm band (translucent green on white) sits between the 27 and 32 s grid
    assert colour_pixels(first, (0xd8, 0xee, 0xde), 12) > 500
    assert (first < 128).all(axis=2).mean() > 0.01  # plenty of dark text and lines


def test_session_report_shows_results_norms_sway_and_the_note(world):
    folder, h, sls = world
    pdf = pdf_report.write_session_report(sls, folder / "sls.pdf", history=h)
    text = text_of(pdf)
    for words in ("Balance report: Single-leg stance", "Results", "touched down",
                  "fall-risk line (5 s, Vellas 1997)", "Sway during the session",
                  "weight shifts late before the lift", "at 4.0 s - PT Kim"):
        assert words in text, words
    rows = [line.split() for line in text.splitlines() if line.split()[:2] in (
        ["1", "right"], ["2", "left"])]
    assert [r[2] for r in rows] == ["12.0", "9.0"]  # the sample's holds: 12 s and 9 s
    # the sample keeps world landmarks: an area per trial, its AP axis marked as estimated
    assert all(float(r[-1]) > 0 for r in rows)
    assert "estimated from the camera's depth" in " ".join(text.split())
    (page,) = pages(pdf)
    assert colour_pixels(page, (0x0a, 0x7b, 0xbf)) > 300  # the sway trace


def test_image_pages_match_the_pdf_layout(world):
    _, h, sls = world
    images = pdf_report.render_person_report(h, "ann", weeks=12, dpi=50)
    assert len(images) == 3 and images[0].width() == round(210 / 25.4 * 50)
    img = images[0].convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    assert (arr < 128).mean() > 0.01
    assert len(pdf_report.render_session_report(sls, history=h, dpi=40)) == 1


def test_nice_ticks():
    assert nice_ticks(0, 38) == [0, 10, 20, 30, 40]
    assert nice_ticks(1.0, 2.0, 4) == pytest.approx([1.0, 1.5, 2.0])
    assert nice_ticks(5, 5)[0] == 5


def test_report_command_writes_pdfs_and_refuses_bad_input(world, monkeypatch, tmp_path):
    folder, h, sls = world
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    bare = tmp_path / "s.balance"
    shutil.copy(SAMPLE, bare)
    proc = balance("report", bare, "--out", tmp_path / "s.pdf")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    # no stored result and no history: the detector's holds are reported
    assert "Holds found by the detector" in text_of(tmp_path / "s.pdf")
    (tmp_path / "junk.balance").write_text("junk")
    assert_one_line_error(balance("report", tmp_path / "junk.balance"), "not a balance session")
    assert_one_line_error(balance("report"), "SESSION", "--person")
    assert_one_line_error(balance("report", bare, "--out", tmp_path / "x.txt"), "PDF")
    assert_one_line_error(balance("report", "--person", "ann"), "no person 'ann'")
    assert not (tmp_path / "x.txt").exists()


def test_reports_name_rows_and_the_person_a_session_was_filed_under(tmp_path, qapp):
    """Yoga bests read "hold time (mountain) 4 s", never "(None)"; a session recorded as
    a guest and imported for ann says ann."""
    from tests.test_history_store import trial, write_session
    from tests.test_history_trends import yoga_week

    with History(tmp_path / "h.sqlite3") as h:
        yoga_week(h, tmp_path, 1, {("mountain", None): 4.0, ("warrior_2", "left"): 7.27})
        guest = write_session(tmp_path / "guest.balance", person="guest", profile={},
                              trials=[trial("left", 6.0)])
        h.import_session(guest, person="ann")
        person = text_of(pdf_report.write_person_report(h, "ann", tmp_path / "ann.pdf"))
        session = text_of(pdf_report.write_session_report(guest, tmp_path / "g.pdf", history=h))
    flat = " ".join(person.split())
    assert "hold time (mountain) 4 s on 2026-01-05" in flat
    assert "hold time (warrior 2, left) 7.27 s" in flat
    assert "None" not in person
    assert session.splitlines()[1].startswith("ann - ")


def test_trend_chart_leaves_empty_weeks_empty_and_its_legend_off_the_data(qapp):
    """Points a week apart are joined, points seven weeks apart are not; the legend sits
    above the frame; the x ticks are dates."""
    from datetime import date, timedelta

    from PySide6.QtCore import QRectF
    from balance.gui.pdf_layout import SIDE, Axis, ImagePager, Layout, Series, chart
    from balance.present.axes import connected, date_range, date_ticks, span_label

    first = date(2026, 1, 5)
    days = [(first + timedelta(weeks=w)).toordinal() for w in (0, 1, 9)]
    lay = Layout(ImagePager(dpi=100), "")
    rect = QRectF(lay.left, lay.y, lay.width, lay.mm(60))
    last = first + timedelta(weeks=9)
    plot = chart(lay, rect, [Series("left", days, [10.0, 12.0, 20.0], SIDE["left"],
                                    joined=connected(days))],
                 title="hold time (s)", x_label=span_label(first, last), y_zero=True,
                 x_axis=Axis(date_ticks(first, last), *date_range(first, last)))
    lay.finish()
    img = lay.pager.images[0].convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, :img.width() * 3].reshape(img.height(), img.width(), 3)
    x0, x1 = date_range(first, last)

    def column(day) -> np.ndarray:
        x = round(plot.left() + (day - x0) / (x1 - x0) * plot.width())
        return arr[round(plot.top()) + 2:round(plot.bottom()) - 2, x - 1:x + 2]
    blue = (0x0a, 0x7b, 0xbf)
    assert colour_pixels(column(days[0] + 3.5), blue) > 0     # weeks 1 and 2 joined
    assert colour_pixels(column(days[1] + 28.0), blue) == 0   # nothing across the gap
    legend = arr[round(rect.top()):round(plot.top()), round(plot.left()):round(plot.right())]
    assert colour_pixels(legend, blue) > 5                     # the legend, above the frame


def test_person_report_names_timed_tests_by_their_measure(tmp_path, qapp, monkeypatch):
    """The five-times sit-to-stand and TUG charts, bests, change table and sessions table
    say "time", the shortest is the best, and their MDC is their own, not Goldberg 2011's."""
    from balance import profile
    from tests.helpers import freeze_today
    from tests.test_history_trends import FIVE_STS_TIMES, START, TUG_TIMES, timed_weeks
    freeze_today(monkeypatch, profile, START + timedelta(weeks=8))
    with History(tmp_path / "h.sqlite3") as h:
        timed_weeks(h, tmp_path, "five-sts", FIVE_STS_TIMES)
        timed_weeks(h, tmp_path, "tug", TUG_TIMES)
        text = text_of(pdf_report.write_person_report(h, "ann", tmp_path / "ann.pdf", weeks=12))
    flat = " ".join(text.split())
    for words in ("Five-times sit-to-stand", "time for five stands (s)", "Timed Up and Go (TUG)",
                  "TUG time (s)", "time for five stands 12.6 s on", "TUG time 11 s on",
                  "Goldberg 2012", "fall risk ≥ 12 s", "Tiedemann 2008", "Age mean 11.4 s",
                  "Five-times sit-to-stand 1 12.6 s"):
        assert words in flat, words
    assert "hold time" not in flat and "Goldberg 2011" not in flat and "24.1" not in flat
    row = next(line for line in text.splitlines() if line.startswith("time for five stands -"))
    assert "-3.2 s" in row and "real improvement" in row
