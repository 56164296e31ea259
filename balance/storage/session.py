"""Session files: an append-only, crash-safe record of what the camera saw.

Format, version 2 (all integers little-endian)::

    magic      16 bytes  b"BALANCE-SESSION\\n"
    version    u32       2
    length     u32       byte length of the metadata JSON
    metadata   JSON      UTF-8 object (see ``new_metadata``)
    crc        u32       CRC-32 of the metadata bytes
    records ...          until the end of the file

    record:  length u32 (of kind + body), kind 1 byte, body, crc u32 (of kind + body)
      b"F" frame : t_s f64, detected u8, image f32[33*4], world f32[33*4]
      b"E" event : JSON {"t_s": float, "kind": str, "payload": object}
      b"M" meta  : JSON object merged into the metadata (for example a result at the end)
      b"Z" end   : JSON {"frames": int}, written once when the recorder closes normally
                   (events appended later may follow it)

Version 1 is the same without ``Z``; it reads as before, with no word about how it ended.

Each record is whole or it is the tail: the writer hands the OS whole records at most
every ``FLUSH_INTERVAL_S`` (events at once), so SIGKILL loses at most that much. The
reader keeps every whole record: it skips a damaged stretch to the next record whose
length, kind and checksum hold, and says in ``Session.warnings`` what it skipped, that a
tail was cut off, or (version 2 without ``Z``) where the recording was interrupted. A bad
magic, version or header checksum is an error.
"""

import json
import math
import os
import struct
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from balance import __version__
from balance.errors import SessionFormatError
from balance.events import Event
from balance.pose.landmarks import N_LANDMARKS
from balance.storage import files

MAGIC = files.SESSION_MAGIC  # b"BALANCE-SESSION\n"
VERSION = 2
SUFFIX = ".balance"
FLUSH_INTERVAL_S = 0.5

_U32 = struct.Struct("<I")
_FRAME_HEAD = struct.Struct("<dB")
_POSE_FLOATS = N_LANDMARKS * 4
_FRAME_SIZE = _FRAME_HEAD.size + 2 * 4 * _POSE_FLOATS
_FRAME_RECORD = 4 + 1 + _FRAME_SIZE + 4
_KINDS = b"FEMZ"


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
    warnings : sentences about damage skipped, a cut-off tail or an interrupted recording;
        empty for a clean file.
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

    The file is created (owner-only) and never replaces one that exists. Use as a context
    manager, or call ``close()``; both flush and fsync. A normal close
    ends the file with its ``Z`` record; leaving the ``with`` block on an exception does
    not, so the file reads as interrupted.
    """

    def __init__(self, path: str | Path, metadata: dict):
        self.path = Path(path)
        self.frames = 0
        self._fd = files.create_new(self.path)
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
            data = b"".join(self._pending)
            self._pending.clear()  # a failed write is not retried into the next one
            files.write_all(self._fd, data, self.path)
        self._last_flush = time.monotonic()

    def close(self, *, complete: bool = True) -> None:
        """Flush, fsync and close; ``complete`` marks the recording as ended normally."""
        if self._fd is None:
            return
        try:
            if complete:
                self._append(b"Z", _json({"frames": self.frames}))
            self.flush()
        finally:
            fd, self._fd = self._fd, None
            files.close_synced(fd)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(complete=exc_type is None)


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
    """Read a session file, keeping every whole record of a damaged or cut-off file.

    Raises ``SessionFormatError`` for a missing or foreign file, or a damaged header.
    """
    path = Path(path)
    data = _read_bytes(path)
    metadata, pos, version = _read_header(path, data)
    frames, events, warnings, closed = [], [], [], False
    for start, rec, end in _records(data, pos):
        if rec is None:
            warnings.append(_damage_warning(path, data, start, end, len(frames)))
            continue
        kind, body = rec[:1], rec[1:]
        if kind == b"F" and len(body) == _FRAME_SIZE:
            frames.append(body)
        elif kind == b"E" and (event := _event(body)) is not None:
            events.append(event)
        elif kind == b"M" and isinstance(update := _object(body), dict):
            metadata.update(update)
        elif kind == b"Z":
            closed = True
        elif kind in b"EM":  # intact but not what this balance wrote: skip it, say so
            warnings.append(f"{path.name}: skipped an unreadable record at byte {start}")
        else:
            raise SessionFormatError(f"{path} is corrupt: unknown record at byte {start}")
    _check_metadata(path, metadata)
    arrays = _frames_to_arrays(frames)
    if version >= 2 and not closed:
        last = float(arrays[0][-1]) if frames else 0.0
        warnings.append(f"recording was interrupted at {last:.1f} s")
    return Session(path, metadata, *arrays, events, warnings)


def _object(body: bytes):
    """A record's JSON, or None when it is not JSON."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _event(body: bytes) -> Event | None:
    e = _object(body)
    if not (isinstance(e, dict) and _is_number(e.get("t_s")) and isinstance(e.get("kind"), str)):
        return None
    payload = e.get("payload") or {}
    return Event(float(e["t_s"]), e["kind"], payload if isinstance(payload, dict) else {})


