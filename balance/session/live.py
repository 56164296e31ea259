"""Qt-free helpers that set a live run up: which feed, which pose step, which protocol."""

from __future__ import annotations

from pathlib import Path

from balance.capture import open_source
from balance.errors import InputError
from balance.protocols import registry
from balance.session import replay  # noqa: F401  registers recorded sessions as a source
from balance.session.engine import FrameFeed
from balance.storage.session import SessionWriter, new_metadata

SIDES = ("left", "right", "none")


def protocol_names() -> tuple[str, ...]:
    return registry.names()


def create_protocol(name: str, profile, *, image_size, fps, side: str | None = None,
                    **options):
    """A protocol from the registry. The side picker's choice reaches the tests that have
    one; "none", and every other test, leave the choice to the protocol."""
    side = side if registry.spec(name).sided and side != "none" else None
    return registry.create(name, profile, image_size=tuple(image_size), fps=float(fps), side=side,
                  **options)


def open_feed(spec: str | int) -> FrameFeed:
    """A webcam index, a video file or image folder (played as if live), or a session
    file (``.balance``, its landmarks replayed with no pose step)."""
    return FrameFeed(open_source(spec))


def session_video(feed, session_path, wanted: bool, fps: float | None = None):
    """The writer of the camera video kept beside a session (`balance.session.pipeline`), or None
    when not ``wanted`` or the feed has no pictures (a replayed session). ``fps``: the rate
    frames are recorded at (default the feed's)."""
    if not wanted or not feed.source.pictures:
        return None
    from balance.session.pipeline import open_session_video
    return open_session_video(session_path, fps or feed.fps, feed.size)


def open_recording_files(feed, protocol, profile, path, *, keep_video: bool = False,
                         fps: float | None = None, **extra):
    """The session file of a test about to start, and the camera video beside it when
    ``keep_video``: (writer, video or None). Metadata from the feed, the test and the
    person, plus ``extra``; ``fps`` is the rate the test gets (default the feed's; half of
    it when every second frame is processed, `balance.session.stride`). If the video
    cannot be written, no empty session is left."""
    fps = fps or feed.fps
    if fps != feed.fps:
        extra.setdefault("frame_stride", round(feed.fps / fps))
    meta = new_metadata(source=feed.description, fps=fps, image_size=feed.size,
                        protocol=protocol.name, person_id=profile.person_id,
                        profile=profile.to_dict(), live=True, **extra)
    writer = SessionWriter(path, meta)
    try:
        return writer, session_video(feed, path, keep_video, fps)
    except (OSError, InputError):  # InputError: a file of that name is already there
        writer.close()
        Path(path).unlink(missing_ok=True)
        raise


def pose_model(feed, model_path=None):
    """The path of the pose model a feed with pictures needs, found (downloaded or built
    if need be) and loaded once here, so a model that does not load is one error line
    before any window opens (`balance.errors.ModelError`); None for a replay."""
    if not feed.source.pictures:
        return None
    from balance.pose.model import prepare_model
    return prepare_model(model_path).path


def estimator_factory(feed, model_path=None, *, checked: bool = False):
    """A callable that loads the pose model (on the pose thread), or None for a
    replay. Unless ``checked`` (see `pose_model`), the model is prepared there too: a first
    run may take a minute to build it."""
    if not feed.source.pictures:
        return None

    def make():
        from balance.pose.estimator import PoseEstimator
        if checked:
            return PoseEstimator(model_path)
        from balance.pose.model import prepare_model
        return PoseEstimator(prepare_model(model_path).path)
    return make


def warmup() -> None:
    """Compile (or load from cache) the scoring kernels before the first frame."""
    from balance.core.jit import warmup as core_warmup
    core_warmup()
