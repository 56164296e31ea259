"""Start, stop and hold cues, so nobody has to watch the screen while balancing.

QtMultimedia's QSoundEffect plays the cues when this PySide6 has it (it ships in
PySide6-Addons, not in every PySide6-Essentials); otherwise a system player is used
(winsound, afplay, paplay, pw-play or aplay). With none of them, or no audio device, the
window stays silent and says so: a cue must never stop a test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from balance.present.tones import write_cues

_PLAYERS = (("paplay",), ("pw-play",), ("aplay", "-q"), ("afplay",))


class Sound:
    """Plays named cues ("start", "stop", "hold", "tick"); ``muted`` silences them."""

    def __init__(self, *, muted: bool = False, folder: Path | None = None):
        self.muted = muted
        self._tmp = None
        if folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="balance-cues-")
            folder = Path(self._tmp.name)
        self._paths = write_cues(folder)
        self._effects = _qt_effects(self._paths)
        self._command = None if self._effects else _system_player()
        self._children: list[subprocess.Popen] = []
        self.played: list[str] = []  # what was asked for, for tests and the log

    @property
    def backend(self) -> str:
        if self._effects:
            return "QtMultimedia"
        if self._command:
            return self._command[0]
        return "none"

    def play(self, name: str) -> None:
        if self.muted or name not in self._paths:
            return
        self.played.append(name)
        try:
            if self._effects:
                self._effects[name].play()
            elif self._command == ("winsound",):
                import winsound
                winsound.PlaySound(str(self._paths[name]),
                                   winsound.SND_FILENAME | winsound.SND_ASYNC)
            elif self._command:
                self._reap()
                self._children.append(subprocess.Popen(
                    [*self._command, str(self._paths[name])],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except Exception:  # no device, player vanished: silence beats a crash
            self._command, self._effects = None, {}

    def _reap(self) -> None:
        self._children = [p for p in self._children if p.poll() is None]

    def close(self) -> None:
        for p in self._children:
            if p.poll() is None:
                p.terminate()
        if self._tmp is not None:
            self._tmp.cleanup()


def _qt_effects(paths: dict[str, Path]) -> dict:
    try:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError:
        return {}
    try:
        if not QMediaDevices.audioOutputs():
            return {}
        effects = {}
        for name, path in paths.items():
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            effects[name] = effect
        return effects
    except Exception:
        return {}


def _system_player():
    if sys.platform == "win32":
        return ("winsound",)
    for cmd in _PLAYERS:
        if shutil.which(cmd[0]):
            return cmd
    return None
