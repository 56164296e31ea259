"""``balance report``: a PDF of one session, or of a person's last weeks."""

from pathlib import Path

from balance.commands import options
from balance.errors import InputError

HELP = "write a PDF report of a session or of a person"
DESCRIPTION = ("A PDF with the person, the tests, results against norms, trend plots and "
               "notes: of one SESSION, or of --person over the last --weeks.")


def add_arguments(p) -> None:
    p.add_argument("session", nargs="?", type=Path, help="a session file")
    p.add_argument("--person", help="report on this person's history instead")
    p.add_argument("--weeks", type=options.count, default=12,
                   help="weeks of history up to the latest session (default 12)")
    p.add_argument("--out", type=Path, help="PDF to write (default: beside the session, "
                   "or PERSON-report.pdf)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing PDF of that name")


def run(args) -> int:
    if bool(args.session) == bool(args.person):
        raise InputError("give a SESSION file, or --person NAME (not both)")
    if args.out is not None and args.out.suffix.lower() != ".pdf":
        raise InputError(f"{args.out}: the report is a PDF; name it *.pdf")
    from balance.errors import BalanceError
    from balance.storage.history import History

    history = None
    try:
        history = History()
    except BalanceError:
        if args.person:
            raise  # a person report needs the history; a session report does not
    try:
        if args.person:
            history.person(args.person)  # one clear line for an unknown name
        else:
            from balance.storage.session import read_session
            read_session(args.session)  # one clear line for a bad file, before Qt starts
        from balance.gui.app import pdf_application
        pdf_application()
        from balance.gui import pdf_report
        if args.person:
            out = args.out or Path(f"{args.person}-report.pdf")
            pdf_report.write_person_report(history, args.person, out, weeks=args.weeks,
                                            overwrite=args.force)
        else:
            out = args.out or args.session.with_suffix(".pdf")
            pdf_report.write_session_report(args.session, out, history=history,
                                            overwrite=args.force)
    finally:
        if history is not None:
            history.close()
    print(f"report: {out}")
    return 0
