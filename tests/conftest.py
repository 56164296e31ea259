"""Shared pytest fixtures."""

import pytest


@pytest.fixture(scope="session")
def pose_model():
    """The pose model, prepared once per run the way users get it (see models/README.md).

    Found in the model directory, else downloaded, else built from the mediapipe 0.10.21
    wheel (``$BALANCE_MEDIAPIPE_WHEEL``, or fetched with pip). Fails, never skips, when no
    way works: a silent skip would hide every pose test.
    """
    from balance.errors import ModelError
    from balance.pose.model import prepare_model

    try:
        return prepare_model()
    except ModelError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory):
    """No test touches the user's own history, settings or recordings: they live in temporary folders
    (subprocesses inherit the variable)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("BALANCE_DATA_DIR", str(tmp_path_factory.mktemp("balance-data")))
    patch.setenv("BALANCE_CONFIG_DIR", str(tmp_path_factory.mktemp("balance-config")))
    patch.setenv("BALANCE_SESSIONS_DIR", str(tmp_path_factory.mktemp("balance-sessions")))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _keep_pytest_stderr(monkeypatch):
    """``balance.cli.main`` called in-process must not point fd 2 at /dev/null under
    pytest's capture (subprocess runs of the CLI still do, as users get)."""
    from balance import native_logs
    monkeypatch.setattr(native_logs, "silence", lambda: None)
