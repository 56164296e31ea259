"""Progression over simulated weeks: up after two met targets, down after two misses,
always down on discomfort; rest days; the plan follows the levels."""

from datetime import date, timedelta

from balance.programme import plan as P
from balance.programme import progression as G
from balance.programme import rules as R

MONDAY = date(2026, 3, 2)


def _simulate(days, perform, discomfort=()):
    """Train on ``days`` (offsets from MONDAY) at the balance ladder; ``perform(level
    index, day) -> seconds held``. Returns the level index after each day and the rules."""
    states = G.start_states()
    path, rules = [], []
    for d in days:
        s = states["balance"]
        day = MONDAY + timedelta(days=d)
        o = G.Outcome(day, "balance", s.level, s.goal, perform(s.index, d), d in discomfort)
        states, decisions = G.replay(states, [o])
        path.append(states["balance"].index)
        rules.append(decisions[0][1])
    return path, rules


def test_a_person_who_always_meets_the_target_climbs_one_level_every_two_sessions():
    days = [0, 2, 4, 7, 9, 11, 14, 16]  # three days a week for three weeks
    path, rules = _simulate(days, lambda i, d: 60.0)
    assert path == [0, 1, 1, 2, 2, 3, 3, 4]
    assert rules == ["hold", "advance"] * 4


def test_one_miss_breaks_the_run_two_misses_step_back():
    # met, met (-> 1), met, miss, met, miss, miss (-> 0)
    held = iter([60, 60, 60, 2, 60, 2, 2])
    path, rules = _simulate(range(7), lambda i, d: float(next(held)))
    assert path == [0, 1, 1, 1, 1, 1, 0]
    assert rules == ["hold", "advance", "hold", "hold", "hold", "hold", "step_back"]


def test_discomfort_always_steps_back_even_when_the_target_was_met():
    path, rules = _simulate([0, 1, 2, 3, 4], lambda i, d: 60.0, discomfort={3})
    assert path == [0, 1, 1, 0, 0]
    assert rules[3] == "discomfort"


def test_the_bottom_and_top_of_a_ladder_hold():
    top = len(R.BALANCE) - 1
    s = G.LadderState("balance", R.BALANCE[top].key)
    up, rule = G.apply(G.LadderState("balance", R.BALANCE[top].key, met=1),
                       G.Outcome(MONDAY, "balance", s.level, s.goal, 99.0))
    assert (up.index, rule) == (top, "advance")
    down, rule = G.apply(G.start_states()["balance"],
                         G.Outcome(MONDAY, "balance", "side-by-side", 10, 1.0, True))
    assert (down.index, rule) == (0, "discomfort")


def test_twelve_weeks_of_a_person_improving_slowly():
    """Holds grow 1 s a week from 8 s; training Mon, Wed, Fri. The 10 s levels are met
    from week 3 and climbed two sessions at a time; the 20 s level (index 4) is out of
    reach, so two misses there step back to 10 s on one leg, and two easy sessions there
    bring the person back up: the rules, applied literally, over 36 sessions."""
    days = [w * 7 + d for w in range(12) for d in (0, 2, 4)]
    path, rules = _simulate(days, lambda i, d: 8.0 + d // 7)
    assert path[:7] == [0] * 7  # weeks 1-2: 8, 9 s < 10 s: missed, stays at the bottom
    assert rules[:6] == ["hold", "step_back"] * 3
    assert path[7:15] == [1, 1, 2, 2, 3, 3, 4, 4]  # weeks 3-5: one level per 2 sessions
    assert path[15:] == [3, 3, 4, 4] * 5 + [3]  # 20 s not reached: 3 <-> 4, never 5
    assert R.BALANCE[4].target == 20 and R.BALANCE[3].target == 10


def test_only_the_best_try_of_a_day_counts_as_one_session():
    s = G.start_states()
    o = [G.Outcome(MONDAY, "balance", "side-by-side", 10, 12.0),
         G.Outcome(MONDAY, "balance", "side-by-side", 10, 11.0)]
    states, decisions = G.replay(s, o)
    assert len(decisions) == 1 and states["balance"].met == 1


def test_a_therapist_target_replaces_the_level_target_and_is_dropped_on_a_move():
    s = G.LadderState("heel-raises", "heel-raises-8", target=5.0)
    s, rule = G.apply(s, G.Outcome(MONDAY, "heel-raises", s.level, s.goal, 6.0))
    s, rule = G.apply(s, G.Outcome(MONDAY, "heel-raises", s.level, s.goal, 6.0))
    assert rule == "advance" and s.level == "heel-raises-10" and s.goal == 10


def test_rest_days_after_six_in_a_row_and_after_discomfort():
    today = MONDAY + timedelta(days=7)
    six = {today - timedelta(days=k) for k in range(1, 7)}
    assert G.rest_reason(six, set(), today) == "rest_week"
    assert G.rest_reason(six - {today - timedelta(days=3)}, set(), today) is None
    assert G.rest_reason(set(), {today - timedelta(days=1)}, today) == "discomfort"
    assert G.strength_today({today - timedelta(days=1)}, today) is False
    assert G.strength_today({today - timedelta(days=2)}, today) is True


def test_the_plan_has_every_part_with_why_and_follows_the_levels():
    states = G.start_states()
    states["balance"] = G.LadderState("balance", "tandem")
    plan = P.build(states, MONDAY)
    parts = [i.part for i in plan.items]
    assert parts[:2] == [P.WARMUP, P.WARMUP] and parts[-1] == P.CHECK
    assert parts.count(P.STRENGTH) == 4 and parts.count(P.COOLDOWN) == 2
    assert all(i.what and i.dose and i.why for i in plan.items)
    bal = next(i for i in plan.items if i.part == P.BALANCE)
    assert (bal.protocol, bal.stance, bal.target) == ("four-stage", "tandem", 10)
    no_strength = P.build(states, MONDAY, strength=False)
    assert P.STRENGTH not in [i.part for i in no_strength.items]
    rest = P.build(states, MONDAY, rest="discomfort")
    assert {i.part for i in rest.items} == {P.WARMUP, P.COOLDOWN, P.CHECK}
    assert "discomfort" in P.describe(rest)


def test_rules_are_data_with_reasons():
    assert {r.key for r in R.RULES} >= {"advance", "step_back", "discomfort", "hold"}
    assert all(r.why for r in R.RULES)
    for _name, levels in R.LADDERS.items():
        assert len({x.key for x in levels}) == len(levels)
        assert all(x.why and x.what and x.target > 0 for x in levels)
