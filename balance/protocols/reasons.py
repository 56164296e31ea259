"""Why a run ended: one vocabulary for the window, the CLI, session files and results.

A protocol's own end rules (touchdown, cap...) name a trial's end themselves; these are the
reasons from outside the protocol, passed to ``Protocol.stop`` and stored as the
session's ``end_reason``.
"""

DONE = "done"                       # the protocol finished by itself
STOPPED = "stopped"                 # Space, or a new test replacing an unfinished one
DISCOMFORT = "discomfort"           # the Stop button or Esc: the person logged discomfort
CAMERA_LOST = "camera lost"         # a live source stopped delivering
SOURCE_ENDED = "end of recording"   # a file, a replay or an analysed video ran out
WINDOW_CLOSED = "window closed"
ERROR = "error"                     # the run failed; what was recorded is kept

# Spellings written by earlier versions.
_OLD = {"recording_ended": SOURCE_ENDED, "end of video": SOURCE_ENDED}


def normalise(reason: str | None) -> str | None:
    """The current spelling of ``reason`` (old session files used others)."""
    return _OLD.get(reason, reason)
