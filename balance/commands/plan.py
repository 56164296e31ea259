"""``balance plan [--person X]``: today's plan; a therapist's levels and targets."""

import json
from datetime import date

from balance import paths
from balance.commands import options
from balance.errors import InputError
from balance.programme import adherence, plan as P, rules as R, store
from balance.programme.progression import Outcome
from balance.storage.history import History

HELP = "today's training plan; levels and targets"
DESCRIPTION = ("Today's plan for a person from their history: warm-up, balance at their "
               "level, strengthening, cool-down and a foot check, each with what, how much "
               "and why. A therapist adjusts levels and targets with --set-level and "
               "--set-target; results done without the camera are recorded with --log.")


def add_arguments(p) -> None:
    p.add_argument("--person", help="the person (default: the only one in the history)")
    p.add_argument("--date", help="plan for this day, YYYY-MM-DD (default today)")
    p.add_argument("--levels", action="store_true",
                   help="list every ladder's levels, marking the person's")
    p.add_argument("--rules", action="store_true", help="print the progression rules")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    g = p.add_argument_group("therapist and log")
    g.add_argument("--set-level", action="append", default=[], metavar="LADDER=LEVEL",
                   help="put the person on this level (therapist)")
    g.add_argument("--set-target", action="append", default=[], metavar="LADDER=NUMBER",
                   help="their own target at the current level, s or reps (therapist)")
    g.add_argument("--log", action="append", default=[], metavar="LADDER=ACHIEVED",
                   help="record today's result of a ladder (s held or good reps)")
    g.add_argument("--discomfort", action="append", default=[], metavar="LADDER",
                   help="record discomfort during that exercise today (steps back)")
    w = options.window_group(p)
    w.add_argument("--window", action="store_true", help="walk through the plan in a "
                   "window, the camera counting and timing, and log it in the history")
    options.add_feed(w, when="with --window: ")
    options.add_model(w, when="with --window: ")


def run(args) -> int:
    today = _day(args.date)
    with History() as h:
        person = _person(h, args.person)
        for text in args.set_level:
            ladder, level = _pair(text, "--set-level")
            s = store.set_level(h, person, ladder, level)
            print(f"{person}: {ladder} set to {s.level} ({s.spec.what})")
        for text in args.set_target:
            ladder, value = _pair(text, "--set-target")
            s = store.set_level(h, person, ladder, target=_number(value, "--set-target"))
            print(f"{person}: {ladder} target {s.goal:g} {s.spec.unit} at {s.level}")
        if args.log or args.discomfort:
            _log(h, person, args, today)
        if args.rules:
            print(rules_text())
        if args.levels:
            print(levels_text(store.levels(h, person)))
        if args.rules or args.levels:
            return 0
        plan = store.today_plan(h, person, today)
        if args.window:
            return _window(h, person, plan, args)
        if args.json:
            print(json.dumps({"person": person, **plan.to_dict()}, indent=2))
            return 0
        print(f"{person}\n" + P.describe(plan))
        print("\n" + adherence.of_person(h, person, today).describe())
    return 0


def _window(h: History, person: str, plan, args) -> int:
    """Walk through ``plan`` in a window; what was done is logged when it ends."""
    from balance.gui.app import application, display_available
    from balance.gui.settings_file import remembered_scale
    if not display_available():
        raise InputError("--window needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
                         "`balance plan` prints the same plan")
    from balance.session import live
    from balance.gui.plan_page import PlanWindow
    from balance.programme.walk import PlanWalk

    feed = live.open_feed(args.source if args.source is not None else args.camera)
    model = live.pose_model(feed, args.model)  # a bad model: one line, no window
    app = application(remembered_scale())
    walk = PlanWalk(plan)

    def save(w):
        for o, rule in w.save(h, person):
            print(f"{person}: {o.ladder} -> {R.RULE[rule].then}")

    window = PlanWindow(walk, feed, profile=h.person(person).profile(),
                        estimator_factory=live.estimator_factory(feed, model, checked=True),
                        on_finished=save, warmup=live.warmup,
                        session_dir=paths.sessions_dir())  # as `balance live`
    window.resize(1200, 660)  # the picture beside the text, on a 1280x720 screen
    window.show()
    return app.exec() or 0


def _log(h, person, args, today) -> None:
    states = store.levels(h, person)
    results = dict(_pair(t, "--log") for t in args.log)
    for ladder in list(results) + list(args.discomfort):
        if ladder not in R.LADDERS:
            raise InputError(f"no ladder {ladder!r}; ladders: {', '.join(R.LADDERS)}")
    outcomes = []
    for ladder in dict.fromkeys(list(results) + list(args.discomfort)):
        s = states[ladder]
        value = _number(results[ladder], "--log") if ladder in results else None
        outcomes.append(Outcome(today, ladder, s.level, s.goal, value,
                                ladder in args.discomfort))
    for o, rule in store.log_outcomes(h, person, outcomes):
        print(f"{person}: {o.ladder} {o.achieved if o.achieved is not None else '-'} "
              f"against {o.target:g} -> {R.RULE[rule].then}")


def rules_text() -> str:
    lines = ["Progression rules (first that applies):"]
    for r in R.RULES:
        lines.append(f"- when {r.when}: {r.then}.\n  why: {r.why}")
    return "\n".join(lines)


def levels_text(states) -> str:
    lines = []
    for ladder, levels in R.LADDERS.items():
        s = states[ladder]
        lines.append(f"{ladder}:")
        for x in levels:
            mark = "->" if x.key == s.level else "  "
            own = f" (own target {s.target:g})" if x.key == s.level and s.target else ""
            lines.append(f" {mark} {x.key:<24} {x.target:g} {x.unit}{own}  {x.what}")
    return "\n".join(lines)


def _person(h: History, name: str | None) -> str:
    if name:
        return h.person(name).name
    people = h.people()
    if len(people) == 1:
        return people[0].name
    if not people:
        raise InputError("the history is empty: add the person first with "
                         "`balance people add NAME`")
    raise InputError("say whose plan with --person (" + ", ".join(p.name for p in people)
                     + ")")


def _pair(text: str, flag: str) -> tuple[str, str]:
    if "=" not in text:
        raise InputError(f"{flag} wants LADDER=VALUE, not {text!r}")
    a, b = text.split("=", 1)
    return a.strip(), b.strip()


def _number(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{flag}: {text!r} is not a number") from None


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--date {text!r} is not a YYYY-MM-DD date") from None
