"""Session files: an append-only, crash-safe record of what the camera saw.

Format, version 1 (all integers little-endian)::

    magic      16 bytes  b"BALANCE-SESSION\\n"
    version    u32       1
    length     u32       byte length of the metadata JSON
    metadata   JSON      UTF-8 object (see ``new_metadata``)
    crc        u32       CRC-32 of the metadata bytes
    records ...          until the end of the file

    record:  length u32 (of kind + body), kind 1 byte, body, crc u32 (of kind + body)
      b"F" frame : t_s f64, detected u8, image f32[33*4], world f32[33*4]
      b"E" event : JSON {"t_s": float, "kind": str, "payload": object}
      b"M" meta  : JSON object merged into the metadata (for example a result at the end)

Each record is whole or it is the tail: the writer hands the OS whole records at most
every ``FLUSH_INTERVAL_S`` (events at once), so SIGKILL loses at most that much. The
reader keeps every whole record and reports a cut-off tail as a warning; a bad magic,
version or checksum before the tail is an error.
"""

import json
import os
import struct
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from balance import __version__
from balance.errors import SessionFormatError
from balance.pose.landmarks import N_LANDMARKS

MAGIC = b"BALANCE-SESSION\n"
VERSION = 1
SUFFIX = ".balance"
FLUSH_INTERVAL_S = 0.5

_U32 = struct.Struct("<I")
_FRAME_HEAD = struct.Struct("<dB")
_POSE_FLOATS = N_LANDMARKS * 4
_FRAME_SIZE = _FRAME_HEAD.size + 2 * 4 * _POSE_FLOATS


@dataclass(frozen=True)
class Event:
    """Something that happened at ``t_s`` seconds: a lift, an error, a cue, a note."""

    t_s: float
    kind: str
    payload: dict = field(default_factory=dict)


@dataclass
class Session:
    """A session read back. Arrays have one row per frame.

    Attributes
    ----------
    metadata : dict (see ``new_metadata``), with ``M`` records merged in.
    t : ndarray (n,) float64, seconds.
    detected : ndarray (n,) bool.
    image, world : ndarray (n, 33, 4) float32: image and world landmarks (NaN undetected).
    events : list of Event, in file order.
    warnings : sentences about a damaged tail, empty for a clean file.
    """

    path: Path
    metadata: dict
    t: np.ndarray
    detected: np.ndarray
    image: np.ndarray
    world: np.ndarray
    events: list[Event]
    warnings: list[str]

    @property
    def fps(self) -> float:
        return float(self.metadata.get("fps") or 0.0)

    @property
    def image_size(self) -> tuple[int, int]:
        w, h = self.metadata.get("image_size") or (0, 0)
        return int(w), int(h)

    def __len__(self) -> int:
        return self.t.size


def new_metadata(*, source: str, fps: float, image_size: tuple[int, int],
                 protocol: str | None = None, person_id: str | None = None,
                 model_sha256: str | None = None, **extra) -> dict:
    """The metadata every session starts with; ``extra`` keys are kept as given."""
    return {
        "format": "balance-session",
        "format_version": VERSION,
        "software_version": __version__,
        "start_time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "person_id": person_id,
        "protocol": protocol,
        "source": source,
        "fps": float(fps),
        "image_size": [int(image_size[0]), int(image_size[1])],
        "model_sha256": model_sha256,
        **extra,
    }


class SessionWriter:
    """Appends frames and events to a new session file as they arrive.

    Use as a context manager, or call ``close()``; both flush and fsync.
    """

    def __init__(self, path: str | Path, metadata: dict):
        self.path = Path(path)
        self.frames = 0
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._pending: list[bytes] = []
        self._last_flush = time.monotonic()
        meta = json.dumps(metadata, allow_nan=False).encode()
        self._pending.append(MAGIC + _U32.pack(VERSION) + _U32.pack(len(meta)) + meta
                             + _U32.pack(zlib.crc32(meta)))
        self.flush()

    def write_frame(self, t_s: float, image: np.ndarray, world: np.ndarray,
                    detected: bool) -> None:
        """Append one frame: ``image`` and ``world`` are (33, 4) float32 (NaN if undetected)."""
        body = (_FRAME_HEAD.pack(float(t_s), bool(detected))
                + np.ascontiguousarray(image, dtype="<f4").tobytes()
                + np.ascontiguousarray(world, dtype="<f4").tobytes())
        self._append(b"F", body)
        self.frames += 1
        if time.monotonic() - self._last_flush >= FLUSH_INTERVAL_S:
            self.flush()

    def write_event(self, event: Event) -> None:
        """Append an event and hand it to the OS at once: events are few and precious."""
        self._append(b"E", _json({"t_s": event.t_s, "kind": event.kind,
                                  "payload": event.payload}))
        self.flush()

    def update_metadata(self, **values) -> None:
        """Append values that override the header's (a result, the end time...)."""
        self._append(b"M", _json(values))
        self.flush()

    def _append(self, kind: bytes, body: bytes) -> None:
        rec = kind + body
        self._pending.append(_U32.pack(len(rec)) + rec + _U32.pack(zlib.crc32(rec)))

    def flush(self) -> None:
        if self._pending:
            os.write(self._fd, b"".join(self._pending))
            self._pending.clear()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        if self._fd is None:
            return
        self.flush()
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _json(obj) -> bytes:
    return json.dumps(obj, allow_nan=False, default=_plain).encode()


