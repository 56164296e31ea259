"""``balance people [list|add|edit|delete]``: the people in the history."""

import sys
from pathlib import Path

from balance.errors import InputError
from balance.storage.export import videos_beside
from balance.storage.history import History


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
              "dominant_leg": args.leg, "notes": args.notes}
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
    removed = 0
    for f in gone["files"]:
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
