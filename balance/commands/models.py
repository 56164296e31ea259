"""``balance models prepare``: make the pose model available and say where it is."""

from balance.pose.model import install_user_model, prepare_model


def run(args) -> int:
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
    return 0
