"""Privacy helpers: files only their owner can read, and faces blurred on export.

Nothing in balance sends data anywhere; these helpers cover what stays on the disk and
what a person chooses to hand over (a video or snapshot for their therapist).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

FACE = tuple(range(11))  # BlazePose 0-10: nose, eyes, ears, mouth corners
NOSE, LEFT_EAR, RIGHT_EAR = 0, 7, 8
# Head height from the face landmarks, in any view (head proportions, approximate): about
# 1.5 x the ear-to-ear distance seen from the front, 2.3 x the ear-to-nose distance seen
# from the side. The blurred square reaches HEAD_HALF x that height from the landmarks'
# centre (near the eyes, the head's middle): forehead, hair and chin included.
EAR_TO_EAR_HEAD, EAR_TO_NOSE_HEAD = 1.5, 2.3
HEAD_HALF = 0.65
MIN_FACE_PX = 12


def owner_only(path: str | Path) -> None:
    """Make a file (0600) or folder (0700) readable by its owner only.

    Group and others lose every permission; the owner's are kept as they are, so a
    folder or file made read-only on purpose stays read-only. A no-op on Windows, where a
    user's AppData is already private. A path that has vanished (a WAL side file
    checkpointed away) is ignored.
    """
    if sys.platform == "win32":
        return
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o700
        os.chmod(path, mode or (0o700 if path.is_dir() else 0o600))
    except FileNotFoundError:
        pass


def private_dir(path: str | Path, *, tighten_existing: bool = False) -> Path:
    """Create a folder (and parents) owner-only; an existing one keeps its mode unless
    ``tighten_existing`` (never tighten a folder someone else may share, like /tmp)."""
    path = Path(path)
    if not path.exists():
        # Each missing parent too (mkdir's parents=True makes them with the umask's mode,
        # so ~/.local/share/balance would be readable by everyone).
        missing = [path, *(p for p in path.parents if not p.exists())]
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
            owner_only(folder)  # mkdir's mode is filtered by the umask
    elif tighten_existing:
        owner_only(path)
    return path


def face_box(image_landmarks: np.ndarray, image_size: tuple[int, int], *,
             min_visibility: float = 0.0) -> tuple[int, int, int, int] | None:
    """The face's pixel box ``(x0, y0, x1, y1)`` from landmarks 0-10, or None.

    Parameters
    ----------
    image_landmarks : ndarray, shape (33, 4)
        One frame's image landmarks (x, y normalised).
    image_size : (width, height), pixels.
    min_visibility : landmarks below this visibility are ignored (NaN counts as seen:
        the coordinates are usable).

    Returns
    -------
    A square about the face landmarks' centre, 2 x HEAD_HALF x the head height, clipped
    to the image; None when no face landmark is usable.
    """
    w, h = image_size
    face = np.asarray(image_landmarks, dtype=float)[list(FACE)]
    ok = np.isfinite(face[:, :2]).all(axis=1) & ~(face[:, 3] < min_visibility)
    if not ok.any():
        return None
    pts = {i: face[i, :2] * (w, h) for i in np.flatnonzero(ok)}
    half = HEAD_HALF * _head_height(pts)
    cx, cy = np.mean(list(pts.values()), axis=0)
    x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
    x1, y1 = int(min(w, cx + half)), int(min(h, cy + half))
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _head_height(pts: dict) -> float:
    """Head height in pixels from whichever of ears and nose are usable."""
    def dist(a, b):
        return float(np.linalg.norm(pts[a] - pts[b]))
    guesses = []
    if LEFT_EAR in pts and RIGHT_EAR in pts:
        guesses.append(EAR_TO_EAR_HEAD * dist(LEFT_EAR, RIGHT_EAR))
    guesses += [EAR_TO_NOSE_HEAD * dist(ear, NOSE) for ear in (LEFT_EAR, RIGHT_EAR)
                if ear in pts and NOSE in pts]
    if not guesses:  # no ear or no nose: twice the spread of what is there
        arr = np.array(list(pts.values()))
        guesses.append(2.0 * float(np.ptp(arr, axis=0).max()))
    return max(max(guesses), MIN_FACE_PX)


def blur_face(frame: np.ndarray, image_landmarks: np.ndarray | None) -> np.ndarray:
    """Pixelate, then blur, the face in a BGR(A) frame, in place; returns the frame.

    Pixelating first to a coarse grid removes the detail a blur alone can leave
    recoverable; the blur then hides the blocks. With no usable face landmarks the frame
    is returned unchanged (the caller decides whether that frame may be exported).
    """
    import cv2

    if image_landmarks is None:
        return frame
    h, w = frame.shape[:2]
    box = face_box(image_landmarks, (w, h))
    if box is None:
        return frame
    x0, y0, x1, y1 = box
    roi = frame[y0:y1, x0:x1]
    small = cv2.resize(roi, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)),
                       interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    k = max(3, ((x1 - x0) // 4) | 1)
    frame[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (k, k), 0)
    return frame
