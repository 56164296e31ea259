"""The window's set-up for the chosen test, offscreen: the view it needs, the foam pad
question, and the TUG's 3 m line drawn on the camera picture."""

import os
from types import SimpleNamespace

import numpy as np
import pytest

from balance.gui.app import clear_opencv_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
clear_opencv_qt_paths()

from PySide6.QtCore import Qt  # noqa: E402

from balance.session import flow as F  # noqa: E402
from balance.session.setup_needs import ANSWER_PAD  # noqa: E402
from tests.helpers import ListFeed, fake_factory  # noqa: E402
from tests.test_gui_window import make_window, no_modal_dialogs, store  # noqa: E402,F401
from tests.test_walk_line import SIZE, _side_camera, _standing  # noqa: E402
from tests.bench.camera import landmarks  # noqa: E402


def _still(camera, seconds=60.0, fps=30.0):
    """A person standing still for ``seconds`` before ``camera``, as a ListFeed's synth."""
    pts = _standing(1.70)
    image, world = landmarks(camera, pts, pts[:, [23, 24]].mean(axis=1))
    seen = np.ones((1, 33, 1))
    n = int(seconds * fps)
    return SimpleNamespace(t=np.arange(n) / fps, fps=fps, image_size=SIZE,
                           image=np.repeat(np.concatenate([image, seen], 2), n, 0).astype(np.float32),
                           world=np.repeat(np.concatenate([world, seen], 2), n, 0).astype(np.float32))


def _front_camera(distance_m=3.0):
    """Square in front of the person (they face +z), aimed at the hips."""
    from tests.bench.camera import look_at
    return look_at([0.0, 1.0, distance_m], [0.0, 0.95, 0.0], SIZE, 70.0)


class Recorder:
    """The protocol factory, noting what the window asked for."""

    def __init__(self):
        self.calls = []

    def __call__(self, name, profile, *, image_size, fps, side=None, **options):
        self.calls.append((name, options))
        return fake_factory(name, profile, image_size=image_size, fps=fps, side=side)


def _window(qtbot, tmp_path, store, test, synth, factory=fake_factory):  # noqa: F811
    window = make_window(qtbot, tmp_path, store, flow=F.Flow(checklist=False),
                         protocol_factory=factory)
    window.bar.protocol_box.setCurrentText(test)
    window.open_feed(ListFeed(synth), warmup=None)
    return window


def test_a_side_on_person_is_told_to_face_the_camera_for_a_stance_test_and_passes_for_tug(
        qtbot, tmp_path, store):  # noqa: F811
    side = _still(_side_camera(3.5, 1.0))
    window = _window(qtbot, tmp_path, store, "romberg", side)
    qtbot.waitUntil(lambda: window.setup_panel.advice.text().startswith("Turn"), timeout=5000)
    assert window.setup_panel.advice.text().startswith("Turn to face the camera")
    assert not window.start_button.isEnabled()
    window.close()
    window = _window(qtbot, tmp_path, store, "tug", side)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=8000)
    window.close()


def test_a_facing_person_is_told_to_turn_side_on_for_functional_reach(qtbot, tmp_path, store):  # noqa: F811
    window = _window(qtbot, tmp_path, store, "functional-reach", _still(_front_camera()))
    qtbot.waitUntil(lambda: "side faces the camera" in window.setup_panel.advice.text(), timeout=5000)
    assert "side to it" in window.setup_panel.hint.text()
    assert not window.start_button.isEnabled()
    window.close()


def test_mctsib_asks_for_the_pad_and_runs_the_firm_half_without_one(qtbot, tmp_path, store):  # noqa: F811
    factory = Recorder()
    window = _window(qtbot, tmp_path, store, "mctsib", _still(_front_camera()), factory)
    panel = window.setup_panel
    assert panel.pad_box.isVisibleTo(panel)
    qtbot.waitUntil(lambda: panel.advice.text() == ANSWER_PAD, timeout=5000)
    assert not window.start_button.isEnabled()  # a good view, but no answer yet
    qtbot.mouseClick(panel.pad_no, Qt.MouseButton.LeftButton)
    assert "the Romberg test" in panel.pad_note.text()
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    assert window.start_test()
    assert factory.calls == [("mctsib", {"pad": "none"})]  # as ``--pad none`` on the CLI
    window.close()


@pytest.mark.parametrize(("test", "asks"), [("bess", True), ("single-leg-stance", False)])
def test_the_pad_question_follows_the_registry(qtbot, tmp_path, store, test, asks):  # noqa: F811
    window = _window(qtbot, tmp_path, store, test, _still(_front_camera(), seconds=1.0))
    assert window.setup_panel.pad_box.isVisibleTo(window.setup_panel) is asks
    window.close()


def test_bess_without_a_pad_starts_the_modified_bess(qtbot, tmp_path, store):  # noqa: F811
    factory = Recorder()
    window = _window(qtbot, tmp_path, store, "bess", _still(_front_camera()), factory)
    window.setup_panel.answer_pad(False)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    assert window.start_test() and factory.calls == [("mbess", {})]
    window.close()


def _yellow_columns(window) -> np.ndarray:
    """Picture columns (widget px) where the camera view has drawn yellow."""
    img = window.camera.grab().toImage()
    cols = set()
    for y in range(0, img.height(), 3):
        for x in range(img.width()):
            c = img.pixelColor(x, y)
            if c.red() > 200 and c.green() > 180 and c.blue() < 140:
                cols.add(x)
    return np.array(sorted(cols))


def test_the_tug_set_up_draws_the_3_m_line_where_it_falls(qtbot, tmp_path, store):  # noqa: F811
    window = _window(qtbot, tmp_path, store, "tug", _still(_side_camera(4.0, 1.5)))
    qtbot.waitUntil(lambda: window.camera.mark is not None, timeout=5000)
    mark = window.camera.mark
    assert mark.fits and "yellow 3 m line" in window.setup_panel.advice.text()
    target = window.camera._target()
    x = target.x() + mark.x_px / SIZE[0] * target.width()
    qtbot.wait(100)
    cols = _yellow_columns(window)
    # The line, and the joints' dots: the mark is yellow where the skeleton is not.
    assert np.any(np.abs(cols - x) <= 4)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)
    assert window.start_test()
    assert window.camera.mark is None  # not over the test itself
    window.close()


def test_a_tug_camera_too_close_says_how_far_back_and_holds_start(qtbot, tmp_path, store):  # noqa: F811
    window = _window(qtbot, tmp_path, store, "tug", _still(_side_camera(3.0, 0.0)))
    # The person at the middle of the picture, walking out of it.
    qtbot.waitUntil(lambda: "move the camera back about" in window.setup_panel.advice.text(),
                    timeout=5000)
    qtbot.wait(800)  # longer than the set-up's run of good frames
    assert not window.start_button.isEnabled() and window.flow.state == F.SETUP
    window.close()
