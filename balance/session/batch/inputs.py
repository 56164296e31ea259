"""The inputs of a batch: files, folders and globs expanded into one job per video, image
folder or session file."""

from __future__ import annotations

import glob
from pathlib import Path

from balance.capture.sources import IMAGE_SUFFIXES
from balance.errors import InputError
from balance.session.batch.manifest import content_hash, job_key
from balance.session.batch.task import IMAGES, SESSION, VIDEO, Job, Settings
from balance.storage.session import SUFFIX

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".m4v", ".webm", ".mpg", ".mpeg", ".wmv"}


def find_inputs(specs, *, exclude: Path | None = None) -> list[tuple[Path, str]]:
    """(path, kind) of every input named: a file as it is (``.balance`` a session, else a
    video), a folder holding images as one image folder, any other folder searched for
    videos, sessions and image folders, a glob pattern as what it matches. ``exclude`` (the
    batch's own output folder) is never searched. Raises InputError when a spec names
    nothing or nothing is found."""
    found: dict[Path, tuple[Path, str]] = {}
    for spec in map(str, specs):
        if Path(spec).exists():
            matches = [(Path(spec), True)]
        else:
            matches = [(Path(p), False) for p in sorted(glob.glob(spec, recursive=True))]
            if not matches:
                raise InputError(f"{spec}: no such file or folder, and no file matches it")
        for path, named in matches:
            for item in _expand(path, named, exclude):
                found.setdefault(item[0].resolve(), item)  # named twice: done once
    if not found:
        raise InputError(f"no videos, image folders or {SUFFIX} sessions in "
                         f"{', '.join(map(str, specs))}")
    return list(found.values())


def plan_jobs(inputs: list[tuple[Path, str]], settings: Settings, out: Path) -> list[Job]:
    """One job per input; a video or image folder is recorded to ``out/NAME-KEY.balance``
    (the key keeps two ``cam01.mp4`` of different folders apart)."""
    jobs = []
    for path, kind in inputs:
        key = job_key(kind, content_hash(path, kind), settings)
        target = None if kind == SESSION else str(out / f"{path.stem}-{key[:12]}{SUFFIX}")
        jobs.append(Job(str(path), kind, key, settings, target))
    return jobs


def _expand(path: Path, named: bool, exclude: Path | None) -> list[tuple[Path, str]]:
    if exclude is not None and path.resolve() == exclude.resolve():
        return []
    if not named and path.name.startswith("."):  # hidden: a partial file, a system folder
        return []
    if path.is_file():
        if path.suffix == SUFFIX:
            return [(path, SESSION)]
        # a file named is a video whatever its suffix; one found must look like a video
        return [(path, VIDEO)] if named or path.suffix.lower() in VIDEO_SUFFIXES else []
    if not path.is_dir():
        return []
    children = sorted(path.iterdir())
    if any(c.is_file() and c.suffix.lower() in IMAGE_SUFFIXES for c in children):
        return [(path, IMAGES)]
    return [item for c in children for item in _expand(c, False, exclude)]
