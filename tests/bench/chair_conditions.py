"""The sit-to-stand bench's conditions, and scoring one with the ``five-sts`` protocol.

``evaluate(name)`` generates each seed's recording (``tests.bench.chair``), scores it
through ``create("five-sts")`` and ``score_frames`` and compares it with the truth: the
start (the first trunk movement), every counted stand's seat contact, the total time,
and which stands were refused and why.
"""

import numpy as np

from tests.bench.chair import Chair, generate
from tests.bench.scoring import score_recording

# name -> Chair settings that differ from the front 3 m, 30 fps, 1 px baseline.
CONDITIONS = {
    "front 3 m 30 fps": {},
    "15 fps": {"fps": 15.0},
    "60 fps": {"fps": 60.0},
    "jitter 2 px": {"jitter_px": 2.0},
    "15 fps, 2 px": {"fps": 15.0, "jitter_px": 2.0},
    "side view": {"yaw_deg": 90.0},
    "side view 15 fps": {"yaw_deg": 90.0, "fps": 15.0},
    "oblique 45 deg": {"yaw_deg": 45.0},
    "laptop 0.75 m, 2.5 m": {"camera_height_m": 0.75, "distance_m": 2.5},
    "high 1.5 m, 4 m": {"camera_height_m": 1.5, "distance_m": 4.0},
    "brisk (x0.7)": {"pace": 0.7},
    "slow (x1.5)": {"pace": 1.5},
    "short 1.52 m, long thighs": {"height_m": 1.52, "thigh_ratio": 1.08},
    "tall 1.90 m, short thighs": {"height_m": 1.90, "thigh_ratio": 0.92},
    "640x480 wide lens": {"image_size": (640, 480), "hfov_deg": 78.0, "distance_m": 2.5},
    "hands push, stand 2": {"faults": ((1, "hands"),), "stands": 6},
    "half stand, stand 3": {"faults": ((2, "partial"),), "stands": 6},
    "no seat, stand 2": {"faults": ((1, "no_seat"),), "stands": 6},
}
SEEDS = (1, 2, 3, 4)


def score(chair: Chair) -> tuple[dict, object]:
    """The five-sts result of one generated recording, and the recording."""
    rec = generate(chair)
    return score_recording("five-sts", chair, rec), rec


def compare(result: dict, rec) -> dict:
    """Errors against the truth, s (NaN where the protocol found nothing to compare)."""
    s = result["summary"]
    nan = float("nan")
    counted = [x["seated_s"] for x in s["stands"] if not x["faults"]]
    truth = rec.good_contacts[:5]
    refused = sorted((i, tuple(x["faults"])) for i, x in enumerate(s["stands"]) if x["faults"])
    expected = sorted((i, (kind,)) for i, kind in rec.chair.faults)
    errs = [a - b for a, b in zip(counted, truth)]
    true_time = truth[-1] - rec.start_s if len(truth) == 5 else nan
    return {"start": (s["start_s"] - rec.start_s) if s["start_s"] is not None else nan,
            "contacts": errs,
            "time": (s["time_s"] - true_time) if s["time_s"] is not None else nan,
            "reps_ok": len(counted) == min(5, len(truth)),
            "refused_ok": refused == expected}


def evaluate(name: str, seeds=SEEDS) -> list[dict]:
    """``compare`` for every seed of condition ``name``."""
    return [compare(*score(Chair(seed=seed, **CONDITIONS[name]))) for seed in seeds]


def worst(rows: list[dict]) -> dict:
    """The largest |error| of each kind over ``rows`` (NaN counts as infinitely wrong)."""
    def big(values):
        v = np.abs(np.asarray(values, float))
        return float(np.inf if v.size == 0 or np.isnan(v).any() else v.max())
    return {"start": big([r["start"] for r in rows]),
            "contact": big([e for r in rows for e in r["contacts"]] or [np.nan]),
            "time": big([r["time"] for r in rows]),
            "reps_ok": all(r["reps_ok"] for r in rows),
            "refused_ok": all(r["refused_ok"] for r in rows)}
