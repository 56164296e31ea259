"""Frame sources: timestamps, counts, and clear errors for what cannot be read."""

import cv2
import numpy as np
import pytest

from balance.capture import ImageFolderSource, VideoFileSource, WebcamSource, open_source
from balance.errors import InputError


def make_video(path, n=20, fps=25.0, size=(64, 48), fourcc="MJPG"):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    for i in range(n):
        frame = np.full((size[1], size[0], 3), (i * 10) % 256, np.uint8)
        cv2.putText(frame, str(i), (5, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        w.write(frame)
    w.release()
    return path


@pytest.mark.parametrize("suffix, fourcc", [(".avi", "MJPG"), (".mp4", "mp4v")])
def test_video_file_frames_and_timestamps(tmp_path, suffix, fourcc):
    path = make_video(tmp_path / f"v{suffix}", n=20, fps=25.0, fourcc=fourcc)
    with open_source(str(path)) as src:
        assert isinstance(src, VideoFileSource)
        assert src.size == (64, 48) and src.fps == pytest.approx(25.0)
        frames = list(src)
    assert len(frames) == 20
    np.testing.assert_allclose([t for _, t in frames], np.arange(20) / 25.0)
    assert frames[0][0].shape == (48, 64, 3) and frames[0][0].dtype == np.uint8
    assert src.shortfall_warning() is None
    assert src.read()[0] is None  # stays at the end, never raises


def test_truncated_video_reads_what_decodes_and_says_so(tmp_path):
    path = make_video(tmp_path / "v.avi", n=40)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with VideoFileSource(path) as src:
        n = sum(1 for _ in src)
        warning = src.shortfall_warning()
    assert 5 < n < 40
    assert f"{n} of 40 frames were readable" in warning


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such video file"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_text("this is a text file, not a video\n" * 20), "video"),
])
def test_unreadable_files_raise_one_sentence(tmp_path, make, message):
    path = tmp_path / "clip.mp4"
    make(path)
    with pytest.raises(InputError, match=message) as exc:
        open_source(str(path))
    assert "\n" not in str(exc.value)


def test_image_folder_in_name_order_skipping_broken_images(tmp_path):
    for i in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"img{i}.png"), np.full((10, 12, 3), i * 50, np.uint8))
    (tmp_path / "img1b.jpg").write_bytes(b"not an image")
    (tmp_path / "notes.txt").write_text("ignored")
    with open_source(str(tmp_path), fps=10.0) as src:
        assert isinstance(src, ImageFolderSource) and src.size == (12, 10)
        frames = list(src)
    assert [int(f[0, 0, 0]) for f, _ in frames] == [0, 50, 100]
    np.testing.assert_allclose([t for _, t in frames], [0.0, 0.1, 0.2])


def test_folder_without_images_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(InputError, match="holds no images"):
        open_source(str(tmp_path))


def test_missing_webcam_names_the_index():
    with pytest.raises(InputError, match="webcam 9"):
        WebcamSource(9)
