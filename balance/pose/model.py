"""Make the PoseLandmarker ``.task`` bundle available, offline if need be.

`prepare_model` tries, in order:

(a) a ``.task`` file the user points to, or one already in `model_dir`;
(b) the official ``pose_landmarker_full.task`` from Google's model storage (short timeout);
(c) a bundle built from the BlazePose ``.tflite`` files inside the PyPI wheel
    ``mediapipe==0.10.21`` (a local wheel, or one fetched with ``pip download``).

Every file it writes goes to a hidden partial file first and is renamed into place only
after MediaPipe has loaded it, so a killed run never leaves a broken model behind.
When nothing works it raises `ModelError` naming the three options.

`install_user_model` copies a user's file into `model_dir` so later runs find it in (a).

(Over 400 lines on purpose: the three ways share one install-check-rename step and its
clean-up, which is the part that must never go wrong; apart they would import each other.)
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import threading
import time
import types
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Imported here, not inside a function: mediapipe 1.x keeps the traceback of its failed
# optional `sounddevice` import, and with it every frame of whoever first imported it.
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from balance import paths
from balance.errors import ModelError
from balance.pose.offline import block_usage_logging
from balance.privacy import owner_only, private_dir

OFFICIAL_URL = ("https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
                "pose_landmarker_full/float16/latest/pose_landmarker_full.task")
OFFICIAL_NAME = "pose_landmarker_full.task"
BUILT_NAME = "pose_landmarker_full_built.task"
WHEEL_SPEC = "mediapipe==0.10.21"
WHEEL_GLOB = "mediapipe-0.10.21-*.whl"

DOWNLOAD_TIMEOUT_S = 5.0      # per connect/read: a closed network fails in about this long
DOWNLOAD_DEADLINE_S = 120.0   # whole download, including a DNS lookup that hangs
PIP_TIMEOUT_S = 600.0
STALE_PARTIAL_S = 3600.0

# Bundle entry -> (file in the wheel, normalisation mean, std, sha256 in 0.10.21).
# The detector expects pixels in -1..1, the landmark model 0..1.
_WHEEL_MODELS = {
    "pose_detector.tflite": (
        "mediapipe/modules/pose_detection/pose_detection.tflite", 127.5, 127.5,
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"),
    "pose_landmarks_detector.tflite": (
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite", 0.0, 255.0,
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
}
# A fixed zip timestamp makes the built bundle, and so its sha256, reproducible.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Log = Callable[[str], None]


def print_to_stderr(message: str) -> None:
    """Default progress log: one line on stderr."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ModelInfo:
    """A pose model ready for `PoseEstimator`.

    Attributes
    ----------
    path : Path
        Absolute path of the ``.task`` bundle.
    sha256 : str
        Hex digest of the file, recorded in sessions.
    origin : str
        ``"user"`` (given by the user), ``"cached"`` (found in `model_dir`),
        ``"download"`` (fetched now) or ``"built"`` (built now from the wheel).
    """

    path: Path
    sha256: str
    origin: str


def model_dir() -> Path:
    """Directory holding prepared models, created on demand (`balance.paths.model_dir`:
    ``$BALANCE_MODEL_DIR`` if set, else the platform's data folder + ``models``)."""
    base = paths.model_dir()
    _make_dir(base)
    return base


def wheel_cache_dir() -> Path:
    """Directory where a fetched mediapipe wheel is kept (the platform's cache + ``wheels``)."""
    path = paths.cache_dir() / "wheels"
    _make_dir(path)
    return path


