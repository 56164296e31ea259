"""Honest accuracy figures for the pose table: per-pose recall and precision, a
calibration/validation split, stratified cross-validation, and the nearest-neighbour
baseline the issue compares against.

Cross-validation refits the table's ranges (`tools.yoga_calibrate`) on the training
folds only, so its recall is a held-out figure. The recall of the shipped table on the
whole validation file is a training fit and is reported beside it, never instead of it.
"""

import numpy as np

from balance.yoga.classify import Classifier
from balance.yoga.features import compute_features
from balance.yoga.poses import DEFINITIONS
from tools.yoga82 import BALANCE_POSES
from tools.yoga_calibrate import calibrate


def per_pose_metrics(truth, predicted, poses=BALANCE_POSES):
    """Recall, precision and count per pose.

    Parameters
    ----------
    truth, predicted : array_like of str, shape (n,)
        Precision counts every row predicted as the pose, including rows whose truth is
        not one of ``poses``.
    poses : sequence of str

    Returns
    -------
    dict of str to (float, float, int)
        ``pose -> (recall, precision, n_true)``; precision is NaN if never predicted.
    """
    truth = np.asarray(truth)
    predicted = np.asarray(predicted)
    out = {}
    for pose in poses:
        is_true = truth == pose
        is_pred = predicted == pose
        hit = np.sum(is_true & is_pred)
        recall = hit / is_true.sum() if is_true.any() else np.nan
        precision = hit / is_pred.sum() if is_pred.any() else np.nan
        out[pose] = (float(recall), float(precision), int(is_true.sum()))
    return out


def macro_recall(truth, predicted, poses=BALANCE_POSES):
    """Mean over ``poses`` of the per-pose recall, and the lowest one."""
    recalls = [m[0] for m in per_pose_metrics(truth, predicted, poses).values()]
    return float(np.mean(recalls)), float(np.min(recalls))


def stratified_folds(labels, n_folds, seed):
    """Fold index per row, each label spread evenly over the folds (seeded shuffle)."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    fold = np.empty(len(labels), dtype=np.intp)
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        rng.shuffle(rows)
        fold[rows] = np.arange(len(rows)) % n_folds
    return fold


def _balance_rows(landmarks, labels):
    mask = np.isin(labels, BALANCE_POSES)
    return np.asarray(landmarks)[mask], np.asarray(labels)[mask]


def fit_and_predict(train_landmarks, train_labels, test_landmarks, definitions=DEFINITIONS):
    """Calibrate the table on one set and classify another."""
    fitted = calibrate(definitions, compute_features(train_landmarks), train_labels)
    return Classifier(fitted).classify_many(test_landmarks)[0]


def cross_validate(landmarks, labels, n_folds=5, seeds=(0, 1, 2),
                   predict=fit_and_predict):
    """Stratified k-fold predictions on the ten balance poses, repeated over seeds.

    Parameters
    ----------
    landmarks : ndarray, shape (n, 33, 4)
    labels : array_like of str, shape (n,)
        Rows whose label is not a balance pose are left out.
    n_folds : int
    seeds : sequence of int
    predict : callable
        ``predict(train_landmarks, train_labels, test_landmarks) -> labels``.

    Returns
    -------
    truth : ndarray of str, shape (m,)
    predictions : list of ndarray of str, one (m,) array per seed
    """
    x, y = _balance_rows(landmarks, labels)
    predictions = []
    for seed in seeds:
        fold = stratified_folds(y, n_folds, seed)
        pred = np.empty(len(y), dtype=object)
        for k in range(n_folds):
            test = fold == k
            pred[test] = predict(x[~test], y[~test], x[test])
        predictions.append(pred.astype(str))
    return y, predictions


def split_validate(landmarks, labels, validation_fraction=0.3, seed=0,
                   predict=fit_and_predict):
    """One stratified calibration/validation split: fit on one part, score the other.

    Parameters
    ----------
    landmarks, labels
        As for `cross_validate`.
    validation_fraction : float
        Share of each pose's rows held out (rounded to whole rows).
    seed : int
    predict : callable

    Returns
    -------
    truth : ndarray of str
        Labels of the validation part.
    predicted : ndarray of str
    """
    x, y = _balance_rows(landmarks, labels)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        test[rng.permutation(rows)[:int(round(validation_fraction * len(rows)))]] = True
    return y[test], predict(x[~test], y[~test], x[test])


def nearest_neighbour_predict(train_landmarks, train_labels, test_landmarks):
    """The baseline: 1-nearest neighbour on the flattened normalised x, y coordinates.

    The coordinates are used as the CSV gives them (left hip at the origin, divided by
    the left torso length); no features, no mirroring.
    """
    a = np.asarray(train_landmarks)[..., :2].reshape(len(train_landmarks), -1)
    b = np.asarray(test_landmarks)[..., :2].reshape(len(test_landmarks), -1)
    d2 = (b * b).sum(1)[:, None] - 2.0 * b @ a.T + (a * a).sum(1)[None, :]
    return np.asarray(train_labels)[d2.argmin(axis=1)]
