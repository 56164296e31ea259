"""The one list of protocols: name, old spellings, title, what each needs, its options.

Everything that asks "which tests are there" reads this: ``create`` (which resolves the
aliases), the CLI's choices and help (``spec(name).options``), the history's labels,
the checks that need depth. A protocol class is imported only when one is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from balance.errors import InputError
from balance.clinical import mdc, norms
from balance.protocols import results as r
from balance.protocols.measures import HOLD, Measure, chair_stand_line, five_sts_norm, fixed, sls_norm

WORLD = "world_landmarks"  # needs MediaPipe's world landmarks (depth): not a landmark CSV
FOAM = "foam_pad"          # needs a foam pad
# The view the camera must have of the person (the set-up check asks them to turn until
# it fits): the stance tests read side-to-side sway across the picture, the walking and
# reaching ones read forward travel across it.
FRONT, SIDE, EITHER = "front", "side", "front or side"


@dataclass(frozen=True)
class Option:
    """One constructor option: ``type`` converts a CLI string; ``choices`` None = any."""

    name: str
    type: type
    default: object = None
    choices: tuple | None = None
    help: str = ""


@dataclass(frozen=True)
class NoPad:
    """What a test that needs a foam pad runs when there is none: another protocol
    (``protocol``) or its own with ``options``; ``note`` says so on screen."""

    note: str
    protocol: str | None = None
    options: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class ProtocolSpec:
    """What the rest of the program knows of one protocol without building it.

    ``factory`` is "module:Class" under ``balance.protocols``; ``sided``: the person
    chooses the stance leg (``create(..., side=)``); ``needs``: ``WORLD``, ``FOAM``;
    ``live_sway``: its ``Status.sway_cm`` is filled while a trial runs; ``measure``: the
    one number its history follows (``measures.Measure``; every protocol declares one);
    ``view``: ``FRONT``, ``SIDE`` or ``EITHER``; ``no_pad``: what runs without a foam pad
    (every test that ``needs`` ``FOAM`` declares it).
    """

    name: str
    factory: str
    title: str
    summary: type = r.Summary
    aliases: tuple[str, ...] = ()
    sided: bool = False
    needs: frozenset = frozenset()
    live_sway: bool = False
    options: tuple[Option, ...] = field(default_factory=tuple)
    measure: Measure | None = None
    view: str = FRONT
    no_pad: NoPad | None = None

    @property
    def needs_depth(self) -> bool:
        return WORLD in self.needs

    @property
    def needs_foam(self) -> bool:
        return FOAM in self.needs

    def protocol_class(self):
        module, cls = self.factory.split(":")
        return getattr(import_module(f"balance.protocols.{module}"), cls)


_REPS = (Option("target_reps", int, None, help="done when this many good reps are counted"),
         Option("duration_s", float, None, help="done after this much counted time, s"))
_BESS = (Option("stances", tuple, ("double_leg", "single_leg", "tandem"),
                ("double_leg", "single_leg", "tandem"), "the stances to test, in order"),
         Option("trial_s", float, norms.BESS_TRIAL_S, help="each trial, s"))
_GOOD_REPS = Measure("good reps", "reps", "good reps", read="trial:reps")
_BESS_ERRORS = Measure("BESS errors", "errors", "errors", higher_is_better=False,
                       read="summary:total_score")
_POSE_HOLD = Measure("hold time", "s", "best hold s")  # no published MDC for a free hold

SPECS = (
    ProtocolSpec(
        "single-leg-stance", "single_leg:SingleLegStance", "Single-leg stance",
        r.SingleLegSummary, aliases=("single_leg_stance", "sls"), sided=True,
        live_sway=True, options=(
            Option("cap_s", float, 45.0, (30.0, 45.0, 60.0), "the longest hold counted, s"),
            Option("eyes", str, "open", ("open", "closed"), "eyes open or closed (declared)"),
            Option("arms", str, "hips", ("hips", "crossed", "free"),
                   "arm position (hands on hips are checked)"),
            Option("trials_per_side", int, 3, help="trials per stance leg (best counts)")),
        measure=Measure("hold time", "s", "best hold s", mdc=mdc.SINGLE_LEG_STANCE,
                        fall_risk=fixed(norms.FALL_RISK_SLS_S, norms.VELLAS_1997.key),
                        norm=sls_norm)),
    ProtocolSpec("four-stage", "four_stage:FourStage", "4-Stage Balance Test (CDC STEADI)",
                 r.FourStageSummary, aliases=("four_stage", "4-stage"),
                 needs=frozenset({WORLD}), options=(
                     Option("hold_s", float, norms.FOUR_STAGE_HOLD_S, help="each stage, s"),),
                 # tandem (the third stage) not held: increased fall risk
                 measure=Measure("stages held", "stages", "stages", read="summary:stages_held",
                                 fall_risk=fixed(3, norms.CDC_STEADI.key))),
    ProtocolSpec("bess", "bess:BESS", "Balance Error Scoring System (BESS)", r.BessSummary,
                 needs=frozenset({WORLD, FOAM}), live_sway=True, options=_BESS,
                 measure=_BESS_ERRORS, no_pad=NoPad(
                     "No foam pad: the three firm-surface trials only (the modified BESS).",
                     protocol="mbess")),
    ProtocolSpec("mbess", "bess:ModifiedBESS", "Modified BESS (firm surface)", r.BessSummary,
                 aliases=("modified-bess", "modified_bess"), needs=frozenset({WORLD}),
                 live_sway=True, options=_BESS, measure=_BESS_ERRORS),
    ProtocolSpec("romberg", "romberg:Romberg", "Romberg test", r.RombergSummary,
                 needs=frozenset({WORLD}), live_sway=True, options=(
                     Option("sharpened", bool, False, help="tandem stance (sharpened Romberg)"),
                     Option("phase_s", float, norms.ROMBERG_PHASE_S, help="each half, s")),
                 measure=Measure("time held", "s", "best held s")),
    ProtocolSpec("mctsib", "mctsib:Mctsib", "Foam mCTSIB (sensory interaction)",
                 r.MctsibSummary, aliases=("m-ctsib", "ctsib"), needs=frozenset({WORLD, FOAM}),
                 live_sway=True, options=(
                     Option("pad", str, "foam", ("foam", "none"),
                            "a foam pad is there (none: the firm conditions only, the Romberg)"),
                     Option("phase_s", float, norms.MCTSIB_CONDITION_S,
                            help="each condition, s")),
                 measure=Measure("time held, all conditions", "s", "held s",
                                 read="summary:total_s"),
                 no_pad=NoPad("No foam pad: the firm conditions only (the Romberg test).",
                              options=(("pad", "none"),))),
    ProtocolSpec("practice", "practice:Practice", "Free practice", r.PracticeSummary,
                 live_sway=True, measure=_POSE_HOLD),
    ProtocolSpec("yoga", "yoga:YogaPoses", "Yoga balance poses", r.YogaSummary, options=(
        Option("pose", str, None, help="count only this pose (default: any)"),
        Option("min_hold_s", float, 1.0, help="shorter good-form holds are dropped, s")),
        measure=_POSE_HOLD),
    ProtocolSpec("heel-raises", "reps:HeelRaises", "Heel raises", r.RepsSummary,
                 aliases=("heel_raises",), options=_REPS, measure=_GOOD_REPS),
    ProtocolSpec("toe-raises", "reps:ToeRaises", "Toe raises", r.RepsSummary,
                 aliases=("toe_raises",), options=_REPS, measure=_GOOD_REPS),
    ProtocolSpec("mini-squats", "reps:MiniSquats", "Mini squats", r.RepsSummary,
                 aliases=("mini_squats",), options=_REPS, measure=_GOOD_REPS),
    ProtocolSpec("sit-to-stand", "chair_stand:SitToStand", "Sit to stand", r.RepsSummary,
                 aliases=("sit_to_stand",), view=EITHER, options=_REPS + (
                     Option("hands", str, "allowed", ("allowed", "crossed"),
                            "crossed: a stand pushed up with the hands does not count"),),
                 measure=_GOOD_REPS),
    ProtocolSpec("chair-stand-30", "chair_stand:ChairStand30", "30-second chair stand",
                 r.ChairStandSummary, aliases=("chair_stand_30",), view=EITHER,
                 measure=Measure("stands in 30 s", "stands", "stands", read="summary:stands",
                                 fall_risk=chair_stand_line)),
    ProtocolSpec("five-sts", "five_sts:FiveTimesSitToStand", "Five-times sit-to-stand",
                 r.FiveStsSummary, aliases=("five_sts", "5xsts", "ftsts"), view=EITHER, options=(
                     Option("reps", int, norms.FIVE_STS_REPS, help="stands to time"),),
                 measure=Measure("time for five stands", "s", "best time s", higher_is_better=False,
                                 mdc=mdc.FIVE_STS, fall_risk=fixed(norms.FIVE_STS_FALL_RISK_S,
                                                                  norms.TIEDEMANN_2008.key),
                                 norm=five_sts_norm)),
    ProtocolSpec("tug", "tug:TimedUpAndGo", "Timed Up and Go (TUG)", r.TugSummary,
                 aliases=("timed-up-and-go", "timed_up_and_go"), needs=frozenset({WORLD}),
                 view=SIDE, options=(
                     Option("go", str, "cue", ("cue", "movement"),
                            "timed from the window's Go cue, or from the first movement "
                            "(what a recording the window did not make gets unless told)"),
                     Option("aid", str, "none", ("none", "cane", "walker"),
                            "walking aid used (declared)"),
                     Option("chair_arms", str, "not used", ("not used", "used"),
                            "the chair's arms pushed on to stand (declared)")),
                 measure=Measure("TUG time", "s", "best time s", higher_is_better=False,
                                 mdc=mdc.TUG,
                                 fall_risk=fixed(norms.TUG_FALL_RISK_S, norms.CDC_STEADI_TUG.key))),
    ProtocolSpec("functional-reach", "functional_reach:FunctionalReach", "Functional reach",
                 r.FunctionalReachSummary, aliases=("functional_reach", "reach", "frt"),
                 needs=frozenset({WORLD}), view=SIDE, options=(
                     Option("practice", int, norms.REACH_PRACTICE, help="practice reaches first"),
                     Option("trials", int, norms.REACH_TRIALS,
                            help="reaches scored after the practice (the best is the result)")),
                 measure=Measure("reach", "cm", "reach cm", read="summary:reach_cm",
                                 repeats="trials_cm",
                                 fall_risk=fixed(norms.REACH_HIGH_RISK_CM, norms.DUNCAN_1992.key))),
)
_BY_NAME = {s.name: s for s in SPECS}
_ALIASES = {a: s.name for s in SPECS for a in (s.name, *s.aliases)}


def names() -> tuple[str, ...]:
    """The canonical protocol names, in menu order."""
    return tuple(_BY_NAME)


def canonical(name: str | None) -> str | None:
    """The canonical name of ``name`` or one of its aliases (any case), else None."""
    return _ALIASES.get(str(name or "").strip().lower())


def spec(name: str) -> ProtocolSpec:
    """The spec of ``name`` (an alias is fine); ``InputError`` when there is none."""
    key = canonical(name)
    if key is None:
        raise InputError(f"unknown protocol {name!r}; choose one of {', '.join(names())}")
    return _BY_NAME[key]


def title(name: str | None) -> str:
    """A label for ``name`` (the stored name itself when it is not a known protocol)."""
    key = canonical(name)
    return _BY_NAME[key].title if key else str(name or "unknown")


def measure(name: str | None) -> Measure:
    """The main measure of ``name``: its spec's, or a hold time for a test not known."""
    key = canonical(name)
    return (_BY_NAME[key].measure if key else None) or HOLD


def is_single_leg_stance(name: str | None) -> bool:
    return canonical(name) == "single-leg-stance"


def create(name: str, profile=None, *, image_size, fps: float, side: str | None = None,
           **options):
    """A new protocol by name (or alias); ``options`` go to its constructor.

    ``side``: the stance leg to test, for the tests where the person chooses it (single-leg
    stance); the others choose for themselves (BESS stands on the non-dominant leg).
    """
    from balance.profile import Profile
    s = spec(name)
    # What made this run, so a recording of it can be scored again exactly.
    given = {"side": side, **options} if side is not None else dict(options)
    if side is not None:
        if not s.sided:
            raise InputError(f"{s.name} has no side to choose")
        options["sides"] = (side,)
    try:
        protocol = s.protocol_class()(profile or Profile(), image_size=image_size, fps=fps,
                                      **options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{s.name}: {exc}") from None
    protocol.options = given
    return protocol
