"""``balance screen``: the CDC STEADI fall-risk screen, from the three key questions to the
outcome in the history and a one-page PDF.

The answers come from ``--fallen``, ``--unsteady`` and ``--worries`` (asked on the
terminal when one is missing and it is interactive). When any is yes, or with
``--assess``, the TUG, 30-second chair stand and 4-stage test follow: given as recorded
sessions (scored as ``balance score`` scores them, and added to the history) or videos
(analysed first into a new session beside each, as ``balance analyze --protocol`` does),
or run live in the screen window (``--window``).
"""

import sys
from pathlib import Path

from balance.clinical import steadi
from balance.commands import options
from balance.errors import InputError

HELP = "the CDC STEADI fall-risk screen: key questions, TUG, chair stand, 4-stage test"
DESCRIPTION = ("The STEADI screen: the three key questions; when any answer is yes (or "
               "with --assess) the Timed Up and Go, the 30-second chair stand and the "
               "4-stage test, from recorded sessions or live in a window; the outcome by "
               "the CDC algorithm in the history and, with --pdf, on one page.")
FLAGS = {"fallen": "--fallen", "unsteady": "--unsteady", "worries": "--worries"}
TEST_FLAGS = {steadi.TUG: "tug", steadi.CHAIR: "chair_stand", steadi.FOUR_STAGE: "four_stage"}


def add_arguments(p) -> None:
    q = p.add_argument_group("the three key questions (asked here when not given)")
    for question in steadi.QUESTIONS:
        q.add_argument(FLAGS[question.key], choices=("yes", "no"), help=question.text)
    p.add_argument("--assess", action="store_true",
                   help="assess gait, strength and balance even when every answer is no "
                        "(the therapist asks for it)")
    t = p.add_argument_group("recorded tests: sessions, scored as `balance score` does, or "
                             "videos, analysed first into a session beside each")
    t.add_argument("--tug", type=Path, metavar="FILE", help="the Timed Up and Go")
    t.add_argument("--chair-stand", type=Path, metavar="FILE",
                   help="the 30-second chair stand")
    t.add_argument("--four-stage", type=Path, metavar="FILE", help="the 4-stage test")
    t.add_argument("--model", type=Path, help="pose model .task file (videos, --window)")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the one-page PDF here")
    p.add_argument("--force", action="store_true", help="replace an existing PDF of that name")
    options.add_profile(p, person="the person screened (their profile in the history is used)")
    w = options.window_group(p)
    w.add_argument("--window", action="store_true",
                   help="run the screen in a window: the questions, then the tests live")
    options.add_feed(w, when="with --window: ")


def run(args) -> int:
    if args.pdf is not None and args.pdf.suffix.lower() != ".pdf":
        raise InputError(f"{args.pdf}: the screen's report is a PDF; name it *.pdf")
    files = {test: getattr(args, flag) for test, flag in TEST_FLAGS.items()
             if getattr(args, flag) is not None}
    if args.window:
        if files:
            raise InputError("--window runs the tests live: give recorded tests without it")
        return _window(args)
    if args.pdf is not None:  # before anything is scored or saved
        from balance.storage.files import check_target
        check_target(args.pdf, overwrite=args.force)
    answers = _answers(args)
    if files and not steadi.needs_assessment(answers, asked=args.assess):
        raise InputError("every answer is no, so the tests are not needed; add --assess "
                         "to score them anyway")
    from balance.session import screen
    from balance.storage.history import History

    with History() as h:
        profile = _profile(args, h, files)
        files = {test: _session(path, test, profile, args) for test, path in files.items()}
        results = {test: screen.score_recording(path, test, profile)
                   for test, path in files.items()}  # all scored before anything is saved
        outcome = screen.outcome(answers, results, profile, asked=args.assess)
        taken = _save(h, profile, outcome, files, results)
    print("\n".join(outcome.lines()))
    if outcome.assessments and not files:
        print("The tests were not given: run them live with `balance screen --window`, "
              "or give their recordings (--tug, --chair-stand, --four-stage).")
    print(f"saved in the history for {profile.person_id}")
    if args.pdf is not None:
        _pdf(outcome, profile, taken, args)
    return 0


