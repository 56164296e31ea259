"""MediaPipe PoseLandmarker behind one small call: BGR frame in, (33, 4) arrays out.

Video frames go through a VIDEO-mode landmarker, which tracks the person from frame to
frame and needs strictly increasing integer millisecond timestamps; still photos go
through a separate IMAGE-mode landmarker so they never disturb that tracking.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
# Imported at module level on purpose, see balance.pose.model.
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from balance.errors import InputError, ModelError
from balance.pose.landmarks import N_LANDMARKS, empty_pose
from balance.pose.offline import block_usage_logging


@dataclass(frozen=True)
class PoseResult:
    """The pose found in one frame.

    Attributes
    ----------
    image : ndarray, shape (33, 4), float32
        x, y normalised to the image width and height (0..1, y down), z on roughly the
        x scale (origin mid-hip), visibility 0..1. All NaN when ``detected`` is False.
    world : ndarray, shape (33, 4), float32
        x, y, z in metres with the origin at the mid-hip, visibility 0..1. NaN likewise.
    detected : bool
        Whether a person was found.
    inference_ms : float
        Wall time of the MediaPipe call alone, in milliseconds.
    """

    image: np.ndarray
    world: np.ndarray
    detected: bool
    inference_ms: float


class PoseEstimator:
    """PoseLandmarker in VIDEO mode, plus an IMAGE-mode one for still photos.

    Parameters
    ----------
    model_path : str, Path or bytes
        A PoseLandmarker ``.task`` bundle (see `balance.pose.model.prepare_model`), or its
        bytes (a batch worker reads the file once for all its videos).
    num_poses : int
        People MediaPipe may find; when several are, the largest one is returned.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence : float
        MediaPipe's thresholds, 0..1.

    Notes
    -----
    Use one estimator per video, from one thread. A landmark whose ``visibility`` MediaPipe
    leaves unset gets NaN there (unknown), so a threshold test such as ``v > 0.5`` treats
    it as not visible while its coordinates stay usable.
    """

    def __init__(self, model_path: str | Path | bytes, *, num_poses: int = 1,
                 min_detection_confidence: float = 0.5, min_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5):
        given = isinstance(model_path, bytes)
        self._options = dict(
            base_options=(BaseOptions(model_asset_buffer=model_path) if given
                          else BaseOptions(model_asset_path=str(model_path))),
            num_poses=num_poses, min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence)
        self._model_name = "given as bytes" if given else str(model_path)
        self._video = self._create(vision.RunningMode.VIDEO)
        self._image = None  # created on the first still photo
        self._last_ms = -1

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the landmarkers; safe to call twice."""
        for landmarker in (self._video, self._image):
            if landmarker is not None:
                landmarker.close()
        self._video = self._image = None

    def detect(self, frame_bgr: np.ndarray, t_s: float, rgb: np.ndarray | None = None) -> PoseResult:
        """Pose in one video frame.

        Parameters
        ----------
        frame_bgr : ndarray, shape (H, W, 3), uint8
            The frame as OpenCV gives it (BGR).
        t_s : float
            Its time in seconds on a monotonic clock. MediaPipe needs strictly increasing
            milliseconds, so a time that rounds to the previous millisecond or earlier is
            moved to one millisecond after it.
        rgb : ndarray, shape (H, W, 3), uint8, C-contiguous, or mp.Image, optional
            The same frame already in RGB (the live capture thread converts it), or
            already the model's image (`prepare`, on analyze's read-ahead thread): then
            only the inference runs here.

        Returns
        -------
        PoseResult
        """
        if self._video is None:
            raise InputError("The pose estimator is closed.")
        image = _to_mp_image(frame_bgr, rgb)
        start = time.perf_counter()
        result = self._video.detect_for_video(image, self._next_ms(t_s))
        return _to_result(result, (time.perf_counter() - start) * 1e3)

    @staticmethod
    def prepare(frame_bgr: np.ndarray) -> mp.Image | None:
        """The frame as the model takes it (RGB, copied into MediaPipe's image), for
        ``detect(frame_bgr, t_s, rgb=)``; any thread may build it, ahead of the inference.
        None for a frame that is not a BGR picture (``detect`` then says what is wrong)."""
        try:
            return _to_mp_image(frame_bgr)
        except InputError:
            return None

    def detect_image(self, frame_bgr: np.ndarray) -> PoseResult:
        """Pose in one still photo (IMAGE mode: no tracking, no timestamp).

        Parameters
        ----------
        frame_bgr : ndarray, shape (H, W, 3), uint8

        Returns
        -------
        PoseResult
        """
        if self._video is None:
            raise InputError("The pose estimator is closed.")
        if self._image is None:
            self._image = self._create(vision.RunningMode.IMAGE)
        image = _to_mp_image(frame_bgr)
        start = time.perf_counter()
        result = self._image.detect(image)
        return _to_result(result, (time.perf_counter() - start) * 1e3)

    def _next_ms(self, t_s: float) -> int:
        if not math.isfinite(t_s):
            raise InputError(f"Frame time must be a finite number of seconds, not {t_s!r}.")
        ms = max(round(t_s * 1000.0), self._last_ms + 1)
        self._last_ms = ms
        return ms

    def _create(self, mode):
        options = vision.PoseLandmarkerOptions(running_mode=mode, **self._options)
        block_usage_logging()  # mediapipe's usage logs stay on this machine
        try:
            return vision.PoseLandmarker.create_from_options(options)
        except Exception as exc:  # MediaPipe raises RuntimeError, ValueError, OSError...
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"Cannot load the pose model {self._model_name} ({first}).") from None


def _to_mp_image(frame_bgr: np.ndarray, rgb=None) -> mp.Image:
    """The frame as MediaPipe takes it; ``rgb``: already converted (then taken as it is)."""
    if isinstance(rgb, mp.Image):
        return rgb
    if rgb is not None:
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
    if (not isinstance(frame_bgr, np.ndarray) or frame_bgr.dtype != np.uint8
            or frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.size == 0):
        shape = getattr(frame_bgr, "shape", None)
        dtype = getattr(frame_bgr, "dtype", type(frame_bgr).__name__)
        raise InputError(f"A frame must be a uint8 array of shape (H, W, 3), not {dtype} {shape}.")
    # cvtColor also returns a C-contiguous copy, which mp.Image requires.
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))


def _to_result(result, inference_ms: float) -> PoseResult:
    if not result.pose_landmarks:
        return PoseResult(empty_pose(), empty_pose(), False, inference_ms)
    i = _largest(result.pose_landmarks)
    return PoseResult(_to_array(result.pose_landmarks[i]), _to_array(result.pose_world_landmarks[i]),
                      True, inference_ms)


def _largest(poses) -> int:
    """Index of the pose whose landmarks span the largest image area (the nearest person)."""
    if len(poses) == 1:
        return 0
    areas = [np.ptp([p.x for p in pose]) * np.ptp([p.y for p in pose]) for pose in poses]
    return int(np.argmax(areas))


def _to_array(landmarks) -> np.ndarray:
    """(33, 4) float32 x, y, z, visibility; None (unset) becomes NaN."""
    # NumPy turns None into NaN when it builds a float array.
    return np.array([(p.x, p.y, p.z, p.visibility) for p in landmarks[:N_LANDMARKS]],
                    dtype=np.float32)
