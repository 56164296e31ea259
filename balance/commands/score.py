"""``balance score SESSION_OR_CSV --protocol NAME``: score a recording with a protocol."""

import json
import sys
from pathlib import Path

import numpy as np

from balance.commands import options
from balance.errors import InputError
from balance.profile import Profile
from balance.protocols import create, score_recording
from balance.storage.landmark_csv import read_landmark_csv
from balance.storage.session import MAGIC, read_session

DEFAULT_CSV_SIZE = (1280, 720)
NEEDS_DEPTH = ("four-stage", "bess", "mbess", "romberg")


HELP = "score a session or landmark CSV with a protocol"
DESCRIPTION = ("Re-score a recorded session (or a landmark CSV from `analyze --csv`) with a "
               "balance test and print the result.")


def add_arguments(p) -> None:
    p.add_argument("recording", type=Path, help="a .balance session or a landmark CSV")
    options.add_protocol(p, "the test to score with", required=True)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--image-size", type=options.image_size, metavar="WIDTHxHEIGHT",
                   help="size of the video behind a CSV (default 1280x720)")
    options.add_test_options(p)
    options.add_profile(p, person="person id for the result (default: the session's)")


def run(args) -> int:
    t, image, world, detected, size, fps, meta = _load(args.recording, args.image_size)
    if meta.get("csv") and args.protocol in NEEDS_DEPTH:
        print("warning: a landmark CSV holds no world landmarks (depth), so semi-tandem and "
              "tandem stances cannot be recognised from it: score the session file instead",
              file=sys.stderr)
    protocol = create(args.protocol, profile_from(args, meta), image_size=size, fps=fps,
                      **protocol_options(args))
    result, _events = score_recording(protocol, t, image, world, detected)
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    return 0


def profile_from(args, meta: dict | None = None) -> Profile:
    """The CLI's profile options, falling back on a profile stored in the session."""
    stored = (meta or {}).get("profile") or {}
    try:
        return Profile(
            person_id=args.person or stored.get("person_id") or "guest",
            birth_year=args.birth_year or stored.get("birth_year"),
            sex=args.sex or stored.get("sex"),
            height_cm=args.height or stored.get("height_cm") or (meta or {}).get("height_cm"),
            dominant_leg=args.dominant_leg or stored.get("dominant_leg"))
    except ValueError as exc:
        raise InputError(str(exc)) from None


def protocol_options(args) -> dict:
    if args.protocol == "single-leg-stance":
        return dict(side=args.side, cap_s=args.cap, eyes=args.eyes, arms=args.arms)
    if args.protocol == "romberg":
        return dict(sharpened=bool(getattr(args, "sharpened", False)))
    return {}


def _load(path: Path, image_size: tuple[int, int] | None):
    if not path.is_file():
        raise InputError(f"{path}: no such session or CSV file")
    with open(path, "rb") as fh:
        head = fh.read(len(MAGIC))
    if head == MAGIC:
        s = read_session(path)
        for w in s.warnings:
            print(f"warning: {w}", file=sys.stderr)
        if len(s) == 0:
            raise InputError(f"{path} holds no frames")
        return s.t, s.image, s.world, s.detected, s.image_size, s.fps, s.metadata
    t, image, detected = read_landmark_csv(path)
    size = image_size or DEFAULT_CSV_SIZE
    fps = 1.0 / float(np.median(np.diff(t))) if len(t) > 2 else 30.0
    if not np.isfinite(fps) or fps <= 0:
        raise InputError(f"{path}: frame times must increase")
    return t, image, np.full_like(image, np.nan), detected, size, fps, {"csv": True}


def format_result(result: dict) -> str:
    """A few readable lines: one per trial, then the summary's main points."""
    lines = [f"protocol  {result['protocol']}"]
    if not result["trials"]:
        lines.append("no trial was recorded")
    for t in result["trials"]:
        m = t.get("metrics") or {}
        sway = (f", sway {m['mean_velocity_ml']:.2f} cm/s, RMS {m['rms_ml']:.2f} cm (ML)"
                if m else "")
        if "ellipse_area" in m:
            sway += f", area {m['ellipse_area']:.1f} cm² (AP estimated)"
        score = f", score {t['score']:.0f}" if t.get("score") is not None else ""
        errors = f", {len(t['errors'])} errors" if t.get("errors") else ""
        what = f"{t['pose']} " if t.get("pose") else ""
        lines.append(f"trial {t['trial']}  {what}{t['side'] or '-':5s} {t['hold_time_s']:6.2f} s  "
                     f"({t.get('end_text', t['end_reason'])}){sway}{score}{errors}")
    for key, value in result["summary"].items():
        if key != "norms":
            lines.append(f"{key.replace('_', ' '):14s}{value}")
    for side, comparisons in result["summary"].get("norms", {}).items():
        for c in comparisons:
            where = "below" if c["below"] else "at or above"
            lines.append(f"{side:6s} best is {where} the {c['label']} "
                         f"({c['reference_s']:g} s, {c['source']})")
    return "\n".join(lines)
