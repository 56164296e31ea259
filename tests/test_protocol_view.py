"""The view check pauses scoring for no person, a partly visible body, another person."""

import pytest

from balance.protocols.view import GOOD, NO_PERSON, OTHER_PERSON, PARTIAL, ViewCheck
from balance.testing.synthetic import generate


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_view_states_follow_the_generated_trouble(fps):
    s = generate(fps=fps, duration_s=10.0, jitter_px=1.5, absent=[(2.0, 3.0)],
                 feet_hidden=[(4.0, 5.0)], second_person=[(6.0, 7.0)], seed=3)
    check = ViewCheck()
    states = [check.update(t, img, det) for t, img, det in zip(s.t, s.image, s.detected)]

    def at(t):
        return states[int(round(t * fps))]

    assert at(1.5) == GOOD and at(9.5) == GOOD
    assert at(2.1) == NO_PERSON and at(2.9) == NO_PERSON
    assert at(4.1) == PARTIAL and at(4.9) == PARTIAL
    assert at(6.0) == OTHER_PERSON and at(6.4) == OTHER_PERSON
    assert at(7.0) == OTHER_PERSON  # the switch back is a jump too
    assert at(7.6) == GOOD
    good_elsewhere = [st for t, st in zip(s.t, states)
                      if not any(a - 0.01 <= t < b + 0.6 for a, b in
                                 [(2.0, 3.0), (4.0, 5.0), (6.0, 7.0)])]
    assert set(good_elsewhere) == {GOOD}


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_a_fast_trunk_bend_is_not_another_person(fps):
    s = generate(fps=fps, duration_s=12.0, jitter_px=1.5, bends=[(6.0, 10.0, 45.0)], seed=4)
    check = ViewCheck()
    states = {check.update(t, img, det) for t, img, det in zip(s.t, s.image, s.detected)}
    assert states == {GOOD}
