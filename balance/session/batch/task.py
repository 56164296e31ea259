"""What one batch task does on a worker: one input, start to end, through the code of
``balance analyze`` (a video or image folder) or ``balance score`` (a session file).

A task never writes the history: it returns an `Outcome` and the client records it. It
never raises either: a failure is an Outcome saying why, and whether another try might
go better (a bad file will not; a crash of the code or a flaky share might).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from balance.capture.sources import ImageFolderSource, VideoFileSource
from balance.errors import BalanceError, InputError, ModelError
from balance.profile import profile_with
from balance.session.analyze_file import analyze_source
from balance.session.rescore import rescore
from balance.storage.files import atomic_path
from balance.storage.session import read_session

VIDEO, IMAGES, SESSION = "video", "image folder", "session"
DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class Settings:
    """How every input of a batch is done: the test and its options, the profile given on
    the command line (`balance.profile.Profile` fields, None where not given), the frame
    rate of image folders, and the pose model (a path every worker can read)."""

    protocol: str | None = None
    options: dict = field(default_factory=dict)
    profile: dict = field(default_factory=dict)
    fps: float = 30.0
    model_path: str | None = None
    model_sha256: str | None = None


@dataclass(frozen=True)
class Job:
    """One input: its path (as given or found), kind, key (content and settings, see
    `balance.session.batch.manifest`) and, for a video or image folder, the session file
    to record it to."""

    path: str
    kind: str
    key: str
    settings: Settings
    out: str | None = None


@dataclass
class Outcome:
    """What a task returns: ``session`` is the file holding the frames (the one recorded,
    or the session re-scored), ``result`` the protocol's result (None without a test)."""

    status: str
    frames: int = 0
    detection_rate: float | None = None
    result: dict | None = None
    session: str | None = None
    error: str | None = None
    retry: bool = False
    warnings: list[str] = field(default_factory=list)


def run_job(job: Job) -> Outcome:
    """Do ``job``; every failure becomes an Outcome (one line of why)."""
    try:
        return _rescore(job) if job.kind == SESSION else _analyse(job)
    except (InputError, ModelError) as exc:  # the file or the model: another try fails too
        return Outcome(FAILED, error=str(exc))
    except BalanceError as exc:
        return Outcome(FAILED, error=str(exc), retry=True)
    except OSError as exc:  # a share that went away, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        return Outcome(FAILED, error=f"{where}{exc.strerror or exc}", retry=True)
    except Exception as exc:  # a bug must cost one input, not the batch
        return Outcome(FAILED, error=f"{type(exc).__name__}: {exc}", retry=True)


def _analyse(job: Job) -> Outcome:
    s, out = job.settings, Path(job.out)
    if out.exists():  # recorded by a run that ended before its manifest said so
        return _recorded(out)
    for stale in out.parent.glob(f".{out.stem}.*.part{out.suffix}"):  # a killed try's
        stale.unlink(missing_ok=True)
    source = (ImageFolderSource(job.path, fps=s.fps) if job.kind == IMAGES
              else VideoFileSource(job.path))
    with source, atomic_path(out) as partial:
        partial.unlink()  # the session writer creates its file itself, never over another
        stats, rec = analyze_source(
            source, _model_bytes(s.model_path, s.model_sha256), partial, source_name=job.path,
            model_sha256=s.model_sha256, profile=_profile(s.profile),
            person=s.profile.get("person_id"), protocol=s.protocol, options=s.options,
            to_history=False)
    return Outcome(DONE, stats.frames, stats.detection_rate, rec.result(), str(out),
                   warnings=[stats.warning] if stats.warning else [])


def _recorded(out: Path) -> Outcome:
    """A session this batch recorded already (it appears only once complete)."""
    session = read_session(out)
    meta = session.metadata
    return Outcome(DONE, len(session), meta.get("detection_rate"), meta.get("result"),
                   str(out), warnings=session.warnings)


def _rescore(job: Job) -> Outcome:
    s = job.settings
    session = read_session(job.path)
    if len(session) == 0:
        raise InputError(f"{job.path} holds no frames")
    scored = rescore(session, s.protocol, profile=_profile(s.profile, session.metadata),
                     options=s.options)
    return Outcome(DONE, len(session), float(session.detected.mean()), scored.result,
                   job.path, warnings=session.warnings)


def _profile(given: dict, meta: dict | None = None):
    try:
        return profile_with(given, meta)
    except ValueError as exc:
        raise InputError(str(exc)) from None


@functools.cache
def _model_bytes(path: str, sha256: str) -> bytes:
    """The model file, read once per worker process for all its videos. On a cluster
    each worker reads its own copy of the shared path: it must be the client's model."""
    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError(f"the pose model {path} on this worker is not the one the batch "
                         "started with (its sha256 differs)")
    return data