def prepare_model(task_file: str | Path | None = None, *, wheel: str | Path | None = None,
                  download: bool = True, log: Log = print_to_stderr) -> ModelInfo:
    """Find, download or build the PoseLandmarker bundle and check that it loads.

    Parameters
    ----------
    task_file : str or Path, optional
        A ``.task`` file to use. When given it must work: no fallback.
    wheel : str or Path, optional
        A local ``mediapipe-0.10.21`` wheel for the offline build; default
        ``$BALANCE_MEDIAPIPE_WHEEL``, else one cached or fetched with pip. Giving one
        (either way) asks for the build: the download is then skipped.
    download : bool
        Whether to try the official download before building.
    log : callable
        Receives one progress line at a time.

    Returns
    -------
    ModelInfo

    Raises
    ------
    ModelError
        The given file is unusable, or none of the three ways worked.
    """
    if task_file is not None:
        return _use_user_file(Path(task_file), log)
    directory = model_dir()
    _remove_stale_partials(directory)
    cached = _find_cached(directory, log)
    if cached is not None:
        return cached
    failures = []
    wheel = wheel or os.environ.get("BALANCE_MEDIAPIPE_WHEEL") or None
    if download and wheel is None:
        try:
            return _download(directory / OFFICIAL_NAME, log)
        except ModelError as exc:
            failures.append(f"download: {exc}")
            log(f"pose model: download failed ({exc})")
    try:
        return _build(directory / BUILT_NAME, wheel, log)
    except ModelError as exc:
        failures.append(f"build: {exc}")
        log(f"pose model: offline build failed ({exc})")
    raise ModelError(f"No pose model could be prepared ({'; '.join(failures)}). "
                     + _how_to_fix(directory))


# --- (a) a file given or cached -----------------------------------------------------------

def _use_user_file(path: Path, log: Log) -> ModelInfo:
    return _ready(_checked_user_file(path), "user", log)


def _checked_user_file(path: Path) -> Path:
    """``path`` resolved, or `ModelError` when MediaPipe cannot run it."""
    path = path.expanduser().resolve()
    reason = "no such file" if not path.is_file() else _load_error(path)
    if reason:
        raise ModelError(f"The pose model {path} is unusable ({reason}). "
                         + _how_to_fix(model_dir()))
    return path


def install_user_model(task_file: str | Path, *,
                       log: Log = print_to_stderr) -> tuple[ModelInfo, bool]:
    """Check a user's ``.task`` file and copy it into `model_dir` for later runs.

    The copy is named `OFFICIAL_NAME`, the first name the cached lookup tries, so it wins
    over any other model there. A file that does not load is refused before anything is
    written, and the copy replaces an existing model only once it is complete and loads.

    Returns
    -------
    (ModelInfo, bool)
        The model in `model_dir`, and whether it was copied now (False: already there).

    Raises
    ------
    ModelError
        The file is unusable, or the copy could not be written.
    """
    source = _checked_user_file(Path(task_file))
    dest = model_dir() / OFFICIAL_NAME
    if _same_model(source, dest):
        log(f"pose model: {dest} already holds this model; nothing copied")
        return _ready(dest, "user", log), False
    _remove_stale_partials(dest.parent)
    _install(dest, lambda partial: _copy(source, partial))
    return _ready(dest, "user", log), True


def _same_model(source: Path, dest: Path) -> bool:
    """Whether ``dest`` is ``source`` itself or a byte-identical copy of it."""
    if not dest.is_file():
        return False
    return os.path.samefile(source, dest) or _sha256(source) == _sha256(dest)


def _copy(source: Path, partial: Path) -> None:
    with open(partial, "wb") as out, open(source, "rb") as src:  # keeps the partial's 0600
        shutil.copyfileobj(src, out, 1 << 20)


def _find_cached(directory: Path, log: Log) -> ModelInfo | None:
    """The first cached bundle that loads; one that does not is moved aside, not deleted."""
    preferred = [directory / OFFICIAL_NAME, directory / BUILT_NAME]
    others = sorted(p for p in directory.glob("*.task") if p not in preferred)
    for path in [p for p in preferred if p.is_file()] + others:
        reason = _load_error(path)
        if reason is None:
            _owner_only(path, log)
            return _ready(path, "cached", log)
        aside = path.with_name(path.name + ".broken")
        try:
            os.replace(path, aside)
            log(f"pose model: {path} does not load ({reason}); moved it to {aside.name}")
        except OSError:
            log(f"pose model: {path} does not load ({reason}); ignoring it")
    return None


