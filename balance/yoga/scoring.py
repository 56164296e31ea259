"""How well measured features fit a pose definition: soft membership per criterion.

A criterion accepts a range ``[lo, hi]`` fully and fades outside it: at a distance of
``soft`` beyond the range its membership is 2/3, at ``2 * soft`` 1/3, and it never quite
reaches zero, so a single badly detected landmark costs a pose some points but cannot veto
it. A pose's *fit* is the geometric mean of its criteria's memberships (0..1, 1 = every
criterion inside its range).
"""

import numpy as np

from balance.yoga.features import COLUMN


def deviation(values, lo, hi, soft):
    """Distance outside ``[lo, hi]`` in units of ``soft``; 0 inside, signed by side.

    Parameters
    ----------
    values, lo, hi, soft : array_like, broadcastable

    Returns
    -------
    ndarray
        Negative below ``lo``, positive above ``hi``, zero inside.
    """
    values = np.asarray(values, dtype=np.float64)
    return (np.maximum(values - hi, 0.0) - np.maximum(lo - values, 0.0)) / soft


def log_membership(values, lo, hi, soft):
    """Natural log of the membership ``1 / (1 + d**2 / 2)``, d the deviation."""
    d = deviation(values, lo, hi, soft)
    return -np.log1p(0.5 * d * d)


class CompiledPose:
    """One pose definition as arrays, for scoring many frames at once.

    Parameters
    ----------
    definition : PoseDefinition
    """

    def __init__(self, definition):
        crit = definition.criteria
        self.name = definition.name
        self.columns = np.array([COLUMN[c.feature] for c in crit], dtype=np.intp)
        self.lo = np.array([c.lo for c in crit], dtype=np.float64)
        self.hi = np.array([c.hi for c in crit], dtype=np.float64)
        self.soft = np.array([c.soft for c in crit], dtype=np.float64)

    def log_fit(self, features):
        """Mean log membership, shape ``features.shape[:-1]`` (NaN features give NaN)."""
        values = features[..., self.columns]
        return log_membership(values, self.lo, self.hi, self.soft).mean(-1)


def compile_poses(definitions):
    """Compile a sequence of pose definitions (see `balance.yoga.poses`)."""
    return tuple(CompiledPose(d) for d in definitions)


def pose_log_fits(features, compiled):
    """Log fit of every pose for every side hypothesis.

    Parameters
    ----------
    features : ndarray, shape (..., 2, N_FEATURES)
        From `balance.yoga.features.compute_features`.
    compiled : sequence of CompiledPose

    Returns
    -------
    ndarray, shape (..., n_poses, 2)
        Log of the geometric-mean membership; 0 is a perfect fit.
    """
    return np.stack([c.log_fit(features) for c in compiled], axis=-2)
