"""The ``balance`` command line: ``balance --help`` lists the subcommands.

Each module in ``balance.commands`` owns its command: ``HELP``, ``DESCRIPTION``,
``add_arguments(parser)`` and ``run(args)``; this module only registers and dispatches.
Bad input ends with ``error: ...`` on one line and exit status 2: a ``BalanceError`` or
``OSError`` while running, or a bad option while parsing. A reader that stops early
(``balance history | head``) ends the command quietly.
"""

import argparse
import os
import sys

from balance import __version__, native_logs
from balance.commands import (analyze, batch, cameras, demo, export, history, import_, info,
                              live, models, people, plan, replay, report, score, screen)
from balance.errors import BalanceError

COMMANDS = {
    "analyze": analyze, "batch": batch, "info": info, "models": models, "score": score, "demo": demo,
    "live": live, "cameras": cameras, "history": history, "import": import_,
    "people": people, "plan": plan, "replay": replay, "report": report, "export": export,
    "screen": screen,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    native_logs.silence()
    try:
        status = args.run(args) or 0
        sys.stdout.flush()  # a reader gone (``| head``) shows here, not at exit
        return status
    except BrokenPipeError:
        _quiet_stdout()
        return 141  # as a program killed by SIGPIPE: the reader wanted no more
    except BalanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that does not exist, a full disk, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point stdout at the null device: the exit's own flush must not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class _Parser(argparse.ArgumentParser):
    """A bad option is bad input like any other: one ``error:`` line, exit status 2."""

    def error(self, message):
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="balance",
                description="A webcam balance lab: pose estimation, sway metrics and balance "
                            "tests, fully offline.")
    p.add_argument("--version", action="version", version=f"balance {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")
    for name, command in COMMANDS.items():
        c = sub.add_parser(name, help=command.HELP, description=command.DESCRIPTION)
        c.set_defaults(run=command.run)  # add_arguments may route sub-actions elsewhere
        command.add_arguments(c)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
