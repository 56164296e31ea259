"""What a batch folder has done: one entry per input, by its key, so a rerun skips it.

The key is the input's content (the file's bytes; an image folder's image names and bytes)
with every setting that changes its result (test, options, profile, frame rate of image
folders, pose model, balance version): a moved or renamed file is still done, a changed
file or setting is done again. The manifest is rewritten whole, atomically and owner-only,
after each input, so a batch killed at any moment loses at most the input in hand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from balance import __version__
from balance.capture.sources import IMAGE_SUFFIXES
from balance.errors import InputError
from balance.session.batch.task import SESSION, Settings
from balance.storage.files import atomic_open

MANIFEST = "batch-manifest.json"
FORMAT = 1
_CHUNK = 1 << 20


def content_hash(path: str | Path, kind: str) -> str:
    """sha256 of a file's bytes, or of an image folder's image names and bytes in order."""
    digest = hashlib.sha256()
    path = Path(path)
    files = [path] if path.is_file() else sorted(
        p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    for f in files:
        if f is not path:
            digest.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def job_key(kind: str, content: str, settings: Settings) -> str:
    """The key of one input done with ``settings``: only what changes its result counts
    (a session is re-scored from its landmarks: no model, no frame rate)."""
    fields = asdict(settings)
    del fields["model_path"]  # where the model is does not matter, which model does
    if kind == SESSION:
        del fields["model_sha256"], fields["fps"]
    text = json.dumps({"kind": kind, "content": content, "version": __version__, **fields},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Manifest:
    """The done inputs of one batch folder (``folder/batch-manifest.json``)."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / MANIFEST
        self.done: dict[str, dict] = self._load()

    def get(self, key: str) -> dict | None:
        return self.done.get(key)

    def record(self, key: str, entry: dict) -> None:
        """Mark one input done and write the manifest (whole, or not at all)."""
        self.done[key] = entry
        with atomic_open(self.path, overwrite=True, encoding="utf-8") as fh:
            json.dump({"format": FORMAT, "done": self.done}, fh, indent=1, sort_keys=True)

    def _load(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            done = data["done"]
            if data.get("format") != FORMAT or not isinstance(done, dict):
                raise ValueError("unknown format")
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{self.path} is not a batch manifest balance can read ({exc}); "
                             "move it aside to start the batch afresh") from None
        return done
