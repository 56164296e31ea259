"""``balance people [list|add|edit|delete]``: the people in the history."""

import sys
from pathlib import Path

from balance import paths
from balance.commands import options
from balance.errors import InputError
from balance.storage.export import videos_beside
from balance.storage.history import History

HELP = "list, add, edit or delete people in the history"
DESCRIPTION = ("The people in the history. Deleting a person deletes their sessions, results "
               "and notes, and their session files in the session folder unless --keep-files "
               "(files elsewhere, such as imported copies, are kept and listed).")


def add_arguments(p) -> None:
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="action")
    actions.add_parser("list", help="everyone in the history")
    for verb, text in (("add", "add a person"), ("edit", "change a person's details")):
        a = actions.add_parser(verb, help=text)
        a.add_argument("name", help="name or alias")
        options.add_profile(a)
        a.add_argument("--notes", help="free text (conditions, aids, goals)")
    d = actions.add_parser("delete", help="delete a person and all their data")
    d.add_argument("name")
    d.add_argument("--yes", action="store_true", help="confirm the deletion")
    d.add_argument("--keep-files", action="store_true",
                   help="keep the session files on disk (delete only the history rows)")


def run(args) -> int:
    action = getattr(args, "action", None) or "list"
    with History() as h:
        if action == "list":
            from balance.commands.history import people_table
            print(people_table(h))
        elif action == "add":
            p = h.add_person(args.name, **_fields(args))
            print(f"added {p.name}")
        elif action == "edit":
            p = h.update_person(args.name, **_fields(args))
            print(f"updated {p.name}: born {p.birth_year or '-'}, {p.sex or '-'}, "
                  f"{p.height_cm or '-'} cm, dominant leg {p.dominant_leg or '-'}")
        elif action == "delete":
            return _delete(h, args)
    return 0


def _fields(args) -> dict:
    values = {"birth_year": args.birth_year, "sex": args.sex, "height_cm": args.height,
              "dominant_leg": args.dominant_leg, "notes": args.notes}
    return {k: v for k, v in values.items() if v is not None}


def _delete(h: History, args) -> int:
    person = h.person(args.name)
    sessions = h.sessions(person.name)
    if not args.yes:
        raise InputError(f"this deletes {person.name} with {len(sessions)} session(s) and "
                         f"their results and notes"
                         + ("" if args.keep_files else ", and the session files") +
                         "; add --yes to confirm")
    gone = h.delete_person(person.name)
    print(f"deleted {person.name}: {gone['sessions']} session(s), {gone['results']} "
          f"result(s), {gone['notes']} note(s) from the history")
    if args.keep_files:
        return 0
    removed, ours = 0, paths.sessions_dir().resolve()
    for f in gone["files"]:
        if not Path(f).resolve().is_relative_to(ours):  # the user's own copy: not ours to delete
            print(f"kept {f} (outside the session folder {ours})")
            continue
        for path in (Path(f), *videos_beside(f)):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                print(f"warning: could not delete {path}: {exc.strerror}", file=sys.stderr)
    print(f"deleted {removed} file(s)")
    return 0
