"""Balance Error Scoring System (BESS) and the modified BESS, errors counted from the camera.

Three stances, 20 s each, eyes closed (declared), hands on the iliac crests: feet together
(double leg), standing on the non-dominant leg (single leg), and tandem with the
non-dominant foot behind. BESS runs them on a firm surface and then on a foam pad (six
trials); the modified BESS only the three firm ones. A trial starts by itself when its
stance has been seen for ``SETTLE_S`` (its clock back-dated to when the stance was first
seen) and runs its 20 s whatever happens; the person returns to the stance after an error.

Errors (1 each, at most ``MAX_ERRORS`` per trial; Riemann 1999):

* ``hands_off_hips``: the core's hands-off-hips event.
* ``step``: stepping, stumbling or falling: the core's stance-foot-moved or loss-of-balance
  event, the raised foot touching down (single leg), the feet leaving the stance placement
  for ``BROKEN_S``, or a foot that should be planted moving ``STEP_CM`` from where it stood
  (not while the feet are already out of the placement: that is the step back into it).
* ``hip_flexion_abduction``: the angle between a thigh and the trunk over
  ``HIP_ANGLE_DEG`` for ``HIP_MIN_S`` (see ``hip_angle_deg``).
* ``forefoot_heel_lift``: a foot lift (core event) of a foot that should be planted.
* ``out_of_position``: out of the test position (feet placement or hands) for more than
  ``OUT_OF_POSITION_S``; one error per such stretch, dated at its 5 s mark.
* anything the tester adds with ``add_error`` (the camera cannot see the eyes open).

Errors within ``SIMULTANEOUS_S`` of the last counted one are the same error: they are
listed under its ``also`` and not counted again. A trial in which the stance was never held
``MIN_HOLD_S`` in a row scores 10. Because the core's events arrive back-dated, a few
tenths of a second late, errors are settled in time order ``SETTLE_ERRORS_S`` behind the
newest frame (and all of them when the trial ends).

Each trial's result carries ``error_score`` (0-10, the BESS score: lower is better),
``error_count`` (before the cap), ``errors`` (each with t_s, kind, detail, counted, also),
``longest_hold_s`` and ``unable_to_hold``; its ``score`` stays the framework's stability
score (0-100 from the sway), as in every protocol. The surface (firm / foam) is declared by
the order of the trials, not seen. While the view is bad the clock pauses; after
``VIEW_LOST_S`` the trial is recorded as interrupted and the same trial is waited for again.
"""



from balance.core import events as ev
from balance.pose.landmarks import INDEX
from balance.protocols import feet
from balance.clinical import norms
from balance.protocols.base import Frame, Status
from balance.protocols.bess_errors import (
    DOUBLE, FIRM, FOAM, OTHER, MAX_ERRORS, MIN_HOLD_S, SETTLE_ERRORS_S, SIMULTANEOUS_S, SINGLE,
    STANCE_ORDER, TANDEM, TOGETHER_GAP, ErrorWatch, Seen,
)
from balance.protocols.results import BessSummary, ProtocolResult
from balance.protocols.stance_test import StanceTest
from balance.protocols.tracking import BodyTracker
from balance.protocols.trial import Trial
from balance.protocols.view import MESSAGES
from balance.events import Event

TRIAL_S = norms.BESS_TRIAL_S
ASSUMED_DOMINANT = "right"


