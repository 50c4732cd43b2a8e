"""The scoring engine: every figure the application shows comes from inspection_scores().

Counting happens in the database in a fixed number of queries, whatever the number of cases:
one grouped scan of the answers (with each answer's case profile) and one grouped scan of the
cases. Both results are folded into the overall figures and every breakdown at once, so adding
a breakdown costs no query. The arithmetic is in scoring.arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from cases.models import Answer, Case
from inspections.models import Inspection, Question
from scoring.arithmetic import percent_exact, percent_published, wilson_interval

FLAGS: tuple[str, ...] = tuple(c.value for c in Question.AppliesWhen if c.value)

ROSH_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("low", "Low", (Case.Rosh.LOW,)),
    ("medium", "Medium", (Case.Rosh.MEDIUM,)),
    ("high_very_high", "High/very high", (Case.Rosh.HIGH, Case.Rosh.VERY_HIGH)),
    ("not_assessed", "Not assessed", (Case.Rosh.NOT_ASSESSED,)),
)
ROSH_GROUP_OF: dict[str, str] = {r: key for key, _, members in ROSH_GROUPS for r in members}

MAPPA_GROUPS: tuple[tuple[str, str], ...] = (
    ("not_eligible", "Not MAPPA eligible"),
    ("eligible", "MAPPA eligible (all levels)"),
    ("level_1", "MAPPA level 1"),
    ("level_2", "MAPPA level 2"),
    ("level_3", "MAPPA level 3"),
)

# Counts for one question over some set of cases: yes, no, explicit N/A, in scope.
_YES, _NO, _NA, _SCOPE = range(4)


@dataclass(frozen=True)
class QuestionScore:
    code: str
    text: str
    kind: str
    parent: str | None
    yes: int
    no: int
    not_applicable: int
    unanswered: int

    @property
    def relevant(self) -> int:
        return self.yes + self.no

    @property
    def cases(self) -> int:
        return self.yes + self.no + self.not_applicable + self.unanswered

    @property
    def percent(self) -> int | None:
        return percent_published(self.yes, self.relevant)

    @property
    def exact(self) -> float | None:
        return percent_exact(self.yes, self.relevant)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.yes, self.relevant)

    @property
    def ci_low(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(interval[0], 2)

    @property
    def ci_high(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(interval[1], 2)


@dataclass(frozen=True)
class GroupScores:
    group: str
    label: str
    cases: int
    questions: list[QuestionScore]

    def question(self, code: str) -> QuestionScore:
        return next(q for q in self.questions if q.code == code)


@dataclass(frozen=True)
class ProfileRow:
    group: str
    label: str
    cases: int
    total: int

    @property
    def percent(self) -> int | None:
        return percent_published(self.cases, self.total)


@dataclass(frozen=True)
class InspectionScores:
    inspection: Inspection
    cases: int
    questions: list[QuestionScore]
    breakdowns: dict[str, list[GroupScores]]
    profile: dict[str, list[ProfileRow]] = field(default_factory=dict)

    def question(self, code: str) -> QuestionScore:
        """The overall score of one question, by code (KeyError if the framework lacks it)."""
        for score in self.questions:
            if score.code == code:
                return score
        raise KeyError(code)

    def profile_row(self, table: str, group: str) -> ProfileRow:
        for row in self.profile[table]:
            if row.group == group:
                return row
        raise KeyError(f"{table}/{group}")

    @property
    def key_questions(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.kind == Question.Kind.KEY]


def in_scope_q(prefix: str = "") -> Q:
    """A Q over answers (prefix "") that is true when the answer's question applies to its case.

    Key questions and prompts apply in their question set (core, or adjusted where contact was
    suspended); a supplementary question applies where its case flag is set.
    """
    q = prefix
    core = Q(**{f"{q}question__question_set": Question.QuestionSet.CORE}) & Q(
        **{f"{q}case__adjusted_questions": False}
    )
    adjusted = Q(**{f"{q}question__question_set": Question.QuestionSet.ADJUSTED}) & Q(
        **{f"{q}case__adjusted_questions": True}
    )
    key_or_prompt = Q(**{f"{q}question__kind__in": [Question.Kind.KEY, Question.Kind.PROMPT]}) & (
        core | adjusted
    )
    flagged = Q(**{f"{q}question__applies_when": ""})
    for flag in FLAGS:
        flagged |= Q(**{f"{q}question__applies_when": flag, f"{q}case__{flag}": True})
    supplementary = Q(**{f"{q}question__kind": Question.Kind.SUPPLEMENTARY}) & flagged
    return key_or_prompt | supplementary


def _groups_of(
    pdu_id: int, mappa_eligible: bool, mappa_level: int | None, rosh: str
) -> list[tuple[str, str]]:
    """The breakdown groups (dimension, group key) that a profile cell falls into."""
    groups = [("all", "all"), ("pdu", str(pdu_id)), ("rosh", ROSH_GROUP_OF.get(rosh, rosh))]
    if mappa_eligible:
        groups.append(("mappa", "eligible"))
        if mappa_level:
            groups.append(("mappa", f"level_{mappa_level}"))
    else:
        groups.append(("mappa", "not_eligible"))
    return groups


def _scope_count(question: Question, row: Mapping[str, Any]) -> int:
    """How many of a case-group row's cases the question applies to."""
    if question.kind == Question.Kind.SUPPLEMENTARY:
        return int(row[f"n_{question.applies_when}"] if question.applies_when else row["n"])
    adjusted = int(row["n_adjusted"])
    if question.question_set == Question.QuestionSet.ADJUSTED:
        return adjusted
    return int(row["n"]) - adjusted


