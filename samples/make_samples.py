"""Generate the bundled sample sessions from the parametric person (balance.testing.synthetic).

Run from the project root: ``python samples/make_samples.py``. The output is
deterministic (fixed seeds), and each session's metadata carries the generator's
settings and ground truth under "synthetic", so tests can check against it.
"""

from dataclasses import asdict
from pathlib import Path

from balance.testing.synthetic import Lift, generate
from balance.storage.session import SessionWriter, new_metadata

HERE = Path(__file__).resolve().parent

SAMPLES = {
    # Stand, lift the left foot for 12 s (standing on the right leg), stand, lift the right
    # foot for 9 s, stand: two single-leg trials with known lift and touchdown frames.
    "single_leg_stance": dict(fps=30.0, duration_s=40.0, arms="hips", seed=1,
                              lifts=(Lift("left", 4.0, 16.0), Lift("right", 22.0, 31.0))),
    # Quiet standing, arms crossed: sway of known size, no lift.
    "quiet_standing": dict(fps=30.0, duration_s=20.0, arms="crossed", seed=2,
                           sway_cm=(0.8, 0.5)),
}


def write_sample(name: str, params: dict, folder: Path = HERE) -> Path:
    s = generate(**params)
    truth = {"params": {k: (list(map(asdict, v)) if k == "lifts" else v)
                        for k, v in params.items()},
             "truth_frames": s.truth_frames, "px_per_cm": s.px_per_cm}
    meta = new_metadata(source=f"synthetic:{name}", fps=s.fps, image_size=s.image_size,
                        person_id="sample", height_cm=s.height_cm, synthetic=truth)
    meta["start_time"] = "2026-01-01T00:00:00+00:00"  # fixed: the file is reproducible
    path = folder / f"{name}.balance"
    with SessionWriter(path, meta) as w:
        for i in range(s.t.size):
            w.write_frame(s.t[i], s.image[i], s.world[i], True)
    return path


if __name__ == "__main__":
    for name, params in SAMPLES.items():
        print(write_sample(name, params))
