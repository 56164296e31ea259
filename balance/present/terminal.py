"""``balance demo`` without a screen: the replay in the terminal, one line per second.

Qt-free. The frames go through the same `Recording` the window's worker uses, and the
result text is the window's result card (`balance.present.messages`).

Rows are printed in time order: the detector dates a lift or touchdown back to the frame
it happened on, up to ``HOLD_S`` before it is sure, so lines wait that long (the end of
the replay prints the rest).
"""

from __future__ import annotations

import heapq
import math
import time

from balance.present import messages
from balance.profile import profile_from_metadata
from balance.protocols import reasons
from balance.session import live
from balance.session.recording import Recording

HOLD_S = 3.0  # the protocols keep this much for back-dating (BodyTracker.seen_frames)
HEADER = (f"{'time':>6}  {'phase':<8} {'trial':>5} {'side':<5} {'hold s':>6} "
          f"{'sway ML cm':>10} {'AP est.':>7} {'steady':>6}  instruction")
LEGEND = ("sway ML: the centre of mass side to side from the standing foot; AP est.: its "
          "lean ahead (+) of the feet, estimated from the camera's depth; both cm. steady: "
          "the steadiness so far, 0-100; the result's stability score is the steadiness "
          "scaled by the share of the target time held.")


def replay_in_terminal(feed, protocol_name: str, *, side: str | None = None,
                       realtime: float = 0.0, out=print) -> int:
    """Feed every frame of a recorded session (a feed from `live.open_feed`) through the
    session driver and print what the protocol measures.

    ``realtime`` > 0 paces the replay (1.0 = as recorded); 0 runs as fast as it computes.
    """
    profile = profile_from_metadata(feed.source.session.metadata)
    protocol = live.create_protocol(protocol_name, profile, image_size=feed.size,
                                    fps=feed.fps, side=side)
    out(f"{feed.description}: {len(feed)} frames at {feed.fps:g} fps, "
        f"test: {protocol.title or protocol.name}, person: {profile.person_id}"
        + (f", {profile.height_cm:g} cm" if profile.height_cm else ""))
    out("(no screen found: replaying in the terminal; `balance demo` opens the window "
        "where there is a display)")
    out(LEGEND)
    out(HEADER)
    rec, rows = Recording(protocol, None), _Rows(out)
    start, last_print, last_phase = time.perf_counter(), -math.inf, None
    while (item := feed.next()) is not None:
        if realtime > 0:
            time.sleep(max(0.0, start + item.t_s / realtime - time.perf_counter()))
        seen = len(rec.events)
        st, _ = rec.feed(item.t_s, *item.pose)
        rows.events(rec.events[seen:])
        if rec.t_last - last_print >= 1.0 or st.phase != last_phase:
            rows.add(rec.t_last, _line(rec.t_last, st))
            last_print, last_phase = rec.t_last, st.phase
        rows.flush(rec.t_last - HOLD_S)
        if rec.protocol_done:
            rec.finish(reasons.DONE)
            break
    seen = len(rec.events)
    rec.stop(reasons.SOURCE_ENDED)  # nothing happens when the test finished by itself
    rows.events(rec.events[seen:])
    rows.flush(math.inf)
    out("")
    out(messages.result_text(rec.result(), profile, reason=rec.ended))
    return 0


class _Rows:
    """Lines waiting to be printed, earliest first (ties keep their order)."""

    def __init__(self, out):
        self.out, self._heap, self._n = out, [], 0

    def add(self, t_s: float, text: str) -> None:
        heapq.heappush(self._heap, (t_s, self._n, text))
        self._n += 1

    def events(self, events) -> None:
        for e in events:
            self.add(e.t_s, f"{e.t_s:6.2f}  event: {e.kind} {_payload(e.payload)}")

    def flush(self, until: float) -> None:
        while self._heap and self._heap[0][0] <= until:
            self.out(heapq.heappop(self._heap)[2])


def _line(t, st) -> str:
    ml = f"{st.sway_cm[0]:+.2f}" if st.sway_cm is not None else "-"
    ap = f"{st.sway_ap_cm:+.2f}" if st.sway_ap_cm is not None else "-"
    score = f"{st.score:6.0f}" if st.score is not None else "     -"
    return (f"{t:6.2f}  {st.phase:<8} {st.trial:>5} {st.side or '-':<5} "
            f"{st.elapsed_s:6.1f} {ml:>10} {ap:>7} {score}  {st.instruction}"
            + (f"  [{st.cue}]" if st.cue else ""))


def _payload(payload: dict) -> str:
    # Nested detail (the detector's own event) stays in the session file.
    return ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in (payload or {}).items() if not isinstance(v, (dict, list)))
