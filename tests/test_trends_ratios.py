"""The mCTSIB ratios in the trends: the latest session against the person's earlier ones,
judged by their own trial-to-trial variability (one trial of each condition a session;
no published MDC for the ratios)."""

import math
import statistics
from datetime import date

import pytest

from balance.storage.records import SessionRecord
from balance.storage.trends import ratio_changes


def session(day: int, closed_open: float | None, foam_firm: float | None = 1.5):
    ratios = {"closed_open_firm": None if closed_open is None else {"rms_ml": closed_open},
              "foam_firm_open": {"rms_ml": foam_firm}}
    return SessionRecord(day, "ann", f"k{day}", None, "mctsib", f"2026-03-{day:02d}T10:00:00",
                         None, 60.0, 3600, {"protocol": "mctsib", "summary": {"ratios": ratios}})


FIRST = date(2026, 3, 1)


def test_a_jump_beyond_the_persons_own_variability_is_a_real_decline():
    earlier = [1.5, 1.7, 1.6]
    sessions = [session(d, v) for d, v in zip((1, 8, 15), earlier)] + [session(29, 2.4)]
    change = next(c for c in ratio_changes(FIRST, sessions) if c.measure == "ratio:closed_open_firm")
    mdc = 1.96 * math.sqrt(2) * statistics.stdev(earlier)  # 0.277
    assert change.baseline == pytest.approx(1.6) and change.latest == 2.4
    assert change.mdc == pytest.approx(mdc) and change.real and not change.better
    assert change.baseline_week == 1 and change.since == "against the mean of 3 earlier sessions"
    assert "a real decline" in change.sentence()
    assert "eyes closed / open on firm ground" in change.sentence()


def test_a_change_within_the_variability_is_not_real_and_a_smaller_ratio_is_better():
    sessions = [session(d, v) for d, v in zip((1, 8, 15, 22), (1.5, 1.7, 1.6, 1.45))]
    change = next(c for c in ratio_changes(FIRST, sessions) if c.measure == "ratio:closed_open_firm")
    assert change.delta == pytest.approx(-0.15) and change.better and change.real is False


def test_too_few_sessions_or_missing_ratios_give_no_verdict():
    two_earlier = [session(1, 1.5), session(8, 1.7), session(15, 2.6)]
    change = next(c for c in ratio_changes(FIRST, two_earlier)
                  if c.measure == "ratio:closed_open_firm")
    assert change.mdc is None and change.real is None
    # a session whose conditions were not held in full has no ratio: it is skipped
    gaps = [session(1, 1.5), session(8, None), session(15, None)]
    assert all(c.measure != "ratio:closed_open_firm" for c in ratio_changes(FIRST, gaps))
    assert [c.measure for c in ratio_changes(FIRST, gaps)] == ["ratio:foam_firm_open"]
