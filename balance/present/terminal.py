"""``balance demo`` without a screen: the replay in the terminal, one line per second.

Qt-free. The protocol is the same object the window would feed, and the result text is
the window's result card (`balance.present.messages`).
"""

from __future__ import annotations

import math
import time

from balance.session import live
from balance.present import messages
from balance.protocols.base import Frame


def replay_in_terminal(feed, protocol_name: str, *, side: str | None = None,
                       realtime: float = 0.0, out=print) -> int:
    """Feed every frame of a `ReplayFeed` to the protocol and print what it measures.

    ``realtime`` > 0 paces the replay (1.0 = as recorded); 0 runs as fast as it computes.
    """
    profile = live.profile_from_metadata(feed.session.metadata)
    protocol = live.create_protocol(protocol_name, profile, image_size=feed.size,
                                    fps=feed.fps, side=side)
    out(f"{feed.description}: {len(feed)} frames at {feed.fps:g} fps, "
        f"test: {protocol.title or protocol.name}, person: {profile.person_id}"
        + (f", {profile.height_cm:g} cm" if profile.height_cm else ""))
    out("(no screen found: replaying in the terminal; `balance demo` opens the window "
        "where there is a display)")
    out(f"{'time':>6}  {'phase':<8} {'trial':>5} {'side':<5} {'hold s':>6} "
        f"{'sway ML/up cm':>14} {'score':>5}  instruction")
    start, last_print, last_phase, t = time.perf_counter(), -math.inf, None, 0.0
    while (item := feed.next()) is not None:
        t = item.t_s
        if realtime > 0:
            time.sleep(max(0.0, start + t / realtime - time.perf_counter()))
        image, world, detected = item.pose
        st = protocol.update(Frame(item.index, t, image, world, detected))
        for e in st.events:
            out(f"{e.t_s:6.2f}  event: {e.kind} {_payload(e.payload)}")
        if t - last_print >= 1.0 or st.phase != last_phase:
            out(_line(t, st))
            last_print, last_phase = t, st.phase
        if protocol.done:
            break
    reason = "done"
    if not protocol.done:
        reason = "end of recording"
        for e in protocol.stop(t, reason):
            out(f"{e.t_s:6.2f}  event: {e.kind} {_payload(e.payload)}")
    out("")
    out(messages.result_text(protocol.result(), profile, reason=reason))
    return 0


def _line(t, st) -> str:
    sway = (f"{st.sway_cm[0]:+6.2f}/{st.sway_cm[1]:+6.2f}" if st.sway_cm is not None
            else "-")
    score = f"{st.score:5.0f}" if st.score is not None else "    -"
    return (f"{t:6.2f}  {st.phase:<8} {st.trial:>5} {st.side or '-':<5} "
            f"{st.elapsed_s:6.1f} {sway:>14} {score}  {st.instruction}"
            + (f"  [{st.cue}]" if st.cue else ""))


def _payload(payload: dict) -> str:
    # Nested detail (the detector's own event) stays in the session file.
    return ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in (payload or {}).items() if not isinstance(v, (dict, list)))