def _save(h, profile, outcome, files: dict, results: dict) -> str:
    """The person, the tests' sessions and the screen into the history; returns when
    the screen was taken."""
    from balance.session import screen
    from balance.storage.screens import screens
    # the person first: an import would file a new one under the session's own profile
    screen.person_for(h, profile)
    for test, path in files.items():
        h.import_session(path, person=profile.person_id, result=results[test])
    screen_id = screen.save(h, profile, outcome, files)
    return next(r.taken for r in screens(h, profile.person_id) if r.id == screen_id)


def _session(path: Path, test: str, profile, args) -> Path:
    """``path`` if it is a session; a video or image folder analysed into a new session
    beside it with ``test`` (the code of ``balance analyze --protocol``; a TUG timed from
    the first movement, as a video has no Go cue)."""
    from balance.storage.files import is_session_file
    if is_session_file(path):
        return path
    if not path.exists():
        raise InputError(f"{path}: no such session, video or image folder")
    from balance.capture import open_source
    from balance.commands.analyze import unused_path
    from balance.pose.model import prepare_model
    from balance.session.analyze_file import analyze_source

    out = unused_path(path.with_suffix(".balance") if path.is_file() else
                      path.parent / f"{path.name}.balance")
    with open_source(str(path)) as source:
        model = prepare_model(args.model)
        analyze_source(source, model.path, out, source_name=str(path),
                       model_sha256=model.sha256, profile=profile, person=profile.person_id,
                       protocol=test, options={"go": "movement"} if test == steadi.TUG else {},
                       to_history=False)
    print(f"session: {out}")
    return out


def _answers(args) -> dict[str, bool]:
    answers = {}
    for q in steadi.QUESTIONS:
        given = getattr(args, q.key)
        if given is None:
            given = _ask(q)
        answers[q.key] = given == "yes"
    return answers


def _ask(q: steadi.Question) -> str:
    if not sys.stdin.isatty():
        raise InputError(f"give {FLAGS[q.key]} yes or no ({q.text})")
    while True:
        try:
            reply = input(f"{q.text} (yes or no) ").strip().lower()
        except EOFError:  # Ctrl+D: no answer, so no screen
            raise InputError(f"no answer to {q.text!r}; nothing was saved") from None
        if reply in ("y", "yes", "n", "no"):
            return "yes" if reply.startswith("y") else "no"
        print("please answer yes or no")


def _profile(args, h, files: dict):
    """The person: the options given, over their profile in the history, over the one a
    recorded test stored."""
    from balance.commands.score import profile_args
    from balance.profile import profile_from_metadata, profile_with
    from balance.storage.session import read_session

    from balance.storage.files import is_session_file

    sessions = [path for path in files.values() if is_session_file(path)]
    meta = read_session(sessions[0]).metadata if sessions else {}
    name = args.person or meta.get("person_id") or "guest"
    known = h.find_person(name)
    below = known.profile() if known else profile_from_metadata(meta)
    try:
        return profile_with({**profile_args(args), "person_id": name},
                            {"profile": below.to_dict()})
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _pdf(outcome, profile, taken: str, args) -> None:
    from balance.gui.app import pdf_application
    from balance.storage.records import Person
    pdf_application()
    from balance.gui.pdf_screen import write_screen_report
    out = write_screen_report(outcome, Person.of(profile), args.pdf, taken=taken, overwrite=args.force)
    print(f"report: {out}")


def _window(args) -> int:
    from balance.gui.app import application, display_available
    if not display_available():
        raise InputError("--window needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
                         "give the recorded tests instead")
    from balance.gui.screen_page import ScreenWindow
    from balance.gui.settings_file import qsettings, remembered_scale
    from balance.gui.sound import Sound
    from balance.session import live, settings
    from balance.storage.history import History

    feed = live.open_feed(args.source if args.source is not None else args.camera)
    model = live.pose_model(feed, args.model)  # a bad model: one line, no window
    with History() as h:
        profile = _profile(args, h, {})
    app = application(remembered_scale())
    window = ScreenWindow(feed, profile=profile, asked=args.assess,
                          estimator_factory=live.estimator_factory(feed, model, checked=True),
                          warmup=live.warmup, session_dir=_sessions_dir(),
                          sound=Sound(muted=settings.load(qsettings()).muted))
    window.resize(1200, 660)
    window.show()
    return app.exec() or 0


def _sessions_dir():
    from balance import paths
    return paths.sessions_dir()
