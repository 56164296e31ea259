"""Command-line options: every command's help, one name per option, values checked early."""

import json
import subprocess
import sys
from datetime import date

import pytest

from balance import cli
from tests.test_cli_errors import ROOT, assert_one_line_error, balance

SAMPLE = ROOT / "samples" / "single_leg_stance.balance"
PROFILE = ["--birth-year", "--sex", "--height", "--dominant-leg"]
WINDOW = ["--camera", "--source", "--model"]

# What each command's --help must offer: the options its users and the README rely on.
OPTIONS = {
    ("analyze",): ["--out", "--csv", "--fps", "--protocol", "--side", "--cap", "--person",
                   "--save-video", "--model", *PROFILE],
    ("batch",): ["inputs", "--out", "--protocol", "--workers", "--scheduler", "--fps", "--model",
                 "--person", "--cap", *PROFILE],
    ("info",): ["session"],
    ("models",): ["prepare"],
    ("models", "prepare"): ["--task", "--wheel"],
    ("score",): ["--protocol", "--json", "--image-size", "--eyes", "--arms", "--sharpened",
                 *PROFILE],
    ("demo",): ["--protocol", "--side", "--speed", "--terminal", "--realtime", "--out",
                "--exit-when-done", "--timing"],
    ("live",): [*WINDOW, "--protocol", "--side", "--person", "--out", "--sessions-dir",
                "--save-video", "--speed", *PROFILE],
    ("cameras",): [],
    ("history",): ["--person", "--protocol", "--weeks", "--window"],
    ("import",): ["paths", "--person", "--protocol"],
    ("people",): ["list", "add", "edit", "delete"],
    ("people", "add"): ["name", "--notes", *PROFILE],
    ("people", "edit"): ["name", "--notes", *PROFILE],
    ("people", "delete"): ["--yes", "--keep-files"],
    ("plan",): ["--person", "--date", "--set-level", "--set-target", "--log", "--window",
                *WINDOW],
    ("replay",): ["SESSION", "--author"],
    ("report",): ["session", "--person", "--weeks", "--out"],
    ("export",): ["--frames", "--trials", "--video", "--snapshot", "--no-blur"],
    ("screen",): ["--fallen", "--unsteady", "--worries", "--assess", "--tug", "--chair-stand",
                  "--four-stage", "--pdf", "--force", "--person", "--window", *WINDOW,
                  *PROFILE],
}


def run_main(capsys, *args):
    """``balance ARGS`` in-process: (exit status, stdout, stderr)."""
    try:
        status = cli.main([str(a) for a in args])
    except SystemExit as stop:  # argparse ends --help and bad options this way
        status = stop.code
    out = capsys.readouterr()
    return status, out.out, out.err


def test_every_command_has_help():
    assert {words[0] for words in OPTIONS} == set(cli.COMMANDS)


@pytest.mark.parametrize("words", list(OPTIONS), ids=" ".join)
def test_help_exits_0_and_lists_the_options(capsys, words):
    status, out, err = run_main(capsys, *words, "--help")
    assert status == 0 and err == ""
    assert out.startswith(f"usage: balance {' '.join(words)}")
    for option in OPTIONS[words]:
        assert option in out, option


@pytest.mark.parametrize("words", [("live",), ("people", "add"), ("people", "edit"),
                                   ("score", SAMPLE, "--protocol", "yoga"),
                                   ("analyze", "video.mp4")])
def test_the_dominant_leg_has_one_name(capsys, words):
    extra = ["ann"] if words[0] == "people" else []
    args = cli._parser().parse_args([*map(str, words), *extra, "--dominant-leg", "left"])
    assert args.dominant_leg == "left"
    status, _, err = run_main(capsys, *words, *extra, "--leg", "left")
    assert status == 2 and "unrecognized arguments: --leg" in err


def test_people_add_and_edit_store_the_dominant_leg(capsys):
    assert run_main(capsys, "people", "add", "leg-test", "--dominant-leg", "left")[0] == 0
    status, out, _ = run_main(capsys, "people", "edit", "leg-test", "--dominant-leg", "right",
                              "--height", "172")
    assert status == 0 and "172.0 cm, dominant leg right" in out


