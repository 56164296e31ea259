"""The STEADI screen's one-page PDF for the therapist: the person, the three key questions
and their answers, each assessment against its line, the verdict by the CDC algorithm and
what it leaves to the clinician. The words are ``balance.clinical.steadi``'s, so the PDF
says what ``balance screen`` prints and the window's outcome card shows.
"""

from __future__ import annotations

from pathlib import Path

from balance.clinical import steadi
from balance.gui.pdf_layout import FALL, GREY, INK, Layout, PdfPager, person_lines
from balance.gui.pdf_report import _check_whole, _footer
from balance.storage.files import atomic_path
from balance.storage.records import Person

STATUS_COLUMNS = ["assessment", "result", "status", "judged by"]
STATUS_WIDTHS = [0.27, 0.16, 0.13, 0.44]


def write_screen_report(outcome: steadi.Outcome, person: Person, out, *, taken: str,
                        overwrite: bool = False) -> Path:
    """Write the screen's page to ``out`` (owner-only, atomic; an existing file only with
    ``overwrite``). ``taken``: when the screen was done (ISO time)."""
    with atomic_path(out, overwrite=overwrite) as tmp:
        lay = Layout(PdfPager(tmp, f"STEADI screen - {person.name}"), _footer())
        draw(lay, outcome, person, taken)
        lay.finish()
        _check_whole(tmp, out)
    return Path(out)


def draw(lay: Layout, outcome: steadi.Outcome, person: Person, taken: str) -> None:
    lay.text("STEADI fall-risk screen", 18, bold=True)
    lay.text(f"{person.name} - {person_lines(person)}", 11)
    lay.text(f"Screened {taken[:16].replace('T', ' ')} UTC", 9, colour=GREY)
    lay.text(outcome.verdict.capitalize(), 16, bold=True,
             colour=FALL if outcome.at_risk else INK)
    lay.heading("Step 1: the three key questions", 12)
    lay.table(["question", "answer"],
              [[q.text, "yes" if outcome.answers[q.key] else "no"] for q in steadi.QUESTIONS],
              [0.8, 0.2])
    lay.heading("Step 2: gait, strength and balance", 12)
    if outcome.assessments:
        lay.table(STATUS_COLUMNS, [_row(a) for a in outcome.assessments], STATUS_WIDTHS)
    else:
        lay.text("Not assessed: no key question was answered yes, and no assessment was "
                 "asked for.", 10)
    lay.heading("Outcome", 12)
    for line in [*outcome.answer_lines(), *outcome.finding_lines()]:
        lay.text(line, 9.5)
    lay.text(_sources(), 8, colour=GREY)


def _row(a: steadi.Assessment) -> list[str]:
    return [a.what, a.value_text, a.status + (f" ({a.why})" if a.why else ""), a.rule]


def _sources() -> str:
    v = steadi.LOONLAWONG_2022
    return (f"Sources: {steadi.CDC_STEADI_ALGORITHM.citation} The three key questions "
            f"predicted falls with AUC {steadi.KEY_QUESTIONS_AUC}, sensitivity "
            f"{steadi.KEY_QUESTIONS_SENSITIVITY:.1%}, specificity "
            f"{steadi.KEY_QUESTIONS_SPECIFICITY:.1%}: {v.citation}")
