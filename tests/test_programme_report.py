"""The therapist's PDF report shows the training programme: adherence and levels."""

import os
from datetime import date, timedelta


from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from balance.gui import pdf_report  # noqa: E402
from balance.programme import store  # noqa: E402
from balance.programme.progression import Outcome  # noqa: E402
from balance.storage.history import History  # noqa: E402
from tests.test_report_pdf import text_of  # noqa: E402


def test_person_report_has_the_programme_block(tmp_path, qapp):
    with History(tmp_path / "h.sqlite3") as h:
        h.add_person("Ann")
        store.set_level(h, "Ann", "balance", "tandem")
        today = date.today()
        for k in (1, 2, 3):
            store.log_outcomes(h, "Ann", [Outcome(today - timedelta(days=k), "heel-raises",
                                                  "heel-raises-8", 8, 9.0)])
        pdf = pdf_report.write_person_report(h, "Ann", tmp_path / "ann.pdf", weeks=4)
    text = text_of(pdf)
    assert "Training programme" in text
    words = " ".join(text.split())  # the PDF wraps lines
    assert "3 days in a row trained" in words and "day(s)" not in words
    row = next(line.split() for line in text.splitlines() if line.split()[:1] == ["balance"])
    assert row[1:5] == ["tandem", "10", "s", "therapist"]
    row = next(line.split() for line in text.splitlines()
               if line.split()[:1] == ["heel-raises"])
    assert row[1:4] == ["heel-raises-10", "10", "reps"]  # two sessions met -> level up
