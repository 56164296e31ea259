"""The pose table as data: calibration, its written form, and the Yoga-82 file reader."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from balance.errors import InputError
from balance.yoga import definition, poses
from balance.yoga.features import COLUMN, FEATURES, N_FEATURES
from balance.yoga.scoring import deviation, log_membership
from tools import yoga_calibrate as cal
from tools.yoga82 import load_csv, load_labelled


def test_membership_is_flat_inside_and_fades_by_the_tolerance():
    lo, hi, soft = 10.0, 20.0, 5.0
    values = np.array([10.0, 15.0, 20.0, 25.0, 30.0, 5.0])
    np.testing.assert_allclose(deviation(values, lo, hi, soft), [0, 0, 0, 1, 2, -1])
    np.testing.assert_allclose(np.exp(log_membership(values, lo, hi, soft)),
                               [1, 1, 1, 2 / 3, 1 / 3, 2 / 3])


def test_format_table_round_trips_through_python():
    namespace = {"C": definition.Criterion, "PoseDefinition": definition.PoseDefinition,
                 "STANDING": definition.STANDING, "LEADING": definition.LEADING}
    exec(cal.format_table(poses.DEFINITIONS), namespace)
    assert namespace["DEFINITIONS"] == poses.DEFINITIONS


def test_write_table_replaces_only_the_marked_block(tmp_path):
    target = tmp_path / "poses.py"
    text = Path(poses.__file__).read_text()
    target.write_text(text)
    changed = (dataclasses.replace(poses.DEFINITIONS[0], name="renamed"),)
    cal.write_table(changed, target)
    new = target.read_text()
    head = text.split(cal.TABLE_START)[0]
    tail = text.split(cal.TABLE_END)[1]
    assert new.startswith(head) and new.endswith(tail)
    assert 'PoseDefinition("renamed"' in new and 'PoseDefinition("tree"' not in new


def synthetic_features(rng, n, knee_centre, standing_side):
    """n examples whose standing-knee feature sits on the given side hypothesis."""
    feats = rng.uniform(0.0, 1.0, size=(n, 2, N_FEATURES))
    rows = np.arange(n)
    feats[rows, standing_side, COLUMN["stand_knee"]] = rng.normal(knee_centre, 4.0, n)
    feats[rows, 1 - standing_side, COLUMN["stand_knee"]] = rng.normal(90.0, 4.0, n)
    # The free foot is higher under the true hypothesis: that is the first guess.
    feats[rows, standing_side, COLUMN["foot_height"]] = 0.9
    feats[rows, 1 - standing_side, COLUMN["foot_height"]] = -0.9
    return feats


def test_calibration_fits_percentiles_on_the_true_side():
    rng = np.random.default_rng(1)
    side = rng.integers(0, 2, 400)
    feats = synthetic_features(rng, 400, 170.0, side)
    template = definition.PoseDefinition(
        "test", definition.STANDING,
        tuple(definition.Criterion(f, 0.0, 0.0, 1.0) for f in FEATURES))
    fitted = cal.fit_definition(template, feats)
    knee = fitted.criterion("stand_knee")
    true_side = feats[np.arange(400), side, COLUMN["stand_knee"]]
    assert knee.lo == pytest.approx(np.quantile(true_side, cal.QUANTILE), abs=0.06)
    assert knee.hi == pytest.approx(np.quantile(true_side, 1 - cal.QUANTILE), abs=0.06)
    q1, q3 = np.quantile(true_side, [0.25, 0.75])
    assert knee.soft == pytest.approx(cal.SPREAD * (q3 - q1) + cal.FLOOR["deg"], abs=0.06)
    assert 165 < knee.lo < 170 < knee.hi < 175


def test_calibration_leaves_hand_set_and_unseen_poses_alone():
    feats = np.zeros((3, 2, N_FEATURES))
    fitted = cal.calibrate(poses.DEFINITIONS, feats, ["mountain", "other", "other"])
    assert fitted == poses.DEFINITIONS


def test_yoga82_reader_checks_its_input(tmp_path):
    with pytest.raises(InputError, match="no landmark file"):
        load_labelled(tmp_path / "absent.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("label,x0,y0\nTree,1,2\n")
    with pytest.raises(InputError, match="columns"):
        load_csv(bad)


def test_yoga82_reader_maps_labels(tmp_path):
    header = ["label"] + [f"{c}{i}" for i in range(33) for c in "xyzv"]
    rows = [["Tree_Pose_or_Vrksasana_"] + ["0.5"] * 132, ["Camel_Pose_or_Ustrasana_"] + ["1"] * 132]
    path = tmp_path / "two.csv"
    path.write_text("\n".join(",".join(r) for r in [header] + rows) + "\n")
    landmarks, labels = load_labelled(path)
    assert landmarks.shape == (2, 33, 4) and landmarks[1, 32, 3] == 1.0
    assert list(labels) == ["tree", "other"]
