"""An independent mCTSIB person (issue 16): feet together, arms folded, swaying as an
inverted pendulum about the ankles, who steps up onto a foam pad half-way, filmed by the
bench's pinhole camera, with the truth of every condition.

Written from the bench's body, camera and noise (``tests.bench``), not from
``balance.testing`` or the protocol. The recording: feet at hip width, the right foot
brought in beside the left (its contact starts the test), 60 s on the floor, then each foot
in turn lifted onto a pad ``pad_m`` high (the second one's contact starts the foam pair),
60 s on the pad. Sway is a sum of sines (``motion.sway``) whose size steps up per
condition (eyes closed, foam); a ``stumble`` is a step sideways in one condition.
"""

from dataclasses import dataclass, replace

import numpy as np

from balance.pose.landmarks import INDEX
from balance.profile import Profile
from balance.protocols import create
from balance.session.rescore import score_frames
from tests.bench import noise
from tests.bench.body import Body, foot_points, rotate_about, skeleton, two_link
from tests.bench.camera import landmarks, place_camera
from tests.bench.motion import FootMove, foot_track, ramp, sway

CONDITION_S = 30.0
FEET = {"left": [27, 29, 31], "right": [28, 30, 32]}


@dataclass(frozen=True)
class Stand:
    seed: int = 0
    fps: float = 30.0
    jitter_px: float = 1.0
    jitter_rho: float = 0.5
    foot_jitter: float = 1.5
    height_m: float = 1.70
    distance_m: float = 3.0
    camera_height_m: float = 1.0
    image_size: tuple[int, int] = (1280, 720)
    pad_m: float = 0.06
    sway_mm: float = 3.0
    gains: tuple = (1.0, 1.8, 1.5, 2.6)  # firm open, firm closed, foam open, foam closed
    stumble: tuple | None = None          # (surface, eyes): a step sideways 10 s in
    # what ``noise.degrade`` asks of a scenario: no dips, drops or glitches here
    dips: int = 0
    drops: int = 0
    glitches: int = 0
    glitch_px: float = 0.0


def _step(t0, rng, land, toe_rel, lift_y):
    """A foot lift starting (heel-off) at ``t0``, its toe tip landing on ``land`` (3,); the
    ankle rises to ``lift_y`` above the floor on the way."""
    off = t0 + rng.uniform(0.12, 0.2)
    raised, lower = off + rng.uniform(0.25, 0.35), off + rng.uniform(0.4, 0.5)
    contact = lower + rng.uniform(0.2, 0.3)
    ankle_up = land - toe_rel
    ankle_up[1] = lift_y
    rel = ankle_up - [0.0, BODY_HIP_Y[0], 0.0]
    return FootMove("lift", t0, off, raised, lower, contact, contact + rng.uniform(0.1, 0.2),
                    rel, rng.uniform(0.2, 0.35), 0.3, rng.uniform(0.05, 0.15), land)


def _plan(st: Stand, body: Body, rng, toes, toe_rel):
    """Both feet's moves and the truth: when each condition can start, when a stumble is."""
    BODY_HIP_Y[0] = body.hip_y
    shift = 2 * body.stance_half - rng.uniform(0.095, 0.11) * body.height / 1.7
    land_r = toes["right"] + [shift, 0.0, 0.0]
    lift = body.ankle_h + st.pad_m + 0.06
    moves = {"left": [], "right": [_step(rng.uniform(2.0, 2.6), rng, land_r, toe_rel["right"],
                                         body.ankle_h + 0.04)]}
    start = moves["right"][0].contact
    toe_l, toe_r = toes["left"] + [0.0, st.pad_m, 0.0], land_r + [0.0, st.pad_m, 0.0]
    moves["left"].append(_step(start + 2 * CONDITION_S + rng.uniform(2.5, 3.5), rng, toe_l,
                               toe_rel["left"], lift))
    moves["right"].append(_step(moves["left"][0].flat + rng.uniform(0.3, 0.6), rng, toe_r,
                                toe_rel["right"], lift))
    foam = moves["right"][1].contact
    starts = {("firm", "open"): start, ("foam", "open"): foam}
    stumble = None
    if st.stumble is not None:
        surface, eyes = st.stumble
        t = (start if surface == "firm" else foam) + (CONDITION_S if eyes == "closed" else 0) + 10.0
        home = toe_l if surface == "foam" else toes["left"]
        m = _step(t, rng, home + [0.12, 0.0, 0.0], toe_rel["left"], home[1] + body.ankle_h + 0.05)
        moves["left"] = sorted(moves["left"] + [m], key=lambda x: x.heel_off)
        stumble = m.toe_off
    return moves, starts, stumble, shift, foam


BODY_HIP_Y = [0.0]  # the pelvis height a lift's ``rel`` is measured from


def _crossed_arms(out, body: Body, pelvis) -> None:
    """Arms folded across the chest, each wrist on the other side (in place)."""
    ex = np.array([1.0, 0.0, 0.0])
    chest = pelvis + [0.0, 0.75 * body.trunk, 0.1]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        shoulder = out[:, INDEX[f"{side}_shoulder"]]
        wrist = chest - sign * 0.07 * ex
        out[:, INDEX[f"{side}_wrist"]] = wrist
        out[:, INDEX[f"{side}_elbow"]] = two_link(shoulder, wrist, body.upper_arm, body.forearm,
                                                  np.array([sign * 1.0, -0.5, 0.2]))
        for name, dx in (("pinky", 0.03), ("index", 0.05), ("thumb", 0.02)):
            out[:, INDEX[f"{side}_{name}"]] = wrist - sign * dx * ex


