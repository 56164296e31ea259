"""The contract every registered protocol keeps, checked on each one the registry lists.

A new protocol is checked as soon as it is registered; it needs a generated person that
exercises it (``SCENARIOS``), and the test says so when that is missing.
"""

import json

import numpy as np
import pytest

from balance.profile import Profile
from balance.protocols import ProtocolResult, registry
from balance.protocols.base import FRONT_VIEW, Frame
from balance.testing.synthetic import Lift, generate
from tests.helpers import balance

TOGETHER = [(0, "hip_width"), (1, "together")]
BOTH = ("left", "right")
# name -> (generate() arguments, create() options): a person doing the test, 30 fps.
SCENARIOS = {
    "single-leg-stance": (dict(duration_s=22.0, lifts=[Lift("left", 3.0, 20.0)]), {}),
    "practice": (dict(duration_s=22.0, lifts=[Lift("left", 3.0, 20.0)]), {}),
    "four-stage": (dict(duration_s=16.0, stances=[(0, "hip_width"), (11.5, "semi_tandem")]),
                   {}),
    "bess": (dict(duration_s=22.0, stances=TOGETHER), {"stances": ("double_leg",)}),
    "mbess": (dict(duration_s=22.0, stances=TOGETHER), {"stances": ("double_leg",)}),
    "romberg": (dict(duration_s=22.0, stances=TOGETHER, arms="crossed"), {}),
    # 8 s per condition; the step onto the pad at 19-20.5 s
    "mctsib": (dict(duration_s=38.0, stances=TOGETHER, arms="crossed",
                    lifts=[Lift("left", 19.0, 19.5), Lift("right", 20.0, 20.5)]),
               {"phase_s": 8.0}),
    "yoga": (dict(duration_s=8.0), {}),
    "heel-raises": (dict(duration_s=9.0, heel_raises=[(s, t, t + 1.2) for t in (2.0, 5.0)
                                                      for s in BOTH]), {}),
    "toe-raises": (dict(duration_s=9.0, toe_raises=[(s, t, t + 1.2) for t in (2.0, 5.0)
                                                    for s in BOTH]), {}),
    "mini-squats": (dict(duration_s=9.0, squats=[(2.0, 3.5), (5.0, 6.5)]), {}),
    "sit-to-stand": (dict(duration_s=9.0, arms="crossed", seated=[(-1, 2), (4, 6)]), {}),
    "chair-stand-30": (dict(duration_s=9.0, arms="crossed", seated=[(-1, 2), (4, 6)]), {}),
    "five-sts": (dict(duration_s=12.0, arms="crossed",
                      seated=[(-1, 2), (4, 6), (8, 10), (11.5, 13)]), {"reps": 3}),
    # the Go after 2 s seated still; a stand and a sit without the walk (tests/bench/tug.py walks)
    "tug": (dict(duration_s=12.0, seated=[(-1, 4), (8, 13)]), {}),
    # a practice reach of 25 cm, then one scored of 28 cm, seen from the left
    "functional-reach": (dict(duration_s=18.0, side_on=True,
                              reaches=[(1.0, 3.5, 6.0, 7.5, 25.0), (9.5, 12.0, 14.5, 16.0, 28.0)]),
                         {"trials": 1}),
}
NAMES = registry.names()


def person(name):
    if name not in SCENARIOS:
        pytest.fail(f"{name} is registered but has no scenario in SCENARIOS: add one")
    make, options = SCENARIOS[name]
    return generate(jitter_px=0.3, sway_cm=(0.3, 0.8), seed=2, **make), options


def fresh(name, s, options):
    return registry.create(name, Profile(height_cm=s.height_cm), image_size=s.image_size,
                           fps=s.fps, **options)


def frame(s, i):
    return Frame(i, float(s.t[i]), s.image[i], s.world[i], bool(s.detected[i]))


def run(name, upto=None):
    """A fresh protocol fed the scenario's frames (up to index ``upto``), then stopped.

    Returns (protocol, statuses, events, frame indices fed, the person)."""
    s, options = person(name)
    p = fresh(name, s, options)
    statuses, events, fed = [], [], []
    for i in range(s.t.size if upto is None else upto):
        st = p.update(frame(s, i))
        statuses.append(st)
        events += st.events
        fed.append(i)
        if p.done:
            break
    events += p.stop(float(s.t[fed[-1]]), "stopped")
    return p, statuses, events, fed, s


def plain(result: ProtocolResult):
    """The result as the session file stores it: JSON text, read back."""
    return json.loads(json.dumps(result.to_dict()))


@pytest.mark.parametrize("name", NAMES)
def test_a_second_stop_adds_no_events_and_changes_no_result(name):
    s, _ = person(name)
    p, _, first, _, _ = run(name, upto=int(0.6 * s.t.size))  # stopped mid-test
    before = plain(p.result())
    assert p.stop(float(s.t[-1]), "stopped") == []
    assert plain(p.result()) == before
    assert p.done


@pytest.mark.parametrize("name", NAMES)
def test_the_result_survives_json_and_back(name):
    p, _, _, _, _ = run(name)
    result = p.result()
    assert isinstance(result, ProtocolResult) and result.protocol == name
    assert result.trials, "the scenario should give at least one trial"
    stored = plain(result)
    again = ProtocolResult.from_dict(stored)
    assert again.to_dict() == stored
    assert type(again.summary) is type(result.summary)
    assert [t.hold_time_s for t in again.trials] == [t.hold_time_s for t in result.trials]


