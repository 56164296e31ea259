"""Published reference values for the balance tests, in one table with their sources.

Values marked ``verify=True`` come from a secondary transcription (docs/clinical.md): correct
them here, in one place, when the primary paper is at hand.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    verify: bool = False


SPRINGER_2007 = Source(
    "Springer 2007",
    "Springer BA, Marin R, Cyhan T, Roberts H, Gill NW. Normative values for the unipedal "
    "stance test with eyes open and closed. J Geriatr Phys Ther 2007;30(1):8-15.",
    verify=True)
BOHANNON_2006 = Source(
    "Bohannon 2006",
    "Bohannon RW. Single limb stance times: a descriptive meta-analysis of data from "
    "individuals at least 60 years of age. Topics Geriatr Rehabil 2006;22(1):70-77.")
VELLAS_1997 = Source(
    "Vellas 1997",
    "Vellas BJ, Wayne SJ, Romero L, Baumgartner RN, Rubenstein LZ, Garry PJ. One-leg "
    "balance is an important predictor of injurious falls in older persons. J Am Geriatr "
    "Soc 1997;45(6):735-738.")
HURVITZ_2001 = Source(
    "Hurvitz 2001",
    "Hurvitz EA, Richardson JK, Werner RA. Unipedal stance testing in the assessment of "
    "peripheral neuropathy. Arch Phys Med Rehabil 2001;82(2):198-204.")
CDC_STEADI = Source(
    "CDC STEADI",
    "Centers for Disease Control and Prevention. STEADI: The 4-Stage Balance Test. 2017.")
RIEMANN_1999 = Source(
    "Riemann 1999",
    "Riemann BL, Guskiewicz KM, Shields EW. Relationship between clinical and forceplate "
    "measures of postural stability. J Sport Rehabil 1999;8(2):71-82.")
BELL_2011 = Source(
    "Bell 2011",
    "Bell DR, Guskiewicz KM, Clark MA, Padua DA. Systematic review of the balance error "
    "scoring system. Sports Health 2011;3(3):287-295.")
VAN_PARYS_1976 = Source(
    "van Parys 1976",
    "Van Parys JAP, Njiokiktjien CJ. Romberg's sign expressed in a quotient. "
    "Agressologie 1976;17(spec no):95-99.",
    verify=True)
KHASNIS_2003 = Source(
    "Khasnis 2003",
    "Khasnis A, Gokula RM. Romberg's test. J Postgrad Med 2003;49(2):169-172.")

# Single-leg stance, eyes open, best of 3, mean seconds by age band (lo, hi inclusive).
SLS_EYES_OPEN = ((18, 39, 44.7), (40, 49, 41.9), (50, 59, 41.2), (60, 69, 32.1),
                 (70, 79, 21.5), (80, 99, 9.4))
# Eyes closed, (female, male) mean seconds by age band.
SLS_EYES_CLOSED = ((18, 39, 13.1, 16.9), (40, 49, 13.5, 12.0), (50, 59, 7.9, 8.6),
                   (60, 69, 3.6, 5.1), (70, 79, 3.7, 2.6), (80, 99, 2.1, 1.8))
# Meta-analytic eyes-open means for older adults (Bohannon 2006).
SLS_META = ((60, 69, 27.0), (70, 79, 17.2), (80, 99, 8.5))

FALL_RISK_SLS_S = 5.0          # cannot stand on one leg 5 s (Vellas 1997)
NEUROPATHY_SLS_MEAN_S = 15.7   # patients with neuropathy (Hurvitz 2001)
NO_NEUROPATHY_SLS_MEAN_S = 37.1
NEUROPATHY_SLS_CUTOFF_S = 45.0  # < 45 s: sensitivity 83 %, specificity 71 % (Hurvitz 2001)
FOUR_STAGE_HOLD_S = 10.0       # each stage; tandem not held 10 s = fall risk (CDC STEADI)
BESS_TRIAL_S = 20.0            # each BESS trial, eyes closed (Riemann 1999; Bell 2011)
BESS_MAX_ERRORS = 10           # per trial; also the score of a stance not held 5 s
ROMBERG_PHASE_S = 30.0         # eyes open, then eyes closed (Khasnis 2003)


@dataclass(frozen=True)
class NormComparison:
    """How a result stands against one reference value: ``reference_s`` is in ``unit``
    (s for the timed tests; stands, cm for the others)."""

    label: str
    reference_s: float
    below: bool
    source: Source
    unit: str = "s"

    def to_dict(self) -> dict:
        return {"label": self.label, "reference_s": self.reference_s, "below": self.below,
                "source": self.source.key, "citation": self.source.citation,
                "verify": self.source.verify, **({"unit": self.unit} if self.unit != "s" else {})}


def _band(table, age):
    for row in table:
        if row[0] <= age <= row[1]:
            return row
    return None


def sls_age_norm(age: int | None, eyes: str = "open", sex: str | None = None) -> float | None:
    """Mean single-leg stance time (s) for the age (Springer 2007); None when unknown.

    Eyes closed needs the sex; without it the mean of the two is returned.
    """
    if age is None:
        return None
    row = _band(SLS_EYES_OPEN if eyes == "open" else SLS_EYES_CLOSED, age)
    if row is None:
        return None
    if eyes == "open":
        return row[2]
    female, male = row[2], row[3]
    return {"female": female, "male": male}.get(sex, (female + male) / 2)


def compare_sls(best_s: float, *, age: int | None, sex: str | None = None,
                eyes: str = "open") -> list[NormComparison]:
    """Where a best single-leg hold stands: age norm, fall-risk line, neuropathy reference."""
    out = []
    norm = sls_age_norm(age, eyes, sex)
    if norm is not None:
        out.append(NormComparison(f"age {age} mean, eyes {eyes}", norm, best_s < norm,
                                  SPRINGER_2007))
    if eyes == "open" and age is not None and (meta := _band(SLS_META, age)):
        out.append(NormComparison(f"age {age} meta-analysis mean", meta[2], best_s < meta[2],
                                  BOHANNON_2006))
    out.append(NormComparison("fall-risk line", FALL_RISK_SLS_S, best_s < FALL_RISK_SLS_S,
                              VELLAS_1997))
    if eyes == "open":
        out.append(NormComparison("neuropathy patients' mean", NEUROPATHY_SLS_MEAN_S,
                                  best_s < NEUROPATHY_SLS_MEAN_S, HURVITZ_2001))
    return out


# --- 30-second chair stand -------------------------------------------------------------

RIKLI_JONES_1999 = Source(
    "Rikli & Jones 1999",
    "Rikli RE, Jones CJ. Functional fitness normative scores for community-residing older "
    "adults, ages 60-94. J Aging Phys Act 1999;7(2):162-181. (Also Jones CJ, Rikli RE, "
    "Beam WC. A 30-s chair-stand test as a measure of lower body strength in "
    "community-residing older adults. Res Q Exerc Sport 1999;70(2):113-119.)",
    verify=True)
CDC_STEADI_CHAIR = Source(
    "CDC STEADI 30-Second Chair Stand",
    "Centers for Disease Control and Prevention. STEADI: Assessment 30-Second Chair Stand. "
    "2017. Below-average scores after Rikli & Jones 2013, Senior Fitness Test Manual.",
    verify=True)

CHAIR_STAND_S = 30.0  # arms crossed, full stands in 30 s, half-way up at the end counts
# A score below these stands in 30 s is below average for the age band (CDC STEADI chair
# stand form; transcribed, *verify*): (lo, hi inclusive, women, men).
CHAIR_STAND_BELOW_AVERAGE = ((60, 64, 12, 14), (65, 69, 11, 12), (70, 74, 10, 12),
                             (75, 79, 10, 11), (80, 84, 9, 10), (85, 89, 8, 8),
                             (90, 94, 4, 7))


def chair_stand_norm(age: int | None, sex: str | None = None) -> float | None:
    """The below-average line (stands in 30 s) for the age; the mean of the sexes when
    the sex is unknown; None outside 60-94 or without an age."""
    row = _band(CHAIR_STAND_BELOW_AVERAGE, age) if age is not None else None
    if row is None:
        return None
    return {"female": row[2], "male": row[3]}.get(sex, (row[2] + row[3]) / 2)


def compare_chair_stand(stands: int, *, age: int | None,
                        sex: str | None = None) -> list[NormComparison]:
    """Where a 30-second chair stand score stands (``reference_s`` holds stands here)."""
    line = chair_stand_norm(age, sex)
    if line is None:
        return []
    return [NormComparison(f"age {age} below-average line (stands in 30 s)", line,
                           stands < line, CDC_STEADI_CHAIR)]


# --- Five-times sit-to-stand -----------------------------------------------------------

TIEDEMANN_2008 = Source(
    "Tiedemann 2008",
    "Tiedemann A, Shimada H, Sherrington C, Murray S, Lord S. The comparative ability of "
    "eight functional mobility tests for predicting falls in community-dwelling older "
    "people. Age Ageing 2008;37(4):430-435.")
BOHANNON_2006B = Source(
    "Bohannon 2006b",
    "Bohannon RW. Reference values for the five-repetition sit-to-stand test: a "
    "descriptive meta-analysis of data from elders. Percept Mot Skills "
    "2006;103(1):215-222.",
    verify=True)

FIVE_STS_REPS = 5
FIVE_STS_FALL_RISK_S = 12.0  # >= 12 s: increased risk of (multiple) falls (Tiedemann 2008)
# Mean time for five stands, s, by age band (Bohannon 2006b; transcribed, *verify*).
FIVE_STS_AGE_MEAN = ((60, 69, 11.4), (70, 79, 12.6), (80, 89, 14.8))


def compare_five_sts(time_s: float, *, age: int | None) -> list[NormComparison]:
    """Where a five-times sit-to-stand time stands: the age mean (when the age has one)
    and the fall-risk line. ``below`` is literal: a time below a line is faster."""
    out = []
    row = _band(FIVE_STS_AGE_MEAN, age) if age is not None else None
    if row is not None:
        out.append(NormComparison(f"age {age} mean time", row[2], time_s < row[2],
                                  BOHANNON_2006B))
    out.append(NormComparison("fall-risk line",
                              FIVE_STS_FALL_RISK_S, time_s < FIVE_STS_FALL_RISK_S,
                              TIEDEMANN_2008))
    return out


# --- Timed Up and Go --------------------------------------------------------------------

CDC_STEADI_TUG = Source(
    "CDC STEADI TUG",
    "Centers for Disease Control and Prevention. STEADI: Assessment, Timed Up & Go (TUG). "
    "2017.")
SHUMWAY_COOK_2000 = Source(
    "Shumway-Cook 2000",
    "Shumway-Cook A, Brauer S, Woollacott M. Predicting the probability for falls in "
    "community-dwelling older adults using the Timed Up & Go Test. Phys Ther "
    "2000;80(9):896-903.",
    verify=True)
JERNIGAN_2012 = Source(
    "Jernigan 2012",
    "Jernigan SD, Pohl PS, Mahnken JD, Kluding PM. Diagnostic accuracy of fall risk "
    "assessment tools in people with diabetic peripheral neuropathy. Phys Ther "
    "2012;92(11):1461-1470 (PMC3488267).",
    verify=True)

TUG_FALL_RISK_S = 12.0       # >= 12 s: at risk of falling (CDC STEADI)
TUG_COMMUNITY_FALLS_S = 13.5  # >= 13.5 s predicted falls (Shumway-Cook 2000, *verify*)
# No number: the adjusted value is not transcribed here yet (docs/clinical.md).
TUG_NEUROPATHY_NOTE = (
    "In diabetic peripheral neuropathy the usual TUG cut-offs found few recurrent fallers; "
    "a lower, ROC-adjusted cut-off gave 88.9 % accuracy (Jernigan 2012, *verify* its value "
    "in the paper)")


# Steps in the 180 deg turn at the line. More than four: a raised risk of falling in frail
# older people (the TURN180 procedure paper, which reports it of earlier work; modal count
# 4 in 142 inpatients, mean age 81 y); read from its abstract only: verify.
TURN180 = Source(
    "TURN180",
    "A standard procedure for using TURN180: testing dynamic postural stability among "
    "elderly people. Physiotherapy (abstract; authors and year to be checked).",
    verify=True)
GAMERMAN_2019 = Source(
    "Gamerman 2019",
    "Gamerman Y, Hoshen M, Herman Cohen A, Alter Z, Hadad L, Melzer I. Validity and "
    "inter-observer reliability of the TURN 180 test to identify older adults who reported "
    "falls. Isr Med Assoc J 2019;21(4):269-274.")
TURN_STEPS_MARKER = 4  # more than this many steps in the half-turn (TURN180, *verify*)


def turn_steps_words(steps: int) -> str:
    """The card's line for the turn's step count, against the TURN180 marker."""
    above = steps > TURN_STEPS_MARKER
    return (f"turn at the line: {steps} steps ("
            + ("more than" if above else "not more than")
            + f" {TURN_STEPS_MARKER}, the TURN180 marker of fall risk, {TURN180.key} *verify*)")


def compare_tug(time_s: float) -> list[NormComparison]:
    """Where a TUG time stands against the STEADI line and the community falls line;
    ``below`` is literal (below a line is faster)."""
    return [NormComparison("STEADI fall-risk line", TUG_FALL_RISK_S, time_s < TUG_FALL_RISK_S,
                           CDC_STEADI_TUG),
            NormComparison("community falls line", TUG_COMMUNITY_FALLS_S,
                           time_s < TUG_COMMUNITY_FALLS_S, SHUMWAY_COOK_2000)]


# --- Foam mCTSIB and functional reach ----------------------------------------------------

SHUMWAY_COOK_1986 = Source(
    "Shumway-Cook & Horak 1986",
    "Shumway-Cook A, Horak FB. Assessing the influence of sensory interaction on balance. "
    "Suggestion from the field. Phys Ther 1986;66(10):1548-1550.",
    verify=True)
COHEN_1993 = Source(
    "Cohen 1993",
    "Cohen H, Blatchly CA, Gombash LL. A study of the clinical test of sensory interaction "
    "and balance. Phys Ther 1993;73(6):346-351.",
    verify=True)
BOUCHER_1995 = Source(
    "Boucher 1995",
    "Boucher P, Teasdale N, Courtemanche R, Bard C, Fleury M. Postural stability in "
    "diabetic polyneuropathy. Diabetes Care 1995;18(5):638-645.")

MCTSIB_CONDITION_S = 30.0  # each of the four conditions (Cohen 1993, *verify*)


# --- Functional reach --------------------------------------------------------------------

DUNCAN_1990 = Source(
    "Duncan 1990",
    "Duncan PW, Weiner DK, Chandler J, Studenski S. Functional reach: a new clinical "
    "measure of balance. J Gerontol 1990;45(6):M192-M197.",
    verify=True)
DUNCAN_1992 = Source(
    "Duncan 1992",
    "Duncan PW, Studenski S, Chandler J, Prescott B. Functional reach: predictive validity "
    "in a sample of elderly male veterans. J Gerontol 1992;47(3):M93-M98.",
    verify=True)

REACH_PRACTICE, REACH_TRIALS = 1, 2  # ../shared/docs/CLINICAL.md; Duncan 1990: 2 + 3, *verify*
REACH_SCORING = ("best of the scored trials (Duncan 1990's norms and lines are on the mean of "
                 "its trials, verify: the mean is given too)")
INCH_CM = 2.54
# Fall-risk lines against a reach over 10 in: under 6 in ~4x, 6-10 in ~2x (Duncan 1992,
# *verify*). 6 in = 15.24 cm (CLINICAL.md's 15.4 is a slip).
REACH_HIGH_RISK_CM = 6 * INCH_CM
REACH_RISK_CM = 10 * INCH_CM
# Mean reach, cm, ages 70-87 (Duncan 1990, *verify*): (lo, hi inclusive, women, men).
REACH_AGE_MEAN = ((70, 87, 27.0, 33.0),)


def reach_risk(cm: float) -> str:
    """"high" (about 4 times the falls of a reach over 10 in), "raised" (about twice),
    or "low"."""
    return "high" if cm < REACH_HIGH_RISK_CM else "raised" if cm < REACH_RISK_CM else "low"


def compare_reach(cm: float, *, age: int | None, sex: str | None = None) -> list[NormComparison]:
    """Where a functional reach stands: the age mean (70-87 only; the mean of the sexes
    when the sex is unknown), then the 6 in and 10 in fall-risk lines."""
    out = []
    row = _band(REACH_AGE_MEAN, age) if age is not None else None
    if row is not None:
        mean = {"female": row[2], "male": row[3]}.get(sex, (row[2] + row[3]) / 2)
        out.append(NormComparison(f"age {age} mean reach", mean, cm < mean, DUNCAN_1990, "cm"))
    for label, line in (("high fall-risk line (6 in)", REACH_HIGH_RISK_CM),
                        ("fall-risk line (10 in)", REACH_RISK_CM)):
        out.append(NormComparison(label, round(line, 2), cm < line, DUNCAN_1992, "cm"))
    return out
