"""Pose estimation: the MediaPipe model, the landmarker, the landmark layout."""

from balance.pose import lean_import

lean_import.defer_unused()  # before any module of this package imports mediapipe
