"""Where the window keeps what it remembers: the settings file of `balance.paths`."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from balance import paths
from balance.privacy import owner_only, private_dir
from balance.session import settings as S


def qsettings() -> QSettings:
    """The settings file (`balance.paths.settings_file`): it holds people's names, birth
    years and heights, so it and its folder are owner-only before Qt writes a byte (Qt's
    atomic save keeps the mode of the file it replaces)."""
    path = paths.settings_file()
    private_dir(path.parent, tighten_existing=not os.environ.get("BALANCE_CONFIG_DIR"))
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    owner_only(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def remembered_scale() -> float:
    """The text size last chosen in any window (Ctrl+plus / Ctrl+minus)."""
    return S.load(qsettings()).font_scale


def remember_scale(scale: float) -> None:
    """Keep a text size chosen in the plan or replay window for every window's next run."""
    store = qsettings()
    settings = S.load(store)
    settings.font_scale = scale
    S.save(store, settings)
