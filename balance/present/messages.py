"""The words the window shows: result cards with norms, safety text, gentle suggestions.

Qt-free, so the terminal demo prints exactly what the window shows.
"""

from __future__ import annotations

import math

from balance.core.camera_view import CameraView
from balance.profile import Profile
from balance.protocols import reasons, registry
from balance.clinical import norms
from balance.protocols.results import ProtocolResult, TrialResult

CHECKLIST = (
    ("warm", "I have warmed up (a few minutes of walking or marching on the spot)."),
    ("shoes", "I wear supportive shoes, or I am barefoot because this test asks for it."),
    ("support", "A sturdy chair or a wall is within reach of my hands."),
    ("floor", "The floor around me is clear: no rugs, cables or pets."),
    ("pain", "I will stop at once if I feel sharp or lasting pain, or feel dizzy."),
)
FEET_REMINDER = ("Before you go: check both feet for blisters, cuts or red marks. "
                 "Numb feet do not feel them.")
DISCOMFORT = ("Stopped. Hold on to your chair or wall and rest. If the pain is sharp or does "
              "not go away, stop for today and tell your therapist.")
CAMERA_LOST = ("The camera stopped sending pictures, so the trial was marked interrupted. "
               "Everything recorded up to that moment is saved.")
# What a window says once its feed has stopped, before the way on (its own).
SOURCE_END = {
    reasons.SOURCE_ENDED: "The video has ended.",
    reasons.CAMERA_LOST: "The camera stopped sending pictures: check its cable.",
}
CHOOSE_SOURCE = "To go on, choose a camera or another file in the Camera box above."
START = "Start (Space)"
# Metric keys worth a line on the card (the core's names), with their label and unit.
# A front camera measures medio-lateral sway (see balance/protocols/trial.py); an oblique
# or off-centre one only the sway across the picture (OBLIQUE_LABELS).
METRIC_LINES = (
    ("mean_velocity_ml", "side-to-side sway speed", "cm/s"),
    ("rms_ml", "side-to-side sway (RMS)", "cm"),
    ("range_ml", "side-to-side range", "cm"),
)
OBLIQUE_LABELS = {
    "mean_velocity_ml": "sway speed across the picture",
    "rms_ml": "sway across the picture (RMS)",
    "range_ml": "range across the picture",
}
OBLIQUE_NOTE = ("The camera was not square on ({}): the sway across the picture mixes "
                "side to side with front to back. Face the camera from its middle next time.")


def trial_card(trial: TrialResult | dict) -> list[str]:
    """Lines for one finished trial: hold time, why it ended, errors, score, a few metrics."""
    t = trial if isinstance(trial, TrialResult) else TrialResult.from_dict(trial)
    name = " ".join(str(x) for x in ("Trial", t.trial,
                                      f"({t.side} leg)" if t.side else None)
                    if x is not None)
    why = t.end_text or t.end_reason
    lines = [f"{name}: held {_s(t.hold_time_s)}" + (f", {why}" if why else "")]
    if isinstance(t.errors, (int, float)):  # an old result's count
        lines.append(f"errors: {t.errors:g}")
    elif t.errors:
        lines.append(f"errors: {len(t.errors)}")
    if _finite(t.score):
        lines.append(f"stability score: {t.score:.0f} / 100" + _score_why(t))
    view = CameraView.from_dict(t.view)
    oblique = view is not None and view.medio_lateral is False
    if oblique:
        lines.append(OBLIQUE_NOTE.format("; ".join(view.problems())))
    lines += metric_lines(t.metrics, oblique=oblique)
    return lines


def _score_why(t: TrialResult) -> str:
    """Why the score is below the live steadiness: the part of the target not held."""
    from balance.protocols.trial import sway_score  # here: the CLI's parser must not load numba

    steady = sway_score(t.metrics) if t.metrics else None
    if not (_finite(t.target_s) and _finite(t.hold_time_s) and steady is not None) \
            or t.hold_time_s >= t.target_s:
        return ""
    return (f" (steadiness {steady:.0f}, scaled by the {t.hold_time_s:.1f} s held of the "
            f"{t.target_s:g} s target)")


def metric_lines(metrics: dict, limit: int = 3, *, oblique: bool = False) -> list[str]:
    """The card's sway lines; ``oblique``: the camera's horizontal axis was not medio-lateral."""
    out = []
    for key, label, unit in METRIC_LINES:
        value = metrics.get(key)
        if not _finite(value):
            continue
        out.append(f"{OBLIQUE_LABELS[key] if oblique else label}: {value:.1f} {unit}")
        if len(out) == limit:
            break
    return out


