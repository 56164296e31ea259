"""Fit the ranges of the pose table to labelled landmarks, and write the table back.

The fit is deliberately simple so that it can be re-run inside a cross-validation:
for each calibrated pose, the accepted range of a feature is its 20th..80th percentile
over that pose's examples, the tolerance half the interquartile range plus a floor (the
measurement noise of a 2-D landmark angle or length). The examples' side is unknown in
the data, so it is found by alternating: guess the side (free foot higher; for a lunge,
the more bent knee), fit, re-pick the side that fits best, fit again.

Run ``python -m tools.yoga_calibrate [CSV] [--write]`` to print (or write into
`balance/yoga/poses.py`) the table fitted to the Yoga-82 landmark file.
"""

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from balance.yoga.definition import LEADING
from balance.yoga.features import COLUMN, UNITS, compute_features
from balance.yoga.poses import DEFINITIONS
from balance.yoga.scoring import CompiledPose
from tools.yoga82 import default_csv, load_labelled

QUANTILE = 0.2   # accepted range = QUANTILE .. 1 - QUANTILE of the examples
SPREAD = 0.5     # tolerance = SPREAD * interquartile range + floor
FLOOR = {"deg": 10.0, "leg": 0.1, "torso": 0.1, "-": 0.1}
DECIMALS = {"deg": 1, "leg": 2, "torso": 2, "-": 2}
ITERATIONS = 3

POSES_PY = Path(__file__).resolve().parents[1] / "balance" / "yoga" / "poses.py"
TABLE_START = "# --- calibrated table (python -m tools.yoga_calibrate --write) ---\n"
TABLE_END = "# --- end of calibrated table ---\n"


def _initial_side(features, definition):
    """Side hypothesis per example before any fit: the bent lunge leg, else the lower foot."""
    if definition.side == LEADING:
        return np.argmin(features[:, :, COLUMN["stand_knee"]], axis=1)
    return np.argmax(features[:, :, COLUMN["foot_height"]], axis=1)


def _fit_criteria(definition, values):
    """Criteria of ``definition`` with ranges fitted to ``values`` (n, N_FEATURES)."""
    criteria = []
    for c in definition.criteria:
        v = values[:, COLUMN[c.feature]]
        unit = UNITS[c.feature]
        q1, q3 = np.quantile(v, [0.25, 0.75])
        nd = DECIMALS[unit]
        criteria.append(dataclasses.replace(
            c,
            lo=round(float(np.quantile(v, QUANTILE)), nd),
            hi=round(float(np.quantile(v, 1.0 - QUANTILE)), nd),
            soft=round(float(SPREAD * (q3 - q1) + FLOOR[unit]), nd),
        ))
    return tuple(criteria)


def fit_definition(definition, features):
    """Refit one calibrated pose definition to its examples.

    Parameters
    ----------
    definition : PoseDefinition
    features : ndarray, shape (n, 2, N_FEATURES)
        Features of examples of this pose (both side hypotheses).

    Returns
    -------
    PoseDefinition
    """
    side = _initial_side(features, definition)
    rows = np.arange(len(features))
    for _ in range(ITERATIONS):
        definition = dataclasses.replace(
            definition, criteria=_fit_criteria(definition, features[rows, side]))
        side = np.argmax(CompiledPose(definition).log_fit(features), axis=1)
    return definition


def calibrate(definitions, features, labels):
    """Refit every calibrated definition that has labelled examples.

    Parameters
    ----------
    definitions : sequence of PoseDefinition
    features : ndarray, shape (n, 2, N_FEATURES)
    labels : array_like of str, shape (n,)
        Pose name per example; names not in ``definitions`` are ignored.

    Returns
    -------
    tuple of PoseDefinition
        Hand-set and unseen definitions are returned unchanged.
    """
    labels = np.asarray(labels)
    out = []
    for d in definitions:
        mask = labels == d.name
        out.append(fit_definition(d, features[mask]) if d.calibrated and mask.any() else d)
    return tuple(out)


def _fmt(value):
    return repr(float(value))


def _quoted(text):
    """A double-quoted Python string literal (the table's house style)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_table(definitions):
    """Python source of ``DEFINITIONS = (...)`` for `balance/yoga/poses.py`."""
    lines = ["DEFINITIONS = ("]
    for d in definitions:
        side = "None" if d.side is None else d.side.upper()
        lines.append(f'    PoseDefinition("{d.name}", {side}, calibrated={d.calibrated}, '
                     "criteria=(")
        for c in d.criteria:
            args = f'"{c.feature}", {_fmt(c.lo)}, {_fmt(c.hi)}, {_fmt(c.soft)}'
            for key in ("cue_low", "cue_high"):
                text = getattr(c, key)
                if text is not None:
                    args += f",\n          {key}={_quoted(text)}"
            lines.append(f"        C({args}),")
        lines.append("    )),")
    lines.append(")")
    return "\n".join(lines) + "\n"


def write_table(definitions, path=None):
    """Replace the calibrated block of ``poses.py`` with ``definitions``."""
    path = Path(path) if path else POSES_PY
    text = path.read_text()
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    path.write_text(head + TABLE_START + format_table(definitions) + TABLE_END + tail)


def main(argv=None):
    """Fit the table to the Yoga-82 landmark CSV; print it or write it into poses.py."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", default=None, help="Yoga-82 landmark CSV")
    parser.add_argument("--write", action="store_true", help="write into poses.py")
    args = parser.parse_args(argv)
    landmarks, labels = load_labelled(args.csv or default_csv())
    fitted = calibrate(DEFINITIONS, compute_features(landmarks), labels)
    if args.write:
        write_table(fitted)
    else:
        print(format_table(fitted), end="")


if __name__ == "__main__":
    main()
