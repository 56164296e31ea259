"""Free practice: no timer to beat, just live sway and a running stability score.

Stand on both feet or on one, as long as you like; every single-leg hold is kept as a
trial (no cap, arms free) so the session still shows what was done. Ends on Stop.
"""

from balance.protocols.base import Frame, Status
from balance.protocols.results import PracticeSummary
from balance.protocols.single_leg import SingleLegStance
from balance.protocols.view import GOOD, MESSAGES


class Practice(SingleLegStance):
    name = "practice"
    title = "Free practice"

    def __init__(self, profile, *, image_size, fps):
        super().__init__(profile, image_size=image_size, fps=fps, cap_s=60.0, arms="free")
        self.cap_s = float("inf")
        self._standing_ref = None

    def _remaining(self, side: str) -> bool:
        return True

    @property
    def done(self) -> bool:
        return self._stopped

    def update(self, frame: Frame) -> Status:
        was_running = self.current is not None
        st = super().update(frame)
        if self.current is None:
            self._track_standing(frame, was_running)
            st.phase = "running" if self.body.view_state == GOOD else "paused"
            st.instruction = ("Stand tall and still, or lift a foot when you are ready."
                              if st.phase == "running" else MESSAGES[self.body.view_state])
            self.live.show(st)
        st.remaining_s = None
        return st

    def _track_standing(self, frame: Frame, was_running: bool) -> None:
        """Between holds, sway about where the person first stood on both feet."""
        if was_running:
            self.live.reset()
            self._standing_ref = None
        if self.body.view_state != GOOD or self.body.px_per_cm is None:
            return
        h, v = self.body.com_cm(frame)
        if self._standing_ref is None:
            self._standing_ref = (h, v)
        self.live.push(h - self._standing_ref[0])

    def _summary(self) -> PracticeSummary:
        return PracticeSummary(best_hold_s=self._best(), scale=self.body.scale_note,
                               fps=self.fps, sway_axis=self._sway_axis(),
                               holds=len(self.trials),
                               practice_s=round(float(self._last_t), 1))
