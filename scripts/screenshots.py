"""Screenshots of the real windows, under Xvfb when there is no screen: the training
window mid-trial and with its result (also at the largest text size), the replay window
and the plan window, at 1366x768 and 1920x1080, all from the bundled sample; the TUG's
camera set-up with its 3 m line, from a generated person; the STEADI screen window's
questions and outcome card, and its one-page PDF; then the
history window and every page of the two PDF reports (a session, and the person's
progress with the training plan) over a generated person's nine weeks
(``scripts/sample_history.py``), in a history of their own.

    .venv/bin/python scripts/screenshots.py                  # -> docs/screenshots/
    .venv/bin/python scripts/screenshots.py --video ../shared/realdata/videos/yoga_warrior2/warrior2.mp4

A sample (landmarks only) is drawn as the skeleton on a dark canvas; a video goes through
the pose model, so the picture shows whether the skeleton sits on the real person. Shots
of a video go to /tmp by default: real footage is not ours to commit.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))  # sample_history
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"
SIZES = ((1366, 768), (1920, 1080))
MID_HOLD_S = 10.0  # into the sample: the left-leg hold


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--video", type=Path, help="a video to run the pose model on instead")
    p.add_argument("--out", type=Path, help="folder for the PNGs")
    args = p.parse_args(argv)
    if _needs_xvfb():
        return _rerun_under_xvfb()
    out = args.out or (Path("/tmp/balance-screenshots") if args.video
                       else ROOT / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from balance.gui.app import application
    from balance.gui.style import MAX_SCALE, apply_style
    app = application()
    source = str(args.video or SAMPLE)
    for size in SIZES:
        training(app, source, size, out, f"training-{size[0]}x{size[1]}")
    apply_style(app, MAX_SCALE)
    training(app, source, SIZES[-1], out, f"training-largest-text-{SIZES[-1][0]}x{SIZES[-1][1]}")
    apply_style(app, 1.0)
    if not args.video:
        set_up(app, (1366, 768), out / "setup-tug-1366x768.png")
        for size in SIZES:
            replay(size, out / f"replay-{size[0]}x{size[1]}.png")
            plan(app, size, out / f"plan-{size[0]}x{size[1]}.png")
        steadi_screen(app, (1366, 768), out)
        history_and_reports(app, out)
    return 0


def wait_until(app, done, what: str, timeout_s: float = 90.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise SystemExit(f"error: gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def shoot(app, window, path: Path) -> None:
    end = time.monotonic() + 0.3  # a new card's wrapped text takes a few layout passes
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    window.grab().save(str(path))
    print(path)


def training(app, source: str, size, out: Path, stem: str) -> None:
    """Mid-hold, then the result card after the test."""
    from balance.gui.main_window import MainWindow
    from balance.gui.sound import Sound
    from balance.profile import profile_from_metadata
    from balance.session import flow as F, live, settings as S

    feed = live.open_feed(source)
    settings = S.GuiSettings(protocol="single-leg-stance", side="none")
    if not feed.source.pictures:
        settings.remember(profile_from_metadata(feed.source.session.metadata))
    window = MainWindow(settings, flow=F.Flow(checklist=False, setup=False, rest_s=30),
                        sound=Sound(muted=True), record=False)
    window.resize(*size)
    window.show()
    window.open_feed(feed, estimator_factory=live.estimator_factory(feed), realtime=2.0,
                     autostart=True)
    wait_until(app, lambda: window.latest is not None and window.latest.t_s >= MID_HOLD_S,
               "the middle of the hold")
    window._repaint()
    shoot(app, window, out / f"{stem}-mid-trial.png")
    wait_until(app, lambda: window.last_result is not None, "the result")
    window._repaint()
    shoot(app, window, out / f"{stem}-result.png")
    window.close()


class _StillFeed:
    """A generated person's landmarks, played as if live, one frame after another."""

    def __init__(self, synth):
        self.synth, self.fps, self.size, self.i = synth, synth.fps, synth.image_size, 0
        self.description, self.live = "generated person", False

    def next(self):
        from balance.session.engine import Captured
        s, i = self.synth, self.i
        if i >= len(s.t):
            return None
        self.i += 1
        time.sleep(1.0 / self.fps)
        return Captured(i, float(s.t[i]), time.perf_counter(), pose=(s.image[i], s.world[i], True))

    def close(self):
        pass