def _plain(obj):
    """JSON for NumPy scalars and arrays that reach a payload."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def read_session(path: str | Path) -> Session:
    """Read a session file, keeping every whole record of a cut-off file.

    Raises ``SessionFormatError`` for a missing, foreign or corrupt file.
    """
    path = Path(path)
    data = _read_bytes(path)
    metadata, pos = _read_header(path, data)
    frames, events, warnings = [], [], []
    while pos < len(data):
        rec, pos, problem = _next_record(path, data, pos)
        if problem:
            warnings.append(f"{path.name} was cut off mid-write; read up to its last whole "
                            f"record ({len(frames)} frames)")
            break
        kind, body = rec[:1], rec[1:]
        if kind == b"F" and len(body) == _FRAME_SIZE:
            frames.append(body)
        elif kind == b"E":
            e = json.loads(body)
            events.append(Event(float(e["t_s"]), str(e["kind"]), e.get("payload") or {}))
        elif kind == b"M":
            metadata.update(json.loads(body))
        else:
            raise SessionFormatError(f"{path} is corrupt: unknown record at byte {pos}")
    return Session(path, metadata, *_frames_to_arrays(frames), events, warnings)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SessionFormatError(f"{path}: no such session file") from None
    except OSError as exc:
        raise SessionFormatError(f"{path} cannot be read: {exc.strerror}") from None


def _read_header(path: Path, data: bytes) -> tuple[dict, int]:
    if not data.startswith(MAGIC):
        raise SessionFormatError(f"{path} is not a balance session file")
    p = len(MAGIC)
    if len(data) < p + 8:
        raise SessionFormatError(f"{path} is corrupt: its header is cut off")
    (version,), (n,) = _U32.unpack_from(data, p), _U32.unpack_from(data, p + 4)
    if version > VERSION:
        raise SessionFormatError(f"{path} is session format {version}; this balance "
                                 f"{__version__} reads up to {VERSION}: please update")
    meta = data[p + 8:p + 8 + n]
    end = p + 8 + n + 4
    if len(data) < end or _U32.unpack_from(data, end - 4)[0] != zlib.crc32(meta):
        raise SessionFormatError(f"{path} is corrupt: its header fails its checksum")
    return json.loads(meta), end


def _next_record(path: Path, data: bytes, pos: int) -> tuple[bytes | None, int, bool]:
    """(record, next position, damaged). A damaged record is an error unless it is the tail."""
    if pos + 4 > len(data):
        return None, pos, True
    (n,) = _U32.unpack_from(data, pos)
    end = pos + 4 + n + 4
    if end > len(data):
        return None, pos, True
    rec = data[pos + 4:pos + 4 + n]
    if _U32.unpack_from(data, end - 4)[0] != zlib.crc32(rec):
        if end == len(data):
            return None, pos, True
        raise SessionFormatError(f"{path} is corrupt: record at byte {pos} fails its checksum")
    return rec, end, False


def _frames_to_arrays(frames: list[bytes]):
    n = len(frames)
    buf = np.frombuffer(b"".join(frames), dtype=np.uint8).reshape(n, _FRAME_SIZE)
    t = buf[:, :8].copy().view("<f8").reshape(n)
    detected = buf[:, 8].astype(bool)
    poses = buf[:, 9:].copy().view("<f4").reshape(n, 2, N_LANDMARKS, 4)
    return t, detected, poses[:, 0].astype(np.float32), poses[:, 1].astype(np.float32)


def append_events(path: str | Path, events: list[Event]) -> int:
    """Append events (therapist notes, corrections) to a finished session file.

    The file is checked first: a foreign or corrupt file raises ``SessionFormatError``
    and is left untouched. A tail cut off mid-write (a killed recorder) is trimmed back
    to the last whole record before appending, since a record after it would turn the
    damaged tail into mid-file corruption. All the events go to the OS in one write and
    are fsynced, so an append is whole or absent.

    Do not append to a file that is still being recorded: its writer does not append.

    Parameters
    ----------
    path : the session file.
    events : list of Event (payloads must be JSON-ready).

    Returns
    -------
    int, the number of bytes the file now holds.
    """
    path = Path(path)
    data = _read_bytes(path)
    _, pos = _read_header(path, data)
    while pos < len(data):
        _, end, damaged = _next_record(path, data, pos)
        if damaged:
            break
        pos = end
    blob = b"".join(
        _U32.pack(len(rec)) + rec + _U32.pack(zlib.crc32(rec))
        for rec in (b"E" + _json({"t_s": float(e.t_s), "kind": e.kind,
                                  "payload": e.payload}) for e in events))
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as exc:
        raise SessionFormatError(f"{path} cannot be written: {exc.strerror}") from None
    try:
        if pos < len(data):
            os.ftruncate(fd, pos)
        os.lseek(fd, pos, os.SEEK_SET)
        os.write(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)
    return pos + len(blob)
