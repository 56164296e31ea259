"""What a protocol result says about a plan item: the number compared with its target."""

from datetime import date

from balance.programme.plan import PlanItem
from balance.programme.progression import Outcome


def achieved(item: PlanItem, result: dict | None) -> float | None:
    """Good reps (``unit`` "reps") or the best hold in s of the item's stance or pose;
    None when the result holds nothing for it (not done)."""
    if not result:
        return None
    if item.unit == "reps":
        reps = (result.get("summary") or {}).get("reps")
        return float(reps) if isinstance(reps, (int, float)) else None
    pose = item.options.get("pose")
    holds = [t.get("hold_time_s") for t in result.get("trials") or []
             if (item.stance is None or t.get("stance") == item.stance)
             and (pose is None or t.get("pose") == pose)]
    holds = [float(x) for x in holds if isinstance(x, (int, float))]
    return max(holds) if holds else None


def outcome(item: PlanItem, result: dict | None, day: date, *,
            discomfort: bool = False) -> Outcome:
    return Outcome(day, item.ladder, item.level, float(item.target),
                   achieved(item, result), discomfort)
