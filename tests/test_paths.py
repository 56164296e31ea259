"""Every folder comes from balance.paths, where each platform expects it."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import platformdirs.windows
import pytest

from balance import paths

OVERRIDES = ("BALANCE_DATA_DIR", "BALANCE_MODEL_DIR", "BALANCE_CONFIG_DIR", "BALANCE_SESSIONS_DIR",
             "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _all():
    return (paths.data_dir(), paths.model_dir(), paths.cache_dir(), paths.settings_file(),
            paths.sessions_dir())


def test_linux_follows_the_xdg_folders(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert _all() == (home / ".local/share/balance", home / ".local/share/balance/models",
                      home / ".cache/balance", home / ".config/balance/balance.conf",
                      home / "balance-sessions")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "d"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "c"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "k"))
    assert _all()[:4] == (home / "d/balance", home / "d/balance/models", home / "c/balance",
                          home / "k/balance/balance.conf")


def test_macos_uses_library(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    support = home / "Library/Application Support/balance"
    assert _all() == (support, support / "models", home / "Library/Caches/balance",
                      support / "balance.conf", home / "balance-sessions")


def test_windows_keeps_everything_out_of_the_roaming_profile(home, monkeypatch):
    """The roaming profile (%APPDATA%) is copied to a domain's servers: health data
    and profiles stay in %LOCALAPPDATA%."""
    monkeypatch.setattr(sys, "platform", "win32")
    # The folders Windows reports, read from the environment as platformdirs does when
    # the shell API is not there.
    monkeypatch.setattr(platformdirs.windows, "get_win_folder",
                        platformdirs.windows.get_win_folder_from_env_vars)
    roaming, local = home / "AppData/Roaming", home / "AppData/Local"
    monkeypatch.setenv("APPDATA", str(roaming))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    data, models, cache, settings, _ = (Path(os.path.normpath(p)) for p in _all())
    assert (data, models, settings) == (local / "balance", local / "balance/models",
                                        local / "balance/balance.conf")
    assert cache == local / "balance/Cache"
    assert not any(roaming in p.parents for p in (data, models, cache, settings))


def test_the_overrides_win_on_every_platform(home, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("BALANCE_MODEL_DIR", str(home / "models"))
    monkeypatch.setenv("BALANCE_CONFIG_DIR", str(home / "conf"))
    for platform in ("linux", "darwin"):
        monkeypatch.setattr(sys, "platform", platform)
        assert _all()[:2] == (home / "data", home / "models")
        assert paths.settings_file() == home / "conf/balance.conf"


def test_every_folder_the_program_uses_comes_from_the_paths_module():
    """No other module names a user folder on its own."""
    root = Path(paths.__file__).parent
    for f in root.rglob("*.py"):
        if f.name == "paths.py":
            continue
        text = f.read_text()
        for pattern in ("XDG_", "APPDATA", "balance-sessions", "Library/Application"):
            assert pattern not in text, f"{f.relative_to(root)} names {pattern}"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_settings_file_is_owner_only_before_and_after_a_save(tmp_path, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("BALANCE_CONFIG_DIR", str(tmp_path / "conf"))
    from balance.gui.settings_file import qsettings
    from balance.session import settings as S
    store = qsettings()
    path = paths.settings_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    saved = S.GuiSettings(person_id="Ann")
    saved.profiles["Ann"] = {"person_id": "Ann", "birth_year": 1950, "height_cm": 160.0}
    S.save(store, saved)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "1950" in path.read_text()  # it really went to this file
    assert S.load(qsettings()).profile().birth_year == 1950


def test_compiled_kernels_are_cached_owner_only_in_balances_cache(home, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES + ("NUMBA_CACHE_DIR",)}
    env["HOME"] = str(home)
    code = ("import numpy as np; from balance.core import _sway_kernels as k; "
            "k.time_stats_nb(np.zeros(8), np.zeros(8))")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    cache = home / ".cache/balance/numba"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert any(p.suffix == ".nbi" for p in cache.rglob("*"))
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "mine")  # numba's own variable still wins
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    assert any(p.suffix == ".nbi" for p in (tmp_path / "mine").rglob("*"))
