"""Scoring a bench recording with a protocol, as ``balance score`` would."""

from balance.profile import Profile
from balance.protocols import create
from balance.session.rescore import score_frames


def score_recording(name: str, person, rec, **options) -> dict:
    """The result of protocol ``name`` on ``rec``, the recording of bench ``person`` (its
    height, image size and frame rate are the protocol's profile and camera)."""
    test = create(name, Profile(height_cm=round(person.height_m * 100)),
                  image_size=person.image_size, fps=person.fps, **options)
    result, _ = score_frames(test, rec.t, rec.image, rec.world, rec.detected)
    return result
