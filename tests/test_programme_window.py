"""The plan walk-through window, offscreen: a short plan walked from a replayed session
through the engine's protocol runner, then logged in the history."""

import os
from datetime import date

import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import Qt  # noqa: E402

from balance.gui.plan_page import PlanWindow  # noqa: E402
from balance.session.live import open_feed  # noqa: E402
from balance.programme import plan as P, progression as G, store  # noqa: E402
from balance.programme.walk import PlanWalk  # noqa: E402
from balance.storage.history import History  # noqa: E402
from balance.profile import Profile  # noqa: E402
from balance.storage.session import SessionWriter, new_metadata, read_session  # noqa: E402
from balance.testing.synthetic import generate  # noqa: E402

DAY = date(2026, 3, 2)


def _recording(path, **gen):
    s = generate(fps=30.0, seed=5, **gen)
    meta = new_metadata(source="synthetic:plan", fps=s.fps, image_size=s.image_size,
                        person_id="Ann", height_cm=s.height_cm)
    with SessionWriter(path, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], bool(s.detected[i]))
    return path


def _short_plan(level="heel-raises-8"):
    heel = P.measured(G.LadderState("heel-raises", level, target=2.0), P.STRENGTH)
    return P.Plan(DAY, (P.MARCH, heel, P.CALF_STRETCH, P.FOOT_CHECK))


@pytest.fixture
def heel_session(tmp_path):
    raises = [(s, t, t + 0.8) for t in (3.0, 4.5, 6.0, 7.5, 9.0, 10.5)
              for s in ("left", "right")]
    return _recording(tmp_path / "heels.balance", duration_s=16.0, heel_raises=raises)


def test_a_short_plan_is_walked_through_and_logged(qtbot, tmp_path, monkeypatch,
                                                   heel_session):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path))
    walk = PlanWalk(_short_plan(), seconds_scale=0.02)  # 60 s timers -> 1.2 s of frames
    window = PlanWindow(walk, open_feed(heel_session), realtime=4.0, auto_start=True,
                        profile=Profile(person_id="Ann"), session_dir=tmp_path / "rec")
    qtbot.addWidget(window)
    window.show()
    # warm-up timer, then heel raises counted to the target, then the stretch timer
    qtbot.waitUntil(walk.needs_confirm, timeout=15000)
    assert walk.index == 3 and window.done_button.isEnabled()
    assert not window.start_button.isEnabled()
    assert "feet" in window.what.text()
    qtbot.mouseClick(window.done_button, Qt.MouseButton.LeftButton)
    assert walk.finished and "All done" in window.what.text()
    (heel_key, heel_result), = [r for r in window.results if r[0] == "heel-raises"]
    assert heel_result["summary"]["reps"] == 2
    assert heel_result["trials"][0]["end_reason"] == "target"
    (o,) = walk.outcomes()
    assert (o.ladder, o.achieved, o.met, o.discomfort) == ("heel-raises", 2.0, True, False)
    assert walk.done_items() == [("march", True), ("calf-stretch", True),
                                 ("foot-check", True)]
    (recorded,) = window.sessions  # the measured item, in its own session file
    assert read_session(recorded).metadata["result"]["summary"]["reps"] == 2
    assert window.messages == []
    with History() as h:
        (s,) = h.sessions("Ann")  # ... added to the history like any test
        assert s.protocol == "heel-raises" and s.result["summary"]["reps"] == 2
        walk.save(h, "Ann")
        rows = store.log_rows(h, "Ann")
        assert [(r["item"], r["done"]) for r in rows] == [
            ("heel-raises", 1), ("march", 1), ("calf-stretch", 1), ("foot-check", 1)]
        assert store.levels(h, "Ann")["heel-raises"].met == 1
    window.close()


def test_discomfort_stops_the_walk_and_steps_back(qtbot, tmp_path, monkeypatch,
                                                  heel_session):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path))
    walk = PlanWalk(_short_plan("heel-raises-10"), seconds_scale=1.0)  # 60 s: never ends
    window = PlanWindow(walk, open_feed(heel_session), realtime=4.0)
    qtbot.addWidget(window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    qtbot.mouseClick(window.skip_button, Qt.MouseButton.LeftButton)  # skip the march
    assert walk.current.key == "heel-raises"
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.running and window._status is not None, timeout=5000)
    qtbot.mouseClick(window.discomfort_button, Qt.MouseButton.LeftButton)
    assert walk.finished and walk.stopped and "Stopped" in window.what.text()
    assert not window.skip_button.isEnabled()
    (o,) = walk.outcomes()
    assert o.discomfort and o.achieved is None
    assert [(k, d) for k, d in walk.done_items()] == [
        ("march", False), ("calf-stretch", False), ("foot-check", False)]
    with History() as h:
        h.add_person("Ann")
        store.set_level(h, "Ann", "heel-raises", "heel-raises-10")
        (decision,) = walk.save(h, "Ann")
        assert decision[1] == "discomfort"
        assert store.levels(h, "Ann")["heel-raises"].level == "heel-raises-8"
        assert store.today_plan(h, "Ann", DAY.replace(day=3)).rest == "discomfort"
    window.close()


def test_the_plan_window_shows_the_person_and_says_when_the_video_is_over(qtbot, tmp_path):
    path = _recording(tmp_path / "short.balance", duration_s=1.5)
    walk = PlanWalk(_short_plan(), seconds_scale=1.0)
    window = PlanWindow(walk, open_feed(path), realtime=4.0)
    qtbot.addWidget(window)
    window.resize(1200, 660)
    window.show()
    qtbot.waitUntil(lambda: window.source_end is not None, timeout=5000)
    # The picture is there (a replayed session: the skeleton on a dark canvas).
    assert window.camera._snap is not None and window.camera._snap.detected
    image = window.camera.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 5)
               for y in range(0, image.height(), 5)}
    assert "#35e0ff" in colours  # the bones
    # Nothing left to measure: said, and Start greyed; skipping still goes on.
    assert window.live.text().startswith("The video has ended.")
    assert not window.start_button.isEnabled()
    window.start_item()
    assert not window.running
    qtbot.mouseClick(window.skip_button, Qt.MouseButton.LeftButton)
    assert walk.current.key == "heel-raises" and not window.start_button.isEnabled()
    assert window.live.text().startswith("The video has ended.")
    window.close()
