"""``balance batch INPUTS...``: analyse videos and image folders, re-score sessions, many at
once, on this machine's cores or a Dask cluster."""

import sys
from pathlib import Path

from balance.commands import options
from balance.commands.progress import ProgressBar
from balance.commands.score import profile_args, profile_from
from balance.present.messages import clock

HELP = "analyse or re-score many files at once, on this machine or a Dask cluster"
DESCRIPTION = (
    "One task per input: a video or image folder is analysed as `balance analyze` does "
    "(to a session in --out), a .balance session re-scored as `balance score` does; scored "
    "results go into the history. Folders are searched and globs expanded. Inputs already "
    "done with the same settings (by content) are skipped, so a rerun finishes the rest. "
    "Writes batch-summary.csv in --out; exit status 0 only when every input was done. "
    "On a cluster (--scheduler), inputs, --out and the model must be paths every worker "
    "can read.")


def add_arguments(p) -> None:
    p.add_argument("inputs", nargs="+", help="videos, image folders, .balance sessions, "
                   "folders holding them, or glob patterns")
    p.add_argument("--out", type=Path, default=Path("batch"),
                   help="folder for the sessions, the summary and the manifest (default ./batch)")
    p.add_argument("--fps", type=options.above_zero("the frame rate"), default=30.0,
                   help="frame rate of image folders")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    options.add_protocol(p, "the test to score with (sessions: default their own)")
    options.add_test_options(p)
    options.add_profile(p, person="person id to record (sessions: to file them under)")
    g = options.window_group(p, "where it runs")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--workers", type=options.count, metavar="N",
                       help="local worker processes (default one per core)")
    where.add_argument("--scheduler", metavar="ADDR",
                       help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    options.add_model(g)


def run(args) -> int:
    from balance.privacy import private_dir
    from balance.session.batch import executors, inputs
    from balance.session.batch.manifest import Manifest
    from balance.session.batch.run import FAILED, run_batch
    from balance.session.batch.summary import write_summary
    from balance.session.batch.task import SESSION
    from balance.storage.history import History

    profile_from(args)  # a bad profile, or no Dask for --scheduler, fails before any work
    executor = executors.open_executor(args.workers, args.scheduler)
    found = inputs.find_inputs(args.inputs, exclude=args.out)
    private_dir(args.out)
    manifest = Manifest(args.out)
    settings = _settings(args, needs_model=any(kind != SESSION for _, kind in found))
    jobs = inputs.plan_jobs(found, settings, args.out)
    if executor.note:
        print(f"note: {executor.note}", file=sys.stderr)
    bar = ProgressBar(None, "batch", enabled=not args.quiet and sys.stderr.isatty(),
                      unit="files")
    try:
        with History() as history:
            rows = run_batch(jobs, executor, manifest, history, on_progress=_drawing(bar),
                             on_warning=lambda w: print(f"warning: {w}", file=sys.stderr))
    finally:
        bar.close()
    summary = write_summary(args.out, rows)
    failed = [r for r in rows if r.status == FAILED]
    for r in failed:
        print(f"error: {r.input}: {r.error}", file=sys.stderr)
    earlier = sum(r.status == "done earlier" for r in rows)
    print(f"{len(rows) - len(failed)} of {len(rows)} input(s) done ({earlier} earlier), "
          f"{len(failed)} failed; summary: {summary}")
    return 1 if failed else 0


def _settings(args, *, needs_model: bool):
    from balance.pose.model import prepare_model
    from balance.session.batch.task import Settings

    model = prepare_model(args.model) if needs_model else None
    return Settings(protocol=args.protocol, options=options.chosen_options(args),
                    profile=profile_args(args), fps=args.fps,
                    model_path=str(model.path) if model else None,
                    model_sha256=model.sha256 if model else None)


def _drawing(bar: ProgressBar):
    def on_progress(p) -> None:
        bar.total = p.total
        bar.update(p.ended, f", {p.frames_per_s:.0f} frames/s, {clock(p.left_s).strip()} left",
                   force=p.ended == p.total)
    return on_progress
