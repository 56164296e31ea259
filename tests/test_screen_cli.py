"""`balance screen` end to end on generated recordings: the three tests scored, the outcome
by the CDC rules (written here from the truth of the recordings, not from the code), the
history and the one-page PDF."""

import stat
from datetime import date

import pypdfium2 as pdfium
import pytest

from balance.storage.history import History
from balance.storage.screens import screens
from tests import steadi_sessions as G
from tests.helpers import assert_one_line_error, balance
from tests.test_cli_words import python_in

AGE = 72           # the STEADI chair stand's 70-74 band: women below 10 stands are below average
CHAIR_LINE_F = 10
BORN = date.today().year - AGE
TUG_LINE_S = 12.0
NO = ["--fallen", "no", "--unsteady", "no", "--worries", "no"]


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """Ann: a slow TUG, a good chair stand, tandem held. Bob: all three good."""
    folder = tmp_path_factory.mktemp("screen")
    chair, chair_true = G.chair(stands=16, pace=0.7)
    stance = G.four_stage(tandem_held=True)
    out = {}
    for name, pace in (("Ann", 1.5), ("Bob", 0.7)):
        tug, tug_true = G.tug(pace)
        out[name] = {
            "tug": G.write(folder / f"{name}-tug.balance", tug, source=f"bench:tug:{name}",
                           person=name, height_cm=170.0),
            "chair": G.write(folder / f"{name}-chair.balance", chair,
                             source=f"bench:chair:{name}", person=name, height_cm=170.0),
            "stance": G.write(folder / f"{name}-4stage.balance", stance,
                              source=f"synthetic:4stage:{name}", person=name, height_cm=170.0),
            "tug_s": tug_true, "stands": chair_true}
    return folder, out


def _screen(folder, person, files, *extra):
    env = {"BALANCE_DATA_DIR": str(folder / "data"), "QT_QPA_PLATFORM": "offscreen"}
    return balance("screen", *NO, "--assess", "--person", person, "--birth-year", BORN,
                   "--sex", "female", "--tug", files["tug"], "--chair-stand", files["chair"],
                   "--four-stage", files["stance"], *extra, env=env)


def _expected(files) -> tuple[bool, list[str]]:
    """The CDC step 2 on the recordings' truth: TUG >= 12 s, chair stand below the line,
    tandem not held (held by construction here)."""
    failed = [name for name, bad in (("tug", files["tug_s"] >= TUG_LINE_S),
                                     ("chair-stand-30", files["stands"] < CHAIR_LINE_F))
              if bad]
    return bool(failed), failed


def _pdf_pages_and_text(path):
    doc = pdfium.PdfDocument(str(path))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in doc)
        return len(doc), text
    finally:
        doc.close()


