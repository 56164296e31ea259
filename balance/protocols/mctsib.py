"""Foam mCTSIB (modified Clinical Test of Sensory Interaction in Balance).

Feet together, arms folded, 30 s in each of four conditions: firm ground eyes open, firm
eyes closed, foam pad eyes open, foam eyes closed. It is the Romberg test's machinery
(``romberg.Romberg``: the settle-and-start, the failures, the samples left out around
the eyes closing) with two more conditions. Between the firm and the foam pair the
person is told to step onto the pad; the next condition waits for a foot to lift (the
step) and for the stance to settle again, and the core's floor level restarts there. A
failure (a step, a fall, the arms unfolding) ends its condition only: the person is told
to stand again and the next condition follows, as the published test scores every
condition. Without a pad (``pad="none"``) only the firm pair runs, which is the Romberg
test, and the result says so.

The ratios say which sense the person leans on (ML RMS, the robust camera measure, and
ML velocity): eyes closed over open on firm ground (vision removed, the feet's sense
left: the one neuropathy lowers), and foam over firm with the eyes open and closed (the
feet's sense made unreliable). A ratio is given only when both its conditions were held
the full time. The person's earlier sessions judge a change (``storage.trends``).
"""

from balance.clinical import norms
from balance.protocols.results import MctsibSummary, ProtocolResult
from balance.protocols.romberg import FIRM, FOAM, Romberg
from balance.protocols.trial import axis_text

PADS = ("foam", "none")
RATIO_KEYS = ("rms_ml", "mean_velocity_ml")
# name -> (numerator, denominator) conditions
RATIOS = {"closed_open_firm": ((FIRM, "closed"), (FIRM, "open")),
          "foam_firm_open": ((FOAM, "open"), (FIRM, "open")),
          "foam_firm_closed": ((FOAM, "closed"), (FIRM, "closed"))}
NO_PAD_NOTE = "no foam pad: the firm conditions only (the Romberg test)"


class Mctsib(Romberg):
    """Parameters: ``pad`` ("foam", or "none": no pad at hand), ``phase_s`` (30 s each)."""

    name, title = "mctsib", "Foam mCTSIB"
    stop_on_failure = False

    def __init__(self, profile, *, image_size, fps, pad: str = "foam",
                 phase_s: float = norms.MCTSIB_CONDITION_S):
        if pad not in PADS:
            raise ValueError(f"pad must be one of {', '.join(PADS)}, not {pad!r}")
        super().__init__(profile, image_size=image_size, fps=fps, phase_s=phase_s)
        self.pad = pad
        surfaces = (FIRM, FOAM) if pad == "foam" else (FIRM,)
        self.conditions = tuple((s, e) for s in surfaces for e in ("open", "closed"))

    def _extra(self) -> dict:
        return {"surface": self.condition[0]}

    def _wait_text(self) -> str:
        surface, eyes = self.condition
        text = "feet together, arms folded across your chest"
        if surface == FOAM:
            text = ("Step onto the foam pad: " if eyes == "open" else "On the foam pad, ") + text
        if self.failures and self.failures[-1]["t_s"] >= self.trials[-1].start_t:
            text = "Stand steady again: " + text  # the last condition ended in a failure
        text = text[0].upper() + text[1:]
        return text + (", then close your eyes." if eyes == "closed" else ".")

    def result(self) -> ProtocolResult:
        out = super().result()
        for t in out.trials:
            t.end_text = f"{t.surface}, eyes {t.eyes}: {t.end_text}"
        return out

    def _summary(self, trials) -> MctsibSummary:
        by = {(t.surface, t.eyes): t for t in trials}
        rows = [_row(c, by.get(c)) for c in self.conditions]
        held = [r["held_s"] for r in rows]
        return MctsibSummary(
            pad=self.pad, note=None if self.pad == "foam" else NO_PAD_NOTE,
            conditions=rows, completed=all(r["held_s"] == self.phase_s for r in rows),
            total_s=round(sum(h for h in held if h is not None), 3)
            if None not in held else None, max_s=self.phase_s * len(self.conditions),
            falls=sum(r["fell"] for r in rows if r["fell"] is not None),
            ratios=self._ratios(by), ratio_measure="rms_ml", phase_s=self.phase_s,
            eyes="declared, not seen", failures=list(self.failures),
            sources=[norms.SHUMWAY_COOK_1986.citation, norms.COHEN_1993.citation,
                     norms.BOUCHER_1995.citation],
            scale=self.body.scale_note, fps=self.fps,
            plane=axis_text([self.body.camera_view(t) for t in self.trials]))

    def _ratios(self, by) -> dict:
        """Each ratio's value per metric key, for the ratios whose two conditions were held
        the full time (None otherwise)."""
        out = {}
        for name, (top, bottom) in RATIOS.items():
            if top not in self.conditions:
                continue
            a, b = by.get(top), by.get(bottom)
            full = a is not None and b is not None and all(
                t.end_reason == "completed" and t.metrics for t in (a, b))
            out[name] = {k: round(a.metrics[k] / b.metrics[k], 3) for k in RATIO_KEYS
                         if b.metrics.get(k)} if full else None
        return out


def _row(condition, trial) -> dict:
    """One condition's line: held time, whether it ended in a fall or step, its sway."""
    surface, eyes = condition
    if trial is None:
        return {"surface": surface, "eyes": eyes, "held_s": None, "fell": None,
                "end_reason": None, "rms_ml": None, "mean_velocity_ml": None}
    return {"surface": surface, "eyes": eyes, "held_s": trial.hold_time_s,
            "fell": trial.end_reason == "step", "end_reason": trial.end_reason,
            "rms_ml": trial.metrics.get("rms_ml"),
            "mean_velocity_ml": trial.metrics.get("mean_velocity_ml")}
