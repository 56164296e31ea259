"""``balance history [--person X]``: people and their trends, in the terminal."""

from balance.commands import options
from balance.storage.history import History
from balance.storage.screens import describe as describe_screens, screens
from balance.storage.trends import describe, since_weeks, trends

HELP = "people and their progress week by week"
DESCRIPTION = ("Without --person: the people in the history. With it: per test, its own "
               "measure week by week (a hold time, a test's time, stands), sway and score, "
               "personal bests, change since the first week and last month against the "
               "minimal detectable change, and age norms.")


def add_arguments(p) -> None:
    p.add_argument("--person", help="the person (name or alias) to show")
    options.add_protocol(p, "one test only")
    p.add_argument("--weeks", type=options.count,
                   help="only the N weeks up to the person's latest session")
    p.add_argument("--window", action="store_true", help="show the trend plots in a window")


def run(args) -> int:
    if args.window:
        return _window(args.person)
    with History() as h:
        if not args.person:
            print(people_table(h))
            return 0
        since = since_weeks(h, args.person, args.weeks)
        found = trends(h, args.person, protocol=args.protocol, since=since)
        print(_adherence(h, args.person))
        if args.protocol is None and (screened := describe_screens(screens(h, args.person))):
            print(screened)
        if not found:
            print(f"{args.person}: no results yet (import sessions with `balance import`)")
            return 0
        print("\n\n".join(describe(t) for t in found))
    return 0


def _adherence(h: History, person: str) -> str:
    """Training days a week, streaks and plan completion (the programme's log)."""
    from balance.programme.adherence import of_person
    return of_person(h, h.person(person).name).describe()


def people_table(h: History) -> str:
    people = h.people()
    if not people:
        return ("The history is empty. Record a test, or add sessions with "
                "`balance import FILE_OR_FOLDER`.")
    lines = [f"{'person':<16} {'born':>5} {'sessions':>8}  last session  tests"]
    for p in people:
        sessions = h.sessions(p.name)
        last = sessions[-1].started[:10] if sessions else "-"
        tests = ", ".join(sorted({s.protocol or "-" for s in sessions})) or "-"
        lines.append(f"{p.name:<16} {p.birth_year or '-':>5} {len(sessions):>8}  "
                     f"{last:<12}  {tests}")
    lines.append(f"({h.path})")
    return "\n".join(lines)


def _window(person: str | None) -> int:
    from balance.errors import InputError
    from balance.gui.app import application, display_available

    if not display_available():
        raise InputError("--window needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
                         "without it `balance history` prints the same numbers")
    with History() as h:
        if person:
            h.person(person)  # one clear line for an unknown name, before any window
        app = application()
        from balance.gui.history_view import HistoryWindow
        window = HistoryWindow(h, person)
        window.resize(1200, 900)
        window.show()
        return app.exec() or 0
