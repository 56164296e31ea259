"""Single-leg stance (unipedal stance test), left and right, best of three per side.

A trial starts by itself when a foot leaves the floor after a steady stance on both feet,
and ends on the first of the test's own criteria: the raised foot touching down, the
raised foot resting on the stance leg, the stance foot moving (hop, pivot, shift), the
hands leaving the hips, or the cap (30/45/60 s). The detector's loss of balance is not
one of them: a real fall ends in a touchdown or a hop, while a camera's centre of mass
can sit several cm to one side of the foot it balances on (the segment table, clothing,
the raised leg) and would end steady holds. ``side`` is the stance leg: lifting the right
foot tests the left leg. While the view is bad the clock pauses; after ``VIEW_LOST_S`` of
bad view the trial ends as interrupted, counting only what was seen.

Timing: the hold runs from toe-off (the first frame with the whole foot off the floor)
to first contact, both dated back by the detector on the foot's lowest point. A bad view
shorter than ``GAP_S`` neither resets the steadiness nor loses a lift seen during it, and
during a trial it counts as held (a stopwatch does not stop for a dropped frame). A
lift is heard of up to a second after toe-off: one dated before a longer bad view (or in
it, under ``VIEW_LOST_S``) still starts its trial, paused over what was not seen. A
toe-tap or shuffle (under ``FIDGET_S`` with the foot under ``FIDGET_CM``, or under
``TAP_S`` with it under ``TAP_CM``: a tap's brief flight reads noisy), a fragment
under ``FIDGET_S`` cut by the end of the recording, and a step into a new stance (within
``STEP_S`` of the lift the foot is down again, ``STEP_CM`` or more from where it left, as
when stepping into warrior II) are not attempts: they are dropped and use none of the
three. The fall-risk line (5 s) applies to completed trials only.

Foot on leg and steps are judged in 3-D from the world landmarks where a frame has them
(``leg_contact``: off the optical axis a foot held behind the leg overlaps it in the
picture), from the image only for a landmark CSV.
"""

from collections import deque
import statistics

import numpy as np

from balance.core import edge_dating, events as ev
from balance.clinical import norms
from balance.protocols import feet, leg_contact as contact
from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.results import ProtocolResult, SingleLegSummary
from balance.protocols.tracking import BodyTracker
from balance.protocols.trial import VIEW_LOST_S, LiveSway, Trial, axis_text
from balance.protocols.view import GOOD, MESSAGES
from balance.events import Event

