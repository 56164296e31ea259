"""Files written safely.

Whole files (exports, reports): a temporary name beside the target, fsync, rename. A
reader never sees a half-written export, a failure (a full disk, a crash) leaves the
target as it was and no temporary file behind, the file is owner-only from its first
byte, and an existing file is never replaced unless the caller says ``overwrite=True``
(``--force``). A session file is never replaced by anything but a session.

Files that grow while recording (sessions, the landmark CSV, the kept video) are created
exclusively and appended (``create_new``, ``write_all``); ``staged`` records them under a
temporary name when they are to replace a file, and renames them only once whole.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from balance.errors import InputError

# balance.storage.session.MAGIC, known here so that no writer puts a file over a session
SESSION_MAGIC = b"BALANCE-SESSION\n"


@contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty owner-only temporary path beside ``path``; when the block ends
    without an exception, fsync it and rename it to ``path``.

    Raises InputError (one line, naming ``path``) when ``path`` is a folder, exists and
    ``overwrite`` is False, or cannot be written; the temporary file is removed on any
    failure.
    """
    path = Path(path)
    check_target(path, overwrite=overwrite)
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
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_all(fd: int, data: bytes, path: Path) -> None:
    """Append ``data`` whole: a short write (a disk filling up) is continued, so the next
    failure comes at a record boundary's end or not at all; an error names ``path``."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}; what was written "
                         "before is kept") from None


def close_synced(fd: int) -> None:
    """Hand what was written to the disk, then close (even when that fails)."""
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def staged(path: Path, replace: bool, *, session: bool = False,
           beside: tuple[str, ...] = ()) -> Iterator[Path]:
    """The name to record ``path`` under: ``path`` itself when it is new, or (``replace``
    and it exists) a fresh temporary name beside it, renamed over ``path`` when the block
    ends normally; the files with the same stem and a suffix in ``beside`` (the kept
    video) go with it. On an exception the temporary files are removed and ``path`` is
    as it was; a killed process leaves them as ``.NAME.*.part.SUFFIX`` (readable partial
    recordings) and ``path`` untouched.

    ``session``: what is recorded is a session (see ``check_target``).
    """
    path = Path(path)
    check_target(path, overwrite=replace, session=session)
    if not path.exists():
        yield path
        return
    tmp = _fresh_name(path)
    pairs = [(tmp, path)] + [(tmp.with_suffix(x), path.with_suffix(x)) for x in beside]
    try:
        yield tmp
        try:
            for new, old in pairs:
                if new.exists():
                    os.replace(new, old)
        except OSError as exc:
            raise InputError(f"cannot replace {path}: {exc.strerror or exc}") from None
        _sync_folder(path.parent)
    finally:
        for new, _ in pairs:
            new.unlink(missing_ok=True)  # after the renames these are already gone


def check_target(path: Path, *, overwrite: bool, session: bool = False) -> None:
    """Refuse a folder, an existing file unless ``overwrite``, and (even then) a change of
    kind: a session is replaced only by a session (``session``), and a session never by
    another kind of file."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name")
    if not path.exists():
        return
    if not overwrite:
        raise InputError(f"{path} already exists; not replacing it (--force replaces it)")
    if is_session_file(path) and not session:
        raise InputError(f"{path} is a balance session; it is never replaced by another "
                         "kind of file, even with --force")
    if session and not is_session_file(path):
        raise InputError(f"{path} is not a balance session; --force replaces a session "
                         "only, never another kind of file")


def is_session_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SESSION_MAGIC)) == SESSION_MAGIC
    except OSError:
        return False


def _fresh_name(path: Path) -> Path:
    """An unused temporary name beside ``path`` with its suffix (the recorder creates it
    exclusively, so a name taken meanwhile is an error, never an overwrite)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.",
                                suffix=f".part{path.suffix}")
    os.close(fd)
    os.unlink(name)
    return Path(name)


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
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is durable enough
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
