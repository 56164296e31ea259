"""The 33 BlazePose landmarks: names, indices and the array layout used everywhere.

Per frame a pose is a float32 array of shape (33, 4): columns x, y, z, visibility.
Image landmarks: x and y normalised to the image width and height (0..1, y down), z on
roughly the x scale with its origin at the mid-hip (noisy). World landmarks: metres,
origin at the mid-hip. A frame without a person is a row block of NaN.
"""

import numpy as np

NAMES = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(NAMES)  # 33
INDEX = {name: i for i, name in enumerate(NAMES)}

# Column order of the last axis.
X, Y, Z, VIS = 0, 1, 2, 3

# BlazePose index for each of the COCO-17 keypoints, in COCO order.
COCO17 = (
    INDEX["nose"], INDEX["left_eye"], INDEX["right_eye"], INDEX["left_ear"], INDEX["right_ear"],
    INDEX["left_shoulder"], INDEX["right_shoulder"], INDEX["left_elbow"], INDEX["right_elbow"],
    INDEX["left_wrist"], INDEX["right_wrist"], INDEX["left_hip"], INDEX["right_hip"],
    INDEX["left_knee"], INDEX["right_knee"], INDEX["left_ankle"], INDEX["right_ankle"],
)

# Bones drawn for a skeleton overlay (pairs of indices).
SKELETON = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)


def empty_pose() -> np.ndarray:
    """A (33, 4) float32 pose of NaN: the value for a frame with no person."""
    return np.full((N_LANDMARKS, 4), np.nan, dtype=np.float32)