CAPS_S = (30.0, 45.0, 60.0)
# A foot up whose lift is not dated yet (the detector waits for the whole rise, up to a
# second): the clock will start from when it left the floor.
RISING = "Hold it: timing from when your foot left the floor."
RISE_WAIT_S = edge_dating.RISE_S + 0.3
STEADY_S = 1.0        # both feet still on the floor this long before a lift counts
FOOT_ON_LEG_CM = 3.0  # raised ankle this close to the stance shank in the image = on it
# In 3-D the ankle joint resting on the calf is ~10 cm from the shank's axis (calf and
# heel between them); a foot held behind or in front is >= 20 cm from it (bench: 21-42).
# The median over FOOT_ON_LEG_S takes out the world landmarks' depth noise.
FOOT_ON_LEG_WORLD_CM = 15.0
# Once under it, the foot stays on the leg until that median is back to where a held foot
# is (a hysteresis): the median still wanders 3-6 cm at rest, and a wander over 15 cm
# restarted the run, dating the foot's arrival up to 0.3 s late.
FOOT_OFF_LEG_WORLD_CM = 20.0
# A raised ankle this far in front of the stance ankle is not on the calf: a foot held
# low in front (hip flexed) of a short, narrow person passes 12-16 cm from the calf's
# lower end, inside FOOT_ON_LEG_WORLD_CM, 8-10 cm ahead; one resting on the calf is
# about 10 cm behind (bench).
FOOT_IN_FRONT_CM = 3.0
FOOT_ON_LEG_S = 0.2
# The foot's arrival on the calf is the end of its movement there, fitted over this long
# before the distance first read under the limit (the bench's moves take 0.35-0.5 s) ...
ARRIVAL_S = 1.2
ARRIVAL_SLACK_S = 0.6  # ... and taken when it is within this of that first reading
STEP_S = 2.0          # a foot set down this soon ...
STEP_CM = 50.0        # ... this far (across the floor) from where it left is a step
FLOOR_CM = 6.0        # in the world, a foot this little above the other is on the floor
GAP_S = 0.3           # a bad view shorter than this keeps the steadiness and its lifts
FIDGET_S = 1.0        # a trial shorter than this whose foot rose under FIDGET_CM ...
FIDGET_CM = 5.0       # ... (a toe-tap, a shuffle) or that a stop cut is not an attempt
# A toe-tap is 0.2-0.4 s in the air with the whole foot 2-4 cm up. At 15 fps and 2 px a
# 4 cm tap's clearance reads up to ~5.1 cm (the image's lowest point, 1.2 cm noise SD,
# peak of a few samples), over FIDGET_CM; its trial reads 0.13-0.47 s. So a trial under
# TAP_S (the longest tap's air time plus 0.1 s of dating) is a tap below TAP_CM: 4 cm
# plus three such noise SDs. A real lift clears 12-30 cm knee bent, so a real attempt of
# under 0.5 s still counts; a hip-flexed one of 3-8 cm that short is a tap on camera.
TAP_S = 0.5
TAP_CM = 8.0
# An end is certain up to ~0.45 s after it happened (a touchdown: 0.1 s past the off
# level, 0.25 s settling, the filter's delay), so the cap waits this long for an end
# dated before it: at 15 fps a foot set down 0.1-0.7 s before 45 s read as a capped hold.
CAP_WAIT_S = 0.5
OTHER = {"left": "right", "right": "left"}
NO_GAP = (-np.inf, -np.inf, None)

END_TEXT = {
    "touchdown": "the raised foot touched down",
    "foot_on_leg": "the raised foot rested on the standing leg",
    "stance_foot_moved": "the standing foot moved",
    "hands_off_hips": "the hands left the hips",
    "loss_of_balance": "balance was lost",  # trials scored before it stopped ending one
    "cap": "the full time was reached",
    "view_lost": "the body left the camera's view",
}


