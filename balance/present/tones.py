"""Short cue tones, made at run time as WAV files (nothing to ship, nothing to license).

Qt-free. Each cue is a distinct, soft sine pattern: a rising pair to start, a falling pair
to stop, a single short beep for "hold" (and the countdown).
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from balance.privacy import private_dir
from balance.storage.files import atomic_path, check_target

RATE = 22050
# cue -> list of (frequency Hz, duration s); 0 Hz is a pause.
CUES = {
    "start": [(660, 0.12), (0, 0.04), (880, 0.18)],
    "stop": [(880, 0.12), (0, 0.04), (523, 0.25)],
    "hold": [(784, 0.10)],
    "tick": [(1046, 0.05)],
}


def tone(pattern, *, rate: int = RATE, volume: float = 0.35) -> np.ndarray:
    """int16 mono samples of a pattern, with 10 ms fades so nothing clicks."""
    parts = []
    for freq, dur in pattern:
        n = int(rate * dur)
        t = np.arange(n) / rate
        x = np.sin(2 * np.pi * freq * t) if freq else np.zeros(n)
        fade = min(n // 2, int(0.01 * rate))
        if fade:
            ramp = np.linspace(0.0, 1.0, fade)
            x[:fade] *= ramp
            x[-fade:] *= ramp[::-1]
        parts.append(x)
    return (np.concatenate(parts) * volume * 32767).astype(np.int16)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def write_cues(folder: Path) -> dict[str, Path]:
    """Write every cue as ``folder/NAME.wav``, owner-only, each whole or not at all (a
    folder made for them, never files that are already there); returns name -> path."""
    private_dir(folder)
    paths = {name: folder / f"{name}.wav" for name in CUES}
    for path in paths.values():  # every name free before any is written: none half done
        check_target(path, overwrite=False)
    for name, pattern in CUES.items():
        with atomic_path(paths[name]) as tmp:
            tmp.write_bytes(wav_bytes(tone(pattern)))
    return paths