# What the readers of a session rely on, each None or absent otherwise.
_META_CHECKS = {
    "fps": lambda v: _is_number(v) and v >= 0,
    "image_size": lambda v: (isinstance(v, list) and len(v) == 2
                             and all(isinstance(x, int) and x >= 0 for x in v)),
    **{k: lambda v: isinstance(v, str) for k in ("protocol", "person_id", "start_time",
                                                 "source")},
}


def _check_metadata(path: Path, meta: dict) -> None:
    for key, ok in _META_CHECKS.items():
        if meta.get(key) is not None and not ok(meta[key]):
            raise SessionFormatError(f"{path} is corrupt: its metadata {key!r} is "
                                     f"{json.dumps(meta[key])[:40]}")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _damage_warning(path: Path, data: bytes, start: int, end: int, frames_before: int) -> str:
    if end == len(data):
        return (f"{path.name} was cut off mid-write; read up to its last whole record "
                f"({frames_before} frames)")
    lost = max(1, round((end - start) / _FRAME_RECORD))
    return (f"{path.name} is damaged: skipped {end - start} bytes at byte {start} "
            f"(about {lost} frame{'s' * (lost != 1)} after frame {frames_before})")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SessionFormatError(f"{path}: no such session file") from None
    except OSError as exc:
        raise SessionFormatError(f"{path} cannot be read: {exc.strerror}") from None


def _read_header(path: Path, data: bytes) -> tuple[dict, int, int]:
    """(metadata, position of the first record, format version)."""
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
    metadata = _object(meta)
    if not isinstance(metadata, dict):
        raise SessionFormatError(f"{path} is corrupt: its header holds no metadata object")
    return metadata, end, version


def _records(data: bytes, pos: int):
    """Yield (start, record, end) for each whole record, and (start, None, end) for each
    damaged stretch: ``end`` is the next intact record, or the end of a cut-off tail."""
    while pos < len(data):
        end = _intact_end(data, pos)
        if end is None:
            resume = _next_intact(data, pos + 1)
            yield pos, None, resume
            pos = resume
        else:
            yield pos, data[pos + 4:end - 4], end
            pos = end


def _intact_end(data: bytes, pos: int) -> int | None:
    """End of the record at ``pos`` when its length, kind and checksum hold, else None."""
    if pos + 9 > len(data):
        return None
    (n,) = _U32.unpack_from(data, pos)
    end = pos + 4 + n + 4
    if n < 1 or end > len(data) or data[pos + 4] not in _KINDS:
        return None
    if _U32.unpack_from(data, end - 4)[0] != zlib.crc32(data[pos + 4:end - 4]):
        return None
    return end


def _next_intact(data: bytes, pos: int) -> int:
    """Start of the first intact record at or after ``pos``, or the end of the data.

    Only places that look like a record start are checked: a frame's fixed length and
    kind, or a JSON record's kind and opening brace.
    """
    frame_start = _U32.pack(1 + _FRAME_SIZE) + b"F"
    while True:
        hits = [h for h in (data.find(frame_start, pos),
                            *(data.find(k + b"{", pos + 4) - 4 for k in (b"E", b"M", b"Z")))
                if h >= pos]
        if not hits:
            return len(data)
        cand = min(hits)
        if _intact_end(data, cand) is not None:
            return cand
        pos = cand + 1


def _frames_to_arrays(frames: list[bytes]):
    n = len(frames)
    buf = np.frombuffer(b"".join(frames), dtype=np.uint8).reshape(n, _FRAME_SIZE)
    t = buf[:, :8].copy().view("<f8").reshape(n)
    detected = buf[:, 8].astype(bool)
    poses = buf[:, 9:].copy().view("<f4").reshape(n, 2, N_LANDMARKS, 4)
    return t, detected, poses[:, 0].astype(np.float32), poses[:, 1].astype(np.float32)


def append_events(path: str | Path, events: list[Event]) -> int:
    """Append events (therapist notes, corrections) to a finished session file.

    The file is checked first: a foreign file or a damaged header raises
    ``SessionFormatError`` and the file is left untouched. A tail cut off mid-write (a
    killed recorder) is trimmed back to the last whole record before appending, since a
    record after it would turn the cut-off tail into mid-file damage. All the events go to the OS in one write and
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
    _, pos, _ = _read_header(path, data)
    for _start, rec, end in _records(data, pos):
        if rec is None and end == len(data):
            break  # a cut-off tail: the new records go where it starts
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
