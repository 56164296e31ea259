"""``balance models prepare``: make the pose model available and say where it is."""

from balance.pose.model import prepare_model


def run(args) -> int:
    info = prepare_model(args.task, wheel=args.wheel)
    print(f"path: {info.path}")
    print(f"sha256: {info.sha256}")
    print(f"origin: {info.origin}")
    return 0
