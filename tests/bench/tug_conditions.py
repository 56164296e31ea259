"""The TUG bench's conditions, and scoring one with the ``tug`` protocol.

``evaluate(name)`` generates each seed's walking person (``tests.bench.tug``), scores it
through ``create("tug", go="movement")`` (a recording has no Go cue) and ``score_frames``,
and compares every event, the total time, the gait speeds and the turn's step count with
the truth.
"""

import numpy as np

from tests.bench.tug import Tug, generate
from tests.bench.scoring import score_recording

# name -> Tug settings that differ from the side view, 4 m, 30 fps, 1 px baseline. "45
# deg", "60 deg off": the walk's angle to the picture's plane (90 - ``view_deg``).
CONDITIONS = {
    "side 30 fps": {},
    "side 15 fps": {"fps": 15.0},
    "side 60 fps": {"fps": 60.0},
    "side 2 px": {"jitter_px": 2.0},
    "side 15 fps, 2 px": {"fps": 15.0, "jitter_px": 2.0},
    "45 deg 30 fps": {"view_deg": 45.0},
    "45 deg 15 fps": {"view_deg": 45.0, "fps": 15.0},
    "45 deg 60 fps, 2 px": {"view_deg": 45.0, "fps": 60.0, "jitter_px": 2.0},
    "45 deg 15 fps, 2 px": {"view_deg": 45.0, "fps": 15.0, "jitter_px": 2.0},
    # the walk 60 deg off the picture's plane (within the protocol's limit) and 70 (beyond)
    "60 deg off, 30 fps": {"view_deg": 30.0},
    "60 deg off, 15 fps, 2 px": {"view_deg": 30.0, "fps": 15.0, "jitter_px": 2.0},
    "70 deg off, 30 fps": {"view_deg": 20.0},
    "side, slow (x1.5)": {"pace": 1.5},
    "side, brisk (x0.8)": {"pace": 0.8},
    "side, laptop 0.75 m high": {"camera_height_m": 0.75},
    "side, 1.55 m person": {"height_m": 1.55},
}
SEEDS = (1, 2, 3)
# protocol event -> truth attribute
EVENTS = {"start": "move", "stood": "up", "turn_start": "turn_start", "turn_end": "turn_end",
          "turn2_start": "turn2_start", "seated": "contact"}


def score(tug: Tug, **options) -> tuple[dict, object]:
    """The tug result of one generated recording, and the recording."""
    rec = generate(tug)
    return score_recording("tug", tug, rec, **({"go": "movement"} | options)), rec


def compare(result: dict, rec) -> dict:
    """Errors against the truth: events and total (s), gait speeds (fraction of the truth),
    the turn's steps (counted minus drawn; None when not counted); NaN where the protocol
    found nothing."""
    s = result["summary"]
    nan = float("nan")
    ev = s["events"]
    errs = {k: (ev[k] - getattr(rec.truth, a)) if ev.get(k) is not None else nan
            for k, a in EVENTS.items()}
    speed = s["gait_speed_cm_s"]
    rel = {k: (speed[k] / (100 * v) - 1) if speed.get(k) is not None else nan
           for k, v in (("out", rec.truth.speed_out), ("back", rec.truth.speed_back))}
    return {"events": errs,
            "time": (s["time_s"] - rec.truth.total) if s["time_s"] is not None else nan,
            "speed": rel, "angle": s["walk_angle_deg"],
            "turn_steps": (s["turn_steps"] - rec.truth.turn_steps
                           if s["turn_steps"] is not None else None),
            "true_turn_steps": rec.truth.turn_steps}


def evaluate(name: str, seeds=SEEDS) -> list[dict]:
    """``compare`` for every seed of condition ``name``."""
    return [compare(*score(Tug(seed=seed, **CONDITIONS[name]))) for seed in seeds]


def worst(rows: list[dict]) -> dict:
    """The largest |error| of each kind over ``rows`` (NaN counts as infinitely wrong;
    speeds NaN when none was measured)."""
    def big(values):
        v = np.abs(np.asarray(values, float))
        return float(np.inf if v.size == 0 or np.isnan(v).any() else v.max())
    speeds = [e for r in rows for e in r["speed"].values()]
    return {"event": big([e for r in rows for e in r["events"].values()]),
            "time": big([r["time"] for r in rows]),
            "speed": big(speeds) if not np.isnan(speeds).all() else float("nan")}
