"""Published minimal detectable changes (MDC95), in one table with their sources.

MDC95 = 1.96 x sqrt(2) x SEM: the difference two measurements of an unchanged person
exceed only 5 % of the time. Values come from stopwatch and force-plate studies; a webcam
measure is noisier, so they are a lower bound here. A measure with none here is judged
by the person's own repeatability (``balance.storage.trends``). docs/clinical.md, section 6.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mdc:
    """A minimal detectable change: ``absolute`` in the measure's unit, or ``relative``
    (a fraction of the baseline value)."""

    absolute: float | None
    relative: float | None
    source: str
    verify: bool = False

    def of(self, baseline: float) -> float:
        """The change that counts, from ``baseline``."""
        return self.absolute if self.absolute is not None else self.relative * abs(baseline)

    @property
    def cited(self) -> str:
        return self.source + (" (verify)" if self.verify else "")


# Goldberg A, Casby A, Wasielewski M. Minimum detectable change for single-leg-stance-time
# in older adults. Gait Posture 2011;33(4):737-739: 25 adults 60-89 y, SEM 8.7 s, MDC95
# 24.1 s (taken from the abstract as summarised by APTA: verify).
SINGLE_LEG_STANCE = Mdc(24.1, None, "Goldberg 2011 (older adults, SEM 8.7 s)", verify=True)
# Goldberg A, Chavis M, Watkins J, Wilson T. The five-times-sit-to-stand test: validity,
# reliability and detectable change in older females. Aging Clin Exp Res 2012;24(4):339-344:
# 29 women, mean age 73.6 y, ICC 0.95, SEM 0.9 s, MDC95 2.5 s (the publisher's abstract).
FIVE_STS = Mdc(2.5, None, "Goldberg 2012 (older women, SEM 0.9 s)")
# Single-leg balance on a force plate, test-retest typical error 9-15 % CV of sway velocity
# (J Sports Sci Med 2018;17:174, tables 2 and 4): MDC95 = 2.77 x 12 % = 33 %.
SWAY_VELOCITY = Mdc(None, 0.33, "JSSM 2018 (force plate, CV ~12 %)", verify=True)
# Donoghue OA, Savva GM, Borsch-Supan A, Kenny RA. Reliability, measurement error and
# minimum detectable change in mobility measures: a cohort study of community-dwelling
# adults aged 50 years and over in Ireland. BMJ Open 2019;9(11):e030475 (PMC6858113):
# 128 adults, retested 1-4 months later, by the same or another rater; TUG MDC 2.08 s
# (the abstract). Chosen over smaller short-retest values (1.10 s in knee osteoarthritis,
# doi:10.1186/s12891-015-0637-8, 2 days apart) because the history compares weeks apart.
TUG = Mdc(2.08, None, "Donoghue 2019 (community adults 50+, retest 1-4 months)")
# Not here, none being in docs/clinical.md yet: the 30 s chair stand's, the BESS's, the
# mCTSIB's, the yoga poses'.
