"""Every folder balance uses, from one place, on each platform's conventions (platformdirs).

Linux / macOS / Windows, and the override:

- data (the history): ``$XDG_DATA_HOME/balance`` (``~/.local/share/balance``) /
  ``~/Library/Application Support/balance`` / ``%LOCALAPPDATA%\\balance``; ``$BALANCE_DATA_DIR``.
- models: the platform's data folder + ``models``; ``$BALANCE_MODEL_DIR``.
- cache (a fetched wheel, numba's compiled kernels in ``numba``): ``$XDG_CACHE_HOME/balance``
  (``~/.cache/balance``) / ``~/Library/Caches/balance`` / ``%LOCALAPPDATA%\\balance\\Cache``;
  ``$NUMBA_CACHE_DIR`` for the kernels.
- settings file ``balance.conf``: in ``$XDG_CONFIG_HOME/balance`` (``~/.config/balance``) /
  ``~/Library/Application Support/balance`` / ``%LOCALAPPDATA%\\balance``; ``$BALANCE_CONFIG_DIR``.
- sessions: ``~/balance-sessions`` everywhere; ``$BALANCE_SESSIONS_DIR``, and
  ``balance live --sessions-dir`` for one run.

On Windows everything stays in ``%LOCALAPPDATA%``, never the roaming profile
(``%APPDATA%``), which a domain network copies to its servers: the history and the
people's profiles are health data and stay on this machine. Sessions live in the home folder,
where people find and back up their recordings. The functions only name folders; whoever
writes there creates them owner-only (`balance.privacy.private_dir`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from balance.privacy import private_dir

APP = "balance"


def _dirs():
    """platformdirs for the running platform, chosen here (not at import) so tests can
    simulate each one by setting ``sys.platform``."""
    if sys.platform == "win32":
        from platformdirs.windows import Windows as Dirs
    elif sys.platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.unix import Unix as Dirs
    return Dirs(appname=APP, appauthor=False, roaming=False)


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The history database's folder (``$BALANCE_DATA_DIR`` wins: tests, portable use)."""
    return _override("BALANCE_DATA_DIR") or Path(_dirs().user_data_dir)


def model_dir() -> Path:
    """Prepared pose models (``$BALANCE_MODEL_DIR`` wins). In the platform's data folder,
    but not under ``$BALANCE_DATA_DIR``: a model is no one's data, and one is enough."""
    return _override("BALANCE_MODEL_DIR") or Path(_dirs().user_data_dir) / "models"


def cache_dir() -> Path:
    """What can be fetched or built again (a downloaded mediapipe wheel, compiled kernels)."""
    return Path(_dirs().user_cache_dir)


def use_numba_cache() -> None:
    """Point numba's ``cache=True`` at ``cache_dir()/numba`` (owner-only) unless
    ``$NUMBA_CACHE_DIR`` is set: by default numba writes beside the package's source,
    which an installed package may not allow and a checkout should not collect."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    try:
        folder = private_dir(cache_dir() / "numba", tighten_existing=True)
    except OSError:
        return  # nowhere to write: numba falls back to its own choice
    os.environ["NUMBA_CACHE_DIR"] = str(folder)  # child processes share the cache
    from numba.core import config
    config.reload_config()  # numba read its variables when first imported


def settings_file() -> Path:
    """What the window remembers: people's profiles and the last choices."""
    folder = _override("BALANCE_CONFIG_DIR") or Path(_dirs().user_config_dir)
    return folder / f"{APP}.conf"


def sessions_dir() -> Path:
    """Where the window records sessions unless told otherwise (``$BALANCE_SESSIONS_DIR``
    wins); the only folder whose files ``people delete`` removes."""
    return _override("BALANCE_SESSIONS_DIR") or Path.home() / "balance-sessions"
