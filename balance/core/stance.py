"""Stance codes: which feet carry the person in each frame."""

import numpy as np

#: Both feet on the floor.
BOTH = 0
#: Standing on the left foot (the right one is lifted).
LEFT = 1
#: Standing on the right foot (the left one is lifted).
RIGHT = 2
#: Neither foot on the floor (a hop, or both feet lost).
NONE = 3

SIDES = ("left", "right")


def stance_from_lifted(left_up: np.ndarray, right_up: np.ndarray) -> np.ndarray:
    """Stance code per frame from each foot's lifted state.

    Parameters
    ----------
    left_up, right_up : ndarray, shape (n,), bool or 0/1
        True where that foot is off the floor.

    Returns
    -------
    ndarray, shape (n,), int8: BOTH, LEFT, RIGHT or NONE.
    """
    left_up = np.asarray(left_up, dtype=bool)
    right_up = np.asarray(right_up, dtype=bool)
    code = np.full(left_up.shape, BOTH, dtype=np.int8)
    code[right_up & ~left_up] = LEFT
    code[left_up & ~right_up] = RIGHT
    code[left_up & right_up] = NONE
    return code


def runs(code: np.ndarray) -> list[tuple[int, int, int]]:
    """``(start, stop, value)`` of each maximal run of equal values, half-open."""
    code = np.asarray(code)
    if code.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(code)) + 1
    starts = np.concatenate([[0], cuts])
    stops = np.concatenate([cuts, [code.size]])
    return [(int(a), int(b), int(code[a])) for a, b in zip(starts, stops)]
