"""Balance tests as small state machines fed one frame at a time (see ``base``).

``create(name, profile, image_size=..., fps=..., **options)`` builds one; the session
driver (`balance.session.recording`) is the only code that feeds one.
"""

from balance.errors import InputError
from balance.profile import Profile
from balance.protocols.base import Frame, Protocol, Status


def _registry() -> dict:
    from balance.protocols.bess import BESS, ModifiedBESS
    from balance.protocols.four_stage import FourStage
    from balance.protocols.romberg import Romberg
    from balance.protocols.practice import Practice
    from balance.protocols.single_leg import SingleLegStance
    from balance.protocols.yoga import YogaPoses
    from balance.protocols import chair_stand, reps
    return {
        "single-leg-stance": SingleLegStance,
        "four-stage": FourStage,
        "bess": BESS,
        "mbess": ModifiedBESS,
        "romberg": Romberg,
        "practice": Practice,
        "yoga": YogaPoses,
        "heel-raises": reps.HeelRaises,
        "toe-raises": reps.ToeRaises,
        "mini-squats": reps.MiniSquats,
        "sit-to-stand": chair_stand.SitToStand,
        "chair-stand-30": chair_stand.ChairStand30,
    }


SIDED = ("single-leg-stance",)
NAMES = ("single-leg-stance", "four-stage", "bess", "mbess", "romberg", "practice", "yoga")
# Strengthening exercises counted by the camera (balance.protocols.reps), and the
# 30-second chair stand test.
NAMES += ("heel-raises", "toe-raises", "mini-squats", "sit-to-stand", "chair-stand-30")


def create(name: str, profile: Profile | None = None, *, image_size, fps: float,
           side: str | None = None, **options) -> Protocol:
    """A new protocol by name (``NAMES``); ``options`` go to its constructor.

    ``side``: the stance leg to test, for the tests where the person chooses it (single-leg
    stance); the others choose for themselves (BESS stands on the non-dominant leg).
    """
    registry = _registry()
    # What made this run, so a recording of it can be scored again exactly.
    given = {"side": side, **options} if side is not None else dict(options)
    if name not in registry:
        raise InputError(f"unknown protocol {name!r}; choose one of {', '.join(registry)}")
    if side is not None:
        if name not in SIDED:
            raise InputError(f"{name} has no side to choose")
        options["sides"] = (side,)
    try:
        protocol = registry[name](profile or Profile(), image_size=image_size, fps=fps,
                                  **options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: {exc}") from None
    protocol.options = given
    return protocol


__all__ = ["Frame", "NAMES", "Protocol", "Status", "create"]
