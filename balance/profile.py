"""The person being measured: what norms and centimetre scaling need to know."""

from dataclasses import asdict, dataclass
from datetime import date

SEXES = ("female", "male", None)
LEGS = ("left", "right", None)
HEIGHT_CM = (50.0, 250.0)  # plausible standing heights
FIRST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Profile:
    """A person's settings. Unknown values stay None and the norms say so.

    Attributes
    ----------
    person_id : a name or alias, stored with every session.
    birth_year : used for age norms.
    sex : "female" or "male" (for sex-specific norms), or None.
    height_cm : standing height in cm, the scale from image units to cm.
    dominant_leg : "left" or "right"; BESS stands on the non-dominant leg.
    """

    person_id: str = "guest"
    birth_year: int | None = None
    sex: str | None = None
    height_cm: float | None = None
    dominant_leg: str | None = None

    def __post_init__(self):
        if self.sex not in SEXES:
            raise ValueError(f"sex must be 'female' or 'male', not {self.sex!r}")
        if self.dominant_leg not in LEGS:
            raise ValueError(f"dominant leg must be 'left' or 'right', not {self.dominant_leg!r}")
        low, high = HEIGHT_CM
        if self.height_cm is not None and not low <= self.height_cm <= high:
            raise ValueError(f"height {self.height_cm} cm is outside {low:g}-{high:g} cm")

    @property
    def age(self) -> int | None:
        return None if self.birth_year is None else date.today().year - self.birth_year

    def to_dict(self) -> dict:
        return asdict(self)


def profile_from_metadata(meta: dict) -> Profile:
    """The person of a recorded session, as far as its metadata tells: the stored profile,
    the session's ``person_id`` and ``height_cm``; what is invalid is left unknown."""
    stored = meta.get("profile") if isinstance(meta.get("profile"), dict) else {}
    values = {"person_id": meta.get("person_id") or "guest", **stored}
    if meta.get("height_cm") and not values.get("height_cm"):
        values["height_cm"] = float(meta["height_cm"])
    try:
        return Profile(**values)
    except (TypeError, ValueError):
        return Profile(person_id=str(values["person_id"]))


def profile_with(given: dict, meta: dict | None = None) -> Profile:
    """The profile the user ``given`` (Profile fields, None where not given) over the one
    stored in a session's metadata ``meta``. Raises ValueError for a value out of range."""
    stored = (meta or {}).get("profile") or {}
    return Profile(
        person_id=given.get("person_id") or stored.get("person_id") or "guest",
        birth_year=given.get("birth_year") or stored.get("birth_year"),
        sex=given.get("sex") or stored.get("sex"),
        height_cm=given.get("height_cm") or stored.get("height_cm") or (meta or {}).get("height_cm"),
        dominant_leg=given.get("dominant_leg") or stored.get("dominant_leg"))
