"""The window's camera picker: webcams by name, a number or a file still typed."""

import pytest
from PySide6.QtCore import Qt

from balance.capture import cameras
from balance.capture.cameras import Camera
from balance.errors import InputError
from balance.session import live, settings as S
from tests.test_gui_window import make_window, no_modal_dialogs, store  # noqa: F401


@pytest.fixture
def two_cameras(monkeypatch):
    found = [Camera(0, "Integrated Camera"), Camera(2, "USB Camera")]
    monkeypatch.setattr(cameras, "list_cameras", lambda probe=True: list(found))
    return found


@pytest.fixture
def opened(monkeypatch):
    """The specs the window tries to open (each refused, so no camera is needed)."""
    specs = []

    def refuse(spec):
        specs.append(spec)
        raise InputError(f"cannot open {spec}")
    monkeypatch.setattr(live, "open_feed", refuse)
    return specs


def test_the_picker_lists_cameras_by_name_and_opens_the_number(
        qtbot, tmp_path, store, two_cameras, opened):  # noqa: F811
    window = make_window(qtbot, tmp_path, store, settings=S.GuiSettings(camera="2"))
    box = window.bar.source_box
    assert [box.itemText(i) for i in range(box.count())] == [
        "0  Integrated Camera", "2  USB Camera"]
    assert box.currentText() == "2  USB Camera" and box.spec() == "2"
    # Keys go to the box (its line edit's focus proxy), as a person's typing does.
    qtbot.keyClick(box, Qt.Key.Key_Up)  # picks the camera above: opened at once
    qtbot.keyClick(box, Qt.Key.Key_Return)  # opened again, as typed numbers are
    assert opened == ["0", "0"]  # one open per action, by number, never the label
    assert "cannot open 0" in window.banner.text()
    two_cameras.append(Camera(4, "Desk Camera"))  # plugged in while the window is open
    box.showPopup()
    assert box.count() == 3 and box.spec() == "0"  # listed again, the choice kept
    box.hidePopup()


def test_a_typed_file_or_number_is_opened_as_typed(
        qtbot, tmp_path, store, two_cameras, opened):  # noqa: F811
    window = make_window(qtbot, tmp_path, store, settings=S.GuiSettings(camera="clip.mp4"))
    box = window.bar.source_box
    assert box.currentText() == "clip.mp4" and box.count() == 2  # not added as a camera
    window.bar.source_edit.setText("5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert opened == ["5"] and box.count() == 2
