"""What many test modules share: the one command-line runner, its error check, a frozen
today, and the fakes the window and engine tests drive (a tiny single-leg protocol, feeds,
an estimator that knows the truth)."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from balance.pose.landmarks import INDEX
from balance.protocols.base import Protocol, Status
from balance.protocols.results import ProtocolResult
from balance.session.engine import Captured
from balance.events import Event
from balance.testing.synthetic import Lift, generate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"
LA, RA = INDEX["left_ankle"], INDEX["right_ankle"]
SCREEN_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


# --- the command line -------------------------------------------------------------------

def balance(*args, env=None, cwd=None, headless=False, timeout=300):
    """The real command line in a subprocess, as a user runs it (it redirects fd 2 to hide
    native logs, so only a subprocess shows what the user sees on stderr).

    ``headless`` removes the screen variables first (a machine with no display); ``env``
    entries are added on top."""
    base = {k: v for k, v in os.environ.items() if not (headless and k in SCREEN_VARS)}
    return subprocess.run([sys.executable, "-m", "balance", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout,
                          env={**base, **(env or {})})


def assert_one_line_error(proc, *words):
    """Bad input ends with one line ``error: ...``, status 2 and no traceback."""
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in lines[0]


def freeze_today(monkeypatch, module, day):
    """Make ``module``'s ``date.today()`` return ``day``, so a check tied to today's date
    (an age from a birth year) always runs with the same values."""
    class Frozen(date):
        @classmethod
        def today(cls):
            return day
    monkeypatch.setattr(module, "date", Frozen)


# --- fakes for the engine and the window --------------------------------------------------

class FakeStance(Protocol):
    """One single-leg trial: starts when a foot leaves the floor, ends at touchdown or cap.

    Small on purpose: the window must work with any protocol that keeps the contract.
    """

    name = "single-leg-stance"
    title = "Single-leg stance (test fake)"

    def __init__(self, profile, *, image_size, fps, side=None, cap_s=45.0):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.cap_s, self.side = cap_s, side
        self.t_start = None
        self.trials = []
        self._done = False
        self._hip0 = None
        # The synthetic person fills 80 % of the image height.
        self.cm_per_unit = (profile.height_cm or 170.0) / 0.8

    def update(self, frame):
        lm = frame.image
        if not frame.detected:
            return Status("paused", "Step into the picture", side=self.side)
        lifted = abs(float(lm[LA, 1] - lm[RA, 1])) > 0.03
        events = []
        if self._done:
            return Status("done", "Finished", trial=1)
        if self.t_start is None:
            if not lifted:
                return Status("waiting", "Lift one foot", trial=1, side=self.side)
            self.t_start = frame.t_s
            self._hip0 = lm[[23, 24], :2].mean(axis=0)
            events.append(Event(frame.t_s, "trial_start", {"trial": 1}))
        elapsed = frame.t_s - self.t_start
        hip = lm[[23, 24], :2].mean(axis=0)
        # (horizontal, vertical), as every protocol reports sway
        ml, ap = (hip - self._hip0) * self.cm_per_unit
        if not lifted or elapsed >= self.cap_s:
            events += self._end(frame.t_s, "touchdown" if not lifted else "cap reached")
        return Status("done" if self._done else "running", "Hold still", "Arms on hips",
                      1, self.side, elapsed, max(0.0, self.cap_s - elapsed),
                      (float(ml), float(ap)), {"mean_velocity_cm_s": 1.5},
                      80.0, events)

    def _end(self, t, reason):
        hold = t - self.t_start
        self.trials.append({"side": self.side, "hold_time_s": hold, "end_reason": reason,
                            "metrics": {"mean_velocity_cm_s": 1.5}, "errors": []})
        self._done = True
        return [Event(t, "trial_end", {"hold_time_s": hold, "reason": reason})]

    def stop(self, t_s, reason="stopped"):
        if self._done:
            return []
        if self.t_start is None:
            self._done = True
            return []
        return self._end(t_s, reason)

    @property
    def done(self):
        return self._done

    def result(self):
        best = max((t["hold_time_s"] for t in self.trials), default=None)
        return ProtocolResult.from_dict({"protocol": self.name, "trials": list(self.trials),
                                         "summary": {"best_s": best}})


def fake_factory(name, profile, *, image_size, fps, side=None, **options):
    """The fake for any test; the options it does not take (the TUG's declared aid and
    chair arms) are the real test's, left out."""
    import inspect
    takes = inspect.signature(FakeStance.__init__).parameters
    return FakeStance(profile, image_size=image_size, fps=fps, side=side,
                      **{k: v for k, v in options.items() if k in takes})


class ListFeed:
    """A feed of synthetic landmarks (as a replay) with optional pictures and camera loss.

    ``live=True`` behaves like a webcam: one item every 1/fps s, then None for ever
    after ``lost_after`` items (the cable pulled out).
    """

    def __init__(self, synth, *, live=False, lost_after=None, frames=False):
        self.synth, self.live, self.lost_after, self.frames = synth, live, lost_after, frames
        self.fps, self.size = synth.fps, synth.image_size
        self.description = "fake feed"
        self.i = 0
        self.closed = False

    def next(self):
        if self.i >= len(self.synth.t) or (self.lost_after is not None
                                           and self.i >= self.lost_after):
            return None
        if self.live:
            time.sleep(1.0 / self.fps)
        i, s = self.i, self.synth
        self.i += 1
        frame = np.full((s.image_size[1] // 4, s.image_size[0] // 4, 3), 110, np.uint8) \
            if self.frames else None
        pose = None if self.frames else (s.image[i], s.world[i], True)
        return Captured(i, float(s.t[i]), time.perf_counter(), frame=frame, pose=pose)

    def close(self):
        self.closed = True


class TruthEstimator:
    """Stands in for MediaPipe: returns the synthetic landmarks of the frame at ``t_s``."""

    def __init__(self, synth):
        self.synth = synth
        self.calls = 0

    def detect(self, frame_bgr, t_s, rgb=None):
        from balance.pose.estimator import PoseResult
        self.calls += 1
        i = min(int(round(t_s * self.synth.fps)), len(self.synth.t) - 1)
        return PoseResult(self.synth.image[i], self.synth.world[i], True, 1.0)


def person(duration_s=6.0, lift=(2.0, 4.5), seed=3):
    return generate(fps=30.0, duration_s=duration_s, lifts=(Lift("left", *lift),),
                    seed=seed, height_cm=170.0)

