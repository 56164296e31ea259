"""The webcams a user can pick, as ``Camera(index, name)``: the index is what
``--camera N`` and ``WebcamSource`` open. Qt-free; never raises: no camera is ``[]``.

Linux reads sysfs, which names every device without opening it (so a camera in use by
another program is still listed). macOS and Windows have no such table that OpenCV's
indices match, so there each index 0..4 is opened briefly and a working one is called
"Camera N".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

SYSFS_ROOT = Path("/sys/class/video4linux")
PROBE_INDICES = range(5)  # laptops have 1, desks rarely more than 2 or 3


class Camera(NamedTuple):
    index: int
    name: str


def label(camera: Camera) -> str:
    """How a camera is shown, in the terminal and in the window: "0  Integrated Camera"."""
    return f"{camera.index}  {camera.name}"


def list_cameras(sysfs_root: Path = SYSFS_ROOT, *, probe: bool = True,
                 platform: str = sys.platform) -> list[Camera]:
    """The cameras found, by index. ``probe=False`` never opens a device (off Linux that
    lists nothing): for callers that must not stall or grab a camera in use."""
    if platform.startswith("linux"):
        return _from_sysfs(Path(sysfs_root))
    return _probe(PROBE_INDICES) if probe else []


def _from_sysfs(root: Path) -> list[Camera]:
    found = []
    try:
        entries = list(root.iterdir())
    except OSError:  # no V4L2 driver loaded: the class folder does not exist
        return []
    for entry in entries:
        m = re.fullmatch(r"video(\d+)", entry.name)  # not radioN, vbiN, v4l-subdevN
        if m and _is_capture_node(entry):
            found.append(Camera(int(m.group(1)), _read(entry / "name") or entry.name))
    return sorted(found)


def _is_capture_node(entry: Path) -> bool:
    # UVC webcams expose a second node (index 1) for metadata, with the same name; it
    # opens but gives no pictures. Kernels without the file have one node per device.
    return _read(entry / "index") in ("", "0")


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace").strip()
    except OSError:
        return ""


def _probe(indices) -> list[Camera]:
    from balance.capture.sources import cv2  # sources silences OpenCV's own warnings
    found = []
    for i in indices:
        try:
            cap = cv2.VideoCapture(i)
            ok = cap.isOpened()
            cap.release()
        except cv2.error:
            ok = False
        if ok:
            found.append(Camera(i, f"Camera {i}"))
    return found