def best_lines(result: ProtocolResult) -> list[str]:
    """"Best hold: 12.0 s", or one per side when the protocol reports them by side."""
    per_side = getattr(result.summary, "best_hold_s", None)
    if isinstance(per_side, dict):
        held = [f"{side} leg {v:.1f} s" for side, v in per_side.items() if _finite(v)]
        return [f"Best hold: {', '.join(held)}"] if held else []
    best = result.best_hold()
    return [f"Best hold: {best:.1f} s"] if best is not None else []


def timed_lines(result: ProtocolResult) -> list[str]:
    """"Time: 11.2 s for 5 stands", or how far it got, and the stands that did not count."""
    s = result.summary
    lines = ([f"Time: {s.time_s:.1f} s for {s.reps} stands"] if s.time_s is not None
             else [f"{s.reps} good stands, not finished"])
    refused = [", ".join(x.get("faults", [])) for x in s.stands if x.get("faults")]
    if refused:
        lines.append(f"{len(refused)} stands did not count ({'; '.join(refused)})")
    return lines


TUG_PARTS = (("sit_to_stand", "stand up"), ("walk_out", "walk out"), ("turn", "turn"),
             ("walk_back", "walk back"), ("turn_to_sit", "turn and sit"))


def tug_lines(result: ProtocolResult) -> list[str]:
    """The TUG's time and parts, the turn's steps, gait speed (or why not), the declared aid
    and chair arms, and the neuropathy note beside the lines."""
    s = result.summary
    if s.time_s is None:
        lines = ["Not timed: " + (result.trials[0].end_text if result.trials else "not started")]
    else:
        lines = [f"Time: {s.time_s:.1f} s (from {s.start_rule})",
                 ", ".join(f"{label} {s.parts[k]:.1f} s" for k, label in TUG_PARTS
                           if _finite(s.parts.get(k)))]
    if s.turn_steps is not None:
        lines.append(norms.turn_steps_words(s.turn_steps))
    speed = s.gait_speed_cm_s or {}
    if _finite(speed.get("out")) and _finite(speed.get("back")):
        lines.append(f"gait speed: {speed['out']:.0f} cm/s out, {speed['back']:.0f} cm/s back")
    elif s.gait_speed_note:
        lines.append(f"gait speed {s.gait_speed_note}")
    lines.append(f"walking aid: {s.aid}; chair arms: {s.chair_arms} (as declared)")
    if s.time_s is not None and s.neuropathy_note:
        lines.append(s.neuropathy_note)
    return [line for line in lines if line]


# an mCTSIB ratio's name -> what it compares (sway in the first over the second)
RATIO_WORDS = {"closed_open_firm": "eyes closed / open, firm",
               "foam_firm_open": "foam / firm, eyes open",
               "foam_firm_closed": "foam / firm, eyes closed"}


def condition_lines(result: ProtocolResult) -> list[str]:
    """The mCTSIB's total, its note (no pad) and the ratios that say which sense is leaned on."""
    s = result.summary
    lines = [s.note] if s.note else []
    if s.total_s is not None:
        lines.append(f"Total: {s.total_s:.1f} of {s.max_s:g} s, {s.falls} falls or steps")
    return lines + ratio_lines(s)


def ratio_lines(s) -> list[str]:
    """One line per mCTSIB ratio: its sway RMS and speed ratios, or why it is missing."""
    lines = []
    for name, ratio in s.ratios.items():
        text = (f"RMS x{ratio['rms_ml']:.2f}, speed x{ratio['mean_velocity_ml']:.2f}" if ratio
                else "not measured (a condition was not held)")
        lines.append(f"sway {RATIO_WORDS.get(name, name)}: {text}")
    return lines


def reach_lines(result: ProtocolResult) -> list[str]:
    """Functional reach: the score (the best of the scored trials), each attempt, and
    those that did not count."""
    s = result.summary
    lines = ([f"Reach: {s.reach_cm:.1f} cm (best of {len(s.trials_cm)}; mean {s.mean_cm:.1f} cm)"]
             if s.reach_cm is not None else
             [f"{len(s.trials_cm)} of {s.trials} scored reaches, not finished"])
    for t in result.trials:
        name = "Practice" if t.practice else f"Trial {t.trial}"
        lines.append(f"{name}: {t.end_text}")
    return lines


