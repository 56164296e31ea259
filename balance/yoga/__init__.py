"""Yoga balance poses: recognition, form cues and good-form hold timing.

>>> from balance.yoga import classify, form_cues, summarize_stream   # doctest: +SKIP

- `classify` (one frame) -> `Classification(pose, side, confidence)`, poses in `POSES`;
- the pose table `balance.yoga.poses.DEFINITIONS` drives recognition and cues alike;
- `check_form` / `form_cues` and `CueLimiter` for corrections in plain words;
- `PoseTracker` (hysteresis over a stream), `YogaHold` (good-form hold timer) and
  `summarize_stream` for a whole recording.

Everything here is NumPy only: no Qt, no MediaPipe.
"""

from balance.yoga.classify import Classification, Classifier, classify
from balance.yoga.cues import CueLimiter, FormCheck, check_form, form_cues
from balance.yoga.hold import (Hold, Transition, YogaHold, analyze_stream, summarize_stream,
                               transitions_between)
from balance.yoga.poses import POSES, UNKNOWN
from balance.yoga.tracker import PoseTracker

__all__ = [
    "POSES", "UNKNOWN", "Classification", "Classifier", "classify",
    "CueLimiter", "FormCheck", "check_form", "form_cues",
    "PoseTracker", "YogaHold", "Hold", "Transition", "analyze_stream", "summarize_stream",
    "transitions_between",
]
