"""A history that cannot be written (a read-only folder or file, a read-only mount) still
reads: history, people list, reports; a write says why it cannot, in one line."""

import hashlib
import os

import pytest

from balance.storage import migrations
from balance.storage import history as history_mod
from balance.storage.history import History, HistoryError
from tests.helpers import SAMPLE, assert_one_line_error, balance
from tests.test_history_store import _old_database, _fill_v1


@pytest.fixture
def data(tmp_path):
    """A history holding ann and one scored session of hers."""
    folder = tmp_path / "data"
    proc = balance("import", SAMPLE, "--person", "ann", "--protocol", "single-leg-stance",
                   env={"BALANCE_DATA_DIR": str(folder)})
    assert proc.returncode == 0, proc.stderr
    return folder


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_a_history_opened_read_only_reads_and_refuses_writes(data, monkeypatch):
    monkeypatch.setattr(history_mod, "_writable", lambda path: False)
    before = _digest(data)
    with History(data / "history.sqlite3") as h:
        assert h.read_only
        assert [p.name for p in h.people()] == ["ann"]
        assert len(h.trials("ann")) == 2
        with pytest.raises(HistoryError, match="read-only"):
            h.add_person("bob")
    assert _digest(data) == before  # not a byte written, no side file made


def test_a_read_only_history_that_needs_migrating_says_so(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    con = _old_database(path, 1)
    _fill_v1(con)
    con.close()
    monkeypatch.setattr(history_mod, "_writable", lambda path: False)
    with pytest.raises(HistoryError, match=f"version 1 to {migrations.LATEST}.*read-only"):
        History(path)


def test_no_history_in_a_read_only_folder_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(history_mod, "_writable", lambda path: False)
    with pytest.raises(HistoryError, match="no history .* cannot be written"):
        History(tmp_path / "h.sqlite3")
    assert os.listdir(tmp_path) == []


needs_permissions = pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")


@needs_permissions
@pytest.mark.parametrize("folder_mode, file_mode", [(0o500, 0o600), (0o700, 0o400)])
def test_chmod_read_only_history_still_reads(data, folder_mode, file_mode):
    (data / "history.sqlite3").chmod(file_mode)
    data.chmod(folder_mode)
    env = {"BALANCE_DATA_DIR": str(data)}
    try:
        for argv in (["history"], ["people", "list"]):
            proc = balance(*argv, env=env)
            assert proc.returncode == 0, proc.stderr
            assert "ann" in proc.stdout
        proc = balance("history", "--person", "ann", env=env)
        assert proc.returncode == 0 and "Single-leg stance" in proc.stdout, proc.stderr
        assert_one_line_error(balance("people", "add", "bob", env=env), "read-only")
    finally:
        data.chmod(0o700)
