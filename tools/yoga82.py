"""The Yoga-82 landmark files used to calibrate and check pose recognition.

The CSVs in ``../shared/realdata/landmarks/`` hold MediaPipe's 33 landmarks per photo
(columns ``x0, y0, z0, v0 ... v32``), normalised (left hip at the origin, divided by the
2-D left torso length), with the Yoga-82 label (or an item number for the held-out file)
in the first column. They are development data, not part of the package: nothing here
runs at application time (hence tools/, not balance/).
"""

import csv
from pathlib import Path

import numpy as np

from balance.errors import InputError
from balance.pose.landmarks import N_LANDMARKS

# The ten standing balance poses of Yoga-82, by our names.
YOGA82_LABELS = {
    "Tree_Pose_or_Vrksasana_": "tree",
    "Warrior_I_Pose_or_Virabhadrasana_I_": "warrior_1",
    "Warrior_II_Pose_or_Virabhadrasana_II_": "warrior_2",
    "Warrior_III_Pose_or_Virabhadrasana_III_": "warrior_3",
    "Eagle_Pose_or_Garudasana_": "eagle",
    "Lord_of_the_Dance_Pose_or_Natarajasana_": "dancer",
    "Half_Moon_Pose_or_Ardha_Chandrasana_": "half_moon",
    "Chair_Pose_or_Utkatasana_": "chair",
    "Standing_big_toe_hold_pose_or_Utthita_Padangusthasana": "standing_big_toe",
    "Standing_Split_pose_or_Urdhva_Prasarita_Eka_Padasana_": "standing_split",
}
BALANCE_POSES = tuple(YOGA82_LABELS.values())
OTHER = "other"  # label for every Yoga-82 pose that is not one of the ten


def realdata_dir():
    """``../shared/realdata`` beside the project root (may not exist)."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def default_csv():
    """Path of the labelled Yoga-82 validation landmark file."""
    return realdata_dir() / "landmarks" / "yoga82_val_mediapipe_landmarks.csv"


def holdout_csv():
    """Path of the held-out, unlabelled file: compute on it, never tune on it."""
    return realdata_dir() / "landmarks" / "holdout_balance_poses_unlabelled.csv"


def load_csv(path):
    """Read a landmark CSV.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    landmarks : ndarray, shape (n, 33, 4), float64
    first_column : ndarray of str, shape (n,)
        The Yoga-82 label, or the item id of the held-out file.

    Raises
    ------
    InputError
        If the file is missing or its columns are not 1 + 33 * 4.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no landmark file at {path}")
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    if len(header) != 1 + N_LANDMARKS * 4:
        raise InputError(f"{path}: expected {1 + N_LANDMARKS * 4} columns, got {len(header)}")
    first = np.array([r[0] for r in rows])
    values = np.array([r[1:] for r in rows], dtype=np.float64)
    return values.reshape(len(rows), N_LANDMARKS, 4), first


def load_labelled(path=None):
    """Landmarks and our pose name per row (`OTHER` for the non-balance Yoga-82 poses).

    Parameters
    ----------
    path : str or Path, optional
        Defaults to `default_csv`.

    Returns
    -------
    landmarks : ndarray, shape (n, 33, 4)
    labels : ndarray of str, shape (n,)
    """
    landmarks, raw = load_csv(path or default_csv())
    labels = np.array([YOGA82_LABELS.get(r, OTHER) for r in raw])
    return landmarks, labels