def set_up(app, size, path: Path) -> None:
    """The TUG's camera set-up: a generated person side on at the chair, near the picture's
    edge, with the 3 m line drawn where it falls."""
    from balance.gui.main_window import MainWindow
    from balance.gui.sound import Sound
    from balance.session import flow as F, settings as S
    from balance.session.walk_line import ROOM_M, walk_line
    from balance.testing.synthetic import generate

    synth = generate(duration_s=20.0, side_on=True, jitter_px=0.5, seed=4)
    # The camera a little further back than for a stance test: the person 0.8 times the size.
    floor = synth.image[0, :, 1].max()
    synth.image[:, :, :2] = (synth.image[:, :, :2] - [0.5, floor]) * 0.8 + [0.5, floor]
    line = walk_line(synth.image[0], synth.image_size, 170.0)
    # Stand where the walk fits: the chair end of it a little inside the picture's edge.
    heels = (line.x_px - line.direction * 3.0 * line.px_per_m) / synth.image_size[0]
    room = (ROOM_M * line.px_per_m + 20) / synth.image_size[0]
    edge = 1.0 - room if line.direction < 0 else room
    synth.image[:, :, 0] += edge - heels
    settings = S.GuiSettings(protocol="tug", side="none")
    window = MainWindow(settings, flow=F.Flow(checklist=False), sound=Sound(muted=True),
                        record=False)
    window.resize(*size)
    window.show()
    window.open_feed(_StillFeed(synth))
    wait_until(app, lambda: window.start_button.isEnabled(), "the set-up to pass")
    shoot(app, window, path)
    window.close()


def replay(size, path: Path) -> None:
    """The sample at its second lift, on a copy (a note would be appended to the file)."""
    from balance.gui.replay_window import ReplayWindow
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / SAMPLE.name
        shutil.copy(SAMPLE, copy)
        window = ReplayWindow([copy], author="therapist")
        window.resize(*size)
        window.show()
        pane = window.panes[0]
        pane.jump_to_event(2)
        pane.step(90)
        shoot(QApplication.instance(), window, path)
        window.close()


def plan(app, size, path: Path) -> None:
    """A first day's plan at its balance exercise, run on the sample."""
    from balance.gui.plan_page import PlanWindow
    from balance.programme import plan as P, progression as G
    from balance.programme.walk import PlanWalk
    from balance.session import live

    walk = PlanWalk(P.build(G.start_states(), date.today()))
    window = PlanWindow(walk, live.open_feed(str(SAMPLE)), realtime=1.0)
    window.resize(*size)
    window.show()
    while walk.current.protocol is None or walk.current.part != P.BALANCE:
        window.skip()
    wait_until(app, window.start_button.isEnabled, "the plan window")
    window.start_item()
    wait_until(app, lambda: window._status is not None and window.worker.stats.processed > 90,
               "the exercise")
    window._refresh_live()
    shoot(app, window, path)
    window.close()


def steadi_screen(app, size, out: Path) -> None:
    """The screen window's questions, then the card of a screen answered yes to the third
    question with its tests scored from generated recordings, and its PDF page; all in a
    history of their own."""
    import pypdfium2 as pdfium
    from balance.clinical import steadi
    from balance.gui.screen_page import ScreenWindow
    from balance.profile import Profile
    from balance.session import live

    person = Profile(person_id="Ann", birth_year=date.today().year - 72, sex="female",
                     height_cm=165.0)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BALANCE_DATA_DIR"] = tmp
        window = ScreenWindow(live.open_feed(str(SAMPLE)), profile=person, session_dir=tmp)
        window.resize(*size)
        window.show()
        for q in steadi.QUESTIONS:
            window.questions.buttons[(q.key, q.key == "worries")].setChecked(True)
        shoot(app, window, out / f"screen-questions-{size[0]}x{size[1]}.png")
        window.answers, window.asked = window.questions.answers(), False
        window._finish(_steadi_results(person), {})  # as if walked: the tests' results
        shoot(app, window, out / f"screen-outcome-{size[0]}x{size[1]}.png")
        pdf = window.write_pdf(Path(tmp) / "screen.pdf")
        doc = pdfium.PdfDocument(str(pdf))
        doc[0].render(scale=80 / 72).to_pil().save(out / "screen-report.png")
        doc.close()
        print(out / "screen-report.png")
        window.close()


