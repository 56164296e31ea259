"""``balance report``: a PDF of one session, or of a person's last weeks."""

import os
from pathlib import Path

from balance.errors import InputError


def run(args) -> int:
    if bool(args.session) == bool(args.person):
        raise InputError("give a SESSION file, or --person NAME (not both)")
    if args.weeks is not None and args.weeks < 1:
        raise InputError("--weeks must be 1 or more")
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
        _qt()
        from balance.gui import pdf_report
        if args.person:
            out = args.out or Path(f"{args.person}-report.pdf")
            pdf_report.write_person_report(history, args.person, out, weeks=args.weeks)
        else:
            out = args.out or args.session.with_suffix(".pdf")
            pdf_report.write_session_report(args.session, out, history=history)
    finally:
        if history is not None:
            history.close()
    print(f"report: {out}")
    return 0


def _qt():
    """A QApplication for fonts; offscreen when there is no screen (a PDF needs none)."""
    from balance.gui.app import application, display_available
    if not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return application()
