"""The shape of a pose definition: criteria on features, with tolerances and cues."""

from dataclasses import dataclass

# What the reported side of a pose means.
STANDING = "standing"  # the leg the person stands on (tree, dancer, warrior III, ...)
LEADING = "leading"    # the bent front leg of a lunge (warrior I and II)


@dataclass(frozen=True)
class Criterion:
    """One measured relation a pose asks for.

    Attributes
    ----------
    feature : str
        A name from `balance.yoga.features.FEATURES`.
    lo, hi : float
        The range accepted in full, in the feature's unit.
    soft : float
        Tolerance outside the range: membership is 2/3 at ``soft`` beyond it, 1/3 at
        ``2 * soft`` (see `balance.yoga.scoring`).
    cue_low, cue_high : str or None
        What to tell the person when the value is below ``lo`` / above ``hi``; None when
        there is nothing useful to say (the criterion then only helps recognition).
    """

    feature: str
    lo: float
    hi: float
    soft: float
    cue_low: str | None = None
    cue_high: str | None = None


@dataclass(frozen=True)
class PoseDefinition:
    """A named pose: its criteria, what its side means, and where its numbers came from.

    Attributes
    ----------
    name : str
    side : str or None
        `STANDING`, `LEADING`, or None for a symmetric pose (mountain, chair).
    criteria : tuple of Criterion
    calibrated : bool
        True when `tools.yoga_calibrate` fits the ranges to labelled data; False for
        ranges set by hand (mountain: Yoga-82 has no mountain pose).
    """

    name: str
    side: str | None
    criteria: tuple[Criterion, ...]
    calibrated: bool = True

    def criterion(self, feature):
        """The criterion on ``feature``, or None."""
        for c in self.criteria:
            if c.feature == feature:
                return c
        return None
