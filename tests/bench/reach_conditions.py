"""The functional-reach bench's conditions, and scoring one with the ``functional-reach``
protocol.

``evaluate(name)`` generates each seed's recording (``tests.bench.reach``), scores it
through ``create("functional-reach")`` and ``score_frames`` and compares every attempt
with the truth, in order: its reach (cm) or that it was voided, and why.
"""

import numpy as np

from tests.bench.reach import Reacher, generate
from tests.bench.scoring import score_recording

# name -> Reacher settings that differ from the side-on 3.2 m, 1 m high, 30 fps, 1 px baseline.
CONDITIONS = {
    "side-on 30 fps": {},
    "15 fps": {"fps": 15.0},
    "60 fps": {"fps": 60.0},
    "jitter 2 px": {"jitter_px": 2.0},
    "15 fps, 2 px": {"fps": 15.0, "jitter_px": 2.0},
    "camera on the right": {"yaw_deg": -90.0},
    "laptop 0.75 m high": {"camera_height_m": 0.75},
    "camera 1.5 m high": {"camera_height_m": 1.5},
    "30 deg towards the front": {"yaw_deg": 60.0},
    "30 deg towards the back": {"yaw_deg": 120.0},
    "30 deg, 1.5 m high, 2 px": {"yaw_deg": 60.0, "camera_height_m": 1.5, "jitter_px": 2.0},
    "30 deg, 0.75 m high, 15 fps": {"yaw_deg": -60.0, "camera_height_m": 0.75, "fps": 15.0},
    "hip strategy": {"hip_share": (30.0, 45.0), "ankle_share": (0.0, 2.0)},
    "ankle strategy": {"hip_share": (0.0, 8.0), "ankle_share": (6.0, 10.0)},
    "short 1.52 m, 2.8 m": {"height_m": 1.52, "distance_m": 2.8},
    "tall 1.90 m, 3.6 m": {"height_m": 1.90, "distance_m": 3.6},
    "640x480 wide lens": {"image_size": (640, 480), "hfov_deg": 78.0, "distance_m": 3.0},
    "step on trial 1": {"faults": ((1, "step"),), "attempts": 4},
    "heels up on trial 2": {"faults": ((2, "heel"),), "attempts": 4},
}
SEEDS = (1, 2, 3, 4)


def score(r: Reacher) -> tuple[dict, object]:
    """The functional-reach result of one generated recording, and the recording."""
    rec = generate(r)
    return score_recording("functional-reach", r, rec), rec


VOID = {"step": "step", "heel": "heel_lift"}


def compare(result: dict, rec) -> dict:
    """Per attempt, in order: the reach error, cm (NaN for a voided one), and whether
    each attempt was found, and voided exactly when (and why) it should be."""
    found = result["trials"]
    truth = rec.attempts[:len(found)]
    errors = [f["reach_cm"] - a.reach_cm for f, a in zip(found, truth) if a.fault is None
              and f.get("reach_cm") is not None]
    voids = [f["end_reason"] if f["end_reason"] != "completed" else None for f in found]
    return {"errors": errors, "truth": [a.reach_cm for a in truth],
            "attempts_ok": len(found) == len(rec.attempts) or result["summary"]["completed"],
            "voids_ok": voids == [VOID.get(a.fault) for a in truth],
            "reported_error": (result["summary"]["reach_cm"] - max(
                [a.reach_cm for a in truth if a.fault is None][1:3]))
            if result["summary"]["reach_cm"] is not None else float("nan")}


def evaluate(name: str, seeds=SEEDS) -> list[dict]:
    """``compare`` for every seed of condition ``name``."""
    return [compare(*score(Reacher(seed=seed, **CONDITIONS[name]))) for seed in seeds]


def worst(rows: list[dict]) -> dict:
    """The largest |error| over ``rows`` (NaN or none counts as infinitely wrong)."""
    errs = np.abs([e for r in rows for e in r["errors"]] or [np.inf])
    reported = np.abs([r["reported_error"] for r in rows])
    return {"reach": float(np.inf if np.isnan(errs).any() else errs.max()),
            "bias": float(np.mean([e for r in rows for e in r["errors"]] or [np.nan])),
            "reported": float(np.inf if np.isnan(reported).any() else reported.max()),
            "attempts_ok": all(r["attempts_ok"] for r in rows),
            "voids_ok": all(r["voids_ok"] for r in rows)}
