"""Typed results read every stored result dict, old ones included; the registry resolves
the old spellings of protocol names."""

import pytest

from balance.errors import InputError
from balance.protocols import ProtocolResult, registry
from balance.protocols.results import BessSummary, RombergSummary, SingleLegSummary
from balance.storage.records import trial_rows

OLD = {  # an early session's result: no "format", units in the names, a count of errors
    "protocol": "single_leg_stance", "note": "kept",
    "trials": [{"side": "left", "hold_time_s": 12.5, "end_reason": "touchdown",
                "errors": 2, "metrics": {"mean_velocity_cm_s": 1.25}, "tester": "A"}],
    "summary": {"best_hold_s": {"left": 12.5}, "old_field": 1},
}


def test_an_old_result_reads_with_defaults_and_keeps_what_it_does_not_know():
    r = ProtocolResult.from_dict(OLD)
    assert isinstance(r.summary, SingleLegSummary) and r.summary.best_hold_s == {"left": 12.5}
    assert r.summary.cap_s is None and r.format == 1
    (t,) = r.trials
    assert (t.side, t.hold_time_s, t.error_number, t.extra) == ("left", 12.5, 2, {"tester": "A"})
    d = r.to_dict()
    assert d["note"] == "kept" and d["summary"]["old_field"] == 1
    assert d["trials"][0]["tester"] == "A" and d["trials"][0]["errors"] == 2
    assert trial_rows(OLD)[0][:5] == (1, "left", 12.5, "touchdown", 2)
    assert trial_rows(OLD)[0][7] == 1.25


def test_protocol_fields_survive_a_round_trip():
    stored = {"protocol": "mbess", "trials": [
        {"trial": 1, "side": None, "stance": "double_leg", "hold_time_s": 20.0,
         "end_reason": "completed", "metrics": {}, "score": None, "surface": "firm",
         "error_score": 3, "complete": True,
         "errors": [{"t_s": 7.0, "kind": "step", "counted": True, "also": []}]}],
        "summary": {"total_score": None, "by_stance": {"double_leg": 3}}}
    r = ProtocolResult.from_dict(stored)
    assert isinstance(r.summary, BessSummary) and r.summary.by_stance == {"double_leg": 3}
    assert r.trials[0].error_score == 3 and r.trials[0].errors[0]["kind"] == "step"
    again = ProtocolResult.from_dict(r.to_dict())
    assert again.to_dict() == r.to_dict() and again.summary.total_score is None
    q = ProtocolResult.from_dict({"protocol": "romberg",
                                  "summary": {"romberg_quotient": {"rms_ml": 1.8}}})
    assert isinstance(q.summary, RombergSummary) and q.summary.romberg_quotient["rms_ml"] == 1.8


def test_nothing_stored_reads_as_an_empty_result():
    for stored in (None, {}, {"trials": "junk", "summary": 3}):
        r = ProtocolResult.from_dict(stored)
        assert r.trials == [] and r.best_hold() is None and trial_rows(stored) == []


@pytest.mark.parametrize("alias, name", [("sls", "single-leg-stance"),
                                         ("Single_Leg_Stance", "single-leg-stance"),
                                         ("four_stage", "four-stage"), ("bess", "bess")])
def test_old_spellings_resolve(alias, name):
    p = registry.create(alias, image_size=(1280, 720), fps=30.0)
    assert p.name == name == registry.spec(alias).name


def test_the_registry_knows_sides_depth_and_options():
    assert [n for n in registry.names() if registry.spec(n).sided] == ["single-leg-stance"]
    assert {n for n in registry.names() if registry.spec(n).needs_depth} == {
        "four-stage", "bess", "mbess", "romberg", "mctsib", "tug", "functional-reach"}
    cap = next(o for o in registry.spec("sls").options if o.name == "cap_s")
    assert cap.choices == (30.0, 45.0, 60.0) and cap.default == 45.0
    with pytest.raises(InputError, match="unknown protocol"):
        registry.spec("hopscotch")
    with pytest.raises(InputError, match="no side"):
        registry.create("bess", image_size=(1280, 720), fps=30.0, side="left")


@pytest.mark.parametrize("old, reach, mean", [
    ({"reach_cm": 28.4, "best_cm": 30.1, "trials_cm": [26.7, 30.1], "completed": True},
     30.1, 28.4),
    # Not completed (one good trial of two): no score then, none now.
    ({"reach_cm": None, "best_cm": 26.7, "trials_cm": [26.7], "completed": False}, None, None),
    # Today's form reads as it is.
    ({"reach_cm": 30.1, "mean_cm": 28.4, "trials_cm": [26.7, 30.1]}, 30.1, 28.4),
])
def test_a_reach_scored_as_the_mean_before_reads_as_the_best(old, reach, mean):
    """Sessions stored before functional reach scored the best of its trials gave the
    mean as ``reach_cm``: the history must not mix means with bests."""
    result = ProtocolResult.from_dict({"protocol": "functional-reach", "summary": old})
    assert result.summary.reach_cm == reach and result.summary.mean_cm == mean
    assert registry.measure("functional-reach").session_value(result) == reach
    assert "best_cm" not in result.summary.to_dict()