def inspection_scores(inspection: Inspection) -> InspectionScores:
    """Every question's counts and figures, overall and by PDU, MAPPA and RoSH; the case profile.

    Four queries whatever the number of cases: the questions and the PDUs (small), then one
    grouped scan of the cases and one of the answers.
    """
    questions = list(
        Question.objects.filter(framework_id=inspection.framework_id)
        .select_related("parent")
        .order_by("order")
    )
    pdus = list(inspection.region.pdus.order_by("name").values_list("pk", "code", "name"))

    case_rows = list(
        Case.objects.filter(inspection=inspection)
        .values("pdu_id", "mappa_eligible", "mappa_level", "rosh")
        .annotate(
            n=Count("pk"),
            n_adjusted=Count("pk", filter=Q(adjusted_questions=True)),
            **{f"n_{flag}": Count("pk", filter=Q(**{flag: True})) for flag in FLAGS},
        )
        .order_by()
    )
    answer_rows = (
        Answer.objects.filter(case__inspection=inspection)
        .filter(in_scope_q())
        .values(
            "question_id",
            "value",
            "case__pdu_id",
            "case__mappa_eligible",
            "case__mappa_level",
            "case__rosh",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )

    # counts[(dimension, group)][question_id] = [yes, no, na, in_scope]
    counts: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    cases_in: dict[tuple[str, str], int] = defaultdict(int)
    value_slot: dict[str, int] = {
        Answer.Value.YES: _YES,
        Answer.Value.NO: _NO,
        Answer.Value.NOT_APPLICABLE: _NA,
    }

    for row in case_rows:
        cell_groups = _groups_of(
            row["pdu_id"], row["mappa_eligible"], row["mappa_level"], row["rosh"]
        )
        for question in questions:
            in_scope = _scope_count(question, row)
            for group in cell_groups:
                counts[group][question.pk][_SCOPE] += in_scope
        for group in cell_groups:
            cases_in[group] += row["n"]
    for arow in answer_rows:
        slot = value_slot[arow["value"]]
        for group in _groups_of(
            arow["case__pdu_id"],
            arow["case__mappa_eligible"],
            arow["case__mappa_level"],
            arow["case__rosh"],
        ):
            counts[group][arow["question_id"]][slot] += arow["n"]

    def scores_for(group: tuple[str, str]) -> list[QuestionScore]:
        total = cases_in.get(group, 0)
        by_question = counts.get(group, {})
        out = []
        for question in questions:
            yes, no, na, scope = by_question.get(question.pk, (0, 0, 0, 0))
            out.append(
                QuestionScore(
                    code=question.code,
                    text=question.text,
                    kind=question.kind,
                    parent=question.parent.code if question.parent else None,
                    yes=yes,
                    no=no,
                    # Cases the question does not apply to are not relevant: counted as N/A.
                    not_applicable=na + (total - scope),
                    unanswered=scope - yes - no - na,
                )
            )
        return out

    def group_list(dimension: str, groups: Iterable[tuple[str, str, str]]) -> list[GroupScores]:
        return [
            GroupScores(
                group=key,
                label=label,
                cases=cases_in.get((dimension, lookup), 0),
                questions=scores_for((dimension, lookup)),
            )
            for key, lookup, label in groups
        ]

    total_cases = cases_in.get(("all", "all"), 0)
    breakdowns = {
        "pdu": group_list("pdu", ((code, str(pk), name) for pk, code, name in pdus)),
        "mappa": group_list("mappa", ((key, key, label) for key, label in MAPPA_GROUPS)),
        "rosh": group_list("rosh", ((key, key, label) for key, label, _ in ROSH_GROUPS)),
    }
    profile = {
        "rosh": [
            ProfileRow(key, label, cases_in.get(("rosh", key), 0), total_cases)
            for key, label, _ in ROSH_GROUPS
        ],
        "mappa": [
            ProfileRow(key, label, cases_in.get(("mappa", key), 0), total_cases)
            for key, label in MAPPA_GROUPS
        ],
    }
    return InspectionScores(
        inspection=inspection,
        cases=total_cases,
        questions=scores_for(("all", "all")),
        breakdowns=breakdowns,
        profile=profile,
    )
