"""What each history column may hold, checked as rows are read.

SQLite stores any value in any column, so a damaged database, or one another program
wrote into, can hand back a text where a year belongs. ``check_row`` finds such a value
before trends, reports or the plan compute with it, so the user gets one sentence instead
of a traceback. Columns are known by name (the same name means the same thing in every
table); a column not listed here is not checked. The JSON blobs are checked where they
are decoded (`balance.storage.records.json_or_none`): a damaged one is ignored, its row kept.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from balance.profile import FIRST_BIRTH_YEAR, HEIGHT_CM, LEGS, SEXES


def _int(v) -> bool:
    return isinstance(v, int)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _text(v) -> bool:
    return isinstance(v, str)


def _when(v) -> bool:
    if not isinstance(v, str):
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


CHECKS = {
    **dict.fromkeys(("id", "person_id", "session_id", "trial", "frames", "errors", "met",
                     "missed", "done", "discomfort", "at_risk", "tug_session",
                     "chair_session", "four_stage_session"), _int),
    **dict.fromkeys(("hold_time_s", "score", "mean_velocity", "ellipse_area", "duration_s",
                     "t_s", "target", "achieved"), _number),
    **dict.fromkeys(("name", "key", "file", "protocol", "side", "end_reason", "text",
                     "author", "device", "notes", "ladder", "level", "item", "set_by",
                     "failed"), _text),
    **dict.fromkeys(("started", "imported", "created", "updated", "day", "logged", "taken"), _when),
    "birth_year": lambda v: _int(v) and FIRST_BIRTH_YEAR <= v <= date.today().year,
    "height_cm": lambda v: _number(v) and HEIGHT_CM[0] <= v <= HEIGHT_CM[1],
    "sex": lambda v: v in SEXES,
    "dominant_leg": lambda v: v in LEGS,
}


def bad_value(names: list[str], row: tuple) -> str | None:
    """'column holds value' for the first value in ``row`` its column may not hold, or
    None. NULL passes: the schema says where it may not be."""
    for name, value in zip(names, row):
        check = CHECKS.get(name)
        if value is not None and check is not None and not check(value):
            return f"{name} holds {value!r:.40}"
    return None
