"""Options several commands share, and the checks that refuse bad values while parsing.

A value out of range ends the command before any camera, model or file is touched, with
the one ``error:`` line of ``balance.cli``. Each ``add_*`` adds one group to a parser, so
an option has one spelling, one check and one help text in every command that takes it.
"""

import argparse
import math
from datetime import date
from pathlib import Path

from balance.profile import FIRST_BIRTH_YEAR, HEIGHT_CM, LEGS, SEXES

SIDES = ("left", "right")


def protocol_names() -> tuple[str, ...]:
    """The tests ``--protocol`` takes: the one place the command line learns them."""
    from balance.protocols import registry
    return registry.names()


def protocol(text: str) -> str:
    """A test's name, or one of its old spellings, as its name."""
    from balance.protocols import registry
    name = registry.canonical(text)
    if name is None:
        raise argparse.ArgumentTypeError(
            f"unknown protocol {text!r}; choose one of {', '.join(protocol_names())}")
    return name


def birth_year(text: str) -> int:
    year, this_year = _parse(text, int, "a year"), date.today().year
    if not FIRST_BIRTH_YEAR <= year <= this_year:
        raise argparse.ArgumentTypeError(
            f"a birth year is between {FIRST_BIRTH_YEAR} and {this_year}, not {text}")
    return year


def height_cm(text: str) -> float:
    cm, (low, high) = _parse(text, float, "a height in cm"), HEIGHT_CM
    if not low <= cm <= high:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"a standing height is between {low:g} and {high:g} cm, not {text}")
    return cm


def above_zero(what: str):
    """A type for a finite number above 0; ``what`` names it in the error."""
    def check(text: str) -> float:
        value = _parse(text, float, what)
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"{what} must be a number above 0, not {text}")
        return value
    return check


def count(text: str) -> int:
    """A whole number of 1 or more (weeks)."""
    n = _parse(text, int, "a whole number")
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text}")
    return n


def camera_number(text: str) -> int:
    n = _parse(text, int, "a webcam number")
    if n < 0:
        raise argparse.ArgumentTypeError(f"a webcam number is 0 or more, not {text}")
    return n


def image_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must look like 1280x720, not {text!r}") from None
    if w < 1 or h < 1:
        raise argparse.ArgumentTypeError(f"width and height must be 1 or more, not {text}")
    return w, h


def _parse(text: str, kind, what: str):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def add_profile(parser, *, person: str | None = None) -> None:
    """Who is measured: the norms and the centimetre scale come from it."""
    g = parser.add_argument_group("profile", "who is measured: for the norms and the "
                                  "centimetre scale")
    if person:
        g.add_argument("--person", help=person)
    g.add_argument("--birth-year", type=birth_year, metavar="YEAR", help="for age norms")
    g.add_argument("--sex", choices=[s for s in SEXES if s], help="for sex-specific norms")
    g.add_argument("--height", type=height_cm, metavar="CM",
                   help="standing height in cm (sway in cm)")
    g.add_argument("--dominant-leg", choices=[leg for leg in LEGS if leg],
                   help="dominant leg (BESS stands on the other)")


def add_protocol(parser, what: str, *, required: bool = False) -> None:
    parser.add_argument("--protocol", type=protocol, required=required, metavar="NAME",
                        help=f"{what}: {', '.join(protocol_names())}")


# The flags of the tests' options: (flag, test, the option's name in its registry entry).
# Their choices, defaults and help are the registry's.
TEST_FLAGS = (("--cap", "single-leg-stance", "cap_s"), ("--eyes", "single-leg-stance", "eyes"),
              ("--arms", "single-leg-stance", "arms"), ("--sharpened", "romberg", "sharpened"),
              ("--pad", "mctsib", "pad"), ("--go", "tug", "go"), ("--aid", "tug", "aid"),
              ("--chair-arms", "tug", "chair_arms"))


def add_test_options(parser) -> None:
    """How a test is run: the options of ``balance.protocols.create``, from the registry.

    No defaults here: an option not given is the test's own default, or, re-scoring a
    recording, what it was recorded with (``chosen_options``)."""
    from balance.protocols import registry
    g = parser.add_argument_group("test options")
    g.add_argument("--side", choices=SIDES, help="single-leg stance: test only this stance leg")
    for flag, test, name in TEST_FLAGS:
        spec = registry.spec(test)
        opt = next(o for o in spec.options if o.name == name)
        help_text = f"{spec.title}: {opt.help} (default {opt.default})"
        if opt.type is bool:
            g.add_argument(flag, dest=name, action="store_true", default=None, help=help_text)
        else:
            g.add_argument(flag, dest=name, type=opt.type, choices=opt.choices, help=help_text)


def chosen_options(args) -> dict:
    """The options of ``args.protocol`` given on the command line (others left out)."""
    given = {name: getattr(args, name, None) for _, test, name in TEST_FLAGS
             if test == args.protocol}
    if args.protocol == "single-leg-stance":
        given["side"] = getattr(args, "side", None)
    return {k: v for k, v in given.items() if v is not None}


def scoring_options(args, metadata: dict | None = None) -> dict:
    """``chosen_options`` of ``--protocol`` or, without it, of the test the recording
    holds."""
    from balance.protocols import registry
    name = registry.canonical(args.protocol or (metadata or {}).get("protocol"))
    return chosen_options(argparse.Namespace(**{**vars(args), "protocol": name}))


def window_group(parser, title: str = "window"):
    return parser.add_argument_group(title)


def add_feed(group, when: str = "") -> None:
    """What the window watches: a webcam, or a file played as if live."""
    group.add_argument("--camera", type=camera_number, default=0, metavar="N",
                       help=f"{when}webcam number (default 0; `balance cameras` lists them)")
    group.add_argument("--source", help=f"{when}a video file, image folder or .balance "
                       "session to play as if live instead of the webcam")


def add_model(group, when: str = "") -> None:
    group.add_argument("--model", type=Path, help=f"{when}pose model .task file to use")


def add_save_video(group, help: str) -> None:
    group.add_argument("--save-video", action="store_true", help=help)


def add_scripted(group, speed: str) -> None:
    """Pace and scripted runs of a window fed from a file (``speed``: its help)."""
    group.add_argument("--speed", type=above_zero("the speed"), default=1.0, help=speed)
    group.add_argument("--exit-when-done", action="store_true",
                       help="close the window when the test ends (scripted runs)")
    group.add_argument("--timing", action="store_true", help="print the start-up time")
