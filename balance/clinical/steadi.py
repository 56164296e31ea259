"""The CDC STEADI fall-risk screen: the three key questions, then gait, strength and
balance, with no program code in sight (numbers in, a typed outcome out).

Step 1 (screen): any "yes" to the three key questions screens the person at risk, and
they are assessed; all "no" screens them not at risk (the therapist may still ask for the
assessment). Step 2 (assess): the Timed Up and Go (>= 12 s), the 30-second chair stand
(below the STEADI average for the age and sex) and the 4-stage test (tandem stance not
held 10 s) each show a gait, strength or balance problem. A test that was not done, or
could not be judged, is "not assessed", never "passed".

The published algorithm then sorts a person screened at risk into low, moderate or high
risk by the number of falls and whether one caused an injury (*verify* the exact rules on
the CDC algorithm sheet): that needs the falls history, which this screen does not ask,
so it is left to the clinician (``RISK_SORT_NOTE``).
"""

from __future__ import annotations

from dataclasses import dataclass

from balance.clinical import norms

CDC_STEADI_ALGORITHM = norms.Source(
    "CDC STEADI algorithm",
    "Centers for Disease Control and Prevention. STEADI: Algorithm for Fall Risk Screening, "
    "Assessment, and Intervention. 2019.")
LOONLAWONG_2022 = norms.Source(
    "Loonlawong 2022",
    "Loonlawong S, et al. BMC Med 2022;20:78: the predictive validity of the three key "
    "questions for falls in older adults (title and full author list to be checked in "
    "the paper).",
    verify=True)
# Predictive validity of the three key questions (Loonlawong 2022, *verify*).
KEY_QUESTIONS_AUC, KEY_QUESTIONS_SENSITIVITY, KEY_QUESTIONS_SPECIFICITY = 0.845, 0.939, 0.750


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS = (
    Question("fallen", "Have you fallen in the past year?"),
    Question("unsteady", "Do you feel unsteady when standing or walking?"),
    Question("worries", "Do you worry about falling?"),
)
KEYS = tuple(q.key for q in QUESTIONS)

TUG, CHAIR, FOUR_STAGE = "tug", "chair-stand-30", "four-stage"
TESTS = (TUG, CHAIR, FOUR_STAGE)  # the order STEADI assesses them in
WHAT = {TUG: "gait (Timed Up and Go)", CHAIR: "strength (30-second chair stand)",
        FOUR_STAGE: "balance (4-stage test, tandem stance)"}
FAILED, PASSED, NOT_ASSESSED = "failed", "passed", "not assessed"

RISK_SORT_NOTE = ("STEADI then sorts a person screened at risk into low, moderate or high "
                  "risk by how many falls they had and whether one caused an injury "
                  "(verify the rules on the CDC algorithm sheet): ask, and decide with the "
                  "person.")


@dataclass(frozen=True)
class Assessment:
    """One STEADI test: ``status`` FAILED, PASSED or NOT_ASSESSED; ``value`` what was
    measured (s, stands, s held in tandem) or None; ``rule`` the line it was judged by, in
    words; ``why`` says why it was not assessed."""

    test: str
    status: str
    value: float | None
    rule: str
    why: str = ""

    @property
    def what(self) -> str:
        return WHAT[self.test]

    @property
    def value_text(self) -> str:
        """'13.2 s', '11 stands', '10.0 s held', or '-' when nothing was measured."""
        if self.value is None:
            return "-"
        if self.test == CHAIR:
            return f"{self.value:g} stands"
        return f"{self.value:.1f} s" + (" held" if self.test == FOUR_STAGE else "")

    def to_dict(self) -> dict:
        return {"test": self.test, "status": self.status, "value": self.value,
                "rule": self.rule, "why": self.why}

    @classmethod
    def from_dict(cls, d: dict) -> "Assessment":
        return cls(str(d["test"]), str(d["status"]), d.get("value"), str(d.get("rule", "")),
                   str(d.get("why", "")))


def tug(time_s: float | None) -> Assessment:
    """At risk when the TUG takes 12 s or more (CDC STEADI)."""
    rule = f"at risk at {norms.TUG_FALL_RISK_S:g} s or more ({norms.CDC_STEADI_TUG.key})"
    if time_s is None:
        return Assessment(TUG, NOT_ASSESSED, None, rule, "no completed TUG")
    return Assessment(TUG, FAILED if time_s >= norms.TUG_FALL_RISK_S else PASSED,
                      float(time_s), rule)


def chair_stand(stands: int | None, *, age: int | None, sex: str | None) -> Assessment:
    """At risk when the stands in 30 s are below the STEADI average for the age and sex;
    not assessed without a full 30 s, or where the table has no line (under 60, no age)."""
    line = norms.chair_stand_norm(age, sex)
    if line is None:
        rule = "below the STEADI average for the age and sex (ages 60-94)"
        why = "no age given" if age is None else f"no STEADI line for age {age}"
        return Assessment(CHAIR, NOT_ASSESSED, stands, rule, why)
    who = sex or "either sex (sex not given: the mean of the two lines)"
    rule = (f"at risk below {line:g} stands (the STEADI average for age {age}, {who}; "
            f"{norms.CDC_STEADI_CHAIR.key}, verify)")
    if stands is None:
        return Assessment(CHAIR, NOT_ASSESSED, None, rule, "no full 30 s chair stand")
    return Assessment(CHAIR, FAILED if stands < line else PASSED, stands, rule)


