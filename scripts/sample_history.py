"""A person's generated weeks of training in a history: for the history and report
screenshots (``scripts/screenshots.py``), never real data.

Nine weeks that end yesterday, with a two-week pause after the third: single-leg stance
at every sitting (holds growing, the left leg weaker), and now and then the 4-stage test,
the five-times sit-to-stand, tree pose and the foam mCTSIB. Each session is the synthetic
person of ``balance.testing.synthetic`` scored through a ``Recording`` into a session
file, as the window records it, then imported into the history like any other; the
training plan's ladders are logged for the same days.

    .venv/bin/python scripts/sample_history.py FOLDER   # FOLDER/history.sqlite3, sessions
"""

import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from balance.profile import Profile  # noqa: E402
from balance.programme import store  # noqa: E402
from balance.programme.progression import Outcome  # noqa: E402
from balance.protocols import reasons, registry  # noqa: E402
from balance.session.recording import Recording  # noqa: E402
from balance.storage.history import History  # noqa: E402
from balance.storage.session import SessionWriter, new_metadata  # noqa: E402
from balance.testing.synthetic import Lift, generate  # noqa: E402

PERSON = "Ann"
PROFILE = Profile(birth_year=1951, sex="female", height_cm=164.0, dominant_leg="right")
WEEKS = 9
PAUSE = (4, 5)  # weeks without a session
SITTINGS = (0, 3)  # days into each week: Monday and Thursday of the person's weeks
# week -> the tests beside single-leg stance that week (at its first sitting)
EXTRA = {1: ("four-stage", "five-sts", "mctsib"), 2: ("yoga", "mctsib"),
         3: ("four-stage", "five-sts"), 6: ("yoga", "mctsib"), 7: ("five-sts",),
         8: ("four-stage", "yoga"), 9: ("five-sts", "mctsib")}
TOGETHER = [(0, "hip_width"), (1, "together")]


def build(folder: Path, today: date | None = None) -> Path:
    """Write the sessions into ``folder`` and import them into ``folder/history.sqlite3``."""
    last = (today or date.today()) - timedelta(days=1)  # the latest sitting: yesterday
    first = last - timedelta(days=7 * (WEEKS - 1) + SITTINGS[-1])
    path = folder / "history.sqlite3"
    with History(path) as h:
        h.add_person(PERSON, birth_year=PROFILE.birth_year, sex=PROFILE.sex,
                     height_cm=PROFILE.height_cm, dominant_leg=PROFILE.dominant_leg)
        for n, (week, day, offset) in enumerate(sittings(first)):
            tests = ("single-leg-stance",) + (EXTRA.get(week, ()) if offset == 0 else ())
            for k, name in enumerate(tests):
                when = datetime.combine(day, time(10, 5 * k), tzinfo=timezone.utc)
                h.import_session(record(folder, name, week, when, seed=10 * n + k), person=PERSON)
            log_plan(h, day, week)
    return path


def sittings(first: date) -> list[tuple[int, date, int]]:
    """(week, day, days into the week) of every sitting."""
    return [(w, first + timedelta(days=7 * (w - 1) + d), d) for w in range(1, WEEKS + 1)
            if w not in PAUSE for d in SITTINGS]


def record(folder: Path, name: str, week: int, when: datetime, seed: int) -> Path:
    """One session of ``name`` in ``week`` (a person who improves), scored as recorded."""
    make, options = SCENES[name](week)
    s = generate(seed=seed, height_cm=PROFILE.height_cm, jitter_px=0.8, **make)
    meta = new_metadata(source="synthetic:sample-history", fps=s.fps, image_size=s.image_size,
                        person_id=PERSON, profile=PROFILE.to_dict())
    meta["start_time"] = when.isoformat(timespec="seconds")
    path = folder / f"{when:%Y%m%d-%H%M}-{name}.balance"
    protocol = registry.create(name, PROFILE, image_size=s.image_size, fps=s.fps, **options)
    rec = Recording(protocol, SessionWriter(path, meta), to_history=False)
    for i in range(s.t.size):
        rec.feed(float(s.t[i]), s.image[i], s.world[i], bool(s.detected[i]))
        if rec.protocol_done:
            rec.finish(reasons.DONE)
            return path
    rec.stop(reasons.SOURCE_ENDED)
    return path


def single_leg(week: int):
    """Three holds a leg; the right (lifting the left foot) longer; a dip after the pause."""
    base = 6.0 + 1.6 * week - (3.0 if week == PAUSE[-1] + 1 else 0.0)
    spread = (0.0, 1.5, -1.0)  # trial to trial
    holds = [("left", base + d) for d in spread] + [("right", 0.7 * base + d) for d in spread]
    lifts, t = [], 3.0
    for lifted, hold in holds:
        lifts.append(Lift(lifted, t, t + hold))
        t += hold + 5.0
    return dict(duration_s=t, lifts=lifts, sway_cm=(0.7 - 0.03 * week, 0.5)), {}


def four_stage(week: int):
    """Tandem held from week 3 on, one foot a little longer each time."""
    stances = [(0, "together"), (11.5, "semi_tandem"), (23.0, "tandem")]
    if week < 3:
        return dict(duration_s=34.0, stances=stances + [(29.0, "hip_width")]), {}
    hold = 2.0 + week
    return dict(duration_s=40.0 + hold, stances=stances,
                lifts=[Lift("left", 35.0, 35.0 + hold)]), {}


def five_sts(week: int):
    """Five stands from the chair, each a little quicker."""
    cycle = 3.6 - 0.12 * week
    seated = [(-1.0, 2.0)] + [(2.0 + k * cycle + 0.4 * cycle, 2.0 + (k + 1) * cycle)
                              for k in range(5)]
    return dict(duration_s=seated[-1][1] + 3.0, arms="crossed", seated=seated), {}


def tree(week: int):
    """Tree pose on each leg (the foot on the other leg, knee out, arms down); the left
    foot lifted, so standing on the right, for longer."""
    right, left = 8.0 + 1.5 * week, 6.0 + week
    lifts = [Lift("left", 2.0, 2.0 + right), Lift("right", 6.0 + right, 6.0 + right + left)]
    on_leg = [(x.t_lift + 0.3, x.t_touchdown - 0.3) for x in lifts]
    return dict(duration_s=10.0 + right + left, lifts=lifts, foot_to_leg=on_leg,
                abductions=on_leg, lift_height_cm=40.0, arms="down"), {}


def mctsib(week: int):
    """Four 30 s conditions (eyes open/closed, firm then foam), the step onto the pad
    between; sway grows with each lost sense, less so as the weeks go by."""
    closed, foam = 1.9 - 0.05 * week, 2.2 - 0.06 * week
    return dict(duration_s=128.0, stances=TOGETHER, arms="crossed",
                lifts=[Lift("left", 62.0, 62.5), Lift("right", 63.0, 63.5)],
                sway_gains=[(31.0, closed), (64.0, foam), (95.0, foam * closed * 0.8)]), {}


SCENES = {"single-leg-stance": single_leg, "four-stage": four_stage, "five-sts": five_sts,
          "yoga": tree, "mctsib": mctsib}


def log_plan(h: History, day: date, week: int) -> None:
    """The plan's balance and heel-raise ladders, met on most days."""
    for ladder, state in store.levels(h, PERSON).items():
        if ladder in ("balance", "heel-raises"):
            achieved = state.goal if (week + day.day) % 4 else 0.6 * state.goal
            store.log_outcomes(h, PERSON, [Outcome(day, ladder, state.level, state.goal,
                                                   achieved)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    print(build(folder))