class SingleLegStance(Protocol):
    """Parameters: ``sides`` (stance legs to test), ``trials_per_side`` (3),
    ``cap_s`` (30, 45 or 60), ``eyes`` ("open"/"closed", declared), ``arms`` ("hips"
    checks the hands; "crossed" does not)."""

    name = "single-leg-stance"
    title = "Single-leg stance"

    def __init__(self, profile, *, image_size, fps, sides=("left", "right"),
                 trials_per_side: int = 3, cap_s: float = 45.0, eyes: str = "open",
                 arms: str = "hips"):
        super().__init__(profile, image_size=image_size, fps=fps)
        if cap_s not in CAPS_S:
            raise ValueError(f"cap must be one of {CAPS_S} s")
        if arms not in ("hips", "crossed", "free"):
            raise ValueError(f"arms must be 'hips', 'crossed' or 'free', not {arms!r}")
        self.sides, self.trials_per_side = tuple(sides), trials_per_side
        self.planned_trials = len(self.sides) * trials_per_side  # fewer when a hold is capped
        self.cap_s, self.eyes, self.arms = float(cap_s), eyes, arms
        self.body = BodyTracker(image_size, fps, profile.height_cm)
        self.trials: list[Trial] = []
        self._scored_trials: list = []  # ``_scored``'s cache, one entry per kept trial
        self.current: Trial | None = None
        self._cap: tuple[int, float] | None = None  # the current trial's first frame past its
        #                                             cap, and the cap's time
        self._unseen = deque(maxlen=int(3 * fps) + 1)  # recent frames with a bad view
        self._refused: tuple[str, str] | None = None  # (raised foot, why) of a lift not taken
        self._steady_since: float | None = None
        self._bad_since: float | None = None
        self._held: list = []  # events seen during a short bad view, waiting
        # The last bad view with no trial running: (from, to (inf while it lasts), the
        # steadiness before it), s: a lift heard of after it may have left the floor before.
        self._gap: tuple = NO_GAP
        self._last_t = 0.0
        self._on_leg_since: float | None = None
        self._leg_cm = deque(maxlen=max(2, round(FOOT_ON_LEG_S * fps)))  # world distances
        self._ref = np.array([np.nan, np.nan])  # stance-foot position at the lift, cm
        self._apart = np.array([np.nan, np.nan])  # raised minus stance ankle at the lift
        self.live = LiveSway(fps)
        self._stopped = False
        # A foot raised in the picture since, s (-inf: since a trial that has ended).
        self._up_since: float | None = None

    # --- the state machine --------------------------------------------------------------

    def update(self, frame: Frame) -> Status:
        self._last_t = frame.t_s
        if self.current is None:  # a foot raised in the picture, no clock running: since
            up = feet.raised_foot(frame.image) is not None
            self._up_since = (self._up_since or frame.t_s) if up else None
        found = self.body.push(frame)
        out: list[Event] = []
        good = self.body.view_state == GOOD
        if not good:
            self._unseen.append(frame.index)
        if self.current is not None:
            self._track(frame, good, found, out)
        elif not self.done:
            self._wait(frame, good, found, out)
        return self._status(frame, good, out)

    def _wait(self, frame, good, found, out):
        if not good:
            if self._bad_since is None:
                self._bad_since, self._gap = frame.t_s, (frame.t_s, np.inf, self._steady_since)
            self._held += found  # a lift during a short gap is taken when the view returns
            if not self._take(self._held, out, before=self._bad_since) and \
                    frame.t_s - self._bad_since >= GAP_S:  # no steadiness seen from here on
                self._steady_since = None
                self._held = [e for e in self._held if e.kind == ev.FOOT_LIFT]
            return
        if self._bad_since is not None:
            self._gap = (self._gap[0], frame.t_s, self._gap[2])
        found, self._held, self._bad_since = self._held + found, [], None
        # Steady since the foot came down (a touchdown's dated time), not since the
        # detector was sure of it 0.3-0.5 s later: at 15 fps and 2 px a stance foot's
        # brief "lift" 1.3 s before the real one left it 0.4 s short of STEADY_S.
        downs = [e.t_s for e in found if e.kind == ev.TOUCHDOWN]
        if downs:
            self._steady_since = max(downs)
        elif self._steady_since is None:
            self._steady_since = frame.t_s
        if self._refused and any(e.kind == ev.TOUCHDOWN and e.side == self._refused[0] for e in found):
            self._refused = None
        self._take(found, out)

    def _take(self, found, out, before=np.inf) -> bool:
        """Start the trial of the first lift in ``found`` (dated before ``before`` s) that
        may start one, and keep the events after it for the trial; True if one started.
        A lift is heard of up to a second late (``edge_dating.RISE_S``): one dated before
        the last bad view, or in it when it was shorter than ``VIEW_LOST_S`` (what a
        running trial survives), is judged by the steadiness seen before it."""
        for e in found:
            if e.kind != ev.FOOT_LIFT or not e.t_s < before:
                continue
            stance = OTHER[e.side]
            gap = self._gap  # left the floor before the last bad view, or in a short one
            before_gap = e.t_s < gap[0] or (e.t_s < gap[1] and gap[1] - gap[0] < VIEW_LOST_S)
            since = gap[2] if before_gap else self._steady_since
            ready = since is not None and e.t_s - since >= STEADY_S
            if ready and self._remaining(stance):
                self._refused = None
                self._start(e, stance, out)
                self._held = [x for x in found if x is not e]  # the trial's own ends
                return True
            self._refused = (e.side, _why_not(ready, stance))
        return False

    def _start(self, lift: ev.Event, stance: str, out):
        number = len(self.trials) + 1
        self._gap = NO_GAP  # the trial watches the view from here on (and since the lift)
        self.current = Trial(number, stance, "single_leg", lift.t_s, lift.frame,
                             target_s=self.cap_s if np.isfinite(self.cap_s) else None,
                             extra={"eyes": self.eyes, "raised_foot": lift.side})
        self.current.replay_view(self.body.bad_views(lift.t_s), keep_s=GAP_S)
        seen = self.body.seen_frames()
        before = [f for f in seen if f.index <= lift.frame][-5:]
        ref = [self.body.foot_cm(f.image, stance) for f in before]
        self._ref = np.nanmedian(np.array(ref or [(np.nan, np.nan)]), axis=0)
        apart = [self._feet_apart(f, lift.side, stance) for f in before]
        self._apart = np.nanmedian(np.array(apart or [(np.nan, np.nan)]), axis=0)
        self.live.reset()
        self._cap = None
        for f in seen:
            if f.index >= lift.frame:
                self._sample(f)
        out.append(Event(lift.t_s, "trial_start", {"trial": number, "side": stance,
                                                  "frame": lift.frame}))

    def _track(self, frame, good, found, out):
        trial = self.current
        found, self._held = self._held + found, []
        lost = trial.watch_view(frame.t_s, good, keep_s=GAP_S)
        if lost is not None:
            reason = self._end_event(trial, found)  # an end dated before the view went
            if reason is not None and reason[0].t_s <= lost:
                return self._end_at(reason, out)
            return self._end(lost, frame.index, "view_lost", out)
        if not good:
            self._held = found  # an end found during a short gap is taken when it returns
            return
        self._sample(frame)
        if self._cap is None and trial.elapsed(frame.t_s) >= self.cap_s:  # never for practice
            self._cap = (frame.index + 1, trial.start_t + trial.paused_s + self.cap_s)
        reason = self._end_event(trial, found)
        if reason is not None:
            self._end_at(reason, out)
        elif self._stepped(frame, trial):
            self._end(frame.t_s, frame.index, "stepped", out)
        elif self._foot_on_leg(frame, trial):
            self._end(self._arrival(frame, trial), frame.index, "foot_on_leg", out)
        elif trial.elapsed(frame.t_s) >= self.cap_s + CAP_WAIT_S:
            self._end(frame.t_s, frame.index, "cap", out)

    def _end_at(self, found_end, out):
        """``_end`` at an end event: ``found_end`` is ``_end_event``'s (event, reason)."""
        event, reason = found_end
        self._end(event.t_s, event.frame, reason, out, event)

    def _end(self, t_s, frame_index, reason, out, event=None):
        """``_finish`` the trial, or at its cap when the end came after it."""
        if self._cap is not None and t_s >= self._cap[1]:
            (frame_index, t_s), reason, event = self._cap, "cap", None
        self._finish(t_s, frame_index, reason, out, event)

    def _end_event(self, trial, found):
        """The first event in ``found`` that ends the trial, with its end reason."""
        for e in sorted(found, key=lambda e: e.frame):
            if e.frame < trial.start_frame:
                continue
            if e.kind == ev.TOUCHDOWN and e.side == trial.extra["raised_foot"]:
                return e, "touchdown"
            if e.frame in self._unseen and e.kind != ev.TOUCHDOWN:
                continue  # a posture read off someone else, or across a jump: no evidence
            if e.kind == ev.STANCE_FOOT_MOVED:
                return e, "stance_foot_moved"
            if e.kind == ev.HANDS_OFF_HIPS and self.arms == "hips":
                return e, "hands_off_hips"
        return None

    def _foot_on_leg(self, frame, trial) -> bool:
        """The raised ankle on the stance shank for ``FOOT_ON_LEG_S``: within
        ``FOOT_ON_LEG_WORLD_CM`` of it in 3-D (the median of the last ``FOOT_ON_LEG_S``)
        and not ``FOOT_IN_FRONT_CM`` ahead of the stance ankle, with world landmarks (and
        then on until ``FOOT_OFF_LEG_WORLD_CM``; never a foot on the floor, under
        ``FLOOR_CM`` above the other), else within ``FOOT_ON_LEG_CM`` in the image."""
        raised = trial.extra["raised_foot"]
        d = contact.ankle_to_calf_world_cm(frame.world, raised, trial.side, self.body.world_cm)
        if contact.ahead_of_ankle_cm(frame.world, raised, trial.side,
                                     self.body.world_cm) > FOOT_IN_FRONT_CM:
            d = float("inf")  # held in front, not on the calf
        if d < FOOT_OFF_LEG_WORLD_CM and contact.world_height_cm(
                frame.world, raised, trial.side, self.body.world_cm) < FLOOR_CM:
            d = float("inf")  # set down beside the standing foot, not resting on the calf
        if d == d:
            self._leg_cm.append(d)
            limit = FOOT_ON_LEG_WORLD_CM if self._on_leg_since is None else FOOT_OFF_LEG_WORLD_CM
            on = statistics.median(self._leg_cm) < limit  # a few floats: no NumPy call per frame
        else:
            on = contact.ankle_to_shank_image_cm(frame.image, self.image_size, raised,
                                                 trial.side, self.body.px_per_cm) < FOOT_ON_LEG_CM
        if on:
            self._on_leg_since = self._on_leg_since if self._on_leg_since is not None \
                else frame.t_s
            return frame.t_s - self._on_leg_since >= FOOT_ON_LEG_S
        self._on_leg_since = None
        return False

    def _arrival(self, frame, trial) -> float:
        """When the raised foot came to rest on the leg, s: the first frame at the end of
        its one movement there (``edge_dating.movement_ends`` of the ankle's path,
        ``leg_contact.ankle_path_cm``, over ``ARRIVAL_S`` before the run under the limit
        began), or the run's start when the fit finds no end within ``ARRIVAL_SLACK_S``
        of it: a distance limit is crossed wherever the noise takes it, before the foot
        is at rest or (a calf read 16 cm away at rest) up to 0.3 s after."""
        since = self._on_leg_since
        frames = [f for f in self.body.seen_frames() if since - ARRIVAL_S <= f.t_s <= frame.t_s]
        path = contact.ankle_path_cm(frames, trial.extra["raised_foot"], trial.side,
                                     self.image_size, self.body.px_per_cm, self.body.world_cm)
        t = np.array([f.t_s for f in frames])
        end = edge_dating.movement_ends(t, path)[1]
        if not (abs(end - since) <= ARRIVAL_SLACK_S and trial.start_t < end):
            return since
        return float(t[min(int(np.searchsorted(t, end - 1e-9)), len(t) - 1)])

    def _stepped(self, frame, trial) -> bool:
        """Within ``STEP_S`` of the lift, the raised foot is on the floor again (under
        ``FLOOR_CM`` above the other in the world) ``STEP_CM`` or more across the floor
        from where it left. Without world landmarks (a landmark CSV) only the distance
        across the picture is known, and the height is not checked."""
        if trial.elapsed(frame.t_s) >= STEP_S:
            return False
        raised = trial.extra["raised_foot"]
        moved = np.hypot(*(self._feet_apart(frame, raised, trial.side) - self._apart))
        height = contact.world_height_cm(frame.world, raised, trial.side, self.body.world_cm)
        return bool(moved >= STEP_CM) and not height >= FLOOR_CM  # NaN height: no depth

    def _feet_apart(self, frame, raised, stance):
        return contact.feet_apart_cm(frame.image, frame.world, self.image_size, raised, stance,
                                     self.body.px_per_cm, self.body.world_cm)

    def _finish(self, t_s, frame_index, reason, out, event=None):
        trial = self.current
        trial.end(t_s, frame_index, reason)
        self.current = None
        self._leg_cm.clear()
        self._up_since = -np.inf  # a foot still up is this trial's: it starts no clock
        if self._no_attempt(trial, reason, event):
            self._steady_since = t_s  # steady again from the fidget's end
            self._on_leg_since = None
            out.append(Event(trial.end_t, "trial_discarded", {"side": trial.side,
                                                              "reason": reason}))
            return
        self.trials.append(trial)
        self._steady_since = None
        self._on_leg_since = None
        payload = {"trial": trial.number, "side": trial.side, "reason": reason,
                   "hold_time_s": round(trial.hold_time_s(), 3)}
        if event is not None:
            payload["event"] = event.to_dict()
        out.append(Event(trial.end_t, "trial_end", payload))

    @staticmethod
    def _no_attempt(trial, reason, event) -> bool:
        """A trial that is no attempt: a step into a new stance, or a short one: a toe-tap
        or shuffle (the foot never rose ``FIDGET_CM``; under ``TAP_S``, ``TAP_CM``), or a
        fragment the end of the recording cut."""
        if reason == "stepped":
            return True
        if trial.hold_time_s() >= FIDGET_S:
            return False
        if _interrupted(reason):
            return reason != "view_lost"  # cut by a stop or the end of the recording
        payload = (event.payload or {}) if event is not None else {}
        # The foot's rise: the sole's clearance (a heel raise lifts the foot's mean, not
        # its lowest point), or the smoothed mean's top where that is lower: at 15 fps and
        # 2 px the lowest point's peak over a tap's few samples read 5.5 cm, its mean 4.
        rises = [v for v in (payload.get("clearance_cm"), payload.get("height_cm"))
                 if v is not None]
        limit = TAP_CM if trial.hold_time_s() < TAP_S else FIDGET_CM
        return not rises or min(rises) < limit

    # --- helpers --------------------------------------------------------------------------

    def _sample(self, frame: Frame):
        h, v = self.body.com_cm(frame)
        h, v = h - self._ref[0], v - self._ref[1]
        self.body.sample(self.current, frame, h, v)
        self.live.push(h)

    def _remaining(self, side: str) -> bool:
        done = [t for t in self.trials if t.side == side]
        capped = any(t.end_reason == "cap" for t in done)
        return side in self.sides and len(done) < self.trials_per_side and not capped

    def _next_side(self) -> str | None:
        todo = [s for s in self.sides if self._remaining(s)]
        if not todo:
            return None
        counts = {s: sum(t.side == s for t in self.trials) for s in todo}
        return min(todo, key=lambda s: counts[s])

    @property
    def done(self) -> bool:
        return self._stopped or (self.current is None and self._next_side() is None)

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out = []
        if self.current is not None:
            self._end(t_s, 1 << 62, reason, out)  # in the cap's wait: capped
        self._stopped = True
        return out

    def _status(self, frame, good, out) -> Status:
        trial = self.current
        st = Status(events=out)
        if trial is not None:
            st.trial, st.side = trial.number, trial.side
            st.elapsed_s = min(trial.elapsed(frame.t_s), self.cap_s)  # the cap waits a little
            st.remaining_s = max(0.0, self.cap_s - st.elapsed_s)
            trial.show_sway(st)
            # Live: the steadiness so far. The trial's final score also weighs the hold
            # time against the cap, which would read as a low score early in every hold.
            self.live.show(st)
            st.phase = "running" if good else "paused"
            st.instruction = ("Hold it. Stay tall." if good else MESSAGES[self.body.view_state])
            return st
        if self.done:
            st.phase, st.instruction = "done", "Done. Well balanced! Check both feet."
            return st
        st.phase = "waiting" if good else "paused"
        nxt = self._next_side()
        # A lift of either foot starts the trial of a leg with trials left: name a leg
        # only when it is the one a lift would test, or the one behind.
        either = all(self._remaining(s) for s in self.sides) and len(self.sides) == 2 and \
            len({sum(t.side == s for t in self.trials) for s in self.sides}) == 1
        st.side, st.trial = (None if either else nxt), len(self.trials) + 1
        if not good:
            st.instruction = MESSAGES[self.body.view_state]
        elif self._refused:  # standing on one leg, and no clock running: say why
            st.instruction = self._refused[1]
        elif self._rising(frame.t_s):
            st.instruction = RISING
        elif either:
            st.instruction = "Hands on hips. Stand on one leg: lift either foot when ready."
        else:
            st.instruction = (f"Hands on hips. Stand on your {nxt} leg: lift your "
                              f"{OTHER[nxt]} foot when ready.")
        return st

    def _rising(self, t_s: float) -> bool:
        """A foot raised since the last trial ended, for no longer than its lift takes to
        be dated (``edge_dating.RISE_S``, and a little)."""
        return self._up_since is not None and t_s - self._up_since <= RISE_WAIT_S

    # --- the result -----------------------------------------------------------------------

    def result(self) -> ProtocolResult:
        return ProtocolResult(self.name, [r for r, _ in self._scored()], self._summary())

    def _scored(self) -> list:
        """(result, camera view) of each kept trial, computed once: a kept trial no longer
        changes, and the result is asked after every trial (a 20-minute practice has 60)."""
        for t in self.trials[len(self._scored_trials):]:
            view = self.body.camera_view(t)
            r = t.result(self.fps, view)
            r.end_text = END_TEXT.get(r.end_reason, r.end_reason)
            self._scored_trials.append((r, view))
        return self._scored_trials

    def _best(self) -> dict:
        """The best hold per stance leg, s, None for a leg not tested yet."""
        best = {}
        for side in self.sides:
            holds = [t.hold_time_s() for t in self.trials if t.side == side]
            best[side] = round(max(holds), 3) if holds else None
        return best

    def _fall_risk(self) -> bool:
        """Best completed hold of a tested leg under the 5 s line; interrupted trials
        (view lost, stopped, end of recording) say nothing about it."""
        best = {}
        for t in self.trials:
            if not _interrupted(t.end_reason):
                best[t.side] = max(best.get(t.side, 0.0), t.hold_time_s())
        return bool(best) and min(best.values()) < norms.FALL_RISK_SLS_S

    def _sway_axis(self) -> str | None:
        return axis_text([v for _, v in self._scored()], bool(self.body.world_cm))

    def _summary(self) -> SingleLegSummary:
        best = self._best()
        both = [v for v in best.values() if v is not None]
        asym = None
        if len(both) == 2 and max(both) > 0:
            asym = round(abs(both[0] - both[1]) / max(both), 3)
        p = self.profile
        comparisons = {side: [c.to_dict() for c in norms.compare_sls(
            b, age=p.age, sex=p.sex, eyes=self.eyes)] for side, b in best.items() if b is not None}
        return SingleLegSummary(
            eyes=self.eyes, cap_s=self.cap_s, arms=self.arms, best_hold_s=best,
            asymmetry=asym, fall_risk=self._fall_risk(),
            norms=comparisons, scale=self.body.scale_note, fps=self.fps,
            sway_axis=self._sway_axis())


def _why_not(ready: bool, stance: str) -> str:
    """Why a lift started no trial, in the words the person standing on one leg reads."""
    if not ready:
        return (f"Not timed yet: put both feet down and stand still for {STEADY_S:g} s, "
                "then lift your foot.")
    return f"Your {stance} leg is done: put that foot down and stand on your {OTHER[stance]} leg."


def _interrupted(reason: str) -> bool:
    """The trial was cut (view lost, a stop, the end of the recording), not completed."""
    return reason == "view_lost" or reason not in END_TEXT