def _steadi_results(person) -> dict:
    """A slow TUG, a good chair stand and a tandem stance held, generated and scored."""
    from tests import steadi_sessions as G
    from tests.bench.scoring import score_recording
    from balance.protocols import create
    from balance.session.rescore import score_frames
    from tests.bench import chair as C, tug as T

    tug, _ = G.tug(pace=1.5)
    chair, _ = G.chair(stands=16, pace=0.7)
    stance = G.four_stage(tandem_held=True)
    four = create("four-stage", person, image_size=G.SIZE, fps=G.FPS)
    return {"tug": score_recording("tug", T.Tug(), tug, go="movement"),
            "chair-stand-30": score_recording("chair-stand-30", C.Chair(), chair),
            "four-stage": score_frames(four, stance.t, stance.image, stance.world,
                                       stance.detected)[0]}


def history_and_reports(app, out: Path) -> None:
    """The generated weeks in a temporary history (``BALANCE_DATA_DIR``): the history
    window on single-leg stance (and yoga, rows named by pose), and the reports."""
    import sample_history
    from balance.storage.history import History

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BALANCE_DATA_DIR"] = tmp
        sample_history.build(Path(tmp))
        with History() as h:
            for size in SIZES:
                history(app, h, "Single-leg stance", size, out / f"history-{size[0]}x{size[1]}.png")
            history(app, h, "Yoga balance poses", SIZES[0], out / "history-yoga-1366x768.png")
            latest = next(s for s in reversed(h.sessions(sample_history.PERSON))
                          if s.protocol == "single-leg-stance")
            reports(h, Path(latest.file), Path(tmp), out)


def history(app, h, test: str, size, path: Path) -> None:
    from balance.gui.history_view import HistoryWindow

    window = HistoryWindow(h, "Ann")
    window.resize(*size)
    window.show()
    window.view.test_box.setCurrentText(test)
    shoot(app, window, path)
    window.close()


def reports(h, session: Path, tmp: Path, out: Path, dpi: int = 80) -> None:
    """Both PDFs as the therapist gets them, each page rendered by PDFium."""
    import pypdfium2 as pdfium
    from balance.gui import pdf_report

    pdfs = {"report-session": pdf_report.write_session_report(session, tmp / "s.pdf", history=h),
            "report-progress": pdf_report.write_person_report(h, "Ann", tmp / "p.pdf")}
    for stem in pdfs:
        for old in out.glob(f"{stem}-page*.png"):
            old.unlink()  # a report that got shorter leaves no stale page behind
    for stem, pdf in pdfs.items():
        doc = pdfium.PdfDocument(str(pdf))
        for k, page in enumerate(doc, start=1):
            page.render(scale=dpi / 72).to_pil().save(out / f"{stem}-page{k}.png")
            print(out / f"{stem}-page{k}.png")
        doc.close()


def _needs_xvfb() -> bool:
    return (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"))


def _rerun_under_xvfb() -> int:
    """No screen: run this same script inside a virtual X server as large as the largest shot."""
    if not shutil.which("xvfb-run"):
        print("error: no display and no xvfb-run (apt-get install xvfb libxcb-cursor0 "
              "libxcb-icccm4 libxcb-keysyms1)", file=sys.stderr)
        return 2
    w, h = SIZES[-1]
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {w}x{h}x24", sys.executable, *sys.argv]
    os.execvp(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
