"""The training window runs a rep counter like any other test (the registry's new names)."""

import os

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import QSettings  # noqa: E402

from balance.session import flow as F, settings as S  # noqa: E402
from balance.gui.main_window import MainWindow  # noqa: E402
from balance.session.live import open_feed  # noqa: E402
from balance.profile import Profile  # noqa: E402
from tests.test_programme_window import _recording  # noqa: E402


class Silent:
    backend, muted = "none", False

    def play(self, name):
        pass


def test_heel_raises_run_in_the_training_window(qtbot, tmp_path):
    raises = [(s, t, t + 0.8) for t in (2.0, 3.5, 5.0) for s in ("left", "right")]
    path = _recording(tmp_path / "heels.balance", duration_s=7.0, heel_raises=raises)
    settings = S.GuiSettings(person_id="ann", protocol="heel-raises", side="none",
                             profiles={"ann": Profile(person_id="ann").to_dict()})
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, flow=F.Flow(checklist=False, setup=False), sound=Silent(),
                        qsettings=store, session_dir=tmp_path,
                        session_path=tmp_path / "run.balance")
    qtbot.addWidget(window)
    window.show()
    window.open_feed(open_feed(path), warmup=None, realtime=4.0, autostart=True)
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15000)
    reason, result, _ = window.last_result
    assert (reason, result["protocol"]) == ("end of recording", "heel-raises")
    assert result["summary"]["reps"] == 3
    assert result["trials"][0]["end_text"] == "3 good reps, 0 not counted"
