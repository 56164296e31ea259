"""Generated recordings of the STEADI screen's three tests, with their truth: a TUG and a
30-second chair stand from the independent bench people (``tests.bench``), the 4-stage
test from the synthetic person. Written as plain recordings (no test named), as
``balance analyze`` would leave them."""

from dataclasses import dataclass

import numpy as np

from balance.storage.session import SessionWriter, new_metadata
from balance.testing.synthetic import Lift, generate
from tests.bench import chair as C, tug as T

FPS, SIZE = 30.0, (1280, 720)


@dataclass
class Frames:
    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    detected: np.ndarray


def write(path, frames, *, source: str, person: str, height_cm: float, protocol=None):
    meta = new_metadata(source=source, fps=FPS, image_size=SIZE, person_id=person,
                        height_cm=height_cm, protocol=protocol)
    with SessionWriter(path, meta) as w:
        for i in range(frames.t.size):
            w.write_frame(frames.t[i], frames.image[i], frames.world[i], bool(frames.detected[i]))
    return path


def tug(pace: float, seed: int = 3, lead_s: float = 2.5):
    """A TUG seen from the side, seated still ``lead_s`` first; its true time from the
    first movement to the seat."""
    rec = T.generate(T.Tug(seed=seed, pace=pace, fps=FPS, image_size=SIZE, lead_s=lead_s))
    return rec, rec.truth.total


def chair(stands: int, pace: float, seed: int = 2):
    """A chair stand from the front; the true stands completed (standing reached) in 30 s
    from the first frame, when the protocol's clock starts."""
    rec = C.generate(C.Chair(seed=seed, stands=stands, pace=pace, fps=FPS, image_size=SIZE))
    return rec, sum(s.up <= 30.0 and s.fault is None for s in rec.stands)


def four_stage(tandem_held: bool, seed: int = 3):
    """Side by side, semi-tandem and tandem 12 s each (tandem broken after 6 s when not
    held), then a short one-foot stand."""
    if tandem_held:
        stances, lifts, duration = [(0, "together"), (12, "semi_tandem"), (24, "tandem")], \
            [Lift("left", 37.0, 38.5)], 42.0
    else:
        stances, lifts, duration = [(0, "together"), (12, "semi_tandem"), (24, "tandem"),
                                    (30, "hip_width")], [], 36.0
    return generate(fps=FPS, duration_s=duration, jitter_px=1.5, seed=seed, stances=stances,
                    lifts=lifts, image_size=SIZE)


def gap(frames, seconds: float) -> Frames:
    """``seconds`` with nobody in view, at the times after ``frames``'s last."""
    n = int(seconds * FPS)
    nan = np.full((n, *frames.image.shape[1:]), np.nan, np.float32)
    return Frames(np.arange(n) / FPS, nan, nan.copy(), np.zeros(n, bool))


def joined(*parts) -> Frames:
    """Recordings one after another on one clock (a whole screen on one camera)."""
    t, out, start = [], [], 0.0
    for p in parts:
        t.append(np.asarray(p.t) - p.t[0] + start)
        start = t[-1][-1] + 1.0 / FPS
        out.append(p)
    return Frames(np.concatenate(t), np.concatenate([p.image for p in out]).astype(np.float32),
                  np.concatenate([p.world for p in out]).astype(np.float32),
                  np.concatenate([p.detected for p in out]).astype(bool))
