"""Whole files written safely: a temporary name beside the target, fsync, rename.

A reader never sees a half-written export, a failure (a full disk, a crash) leaves the
target as it was and no temporary file behind, the file is owner-only from its first
byte, and an existing file is never replaced unless the caller says ``overwrite=True``.
Files that grow while recording (sessions) are not written this way.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from balance.errors import InputError


@contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty owner-only temporary path beside ``path``; when the block ends
    without an exception, fsync it and rename it to ``path``.

    Raises InputError (one line, naming ``path``) when ``path`` is a folder, exists and
    ``overwrite`` is False, or cannot be written; the temporary file is removed on any
    failure.
    """
    path = Path(path)
    _check_target(path, overwrite)
    try:
        # the target's suffix last: OpenCV and Qt pick the format from it
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.",
                                    suffix=f".part{path.suffix}")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        _commit(tmp, path, overwrite)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)  # after a commit the name is already gone


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, overwrite: bool = False,
                **open_kwargs) -> Iterator[IO]:
    """``open(path, mode)`` through ``atomic_path``: the file appears whole or not at all."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        with open(tmp, mode, **open_kwargs) as fh:
            yield fh


def create_new(path: Path) -> int:
    """A file descriptor of ``path``, created owner-only for appending as data arrives
    (a recording, the landmark CSV): never an existing file, which is someone's data."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} already exists; it is never written over: "
                         "choose a new name") from None


def close_synced(fd: int) -> None:
    """Hand what was written to the disk, then close."""
    os.fsync(fd)
    os.close(fd)


def _check_target(path: Path, overwrite: bool) -> None:
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name")
    if path.exists() and not overwrite:
        raise InputError(f"{path} already exists; not replacing it")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(tmp: Path, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
    else:
        try:
            os.link(tmp, path)  # fails if the target appeared meanwhile: never replaces
        except FileExistsError:
            raise InputError(f"{path} already exists; not replacing it") from None
        except OSError:  # a file system without hard links (FAT, some shares)
            if path.exists():
                raise InputError(f"{path} already exists; not replacing it") from None
            os.rename(tmp, path)
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is durable enough
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