@pytest.mark.parametrize("name", NAMES)
def test_the_measure_its_history_follows_is_declared_and_in_its_result(name):
    """The registry entry names the test's main number, and the result holds it where
    the entry says: a trial field (or key) or a summary field."""
    measure = registry.spec(name).measure
    assert measure is not None, f"{name}: declare its measure in the registry"
    assert measure.label and measure.column
    result = run(name)[0].result()
    holder = result.trials[0] if measure.per_trial else result.summary
    assert hasattr(holder, measure.field) or measure.field in holder.extra, measure.read
    assert registry.measure(name) is measure


@pytest.mark.parametrize("name", NAMES)
def test_the_same_frames_give_the_same_result(name):
    (a, sa, ea, _, _), (b, sb, eb, _, _) = run(name), run(name)
    assert plain(a.result()) == plain(b.result())
    assert [(e.t_s, e.kind) for e in ea] == [(e.t_s, e.kind) for e in eb]
    assert [st.sway_cm for st in sa] == [st.sway_cm for st in sb]


@pytest.mark.parametrize("name", NAMES)
def test_live_sway_is_side_to_side_then_vertical_and_says_so(name):
    _, statuses, _, fed, s = run(name)
    shown = [(i, st) for i, st in zip(fed, statuses) if st.sway_cm is not None]
    assert all(st.sway_view is None for st in statuses if st.sway_cm is None)
    if not registry.spec(name).live_sway:
        assert shown == [], f"{name} shows sway but its registry entry says it does not"
        return
    assert len(shown) > 5 * s.fps
    assert {st.sway_view for _, st in shown} == {FRONT_VIEW}
    frames = np.array([i for i, _ in shown])
    sway = np.array([st.sway_cm for _, st in shown], dtype=float)
    assert np.isfinite(sway).all()
    truth = s.com_ml_cm[frames] - s.com_ml_cm[frames].mean()
    horizontal = sway[:, 0] - sway[:, 0].mean()
    # the first axis is the person's side-to-side sway, in cm (slope ~1 on the truth)
    assert np.corrcoef(horizontal, truth)[0, 1] > 0.9
    assert np.dot(horizontal, truth) / np.dot(truth, truth) == pytest.approx(1.0, abs=0.3)
    # the second is vertical: a standing person's centre of mass barely rises or falls
    assert abs(np.corrcoef(sway[:, 1], truth)[0, 1]) < 0.5
    assert np.std(sway[:, 1]) < 0.5 * np.std(sway[:, 0])


# --- Re-scoring (session driver) -----------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_rescoring_the_recording_gives_the_live_result(name, tmp_path):
    """Recorded through the session driver, with the tester's key (where the test takes
    one) and a Stop with discomfort two thirds in, the file scores to the live result."""
    from balance.session.recording import Recording
    from balance.session.rescore import rescore
    from balance.storage.session import SessionWriter, new_metadata, read_session
    s, options = person(name)
    path = tmp_path / f"{name}.balance"
    rec = Recording(fresh(name, s, options),
                    SessionWriter(path, new_metadata(source="synthetic", fps=s.fps,
                                                     image_size=s.image_size,
                                                     profile=Profile(height_cm=s.height_cm)
                                                     .to_dict())), to_history=False)
    stop_at = 2 * s.t.size // 3
    for i in range(stop_at):
        rec.feed(float(s.t[i]), s.image[i], s.world[i], bool(s.detected[i]))
        if i == s.t.size // 2:
            rec.tester_error("eyes_opened")
        if rec.protocol_done:
            rec.finish("done")
            break
    rec.stop("discomfort", discomfort=True, by="Stop button")
    session = read_session(path)
    assert session.metadata["result"] == plain(ProtocolResult.of(rec.result()))
    assert rescore(session).result == session.metadata["result"]
    proc = balance("score", path, "--protocol", name, "--json")  # what a user runs
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == session.metadata["result"]


# BESS restarts its detector at every placement of the feet; these raise errors from its
# events: (name, generate() arguments, create() options).
RESTARTS = [
    ("bess", dict(duration_s=23.0, stances=TOGETHER, hands_off=[(4.0, 5.0)],
                  heel_raises=[("left", 9.0, 10.0)], hops=[(13.0, 6.0)]),
     {"stances": ("double_leg",)}),
    ("bess", dict(duration_s=23.0, stances=TOGETHER, lifts=[Lift("right", 1.0, 22.5)],
                  hops=[(8.0, 7.0)]), {"stances": ("single_leg",)}),
]


@pytest.mark.parametrize("name, make, options",
                         [(n, *SCENARIOS[n]) for n in NAMES] + RESTARTS)
def test_a_recording_fed_ahead_shows_every_status_of_the_live_run(name, make, options,
                                                                   monkeypatch):
    """Re-scoring hands the protocol the whole recording first (its event detector then
    runs over blocks, ahead); every frame's status and event is still the live one."""
    from balance.protocols import tracking
    monkeypatch.setattr(tracking, "AHEAD_FRAMES", 37)  # many blocks, cut anywhere
    s = generate(jitter_px=1.0, sway_cm=(0.3, 0.8), seed=3, **make)
    live, ahead = fresh(name, s, options), fresh(name, s, options)
    ahead.lookahead(s.t, s.image, s.world)
    for i in range(s.t.size):
        shown = live.update(frame(s, i))
        assert repr(ahead.update(frame(s, i))) == repr(shown), f"frame {i}"
        if live.done:
            break
    assert plain(ahead.result()) == plain(live.result())
    if live.body is not None and live.body.events:  # the detector's own events
        assert ahead.body._seen == live.body._seen
