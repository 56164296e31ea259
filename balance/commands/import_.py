"""``balance import PATH...``: add session files (or folders of them) to the history."""

import sys
from pathlib import Path

from balance.commands import options
from balance.errors import InputError
from balance.session.rescore import score_for_history
from balance.storage.history import History
from balance.storage.session import SUFFIX

HELP = "add session files or folders to the history"
DESCRIPTION = ("Add recorded sessions (from before the history existed, or from another "
               "machine) to the history. Importing a session again refreshes it (notes, "
               "result).")


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", help="session files and/or folders holding them")
    p.add_argument("--person", help="file them under this person instead of their own id")
    options.add_protocol(p, "score sessions that hold no result with this test")


def run(args) -> int:
    files = session_files(args.paths)
    failed = 0
    with History() as h:
        for f in files:
            try:
                r = h.import_session(f, person=args.person, protocol=args.protocol,
                                     scorer=score_for_history)
            except InputError as exc:  # one bad file must not stop the others
                print(f"skipped: {exc}", file=sys.stderr)
                failed += 1
                continue
            state = "added" if r.new else "updated"
            print(f"{state}: {f} -> {r.person}, {r.trials} trial(s), {r.notes} note(s)")
            for w in r.warnings:
                print(f"warning: {w}", file=sys.stderr)
    if failed:
        print(f"{failed} of {len(files)} file(s) could not be imported", file=sys.stderr)
        return 1
    return 0


def session_files(paths) -> list[Path]:
    """The session files named, and those inside named folders (recursively)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.rglob(f"*{SUFFIX}"))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    if not out:
        raise InputError(f"no {SUFFIX} session files in {', '.join(map(str, paths))}")
    return out
