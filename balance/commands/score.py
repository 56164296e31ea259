"""``balance score SESSION_OR_CSV [--protocol NAME]``: score a recording with a protocol
(by default the one a session recorded)."""

import json
import sys
from pathlib import Path

import numpy as np

from balance.commands import options
from balance.errors import InputError
from balance.present import messages, plain
from balance.profile import Profile, profile_with
from balance.protocols import ProtocolResult, registry
from balance.session.rescore import rescore
from balance.storage.landmark_csv import read_landmark_csv
from balance.storage.session import MAGIC, Session, read_session

HELP = "score a session or landmark CSV with a protocol"
DESCRIPTION = ("Re-score a recorded session (or a landmark CSV from `analyze --csv`) with a "
               "balance test and print the result.")


def add_arguments(p) -> None:
    p.add_argument("recording", type=Path, help="a .balance session or a landmark CSV")
    options.add_protocol(p, "the test to score with (default: the one the session recorded)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--image-size", type=options.image_size, metavar="WIDTHxHEIGHT",
                   help="size of the video behind a landmark CSV, for one that does not store "
                        "it (written before balance 2026-12; its x and y are fractions of the "
                        "width and height); given for one that does, it must match")
    options.add_test_options(p)
    options.add_profile(p, person="person id for the result (default: the session's)")


def run(args) -> int:
    session = _load(args.recording, args.image_size)
    meta = session.metadata
    if meta.get("csv") and args.protocol and registry.spec(args.protocol).needs_depth:
        print("warning: a landmark CSV holds no world landmarks (depth), so semi-tandem and "
              "tandem stances cannot be recognised from it: score the session file instead",
              file=sys.stderr)
    # The recorded test is scored with the options it was recorded with (side, cap...),
    # tester keys and stop included, and any option given here on top.
    scored = rescore(session, args.protocol, profile=profile_from(args, meta),
                     options=options.scoring_options(args, meta))
    result = scored.result
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    return 0


def profile_from(args, meta: dict | None = None) -> Profile:
    """The CLI's profile options, falling back on a profile stored in the session."""
    try:
        return profile_with(profile_args(args), meta)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def profile_args(args) -> dict:
    """The profile options given on the command line (None where not given)."""
    return {"person_id": args.person, "birth_year": args.birth_year, "sex": args.sex,
            "height_cm": args.height, "dominant_leg": args.dominant_leg}


def _load(path: Path, image_size: tuple[int, int] | None) -> Session:
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a session or CSV file")
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
        return s
    t, image, detected, stored = read_landmark_csv(path)
    size = _csv_size(path, stored, image_size)
    steps = np.diff(t)
    if not (np.isfinite(t).all() and (steps > 0).all()):  # scoring needs a clock that runs
        bad = int(np.argmax(~(steps > 0))) + 1 if steps.size else 0
        raise InputError(f"{path}: frame times must increase from frame to frame "
                         f"(frame {bad} does not)")
    fps = 1.0 / float(np.median(steps)) if len(t) > 2 else 30.0
    meta = {"csv": True, "fps": fps, "image_size": list(size)}
    return Session(path, meta, t, detected, image, np.full_like(image, np.nan), [], [])


def _csv_size(path: Path, stored, given) -> tuple[int, int]:
    """The CSV's own image size, or the one given for a CSV that has none; never a guess
    (a wrong aspect would scale every sway) and never a size that contradicts the file."""
    if stored is None and given is None:
        raise InputError(f"{path} is a landmark CSV that does not say the size of its "
                         "video: give --image-size WIDTHxHEIGHT (for example 1280x720)")
    if stored is not None and given is not None and tuple(given) != tuple(stored):
        raise InputError(f"--image-size {given[0]}x{given[1]} does not match the "
                         f"{stored[0]}x{stored[1]} video {path} was written from")
    return tuple(stored or given)


def format_result(result: ProtocolResult | dict) -> str:
    """A few readable lines: one per trial, then the summary's main points."""
    result = ProtocolResult.of(result)
    lines = [f"protocol  {result.protocol}"]
    if not result.trials:
        lines.append("no trial was recorded")
    for t in result.trials:
        m = t.metrics
        sway = (f", sway {m['mean_velocity_ml']:.2f} cm/s, RMS {m['rms_ml']:.2f} cm (ML)"
                if m else "")
        if "ellipse_area" in m:
            sway += f", area {m['ellipse_area']:.1f} cm² (AP estimated)"
        score = f", score {t.score:.0f}" if t.score is not None else ""
        errors = f", {t.error_number} errors" if t.errors else ""
        what = f"{plain.label(t.pose)} " if t.pose else ""
        why = plain.value(t.end_text if t.end_text is not None else t.end_reason) or "-"
        what = "practice " if getattr(t, "practice", False) else what
        held = f"{t.hold_time_s:6.2f} s" if t.hold_time_s is not None else "       -"  # a reach
        lines.append(f"trial {t.trial}  {what}{t.side or '-':5s} {held}  "
                     f"({why}){sway}{score}{errors}")
    if result.protocol == "mctsib":  # its conditions are the trials above
        lines += plain.summary_lines(result.summary.to_dict(),
                                     skip=("norms", "conditions", "ratios", "ratio_measure"))
        lines += messages.ratio_lines(result.summary)
    else:
        lines += plain.summary_lines(result.summary.to_dict())
    lines += _norm_lines(getattr(result.summary, "norms", None))
    return "\n".join(lines)


def _norm_lines(norms) -> list[str]:
    """Per side (a test of each leg: its best against each reference) or, for a test
    with one result (TUG, five-times sit-to-stand, functional reach), that result."""
    groups = norms.items() if isinstance(norms, dict) else [("result", norms or [])]
    lines = []
    for side, comparisons in groups:
        what = "best" if isinstance(norms, dict) else ""
        for c in comparisons:
            where = "below" if c["below"] else "at or above"
            lines.append(f"{side:6s} {what + ' ' if what else ''}is {where} the {c['label']} "
                         f"({c['reference_s']:g} {c.get('unit', 's')}, {c['source']})")
    return lines
