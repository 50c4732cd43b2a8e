"""Agreement between first and second markers over double-marked (moderated) key questions.

A case's first review round is the independent comparison: the inspector's judgement as
submitted against the moderator's. Later rounds follow a conversation, so they are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min

from cases.models import ModerationReview
from inspections.models import Inspection, Question
from scoring.arithmetic import cohen_kappa, gwet_ac1, percent_agreement, percent_published

# Key questions are answered Yes or No: the scale AC1 corrects for chance against.
KEY_SCALE = ("yes", "no")


@dataclass(frozen=True)
class AgreementRow:
    key: str
    label: str
    cases: int
    pairs: tuple[tuple[str, str], ...]

    @property
    def agreed(self) -> int:
        return sum(1 for first, second in self.pairs if first == second)

    @property
    def percent(self) -> float | None:
        return percent_agreement(self.pairs)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs)

    @property
    def judgements(self) -> int:
        return len(self.pairs)

    @property
    def percent_published(self) -> int | None:
        return percent_published(self.agreed, len(self.pairs)) if self.pairs else None

    @property
    def ac1(self) -> float | None:
        return gwet_ac1(self.pairs, categories=KEY_SCALE)


@dataclass(frozen=True)
class Agreement:
    by_question: list[AgreementRow]
    by_inspector: list[AgreementRow]
    overall: AgreementRow


def inspection_agreement(inspection: Inspection) -> Agreement:
    """Percentage agreement, Cohen's kappa and Gwet's AC1 per key question and per inspector (3 queries)."""
    first_rounds = (
        ModerationReview.objects.filter(
            case__inspection=inspection, case__withdrawn_at__isnull=True
        )
        .values("case_id")
        .annotate(first=Min("round"))
        .order_by()
    )
    first_of = {row["case_id"]: row["first"] for row in first_rounds}
    rows = list(
        ModerationReview.objects.filter(
            case__inspection=inspection, case__withdrawn_at__isnull=True
        )
        .values(
            "case_id",
            "round",
            "question__code",
            "inspector_value",
            "moderator_value",
            "marker__username",
            "marker__first_name",
            "marker__last_name",
        )
        .order_by("question__order", "case_id")
    )
    keys = list(
        Question.objects.filter(framework_id=inspection.framework_id, kind=Question.Kind.KEY)
        .order_by("order")
        .values_list("code", "text")
    )
    by_question: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    by_marker: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    names: dict[str, str] = {}
    everything: list[tuple[int, tuple[str, str]]] = []
    for row in rows:
        if row["round"] != first_of.get(row["case_id"]):
            continue
        pair = (str(row["inspector_value"]), str(row["moderator_value"]))
        item = (int(row["case_id"]), pair)
        by_question[row["question__code"]].append(item)
        marker = str(row["marker__username"] or "")
        full = f"{row['marker__first_name']} {row['marker__last_name']}".strip()
        names[marker] = (full or marker) if marker else "No longer allocated"
        by_marker[marker].append(item)
        everything.append(item)
    return Agreement(
        by_question=[_row(code, f"{code}: {text}", by_question[code]) for code, text in keys],
        by_inspector=[_row(m, names[m], items) for m, items in sorted(by_marker.items())],
        overall=_row("all", "All key questions", everything),
    )


def _row(key: str, label: str, items: list[tuple[int, tuple[str, str]]]) -> AgreementRow:
    return AgreementRow(
        key=key,
        label=label,
        cases=len({case_id for case_id, _ in items}),
        pairs=tuple(pair for _, pair in items),
    )