def _owner_only(path: Path, log: Log) -> None:
    """Make a cached bundle owner-only: one written by an older version or by hand may be
    readable by everyone, and this program's files are its user's alone."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
            log(f"pose model: {path.name} was readable by others; now owner-only")
    except OSError as exc:
        log(f"pose model: could not make {path.name} owner-only ({exc})")


# --- (b) download ---------------------------------------------------------------------------

def _download(dest: Path, log: Log) -> ModelInfo:
    log(f"pose model: downloading {OFFICIAL_URL}")
    data = _fetch(OFFICIAL_URL)
    _install(dest, lambda partial: partial.write_bytes(data))
    return _ready(dest, "download", log)


def _fetch(url: str) -> bytes:
    """GET ``url`` within `DOWNLOAD_DEADLINE_S`, or raise `ModelError`.

    Runs in a daemon thread because the socket timeout does not cover the DNS lookup,
    which can hang for minutes on a half-configured network.
    """
    box: dict = {}

    def worker():
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
                box["data"] = response.read()
        except Exception as exc:  # any failure is reported, never raised in the thread
            box["error"] = exc

    thread = threading.Thread(target=worker, daemon=True, name="balance-model-download")
    thread.start()
    thread.join(DOWNLOAD_DEADLINE_S)
    if "data" in box:
        return box["data"]
    error = box.get("error")
    # URLError wraps the useful part ("[Errno 111] Connection refused") in .reason.
    reason = _one_line(getattr(error, "reason", error))
    raise ModelError(reason or f"no answer within {DOWNLOAD_DEADLINE_S:g} s")


# --- (c) build from the wheel ---------------------------------------------------------------

def _build(dest: Path, wheel: str | Path | None, log: Log) -> ModelInfo:
    wheel_path = _wheel(wheel, log)
    log(f"pose model: building {dest.name} from {wheel_path.name}")
    entries = _models_with_metadata(wheel_path, log)
    _install(dest, lambda partial: _write_bundle(entries, partial))
    return _ready(dest, "built", log)


def _wheel(wheel: str | Path | None, log: Log) -> Path:
    """The wheel to build from: given, cached, or fetched with pip."""
    if wheel:
        path = Path(wheel).expanduser()
        if not path.is_file():
            raise ModelError(f"wheel {path} does not exist")
        return path
    cache = wheel_cache_dir()
    for path in sorted(cache.glob(WHEEL_GLOB)):
        if zipfile.is_zipfile(path):
            return path
        path.unlink()  # a wheel cut short by an earlier kill: fetch it again
    return _pip_download(cache, log)


def _pip_download(cache: Path, log: Log) -> Path:
    """Fetch the 0.10.21 wheel with pip into ``cache``.

    Only the ``.tflite`` data files are used, so the Linux CPython 3.11 wheel is asked for
    explicitly: it exists whatever this machine's platform and Python version are.
    """
    log(f"pose model: fetching {WHEEL_SPEC} (about 36 MB) with pip")
    staging = cache / f".pip-{os.getpid()}"
    command = [sys.executable, "-m", "pip", "download", WHEEL_SPEC, "--no-deps",
               "--only-binary=:all:", "--platform", "manylinux_2_28_x86_64",
               "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
               "--dest", str(staging), "--progress-bar", "off", "--timeout", "30",
               "--retries", "2", "--disable-pip-version-check", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelError(f"pip download failed ({_one_line(exc)})") from None
    fetched = sorted(staging.glob(WHEEL_GLOB))
    if done.returncode != 0 or not fetched:
        _rmtree(staging)
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["no wheel"]
        raise ModelError(f"pip download {WHEEL_SPEC} failed ({lines[-1].strip()})")
    final = cache / fetched[0].name
    os.replace(fetched[0], final)
    _rmtree(staging)
    return final


def _models_with_metadata(wheel_path: Path, log: Log) -> dict[str, bytes]:
    """Bundle entry name -> legacy ``.tflite`` with the image-input metadata Tasks needs."""
    try:
        with zipfile.ZipFile(wheel_path) as wheel:
            raw = {name: wheel.read(member) for name, (member, *_rest) in _WHEEL_MODELS.items()}
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise ModelError(f"{wheel_path} is not a mediapipe 0.10.21 wheel ({_one_line(exc)})") from None
    entries = {}
    for name, (member, mean, std, sha) in _WHEEL_MODELS.items():
        if hashlib.sha256(raw[name]).hexdigest() != sha:
            log(f"pose model: note: {member} differs from the 0.10.21 file this was tested with")
        try:
            entries[name] = _with_image_metadata(raw[name], name.removesuffix(".tflite"), mean, std)
        except Exception as exc:  # the writer raises ValueError, flatbuffers errors...
            raise ModelError(f"cannot add metadata to {member} ({_one_line(exc)})") from None
    return entries


def _with_image_metadata(tflite: bytes, name: str, mean: float, std: float) -> bytes:
    """``tflite`` with metadata: one RGB image input, pixels normalised as (p - mean) / std."""
    writer = _metadata_writer_module().MetadataWriter.create(bytearray(tflite))
    writer.add_general_info(name)
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    model, _json = writer.populate()
    return bytes(model)


def _write_bundle(entries: dict[str, bytes], path: Path) -> None:
    """An uncompressed, 4-byte aligned zip: MediaPipe memory-maps the entries in place."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils as utils

    with utils.AlignZipFile(path, mode="w", alignment=4) as bundle:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            bundle.writestr(info, bytes(data))


