"""Keep native libraries' log lines off the user's terminal.

MediaPipe's LiteRT and absl write dozens of lines to file descriptor 2 per model load,
from their own threads, past any Python-level redirection. ``silence()`` points fd 2 at
/dev/null and gives Python's ``sys.stderr`` a private copy of the real terminal, so our
own messages still show. ``BALANCE_NATIVE_LOGS=1`` keeps the native lines.
"""

import os
import sys


def silence() -> None:
    """Route fd 2 to /dev/null, keeping ``sys.stderr`` on the original stream. Idempotent."""
    if os.environ.get("BALANCE_NATIVE_LOGS") or getattr(sys.stderr, "_balance_kept", False):
        return
    sys.stderr.flush()
    real = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(real, "w", buffering=1)
    sys.stderr._balance_kept = True