class BESS(StanceTest):
    """Parameters: ``surfaces`` (("firm", "foam") for BESS; the modified BESS uses
    ("firm",)), ``stances`` (a subset of ``STANCE_ORDER`` to practise or re-test; all
    three by default), ``trial_s`` (20). The eyes are declared closed: the tester presses a key
    (``add_error``) when they open."""

    name = "bess"
    title = "Balance Error Scoring System (BESS)"
    surfaces_default = (FIRM, FOAM)

    def __init__(self, profile, *, image_size, fps, surfaces=None, stances=STANCE_ORDER,
                 trial_s: float = TRIAL_S):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.surfaces = tuple(surfaces or self.surfaces_default)
        if not set(self.surfaces) <= {FIRM, FOAM} or not set(stances) <= set(STANCE_ORDER):
            raise ValueError(f"surfaces are {FIRM}/{FOAM}, stances {', '.join(STANCE_ORDER)}")
        self.trial_s = float(trial_s)
        self.dominant = profile.dominant_leg or ASSUMED_DOMINANT
        self.stance_leg = OTHER[self.dominant]
        self.plan = [(s, k) for s in self.surfaces for k in STANCE_ORDER if k in stances]
        self.planned_trials = len(self.plan)
        self.body = BodyTracker(image_size, fps, profile.height_cm, rise_dating=False)
        self.trials: list[Trial] = []
        self.current: Trial | None = None
        self.step = 0
        self._seen = Seen()
        self._stopped = False

    # --- stance -----------------------------------------------------------------------

    @property
    def want(self) -> tuple[str, str] | None:
        return self.plan[self.step] if self.step < len(self.plan) else None

    def feet_ok(self, frame: Frame, stance: str) -> bool:
        """This frame's feet are in ``stance`` (see the module docstring)."""
        raised = feet.raised_foot(frame.image)
        if stance == SINGLE:
            return raised == self.dominant
        if raised is not None:
            return False
        kind, gap, _ = feet.placement(frame.image, frame.world, self.image_size[0],
                                      self.body.px_per_cm, self.body.height_cm)
        if stance == DOUBLE:
            return kind == feet.SIDE_BY_SIDE and \
                gap <= TOGETHER_GAP * feet.FOOT_WIDTH * self.body.height_cm
        return kind == feet.TANDEM and self._rear_foot(frame) == self.stance_leg

    @staticmethod
    def _rear_foot(frame: Frame) -> str:
        """The foot farther from the camera (MediaPipe world z grows away from it)."""
        z = {s: float(frame.world[INDEX[f"{s}_heel"], 2] + frame.world[INDEX[f"{s}_ankle"], 2])
             for s in OTHER}
        return "left" if z["left"] > z["right"] else "right"

    def planted(self, stance: str) -> tuple[str, ...]:
        return (self.stance_leg,) if stance == SINGLE else ("left", "right")

    # --- the state machine --------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._stopped or (self.current is None and self.want is None)


    def _wait(self, frame, good, found, out):
        surface, stance = self.want
        start = self._seen.update(frame.t_s, good and self.feet_ok(frame, stance))
        if start is not None:
            if stance == SINGLE:  # the lift event dates the start to the frame
                lifts = [e.t_s for e in self._found if e.kind == ev.FOOT_LIFT
                         and e.side == self.dominant and start - 0.5 <= e.t_s <= start]
                start = lifts[-1] if lifts else start
            self._begin(start, surface, stance, out)

    def _begin(self, t_s, surface, stance, out):
        index = next((f.index for f in self._recent if f.t_s >= t_s), self.body.last_index)
        side = None if stance == DOUBLE else self.stance_leg
        extra = {"surface": surface, "eyes": "closed",
                 "raised_foot": self.dominant if stance == SINGLE else None,
                 "rear_foot": self.stance_leg if stance == TANDEM else None}
        self.current = Trial(len(self.trials) + 1, side, stance, t_s, index,
                             target_s=self.trial_s, extra=extra)
        # The floor levels must come from the feet as placed now; a lift needs a little
        # of the standing before it.
        back = int(round(1.0 * self.fps)) if stance == SINGLE else 0
        self.body.set_epoch(max(index - back, 0))
        self._watch = ErrorWatch(self, stance, t_s)
        self._watch.events(self._found)  # found while the stance was being recognised
        self._found.clear()
        for f in self._recent:
            if f.index >= index:
                self._watch.frame(f)
        out.append(Event(t_s, "trial_start", {"trial": self.current.number,
                                              "surface": surface, "stance": stance,
                                              "side": side, "frame": index}))

    def _run(self, frame, good, found, out):
        trial = self.current
        lost = trial.watch_view(frame.t_s, good)
        if lost is not None:
            self._end(lost, "view_lost", out)
        if not good:
            return
        self._watch.events(found)
        self._watch.frame(frame)
        end_t = trial.start_t + trial.paused_s + self.trial_s
        if frame.t_s >= end_t:
            self._end(end_t, "completed", out)
        else:
            out += self._watch.settle(frame.t_s - SETTLE_ERRORS_S)

    def _end(self, t_s, reason, out):
        trial, watch = self.current, self._watch
        watch.events(self.body.flush())  # events of the last frames
        trial.end(t_s, self.body.last_index + 1, reason)
        out += watch.settle(t_s)
        trial.extra.update(watch.summary(t_s))
        self.trials.append(trial)
        self.current = None
        self._seen.reset()
        out.append(Event(trial.end_t, "trial_end", {
            "trial": trial.number, "reason": reason, "surface": trial.extra["surface"],
            "stance": trial.stance, "error_score": trial.extra["error_score"]}))
        if reason == "completed":
            self.step += 1
        self.body.set_epoch(self.body.last_index + 1)

    def add_error(self, t_s: float, kind: str = "eyes_opened") -> list[Event]:
        """The tester's key: an error the camera cannot see (eyes opened, ...) at ``t_s``.
        Counted in the running trial like any other, so its "bess_error" event comes with
        the settled errors (up to ``SETTLE_ERRORS_S`` later); ignored between trials."""
        trial = self.current
        if trial is None or t_s < trial.start_t:
            return []
        self._watch.add(t_s, kind, "tester")
        return []

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out = []
        if self.current is not None:
            self._end(t_s, reason, out)
        self._stopped = True
        return out

    # --- reporting ------------------------------------------------------------------------

    def _status(self, frame, good, out) -> Status:
        st = Status(events=out, trial=min(self.step + 1, len(self.plan)))
        trial = self.current
        if trial is not None:
            st.side, st.phase = trial.side, "running" if good else "paused"
            st.elapsed_s = trial.elapsed(frame.t_s)
            st.remaining_s = max(0.0, self.trial_s - st.elapsed_s)
            st.instruction = ("Eyes closed, hands on hips. Hold still." if good
                              else MESSAGES[self.body.view_state])
            trial.show_sway(st)
            st.metrics = {"bess_errors": self._watch.count}  # counted so far (settled)
            return st
        if self.done:
            st.phase, st.instruction = "done", "Test finished. Check both feet for blisters."
            return st
        st.phase = "waiting" if good else "paused"
        st.instruction = self.instruction() if good else MESSAGES[self.body.view_state]
        return st

    def instruction(self) -> str:
        """What to do for the next trial, with the surface change before the foam set."""
        surface, stance = self.want
        text = {
            DOUBLE: "Feet together, hands on hips, eyes closed.",
            SINGLE: f"Stand on your {self.stance_leg} leg, hands on hips, eyes closed: "
                    f"lift your {self.dominant} foot, hip and knee bent.",
            TANDEM: f"One foot in front of the other, heel to toe, your {self.stance_leg} "
                    "foot behind. Hands on hips, eyes closed.",
        }[stance]
        if surface == FOAM and (surface, stance) == next(p for p in self.plan if p[0] == FOAM):
            return "Place the foam pad in front of you and stand on it. " + text
        return ("On the foam pad: " if surface == FOAM else "") + text

    def result(self) -> ProtocolResult:
        trials = [t.result(self.fps, self.body.camera_view(t)) for t in self.trials]
        for t in trials:
            t.complete = t.end_reason == "completed"
        return ProtocolResult(self.name, trials, self._summary(trials))

    def _summary(self, trials) -> BessSummary:
        done = {(t.surface, t.stance): t for t in trials if t.complete}
        missing = [f"{s} {k}" for s, k in self.plan if (s, k) not in done]
        scores = {key: t.error_score for key, t in done.items()}
        return BessSummary(
            total_score=None if missing else sum(scores.values()),
            score_so_far=sum(scores.values()),
            by_stance={k: sum(v for (s, kk), v in scores.items() if kk == k)
                       for k in STANCE_ORDER},
            by_surface={s: sum(v for (ss, k), v in scores.items() if ss == s)
                        for s in self.surfaces},
            missing_trials=missing,
            surfaces=list(self.surfaces), trial_s=self.trial_s, eyes="closed (declared)",
            dominant_leg=self.dominant if self.profile.dominant_leg else
            f"{ASSUMED_DOMINANT} (assumed: not in the profile)",
            stance_leg=self.stance_leg,
            scoring=(f"1 per error, at most {MAX_ERRORS} per trial; errors within "
                     f"{SIMULTANEOUS_S:g} s of a counted one count once; a stance not held "
                     f"{MIN_HOLD_S:g} s scores {MAX_ERRORS}; lower is better"),
            sources=[norms.RIEMANN_1999.citation, norms.BELL_2011.citation],
            scale=self.body.scale_note, fps=self.fps)


class ModifiedBESS(BESS):
    """The modified BESS: the three firm-surface trials only."""

    name = "mbess"
    title = "Modified BESS (firm surface)"
    surfaces_default = (FIRM,)