def test_screens_end_to_end_into_the_history_and_one_page_pdf(people):
    folder, ps = people
    assert ps["Ann"]["tug_s"] > 13 and ps["Bob"]["tug_s"] < 11  # clear of the 12 s line
    assert ps["Ann"]["stands"] >= CHAIR_LINE_F + 3  # clear of the chair line
    for name in ("Ann", "Bob"):
        pdf = folder / f"{name}.pdf"
        proc = _screen(folder, name, ps[name], "--pdf", pdf)
        assert proc.returncode == 0, proc.stderr
        at_risk, failed = _expected(ps[name])
        verdict = "at risk" if at_risk else "screened not at risk"
        assert f"STEADI screen: {verdict}." in proc.stdout
        assert python_in(proc.stdout) == []  # plain words only
        with History(folder / "data" / "history.sqlite3") as h:
            (record,) = screens(h, name)
            assert (record.at_risk, record.failed) == (at_risk, failed)
            o = record.outcome
            tug_a, chair_a, stance_a = o.assessments
            assert abs(tug_a.value - ps[name]["tug_s"]) < 0.2  # the timing bound
            assert ps[name]["stands"] <= chair_a.value <= ps[name]["stands"] + 1  # + a half stand
            assert stance_a.status == "passed" and stance_a.value == pytest.approx(10.0)
            by_test = {s.protocol: s.id for s in h.sessions(name)}
            assert record.sessions == {"tug": by_test["tug"],
                                       "chair-stand-30": by_test["chair-stand-30"],
                                       "four-stage": by_test["four-stage"]}
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
        pages, text = _pdf_pages_and_text(pdf)
        assert pages == 1
        assert verdict.capitalize() in text and "Have you fallen in the past year?" in text
        assert "Timed Up and Go" in text and "Loonlawong" in text
        assert f"{AGE} years, female" in text  # the profile given, as the chair line used

    # the history and its trends show the screen and its tests
    env = {"BALANCE_DATA_DIR": str(folder / "data")}
    shown = balance("history", "--person", "Ann", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "STEADI screens" in shown.stdout
    assert "at risk; failed: gait (Timed Up and Go)" in shown.stdout
    assert "TUG time" in shown.stdout and "stands in 30 s" in shown.stdout
    report = balance("report", "--person", "Ann", "--out", folder / "Ann-progress.pdf",
                     env={**env, "QT_QPA_PLATFORM": "offscreen"})
    assert report.returncode == 0, report.stderr
    _, text = _pdf_pages_and_text(folder / "Ann-progress.pdf")
    assert "STEADI screens" in text and "Timed Up and Go (TUG)" in text

    # an existing PDF is kept without --force, and nothing is recorded for that run
    again = _screen(folder, "Ann", ps["Ann"], "--pdf", folder / "Ann.pdf")
    assert_one_line_error(again, "already exists")
    with History(folder / "data" / "history.sqlite3") as h:
        assert len(screens(h, "Ann")) == 1


def test_bad_input_is_one_line(people, tmp_path):
    folder, ps = people
    env = {"BALANCE_DATA_DIR": str(tmp_path / "data")}
    missing = balance("screen", "--fallen", "no", "--unsteady", "no", env=env)
    assert_one_line_error(missing, "--worries")
    not_needed = balance("screen", *NO, "--tug", ps["Ann"]["tug"], env=env)
    assert_one_line_error(not_needed, "--assess")
    wrong = balance("screen", "--fallen", "yes", "--unsteady", "no", "--worries", "no",
                    "--tug", ps["Ann"]["chair"].with_name("nothing.balance"), env=env)
    assert_one_line_error(wrong, "no such session")
    other = G.write(tmp_path / "reach.balance", G.four_stage(True), source="x", person="Ann",
                    height_cm=170.0, protocol="functional-reach")
    assert_one_line_error(balance("screen", *NO, "--assess", "--four-stage", other, env=env),
                          "Functional reach session, not a 4-Stage")
    assert_one_line_error(balance("screen", *NO, "--pdf", tmp_path / "x.txt", env=env), "PDF")
    assert_one_line_error(balance("screen", "--window", env=env, headless=True), "screen")
    assert_one_line_error(balance("screen", "--window", "--tug", ps["Ann"]["tug"], env=env),
                          "recorded")


def test_yes_without_recordings_is_at_risk_with_the_tests_not_assessed(tmp_path):
    env = {"BALANCE_DATA_DIR": str(tmp_path / "data")}
    proc = balance("screen", "--fallen", "yes", "--unsteady", "no", "--worries", "no",
                   "--person", "Cy", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "STEADI screen: at risk." in proc.stdout
    assert "Not assessed (not passed)" in proc.stdout
    with History(tmp_path / "data" / "history.sqlite3") as h:
        (r,) = screens(h, "Cy")
        assert r.at_risk and r.failed == []
        assert [a.status for a in r.outcome.assessments] == ["not assessed"] * 3


def test_a_missing_answer_is_asked_on_a_terminal(monkeypatch, capsys):
    from argparse import Namespace

    from balance.commands import screen
    replies = iter(["maybe", "y", "NO"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(replies))
    answers = screen._answers(Namespace(fallen=None, unsteady=None, worries="yes"))
    assert answers == {"fallen": True, "unsteady": False, "worries": True}
    assert "please answer yes or no" in capsys.readouterr().out


@pytest.mark.model
def test_a_video_is_analysed_into_a_session_beside_it_then_scored(tmp_path, pose_model):
    from balance.storage.session import read_session
    from tests.test_capture import make_video
    video = make_video(tmp_path / "tug.avi", n=30)  # nobody in it: no TUG to time
    env = {"BALANCE_DATA_DIR": str(tmp_path / "data")}
    proc = balance("screen", "--fallen", "yes", "--unsteady", "no", "--worries", "no",
                   "--person", "Di", "--tug", video, "--model", pose_model.path, env=env)
    assert proc.returncode == 0, proc.stderr
    session = tmp_path / "tug.balance"
    assert f"session: {session}" in proc.stdout
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    meta = read_session(session).metadata
    assert meta["protocol"] == "tug" and meta["protocol_options"] == {"go": "movement"}
    assert "Gait (Timed Up and Go): not assessed" in proc.stdout
    with History(tmp_path / "data" / "history.sqlite3") as h:
        (r,) = screens(h, "Di")
        assert r.sessions["tug"] == h.session_by_file(session).id


def test_no_answer_on_the_terminal_saves_nothing(monkeypatch):
    from argparse import Namespace

    from balance.commands import screen
    from balance.errors import InputError

    def closed(prompt):
        raise EOFError
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", closed)
    with pytest.raises(InputError, match="no answer"):
        screen._answers(Namespace(fallen=None, unsteady="no", worries="no"))