def test_the_dominant_leg_reaches_the_bess_stance(capsys):
    """BESS stands on the non-dominant leg: the option must reach the test."""
    for leg, stance in (("left", "right"), ("right", "left")):
        status, out, err = run_main(capsys, "score", SAMPLE, "--protocol", "bess", "--json",
                                    "--dominant-leg", leg)
        assert status == 0, err
        summary = json.loads(out)["summary"]
        assert (summary["dominant_leg"], summary["stance_leg"]) == (leg, stance)


THIS_YEAR = date.today().year


@pytest.mark.parametrize("args, words", [
    (["live", "--birth-year", THIS_YEAR + 1], ["--birth-year", f"1900 and {THIS_YEAR}"]),
    (["score", SAMPLE, "--protocol", "practice", "--birth-year", "1899"], ["--birth-year"]),
    (["people", "add", "x", "--birth-year", "nineteen"], ["--birth-year", "not a year"]),
    (["live", "--height", "0"], ["--height", "50 and 250 cm"]),
    (["analyze", "v.mp4", "--height", "251"], ["--height", "not 251"]),
    (["people", "edit", "x", "--height", "nan"], ["--height"]),
    (["score", SAMPLE, "--protocol", "practice", "--sex", "other"], ["--sex"]),
    (["live", "--dominant-leg", "both"], ["--dominant-leg"]),
    (["demo", "--speed", "nan"], ["--speed", "above 0"]),
    (["live", "--speed", "0"], ["--speed", "above 0"]),
    (["score", SAMPLE, "--protocol", "practice", "--image-size", "0x0"], ["--image-size"]),
    (["score", SAMPLE, "--protocol", "practice", "--image-size", "wide"], ["1280x720"]),
    (["report", SAMPLE, "--weeks", "0"], ["--weeks", "1 or more"]),
    (["live", "--camera", "-1"], ["--camera"]),
    (["analyze", "v.mp4", "--protocol", "hopscotch"], ["unknown protocol", "yoga"]),
])
def test_bad_values_are_refused_while_parsing(capsys, args, words):
    status, out, err = run_main(capsys, *args)
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for w in words:
        assert w in lines[0]


@pytest.mark.parametrize("option, text, value", [
    ("--birth-year", "1900", 1900), ("--birth-year", str(THIS_YEAR), THIS_YEAR),
    ("--height", "50", 50.0), ("--height", "250", 250.0),
])
def test_the_limits_themselves_are_accepted(option, text, value):
    args = cli._parser().parse_args(["live", option, text])
    assert getattr(args, option[2:].replace("-", "_")) == value


def test_the_image_size_of_a_csv_is_width_by_height():
    args = cli._parser().parse_args(["score", "x.csv", "--protocol", "yoga",
                                     "--image-size", "640X480"])
    assert args.image_size == (640, 480)


def test_a_bad_option_in_a_real_run_is_one_line():
    proc = balance("people", "add", "x", "--birth-year", "3000")
    assert_one_line_error(proc, "--birth-year", "3000")


def test_building_the_parser_loads_no_heavy_library():
    """Every command module is imported for ``--help``: OpenCV, MediaPipe and Qt wait for
    the command that needs them (mediapipe alone takes seconds)."""
    code = ("import sys, balance.cli as c; c._parser(); print(' '.join(m for m in "
            "('cv2', 'mediapipe', 'PySide6', 'pyqtgraph', 'numba') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr


def test_the_test_flags_offer_what_the_registry_says():
    import argparse

    from balance.commands import options
    from balance.protocols import registry
    parser = argparse.ArgumentParser()
    options.add_test_options(parser)
    by_dest = {a.dest: a for a in parser._actions}
    for _flag, test, name in options.TEST_FLAGS:
        opt = next(o for o in registry.spec(test).options if o.name == name)
        assert by_dest[name].choices == opt.choices and by_dest[name].default is None
    args = parser.parse_args(["--cap", "30", "--eyes", "closed"])
    args.protocol = "single-leg-stance"
    assert options.chosen_options(args) == {"cap_s": 30.0, "eyes": "closed"}
    args.protocol = "romberg"
    assert options.chosen_options(args) == {}  # --cap means nothing to the Romberg test
