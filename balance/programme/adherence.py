"""Adherence: training days per week, streaks and how much of the plans was done.

A training day is a day with a logged plan item done or a recorded session. Streaks are
counted in weeks (Monday to Sunday) with at least ``WEEK_GOAL_DAYS`` training days, so
the planned rest days never break a streak.
"""

from dataclasses import dataclass
from datetime import date, timedelta

WEEK_GOAL_DAYS = 3  # training days that make a week count (2-3 strength days + balance)


@dataclass(frozen=True)
class Adherence:
    weeks: int                  # weeks looked at (up to ``today``'s week)
    days_per_week: float        # mean training days per week over them
    week_streak: int            # weeks in a row, up to this one, meeting the goal
    day_streak: int             # days in a row trained, up to today or yesterday
    completion: float | None    # share of logged plan items done, 0-1; None if no log

    def describe(self) -> str:
        done = "-" if self.completion is None else f"{100 * self.completion:.0f} %"
        return (f"adherence (last {self.weeks} weeks): {self.days_per_week:.1f} training "
                f"days a week; {_count(self.week_streak, 'week')} in a row with at least "
                f"{WEEK_GOAL_DAYS} training days, {_count(self.day_streak, 'day')} in a row "
                f"trained; plan items done: {done}")


def _count(n: int, unit: str) -> str:
    """'1 week', '2 weeks', '0 weeks': words, not 'week(s)'."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def adherence(training_days: set[date], log: list[dict], today: date,
              weeks: int = 4) -> Adherence:
    """``log``: rows with ``day`` (ISO) and ``done`` (as from ``store.log_rows``)."""
    this_week = _monday(today)
    starts = [this_week - timedelta(weeks=k) for k in range(weeks)]
    per_week = [sum(1 for d in training_days if s <= d < s + timedelta(days=7))
                for s in starts]
    streak = 0
    for k, n in enumerate(per_week if weeks else []):
        if n >= WEEK_GOAL_DAYS:
            streak += 1
        elif k > 0:  # the current week may still be under way
            break
    day = today if today in training_days else today - timedelta(days=1)
    days = 0
    while day in training_days:
        days += 1
        day -= timedelta(days=1)
    since = starts[-1].isoformat()
    recent = [r for r in log if r["day"] >= since]
    completion = (sum(1 for r in recent if r["done"]) / len(recent)) if recent else None
    return Adherence(weeks, sum(per_week) / max(weeks, 1), streak, days, completion)


def of_person(h, person: str, today: date | None = None, weeks: int = 4) -> Adherence:
    from balance.programme.store import log_rows
    today = today or date.today()
    log = log_rows(h, person)
    days = {date.fromisoformat(r["day"]) for r in log if r["done"]}
    days |= {date.fromisoformat(s.started[:10]) for s in h.sessions(person)}
    return adherence(days, log, today, weeks)
