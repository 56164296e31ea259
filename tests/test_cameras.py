"""Listing the webcams (Qt-free) and `balance cameras`."""

import pytest

from balance import cli
from balance.capture import cameras
from balance.capture.cameras import Camera, list_cameras
from balance.commands.cameras import NONE_FOUND


def fake_node(root, n, name, index=None):
    node = root / f"video{n}"
    node.mkdir(parents=True)
    (node / "name").write_text(name + "\n")
    if index is not None:
        (node / "index").write_text(f"{index}\n")


@pytest.fixture
def sysfs(tmp_path):
    """Two webcams as a laptop with a USB camera shows them: each UVC device has a
    capture node (index 0) and a metadata node (index 1) of the same name; numbers are
    sorted as numbers (video10 after video2) and non-video nodes are ignored."""
    root = tmp_path / "video4linux"
    fake_node(root, 10, "USB Camera: USB Camera", index=0)
    fake_node(root, 0, "Integrated Camera: Integrated C", index=0)
    fake_node(root, 1, "Integrated Camera: Integrated C", index=1)
    (root / "v4l-subdev0").mkdir()
    return root


def test_sysfs_lists_one_capture_node_per_device_sorted_by_number(sysfs):
    assert list_cameras(sysfs, platform="linux") == [
        Camera(0, "Integrated Camera: Integrated C"), Camera(10, "USB Camera: USB Camera")]


def test_a_node_without_an_index_file_counts_as_a_capture_node(tmp_path):
    fake_node(tmp_path, 2, "Old Cam")  # kernels before 4.x have no index file
    assert list_cameras(tmp_path, platform="linux") == [Camera(2, "Old Cam")]


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: None])
def test_an_empty_or_missing_sysfs_root_is_no_camera(tmp_path, make):
    root = tmp_path / "video4linux"
    make(root)
    assert list_cameras(root, platform="linux") == []


class FakeCapture:
    """cv2.VideoCapture with cameras at 0 and 2 only."""
    released = []

    def __init__(self, index):
        self.index = index

    def isOpened(self):
        return self.index in (0, 2)

    def release(self):
        FakeCapture.released.append(self.index)


def test_elsewhere_indices_0_to_4_are_opened_briefly(monkeypatch):
    from balance.capture import sources
    monkeypatch.setattr(sources.cv2, "VideoCapture", FakeCapture)
    FakeCapture.released = []
    assert list_cameras(platform="darwin") == [Camera(0, "Camera 0"), Camera(2, "Camera 2")]
    assert FakeCapture.released == [0, 1, 2, 3, 4]  # every device opened is let go
    assert list_cameras(platform="win32", probe=False) == []  # never opens one


def test_balance_cameras_prints_number_and_name(monkeypatch, capsys):
    monkeypatch.setattr(cameras, "list_cameras", lambda: [Camera(0, "Integrated Camera"),
                                                          Camera(2, "USB Camera")])
    assert cli.main(["cameras"]) == 0
    out = capsys.readouterr()
    assert out.out == "0  Integrated Camera\n2  USB Camera\n" and out.err == ""


def test_balance_cameras_without_a_camera_is_one_line_and_status_1(monkeypatch, capsys):
    monkeypatch.setattr(cameras, "list_cameras", lambda: [])
    assert cli.main(["cameras"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err == NONE_FOUND + "\n"
    assert "no camera found" in out.err and "balance demo" in out.err