def tandem(held: bool | None, held_s: float | None = None) -> Assessment:
    """At risk when the tandem stance (the 4-stage test's third stage) is not held 10 s;
    a stage before it not held counts as tandem not held (the test stops there)."""
    rule = (f"at risk when tandem stance is not held {norms.FOUR_STAGE_HOLD_S:g} s "
            f"({norms.CDC_STEADI.key})")
    if held is None:
        why = ("tandem stance not tried" if held_s is None else
               "stopped before the tandem stance was held or broken")
        return Assessment(FOUR_STAGE, NOT_ASSESSED, held_s, rule, why)
    return Assessment(FOUR_STAGE, PASSED if held else FAILED, held_s, rule)


def needs_assessment(answers: dict[str, bool], *, asked: bool = False) -> bool:
    """Step 1: any "yes" screens the person at risk, so they are assessed; or the
    therapist asks (``asked``)."""
    return asked or screened_at_risk(answers)


def screened_at_risk(answers: dict[str, bool]) -> bool:
    missing = [k for k in KEYS if not isinstance(answers.get(k), bool)]
    if missing:
        raise ValueError(f"the key questions need a yes or no: {', '.join(missing)}")
    return any(answers[k] for k in KEYS)


@dataclass(frozen=True)
class Outcome:
    """A whole screen. ``assessments`` is empty when none was needed or asked for."""

    answers: dict
    assessments: tuple[Assessment, ...] = ()
    asked: bool = False

    @property
    def screened_at_risk(self) -> bool:
        return screened_at_risk(self.answers)

    @property
    def failed(self) -> list[Assessment]:
        return [a for a in self.assessments if a.status == FAILED]

    @property
    def not_assessed(self) -> list[Assessment]:
        return [a for a in self.assessments if a.status == NOT_ASSESSED]

    @property
    def at_risk(self) -> bool:
        """At risk: screened at risk by the questions, or a test failed."""
        return self.screened_at_risk or bool(self.failed)

    @property
    def verdict(self) -> str:
        return "at risk" if self.at_risk else "screened not at risk"

    def lines(self) -> list[str]:
        """The outcome in plain sentences (the CLI and the window's card): the verdict,
        the answers, each assessment, and what follows from them."""
        return [self.headline, *self.answer_lines(),
                *[self.assessment_line(a) for a in self.assessments], *self.finding_lines()]

    @property
    def headline(self) -> str:
        return f"STEADI screen: {self.verdict}."

    def answer_lines(self) -> list[str]:
        yes = [q.text for q in QUESTIONS if self.answers[q.key]]
        if yes:
            return ["Screened at risk: answered yes to " + "; ".join(yes)]
        return ["Answered no to all three key questions."]

    @staticmethod
    def assessment_line(a: Assessment) -> str:
        value = "" if a.value is None else f" ({a.value_text})"
        why = f": {a.why}" if a.why else ""
        return f"{a.what[:1].upper()}{a.what[1:]}: {a.status}{value}{why}; {a.rule}."

    def finding_lines(self) -> list[str]:
        """What the assessments found, and what is left to the clinician."""
        out = []
        if not self.assessments:
            out.append("Gait, strength and balance: not assessed (not needed).")
        if self.failed:
            out.append("Failed: " + ", ".join(a.what for a in self.failed) + ".")
        elif self.assessments and not self.not_assessed:
            out.append("No gait, strength or balance problem found.")
        if self.not_assessed:
            out.append("Not assessed (not passed): "
                       + ", ".join(a.what for a in self.not_assessed) + ".")
        if self.at_risk:
            out.append(RISK_SORT_NOTE)
        return out

    def to_dict(self) -> dict:
        return {"format": 1, "answers": dict(self.answers), "asked": self.asked,
                "assessments": [a.to_dict() for a in self.assessments],
                "screened_at_risk": self.screened_at_risk, "at_risk": self.at_risk,
                "verdict": self.verdict, "failed": [a.test for a in self.failed],
                "not_assessed": [a.test for a in self.not_assessed]}

    @classmethod
    def from_dict(cls, d: dict) -> "Outcome":
        return cls(dict(d["answers"]), tuple(Assessment.from_dict(a) for a in d["assessments"]),
                   bool(d.get("asked")))


def screen(answers: dict[str, bool], *, asked: bool = False, tug_s: float | None = None,
           chair_stands: int | None = None, tandem_held: bool | None = None,
           tandem_s: float | None = None, age: int | None = None,
           sex: str | None = None) -> Outcome:
    """The CDC algorithm on one person's answers and (when they are assessed) test
    results; a result left None is a test not done."""
    if not needs_assessment(answers, asked=asked):
        return Outcome(dict(answers), (), asked)
    return Outcome(dict(answers), (tug(tug_s), chair_stand(chair_stands, age=age, sex=sex),
                                   tandem(tandem_held, tandem_s)), asked)
