"""A protocol run and its files: the only code that feeds a protocol.

The window's processing thread, ``analyze``, ``score``, ``import``, the terminal demo and
the plan walk all run a test through a `Recording`, and `balance.session.rescore` replays a
recorded one through it, so a result never depends on the path a session took.

What scores a run, and so what a session records to be replayed exactly: the frames, the
protocol and its options (metadata ``protocol``, ``protocol_options``), the tester's keys
(``tester_key`` events, with the number of frames seen before each), a logged discomfort
and the reason the run ended (metadata ``end_reason``).
"""

from __future__ import annotations

import numpy as np

from balance.protocols import reasons
from balance.protocols.base import Frame, Protocol, Status
from balance.storage.history import add_to_history
from balance.events import Event
from balance.storage.session import SessionWriter

TESTER_KEY = "tester_key"
DISCOMFORT_EVENT = "discomfort"


class Recording:
    """A protocol run and its session file: the part that must stay correct under stress.

    Times are rebased so the session starts at 0 s with its first frame, and frames are
    numbered from 0; the protocol sees the same times and numbers as the file. Every event
    goes to the file the moment it happens. ``video`` (from
    `balance.session.pipeline.open_session_video`, or None) gets the camera picture of
    every frame recorded, and no other, so frame i of the video is frame i of the session.
    ``protocol`` None records without scoring (``analyze`` with no test). A finished run
    with a protocol and a file goes into the history unless ``to_history`` is False.
    """

    def __init__(self, protocol: Protocol | None, writer: SessionWriter | None, video=None,
                 *, to_history: bool = True):
        self.protocol, self.writer, self.video = protocol, writer, video
        self.to_history = to_history
        self.t0: float | None = None
        self.t_last = 0.0
        self.frames = 0
        self.events: list[Event] = []
        self.ended: str | None = None
        self._trials_seen = 0
        self._phase = None
        self.history_problem: str | None = None  # why the session did not reach the history
        if writer is not None and protocol is not None:
            writer.update_metadata(protocol=protocol.name,
                                   protocol_options=getattr(protocol, "options", {}))

    def feed(self, t_src: float, image, world, detected,
             picture: np.ndarray | None = None) -> tuple[Status | None, dict | None]:
        """Score one frame and record it (``picture``: its BGR camera frame, for the
        video); returns the status (None without a protocol) and a trial result if one
        ended on it."""
        if self.t0 is None:
            self.t0 = t_src
        t = t_src - self.t0
        self.t_last = t
        if self.writer is not None:
            self.writer.write_frame(t, image, world, detected)
        if self.video is not None:
            self.video.write(picture)
        index, self.frames = self.frames, self.frames + 1
        if self.protocol is None or self.protocol.done:  # analyze records to the end
            return None, None
        status = self.protocol.update(Frame(index, t, image, world, detected))
        self._log(status.events)
        return status, self._new_trial_result(status)

    @property
    def protocol_done(self) -> bool:
        return self.protocol is not None and self.protocol.done

    def stop(self, reason: str, *, discomfort: bool = False, by: str = "") -> None:
        """End the run now (Stop, Esc, camera lost, source ended); the protocol marks its
        trial with ``reason`` (see `balance.protocols.reasons`)."""
        if self.ended:
            return
        # A test that finished by itself is done, however the recording ended later.
        reason = reasons.DONE if self.protocol_done else reasons.normalise(reason)
        t = self.t_last
        if discomfort:
            self._log([Event(t, DISCOMFORT_EVENT, {"by": by or "stop"})])
        if self.protocol is not None and not self.protocol.done:
            self._log(self.protocol.stop(t, reason))
        if reason == reasons.CAMERA_LOST:
            self._log([Event(t, "interrupted", {"reason": reason})])
        self.finish(reason)

    def tester_error(self, kind: str) -> bool:
        """An error the tester saw and the camera cannot (BESS: eyes opened), at the last
        frame's time. False when the protocol takes no such errors."""
        add = getattr(self.protocol, "add_error", None)
        if self.ended or add is None:
            return False
        self._log([Event(self.t_last, TESTER_KEY, {"kind": kind, "after_frames": self.frames})])
        self._log(add(self.t_last, kind))
        return True

    def finish(self, reason: str) -> dict | None:
        """Write the result and close the files; safe to call twice."""
        if self.ended:
            return self.result()
        self.ended = reasons.normalise(reason)
        result = self.result()
        if self.writer is not None:
            self.writer.update_metadata(result=result, end_reason=self.ended,
                                        interrupted=self.ended == reasons.CAMERA_LOST,
                                        frames=self.frames)
        self.close_files()
        if self.writer is not None and self.protocol is not None and self.to_history:
            _, self.history_problem = add_to_history(self.writer.path)
        return result

    def close_files(self) -> None:
        """Close the session file and the video; safe to call twice."""
        if self.video is not None:
            self.video.release()
        if self.writer is not None:
            self.writer.close()

    def result(self) -> dict | None:
        if self.protocol is None:
            return None
        try:
            return self.protocol.result().to_dict()
        except Exception as exc:  # a protocol bug must not lose the recording
            return {"protocol": getattr(self.protocol, "name", "?"), "trials": [],
                    "summary": {}, "error": f"{type(exc).__name__}: {exc}"}

    def _log(self, events) -> None:
        for e in events:
            self.events.append(e)
            if self.writer is not None:
                self.writer.write_event(e)

    def _new_trial_result(self, status: Status) -> dict | None:
        """The trial that just ended, found by its appearance in ``result()``.

        Asked only when something happened (events or a phase change), so a long hold
        does not build the result on every frame.
        """
        changed = status.phase != self._phase
        self._phase = status.phase
        if not (changed or status.events):
            return None
        trials = self.result().get("trials") or []
        if len(trials) > self._trials_seen:
            self._trials_seen = len(trials)
            return trials[-1]
        return None
