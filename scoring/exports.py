"""The scores table as rows for the exports: every question overall and in every breakdown
group, from the one scoring engine (its query count is fixed, whatever the number of cases)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from inspections.models import Inspection
from scoring.selectors import inspection_scores

SCORE_COLUMNS: tuple[str, ...] = (
    "breakdown",
    "group",
    "label",
    "group_cases",
    "code",
    "text",
    "kind",
    "parent",
    "yes",
    "no",
    "not_applicable",
    "unanswered",
    "relevant",
    "percent",
    "exact",
    "ci_low",
    "ci_high",
)


def scores_rows(*, inspection: Inspection, version: int | None = None) -> Iterator[Sequence[Any]]:
    """The header, then every question overall ("all") and in every breakdown group (at the
    data version `version` when the caller read it, for its ETag)."""
    scores = inspection_scores(inspection, version=version)
    yield list(SCORE_COLUMNS)
    groups: list[tuple[str, str, str, int, Any]] = [
        ("all", "all", "All cases", scores.cases, scores.questions)
    ]
    for breakdown, group_scores in scores.breakdowns.items():
        groups.extend((breakdown, g.group, g.label, g.cases, g.questions) for g in group_scores)
    for breakdown, group, label, cases, questions in groups:
        for q in questions:
            yield [
                breakdown,
                group,
                label,
                cases,
                q.code,
                q.text,
                q.kind,
                q.parent or "",
                q.yes,
                q.no,
                q.not_applicable,
                q.unanswered,
                q.relevant,
                q.percent,
                q.exact,
                q.ci_low,
                q.ci_high,
            ]
