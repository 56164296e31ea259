"""``balance models prepare``: make the pose model available and say where it is, and
compile the scoring kernels into numba's cache, so that the first live start is warm."""

from pathlib import Path

HELP = "the pose model"
DESCRIPTION = "Manage the pose model."


def add_arguments(p) -> None:
    actions = p.add_subparsers(title="actions", metavar="ACTION")
    prepare = actions.add_parser(
        "prepare", help="make the pose model available (print path and sha256) and "
                        "compile the scoring kernels",
        description="Find, download or build the PoseLandmarker .task bundle: (a) --task "
                    "FILE or one in the model directory, (b) the official download, (c) "
                    "built offline from the mediapipe 0.10.21 wheel (--wheel FILE, or "
                    "fetched from PyPI).")
    prepare.add_argument("--task", type=Path,
                         help="a .task file to check and copy into the model directory")
    prepare.add_argument("--wheel", type=Path,
                         help="a local mediapipe-0.10.21 wheel to build from")
    prepare.set_defaults(run=run)
    p.set_defaults(run=lambda _args: p.print_help())  # `balance models` alone


def run(args) -> int:
    # Here, not at the top: mediapipe takes seconds to import, and --help must not wait.
    from balance.pose.model import install_user_model, prepare_model

    if args.task is None:
        info = prepare_model(wheel=args.wheel)
    else:
        # Copied into the model directory, so the next run without --task finds it.
        info, copied = install_user_model(args.task)
        if copied:
            print(f"copied: {args.task} -> {info.path}")
        else:
            print(f"already in the model directory: {info.path} (nothing copied)")
    print(f"path: {info.path}")
    print(f"sha256: {info.sha256}")
    print(f"origin: {info.origin}")
    print(f"scoring kernels: ready in {_compile_kernels():.1f} s")
    return 0


def _compile_kernels() -> float:
    """Fill numba's cache now: with a cold cache the kernels take seconds (more beside a
    running preview, which they slow down) the first time a window starts."""
    from balance.core.jit import warmup
    return warmup()