def _metadata_writer_module():
    """mediapipe's ``metadata_writer``, importable on mediapipe 1.x.

    Its ``metadata`` module imports the compiled ``_pywrap_metadata_version``, which 1.x
    wheels no longer ship. That module only computes the oldest metadata parser able to
    read what is written; image normalisation needs nothing newer than 1.0.0.
    """
    try:
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    except ImportError:
        _install_metadata_version_stand_in()
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    return metadata_writer


def _install_metadata_version_stand_in() -> None:
    name = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    parts = name.split(".")
    for depth in range(3, len(parts)):  # mediapipe.tasks.cc, .metadata, .python
        package = ".".join(parts[:depth])
        if package not in sys.modules:
            try:
                importlib.import_module(package)
            except ImportError:
                module = types.ModuleType(package)
                module.__path__ = []
                sys.modules[package] = module
    stand_in = types.ModuleType(name)
    stand_in.GetMinimumMetadataParserVersion = lambda _metadata_buffer: "1.0.0"
    sys.modules[name] = stand_in
    for depth in range(3, len(parts)):
        setattr(sys.modules[".".join(parts[:depth])], parts[depth], sys.modules[".".join(parts[:depth + 1])])


# --- shared helpers -------------------------------------------------------------------------

def _install(dest: Path, write: Callable[[Path], None]) -> None:
    """Write via a hidden partial file, check that it loads, then rename it into place."""
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        # Created 0600 before any byte is written: writers that open the file themselves
        # (the zip writer, write_bytes) keep its mode, so it is never readable by others.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        owner_only(partial)
        write(partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        reason = _load_error(partial)
        if reason:
            raise ModelError(f"the new bundle does not load ({reason})")
        os.replace(partial, dest)
    except OSError as exc:
        raise ModelError(f"cannot write {dest} ({_one_line(exc)})") from None
    finally:
        partial.unlink(missing_ok=True)


def _load_error(path: Path) -> str | None:
    """Why MediaPipe cannot run ``path`` as a PoseLandmarker, or None when it can."""
    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(path)),
                                           running_mode=vision.RunningMode.IMAGE)
    blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8))
    block_usage_logging()
    try:
        with vision.PoseLandmarker.create_from_options(options) as landmarker:
            landmarker.detect(blank)
    except Exception as exc:  # MediaPipe raises RuntimeError, ValueError, OSError...
        return _one_line(exc) or type(exc).__name__
    return None


def _ready(path: Path, origin: str, log: Log) -> ModelInfo:
    info = ModelInfo(path=path.resolve(), sha256=_sha256(path), origin=origin)
    log(f"pose model ({origin}): {info.path} sha256 {info.sha256}")
    return info


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_stale_partials(directory: Path) -> None:
    """Partial files of runs killed long ago; a recent one may belong to a live run."""
    now = time.time()
    for partial in directory.glob(".*.partial"):
        try:
            if now - partial.stat().st_mtime > STALE_PARTIAL_S:
                partial.unlink()
        except OSError:
            pass


def _how_to_fix(directory: Path) -> str:
    return ("Fix it one of three ways: "
            f"(a) give a PoseLandmarker .task file (balance models prepare --task FILE) "
            f"or copy one into {directory}; "
            f"(b) allow the download of {OFFICIAL_URL}; "
            f"(c) build it offline from the mediapipe 0.10.21 wheel: run "
            f"'pip download {WHEEL_SPEC} --no-deps' on any machine, then "
            f"'balance models prepare --wheel FILE' (or set BALANCE_MEDIAPIPE_WHEEL=FILE).")


def _one_line(exc: object) -> str:
    """First line of an exception's message (its type when it has none); "" for None."""
    if exc is None:
        return ""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _make_dir(path: Path) -> None:
    try:
        private_dir(path)
    except OSError as exc:
        raise ModelError(f"Cannot create the directory {path} ({_one_line(exc)}).") from None


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
