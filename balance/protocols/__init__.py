"""Balance tests as small state machines fed one frame at a time (see ``base``).

``create(name, profile, image_size=..., fps=..., **options)`` builds one;
``score_recording`` runs one over recorded frames.
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
    if name not in registry:
        raise InputError(f"unknown protocol {name!r}; choose one of {', '.join(registry)}")
    if side is not None:
        if name not in SIDED:
            raise InputError(f"{name} has no side to choose")
        options["sides"] = (side,)
    try:
        return registry[name](profile or Profile(), image_size=image_size, fps=fps, **options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: {exc}") from None


def score_recording(protocol: Protocol, t, image, world, detected) -> tuple[dict, list]:
    """Feed recorded frames to ``protocol`` in order; return its result and all events.

    ``t`` (n,) s; ``image``, ``world`` (n, 33, 4); ``detected`` (n,) bool.
    """
    events = []
    for i in range(len(t)):
        status = protocol.update(Frame(i, float(t[i]), image[i], world[i], bool(detected[i])))
        events += status.events
        if protocol.done:
            break
    if not protocol.done and len(t):
        events += protocol.stop(float(t[-1]), "recording_ended")
    return protocol.result(), events


__all__ = ["Frame", "NAMES", "Protocol", "Status", "create", "score_recording"]