def norm_lines(result: ProtocolResult, profile: Profile) -> list[str]:
    """How the best hold compares with published values (single-leg stance only)."""
    given = result.extra.get("norms") or getattr(result.summary, "norms", None)
    if isinstance(given, dict):  # per side, or (the 30 s chair stand) of "stands"
        return [_norm_text(n, key) for key, ns in given.items() for n in ns]
    if given:
        return [_norm_text(n) for n in given]
    best = result.best_hold()
    if best is None or not registry.is_single_leg_stance(result.protocol):
        return []
    eyes = getattr(result.summary, "eyes", None) or "open"
    cmp = norms.compare_sls(best, age=profile.age, sex=profile.sex, eyes=eyes)
    return [_norm_text(c.to_dict()) for c in cmp]


def _norm_text(n: dict, key: str | None = None) -> str:
    """One comparison; ``key`` the leg it is of, or "stands" (the reference is a count)."""
    where = "below" if n.get("below") else "at or above"
    unit = n.get("unit") or ("stands" if key == "stands" else "s")
    text = f"{where} {n.get('label')} ({n.get('reference_s'):g} {unit}, {n.get('source')})"
    return f"{key} leg: {text}" if key in ("left", "right") else text


def progress_suggestion(result: ProtocolResult, *, cap_s: float | None = None) -> str:
    """A gentle next step. Holding the full time earns a small progression, never a big one."""
    best = result.best_hold()
    if best is None:
        return "Take your time. Practising a little every day helps more than long sessions."
    if best < norms.FALL_RISK_SLS_S:
        return ("Keep practising this level with a hand near your support. "
                "Progress slowly: small, steady steps.")
    if cap_s and best >= cap_s - 0.05:
        return ("You held the full time. If it felt steady, next time try one small change "
                "only (for example arms crossed instead of on the hips). Progress slowly.")
    return "Good work. Stay at this level until it feels easy, then progress slowly."


def result_text(result: ProtocolResult | dict, profile: Profile, *,
                reason: str | None = None) -> str:
    """The whole result card as plain text (the window and the terminal demo); a stored
    result dict is read as a ``ProtocolResult``."""
    result = ProtocolResult.of(result)
    lines = []
    if reason == reasons.CAMERA_LOST:
        lines.append(CAMERA_LOST)
    elif reason == reasons.DISCOMFORT:
        lines.append(DISCOMFORT)
    if hasattr(result.summary, "parts"):  # Timed Up and Go
        lines += tug_lines(result)
    elif hasattr(result.summary, "time_s"):  # a timed test (five-times sit-to-stand)
        lines += timed_lines(result)
    elif hasattr(result.summary, "reach_cm"):
        lines += reach_lines(result)
    else:
        for trial in result.trials:
            lines += trial_card(trial)
        # the mCTSIB's conditions are not a best-of-N
        lines += condition_lines(result) if hasattr(result.summary, "ratios") else best_lines(result)
    lines += norm_lines(result, profile)
    lines.append(progress_suggestion(result, cap_s=getattr(result.summary, "cap_s", None)))
    lines.append(FEET_REMINDER)
    return "\n".join(lines)


def end_title(reason: str, result, planned: int | None = None) -> str:
    """The result card's title: how the test ended, in words. ``planned``: the trials a
    whole run holds (``Protocol.planned_trials``), to say how far a short recording got."""
    if reason == reasons.DONE:
        return "Test finished"
    if reason != reasons.SOURCE_ENDED:
        return f"Test ended: {reason}"
    done = len(ProtocolResult.of(result).trials)
    if planned and done < planned:
        return f"Recording ended before all trials were done: {done} of {planned}"
    return "Recording ended before the test was done"


def waiting_words(flow, now: float) -> tuple[str, str]:
    """(the line about waiting, the Start button's words), from one reading of the test
    flow (`balance.session.flow.Flow`): a feed that has ended, else a rest, else nothing."""
    if flow.source_end is not None:
        return source_end_text(flow.source_end, CHOOSE_SOURCE), START
    rest = flow.rest_left(now)
    if rest > 0:
        return f"Rest {rest:.0f} s. Hold on to your support.", f"Rest {rest:.0f} s"
    return "", START


def source_end_text(reason: str, way_on: str) -> str:
    return f"{SOURCE_END.get(reason, SOURCE_END[reasons.SOURCE_ENDED])} {way_on}"


def clock(seconds: float | None) -> str:
    """12.3 -> '12.3', 75 -> '1:15': a timer readable from across the room."""
    if not _finite(seconds):
        return "--"
    if seconds < 60:
        return f"{seconds:4.1f}"
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


def _s(value) -> str:
    return f"{value:.1f} s" if _finite(value) else "-"


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
