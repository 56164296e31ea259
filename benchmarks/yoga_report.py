"""Yoga pose recognition on the Yoga-82 landmark set: per-pose recall and precision.

Run from the project root::

    .venv/bin/python benchmarks/yoga_report.py

It prints, for the ten standing balance poses of Yoga-82 mapped to our names:

1. the shipped table on the whole validation file (a *training fit*: the table's ranges
   were calibrated on this very file), with precision both among the ten poses and over
   all 82 Yoga-82 poses, and how many correctly recognised photos pass the form check;
2. held-out figures: stratified 5-fold cross-validation repeated over three seeds, and
   one fixed 70/30 calibration/validation split, refitting the ranges on the training
   part only, beside the 1-nearest-neighbour baseline on the same folds;
3. the cross-validated confusion matrix;
4. the predicted pose distribution on the held-out unlabelled file (a sanity print:
   nothing is tuned on it);
5. the time one classification takes.

The data live in ``../shared/realdata`` and are not part of the repository; the report
says so and exits when they are absent.
"""

import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/ is not installed

from balance.yoga.classify import Classifier, classify  # noqa: E402
from balance.yoga.cues import check_form  # noqa: E402
from balance.yoga.features import SIDES  # noqa: E402
from balance.yoga.poses import BY_NAME, UNKNOWN  # noqa: E402
from tools.yoga82 import (BALANCE_POSES, OTHER, default_csv, holdout_csv,  # noqa: E402
                          load_csv, load_labelled)
from tools.yoga_evaluate import (cross_validate, macro_recall,  # noqa: E402
                                 nearest_neighbour_predict, per_pose_metrics, split_validate)

SEEDS = (0, 1, 2)


def print_table(title, rows):
    """rows: pose -> list of (column name, value)."""
    print(f"\n{title}")
    names = [name for name, _ in next(iter(rows.values()))]
    print(f"  {'pose':18s}" + "".join(f"{n:>12s}" for n in names))
    for pose, cells in rows.items():
        print(f"  {pose:18s}" + "".join(
            f"{v:>12d}" if isinstance(v, int) else f"{v:>12.3f}" for _, v in cells))


def good_form_share(landmarks, labels, predicted, hypotheses, pose):
    """Share of the correctly recognised photos of ``pose`` that pass the form check."""
    rows = np.flatnonzero((labels == pose) & (predicted == pose))
    side = [SIDES[h] if BY_NAME[pose].side else None for h in hypotheses[rows]]
    return float(np.mean([check_form(landmarks[i], pose, s).good for i, s in zip(rows, side)]))


def training_fit(landmarks, labels):
    predicted, hypotheses, _ = Classifier().classify_many(landmarks)
    ten = np.isin(labels, BALANCE_POSES)
    among_ten = per_pose_metrics(labels[ten], predicted[ten])
    among_all = per_pose_metrics(labels, predicted)
    rows = {p: [("n", among_ten[p][2]), ("recall", among_ten[p][0]),
                ("prec(10)", among_ten[p][1]), ("prec(82)", among_all[p][1]),
                ("good form", good_form_share(landmarks, labels, predicted, hypotheses, p))]
            for p in BALANCE_POSES}
    print_table("1. Shipped table on the whole val file (TRAINING FIT: calibrated on it)",
                rows)
    macro, low = macro_recall(labels[ten], predicted[ten])
    print(f"  macro recall {macro:.3f}, lowest {low:.3f}")
    print("  prec(10): among the ten poses' photos; prec(82): among all photos. good form:")
    print("  share of the correctly recognised photos whose form check passes (hold counts)")
    others = Counter(predicted[labels == OTHER])
    n_other = int((labels == OTHER).sum())
    print(f"  the other 72 Yoga-82 poses ({n_other} photos): {others[UNKNOWN] / n_other:.0%} "
          f"unknown, most often mistaken for: "
          + ", ".join(f"{p} {n}" for p, n in others.most_common(4) if p != UNKNOWN))


def mean_recalls(truth, predictions):
    per = [[per_pose_metrics(truth, p)[pose][0] for pose in BALANCE_POSES]
           for p in predictions]
    return np.mean(per, axis=0)


def held_out(landmarks, labels):
    t_cv, table_cv = cross_validate(landmarks, labels, seeds=SEEDS)
    _, nn_cv = cross_validate(landmarks, labels, seeds=SEEDS, predict=nearest_neighbour_predict)
    t_split, table_split = split_validate(landmarks, labels)
    _, nn_split = split_validate(landmarks, labels, predict=nearest_neighbour_predict)
    cv_table, cv_nn = mean_recalls(t_cv, table_cv), mean_recalls(t_cv, nn_cv)
    split_table, split_nn = mean_recalls(t_split, [table_split]), mean_recalls(t_split, [nn_split])
    cv_prec = np.mean([[per_pose_metrics(t_cv, p)[pose][1] for pose in BALANCE_POSES]
                       for p in table_cv], axis=0)
    rows = {p: [("cv recall", cv_table[i]), ("cv prec", cv_prec[i]), ("cv 1-NN", cv_nn[i]),
                ("split", split_table[i]), ("split 1-NN", split_nn[i])]
            for i, p in enumerate(BALANCE_POSES)}
    print_table("2. Held out: ranges refitted without the scored rows "
                f"(5-fold CV x {len(SEEDS)} seeds; one 70/30 split)", rows)
    print(f"  macro recall  table: CV {cv_table.mean():.3f} (lowest {cv_table.min():.3f}), "
          f"split {split_table.mean():.3f} (lowest {split_table.min():.3f})")
    print(f"                1-NN:  CV {cv_nn.mean():.3f} (lowest {cv_nn.min():.3f}), "
          f"split {split_nn.mean():.3f} (lowest {split_nn.min():.3f})")
    return t_cv, table_cv[0]


def confusion(truth, predicted):
    columns = list(BALANCE_POSES) + ["mountain", UNKNOWN]
    print("\n3. Confusion, cross-validated (seed 0): rows truth, columns predicted")
    print(" " * 20 + "".join(f"{c[:6]:>7s}" for c in columns))
    for pose in BALANCE_POSES:
        row = truth == pose
        print(f"  {pose:18s}" + "".join(f"{np.sum(predicted[row] == c):>7d}" for c in columns))


def holdout_distribution():
    path = holdout_csv()
    if not path.is_file():
        print("\n4. Held-out file absent: skipped")
        return
    landmarks, _ = load_csv(path)
    counts = Counter(Classifier().classify_many(landmarks)[0])
    print(f"\n4. Held-out unlabelled file ({len(landmarks)} rows), predicted distribution "
          "(sanity only, never tuned on):")
    print("  " + ", ".join(f"{p} {counts[p]}" for p in list(BALANCE_POSES) + ["mountain", UNKNOWN]))


def timing(landmarks):
    frames = landmarks[:300]
    classify(frames[0])
    start = time.perf_counter()
    for frame in frames:
        classify(frame)
    per_frame = (time.perf_counter() - start) / len(frames)
    print(f"\n5. classify(): {per_frame * 1e6:.0f} us per frame (one core, NumPy)")


def main():
    path = default_csv()
    if not path.is_file():
        print(f"{path} is absent: nothing to report (the real data are not in the repo).")
        return 0
    landmarks, labels = load_labelled(path)
    print(f"Yoga-82 val landmarks: {len(labels)} photos, "
          f"{np.isin(labels, BALANCE_POSES).sum()} of the ten balance poses")
    training_fit(landmarks, labels)
    truth, predicted = held_out(landmarks, labels)
    confusion(truth, predicted)
    holdout_distribution()
    timing(landmarks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
