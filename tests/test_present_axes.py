"""The trend plots' axes: calendar ticks, gaps, ranges (shared by the window and PDF)."""

from datetime import date, timedelta

import pytest

from balance.present.axes import connected, date_ticks, runs, span_label, value_range


def test_ticks_are_week_starts_spaced_to_fit():
    first = date(2025, 11, 24)
    assert date_ticks(first, first + timedelta(weeks=3)) == [
        ((first + timedelta(weeks=k)).toordinal(), label)
        for k, label in enumerate(("24 Nov", "1 Dec", "8 Dec", "15 Dec"))]
    ticks = date_ticks(first, first + timedelta(weeks=40), most=6)
    assert len(ticks) <= 6
    steps = {b - a for (a, _), (b, _) in zip(ticks, ticks[1:])}
    assert steps == {56.0}  # 40 weeks: every 8 weeks
    assert span_label(first, date(2026, 2, 2)) == "week starting (Nov 2025 - Feb 2026)"
    assert span_label(first, first) == "week starting (Nov 2025)"


def test_points_further_apart_than_a_week_are_not_joined():
    days = [0.0, 7.0, 14.0, 63.0, 70.0]
    assert connected(days) == [True, True, False, True, False]
    assert runs(days) == [(0, 3), (3, 5)]
    assert connected([]) == [] and runs([5.0]) == [(0, 1)]


def test_value_range_around_one_point_all_alike_and_many():
    assert value_range([7.27], zero=True) == pytest.approx((0.0, 7.27 * 1.25))
    assert value_range([50.0]) == pytest.approx((37.5, 62.5))  # not 0.6-1.4 ticks
    assert value_range([0.0]) == (0.0, 1.0)
    lo, hi = value_range([1.0, 2.0, None, float("nan")])
    assert (lo, hi) == pytest.approx((0.9, 2.1))
    assert value_range([0.05, 1.05])[0] == 0.0  # a speed's range never dips below zero
    assert value_range([-2.0, 2.0]) == pytest.approx((-2.4, 2.4))
    # from zero, the room above the top is a tenth of the axis, not of the values' spread
    assert value_range([78.0, 83.5], zero=True) == pytest.approx((0.0, 83.5 * 1.1))
    assert value_range([1.0, 20.0], zero=True) == pytest.approx((0.0, 22.0))
