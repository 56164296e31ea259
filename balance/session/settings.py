"""What the window remembers: one schema (a dataclass) and its QSettings storage.

The schema is Qt-free; only `load` and `save` touch QSettings. A version number lets a
later release migrate old values instead of misreading them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from balance.profile import Profile

SCHEMA_VERSION = 1


@dataclass
class GuiSettings:
    """Everything the window keeps between runs (window geometry is stored beside it)."""

    protocol: str = "single-leg-stance"
    side: str = "left"
    camera: str = "0"
    muted: bool = False
    save_video: bool = False     # keep the camera video beside each session: bulky, sensitive
    font_scale: float = 1.0
    rest_s: float = 30.0         # enforced between tests
    trial_rest_s: float = 20.0   # advised between the trials of a test
    person_id: str = "guest"
    profiles: dict = field(default_factory=dict)  # person_id -> Profile.to_dict()

    def profile(self) -> Profile:
        data = self.profiles.get(self.person_id) or {"person_id": self.person_id}
        try:
            return Profile(**data)
        except (TypeError, ValueError):
            return Profile(person_id=self.person_id)

    def remember(self, profile: Profile) -> None:
        self.person_id = profile.person_id
        self.profiles[profile.person_id] = profile.to_dict()


def load(qsettings) -> GuiSettings:
    """Read the settings; unknown or broken values fall back to the defaults."""
    raw = qsettings.value("settings")
    defaults = GuiSettings()
    if not raw:
        return defaults
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return defaults
    data = _migrate(data)
    known = {f.name for f in fields(GuiSettings)}
    values = {k: v for k, v in data.items() if k in known}
    for k, v in list(values.items()):
        if type(v) is not type(getattr(defaults, k)) and not (
                isinstance(getattr(defaults, k), float) and isinstance(v, int)):
            values.pop(k)
    return GuiSettings(**values)


def save(qsettings, settings: GuiSettings) -> None:
    qsettings.setValue("settings", json.dumps({"version": SCHEMA_VERSION, **asdict(settings)}))
    qsettings.sync()


def _migrate(data: dict) -> dict:
    """Step old versions up one at a time (none yet: version 1 is the first)."""
    data.pop("version", None)
    return data
