"""What the set-up asks for the chosen test, from its registry entry: the view (front or
side), whether a foam pad is there (for a test that ``needs`` one), and for the TUG where
the 3 m line falls in the picture.

Qt-free: the set-up panel shows it; ``SetupNeeds.report`` judges a frame with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from balance.protocols import registry
from balance.session import setup_check
from balance.session.walk_line import WalkLine, walk_line

PAD_QUESTION = "Is there a foam pad (a firm balance pad about 50 cm square) at hand?"
ANSWER_PAD = "Answer the foam pad question first."
_HINTS = {
    registry.FRONT: "Stand 2 to 3 metres from the camera, facing it, whole body in the "
                    "picture, a chair or wall within reach.",
    registry.SIDE: "Stand 2 to 3 metres from the camera with your side to it, whole body "
                   "in the picture.",
    registry.EITHER: "Stand 2 to 3 metres from the camera, facing it or side on, whole body "
                     "in the picture.",
}
TUG_HINT = ("Put the chair with its side to the camera, near one edge of the picture, and "
            "stand in front of it: the set-up shows where 3 m is.")


@dataclass
class SetupNeeds:
    """The set-up of one test. ``pad``: the person's answer to the foam pad question
    (None: not asked yet, or not needed); ``height_cm`` scales the TUG's 3 m line."""

    name: str
    pad: bool | None = None
    height_cm: float | None = None

    @property
    def spec(self):
        return registry.spec(self.name)

    @property
    def view(self) -> str:
        return self.spec.view

    @property
    def asks_pad(self) -> bool:
        return self.spec.needs_foam and self.spec.no_pad is not None

    @property
    def shows_walk_line(self) -> bool:
        return self.spec.name == "tug"

    def hint(self) -> str:
        return TUG_HINT if self.shows_walk_line else _HINTS[self.view]

    def report(self, landmarks, detected: bool, *, image_size, brightness=None,
               world=None) -> tuple[setup_check.SetupReport, WalkLine | None]:
        """The frame's advice for this test, and the TUG's 3 m line (else None). The pad
        question must be answered, and the walk must fit the picture, before it is ok."""
        walk = self.shows_walk_line
        base = setup_check.assess(
            landmarks, detected, image_size=image_size, brightness=brightness, world=world,
            view=self.view, min_height=setup_check.WALK_MIN_HEIGHT if walk else setup_check.MIN_HEIGHT)
        advice = list(base.advice)
        line = None
        if walk and detected and landmarks is not None:
            line = walk_line(landmarks, image_size, self.height_cm)
            if line is not None and not line.fits:
                advice.append(line.message())
        if self.asks_pad and self.pad is None:
            advice.insert(0, ANSWER_PAD)
        return setup_check.SetupReport(not advice, tuple(advice)), line

    def protocol_choice(self) -> tuple[str, dict, str | None]:
        """What to run: (protocol name, extra options, a note to show) - without a pad,
        the test's declared stand-in (``registry.NoPad``)."""
        s = self.spec
        if not self.asks_pad or self.pad is not False:
            return s.name, {}, None
        fallback = s.no_pad
        return fallback.protocol or s.name, dict(fallback.options), fallback.note
