"""What the set-up adds for the chosen test, without a window: the foam pad question (from
the registry's FOAM need), the view, and the TUG's 3 m line."""

import numpy as np
import pytest

from balance.profile import Profile
from balance.protocols import registry
from balance.protocols.mctsib import NO_PAD_NOTE
from balance.session.setup_needs import ANSWER_PAD, SetupNeeds
from tests.test_walk_line import SIZE, _seen, _side_camera, _standing


def test_every_test_that_needs_a_pad_asks_for_it_and_no_other_does():
    for name in registry.names():
        needs = SetupNeeds(name)
        assert needs.asks_pad == (registry.FOAM in registry.spec(name).needs), name
    assert SetupNeeds("bess").asks_pad and SetupNeeds("mctsib").asks_pad


def _make(name, options):
    return registry.create(name, Profile(height_cm=170.0), image_size=SIZE, fps=30.0, **options)


def test_mctsib_without_a_pad_runs_the_firm_conditions_as_the_cli_pad_none_does():
    needs = SetupNeeds("mctsib", pad=False)
    name, options, note = needs.protocol_choice()
    assert name == "mctsib" and note.startswith("No foam pad")
    protocol = _make(name, options)
    assert protocol.pad == "none" and {s for s, _ in protocol.conditions} == {"firm"}
    assert protocol.result().summary.note == NO_PAD_NOTE  # the result says so too
    with_pad = SetupNeeds("mctsib", pad=True).protocol_choice()
    assert with_pad == ("mctsib", {}, None)
    assert {s for s, _ in _make("mctsib", {}).conditions} == {"firm", "foam"}


def test_bess_without_a_pad_runs_the_modified_bess():
    name, options, note = SetupNeeds("bess", pad=False).protocol_choice()
    assert name == "mbess" and "modified BESS" in note
    assert _make(name, options).surfaces == ("firm",)
    assert SetupNeeds("bess", pad=True).protocol_choice()[0] == "bess"


def _side_frame(distance_m):
    return _seen(_side_camera(distance_m, 1.5), _standing(1.70))


def test_the_pad_question_must_be_answered_before_the_view_is_ready():
    lm = _side_frame(5.0)
    lm[:, 0] = 0.5 + (lm[:, 0] - lm[:, 0].mean())  # the rest of the check is happy
    front = SetupNeeds("single-leg-stance")
    # side on, for a front-view test: told to turn
    assert front.report(lm, True, image_size=SIZE)[0].advice[0].startswith("Turn to face")
    needs = SetupNeeds("tug")
    assert needs.report(lm, True, image_size=SIZE)[0].ok  # no pad asked for the TUG
    mctsib = SetupNeeds("mctsib")
    report, _ = mctsib.report(np.zeros((33, 4)), False, image_size=SIZE)
    assert report.advice[0] == ANSWER_PAD
    mctsib.pad = False
    assert ANSWER_PAD not in mctsib.report(np.zeros((33, 4)), False, image_size=SIZE)[0].advice


@pytest.mark.parametrize(("distance_m", "fits"), [(5.0, True), (2.5, False)])
def test_the_tug_set_up_shows_the_line_and_holds_start_while_the_walk_does_not_fit(distance_m, fits):
    report, line = SetupNeeds("tug", height_cm=170.0).report(_side_frame(distance_m), True,
                                                              image_size=SIZE)
    assert line is not None and line.fits is fits
    assert report.ok is fits
    assert any(a.startswith("The 3 m line would be outside the picture") for a in report.advice) is not fits
    assert SetupNeeds("functional-reach").report(_side_frame(2.5), True, image_size=SIZE)[1] is None