def generate(st: Stand):
    """(t, image, world, detected, truth): truth has ``starts`` (condition -> s, where
    it can start), ``stumble`` (toe-off s or None) and ``sway_gain`` (n,)."""
    rng = np.random.default_rng(st.seed)
    body = replace(Body.from_height(st.height_m), stance_half=0.055 * st.height_m)
    yaw = {"left": np.radians(6.0), "right": -np.radians(6.0)}
    homes = {s: np.array([k * body.stance_half, body.ankle_h, 0.0])
             for s, k in (("left", 1.0), ("right", -1.0))}
    toes = {s: foot_points(body, homes[s][None], np.zeros(1), yaw[s])[1][0] for s in homes}
    toe_rel = {s: toes[s] - homes[s] for s in homes}
    moves, starts, stumble, shift, foam = _plan(st, body, rng, toes, toe_rel)
    t = np.arange(int((foam + 2 * CONDITION_S + 1.0) * st.fps)) / st.fps
    n = len(t)
    pelvis = np.zeros((n, 3))
    pelvis[:, 0] = shift / 2 * ramp(t, moves["right"][0].toe_off,
                                                            moves["right"][0].contact)
    pelvis[:, 1] = body.hip_y + st.pad_m * ramp(t, moves["left"][0].toe_off, foam)
    wobble = np.zeros((n, 3))
    tracks = {s: foot_track(body, yaw[s], homes[s], moves[s], t, pelvis, wobble) for s in homes}
    pts = skeleton(body, pelvis, *tracks["left"][:2], *tracks["right"][:2])
    _crossed_arms(pts, body, pelvis)
    edges = [starts[("firm", "open")] + k * CONDITION_S for k in (1,)] + [foam, foam + CONDITION_S]
    gain = st.gains[0] + sum((b - a) * ramp(t, e - 0.25, e + 0.25) for a, b, e in
                             zip(st.gains, st.gains[1:], edges))
    arm = 1.0 / (0.55 * body.height)
    ap, ml = (sway(t, st.sway_mm / 1000, rng) * gain * arm for _ in range(2))
    ankles = np.stack([tracks[s][0] for s in ("left", "right")]).mean(axis=0)
    moved = rotate_about(pts, ankles, ap, ml)
    for s in FEET:
        moved[:, FEET[s]] = pts[:, FEET[s]]
    camera = place_camera(st.distance_m, st.camera_height_m, 0.5 * body.height, 0.0, 0.0,
                          st.image_size)
    image, world = landmarks(camera, moved, moved[:, [23, 24]].mean(axis=1))
    lift = moves["right"][0]
    image4, world4, detected = noise.degrade(st, rng, t, image, world, camera, lift)
    com = 0.55 * body.height * np.tan(ml)
    return t, image4, world4, detected, {"starts": starts, "stumble": stumble, "com_ml": com,
                                         "height_cm": round(100 * st.height_m)}


def _rms(t, com, a, b):
    x = com[(t >= a) & (t < b)]
    return float(np.sqrt(np.mean((x - x.mean()) ** 2)))


def evaluate(stand: Stand, seeds=(1, 2, 3)) -> list[dict]:
    """Per seed: how many conditions ran, the start errors (s), the largest relative error
    of the RMS ratios against the true CoM's, the end reasons and the stumble's error."""
    rows = []
    for seed in seeds:
        st = replace(stand, seed=seed)
        t, image, world, detected, truth = generate(st)
        test = create("mctsib", Profile(height_cm=truth["height_cm"]),
                      image_size=st.image_size, fps=st.fps)
        result, _ = score_frames(test, t, image, world, detected)
        trials, s = result["trials"], result["summary"]
        rows.append(_compare(t, truth, trials, s))
    return rows


def _compare(t, truth, trials, s) -> dict:
    nan = float("nan")
    by = {(x["surface"], x["eyes"]): x for x in trials}
    rms = {k: _rms(t, truth["com_ml"], x["start_s"] + (0.5 if k[1] == "closed" else 0),
                   x["end_s"] - (0.5 if k[1] == "open" else 0)) for k, x in by.items()}
    errs = []
    for name, (top, bottom) in (("closed_open_firm", (("firm", "closed"), ("firm", "open"))),
                                ("foam_firm_open", (("foam", "open"), ("firm", "open"))),
                                ("foam_firm_closed", (("foam", "closed"), ("firm", "closed")))):
        got = (s["ratios"].get(name) or {}).get("rms_ml")
        if got is not None:
            errs.append(abs(got / (rms[top] / rms[bottom]) - 1))
    failed = next((x for x in trials if x["end_reason"] == "step"), None)
    return {"conditions": len(trials), "completed": s["completed"],
            "start_err": abs(by[("firm", "open")]["start_s"] - truth["starts"][("firm", "open")]),
            "pad_err": (abs(by[("foam", "open")]["start_s"] - truth["starts"][("foam", "open")])
                        if ("foam", "open") in by else nan),
            "ratio_err": max(errs) if errs else nan,
            "reasons": [x["end_reason"] for x in trials],
            "stumble_err": (abs(failed["end_s"] - truth["stumble"])
                            if failed is not None and truth["stumble"] is not None else nan)}
