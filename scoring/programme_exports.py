"""A programme's figures as rows for the exports: one row per question and counted inspection,
then the question's pooled row, all from scoring.programme.programme_scores (no arithmetic
here), and the entity tag of those figures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from inspections.selectors import SCORES_CACHE_FORMAT
from scoring.programme import ProgrammeScores
from scoring.selectors import QuestionScore

POOLED = "pooled"

PROGRAMME_SCORE_COLUMNS: tuple[str, ...] = (
    "code",
    "text",
    "kind",
    "area",
    "inspection",
    "region",
    "provisional",
    "synthetic",
    "yes",
    "no",
    "not_applicable",
    "unanswered",
    "relevant",
    "percent",
    "exact",
    "ci_low",
    "ci_high",
    "small_base",
)


def _figures(score: QuestionScore) -> list[Any]:
    return [
        score.yes,
        score.no,
        score.not_applicable,
        score.unanswered,
        score.relevant,
        score.percent,
        score.exact,
        score.ci_low,
        score.ci_high,
        score.small_base,
    ]


def programme_scores_rows(scores: ProgrammeScores) -> Iterator[Sequence[Any]]:
    """The header, then for every question each counted inspection's row (in the programme's
    order) and the pooled row ("pooled" in the inspection column)."""
    yield list(PROGRAMME_SCORE_COLUMNS)
    for question in scores.questions:
        head = [question.code, question.text, question.kind, question.area]
        for figure in question.regions:
            inspection = figure.inspection
            yield [
                *head,
                inspection.slug,
                inspection.region.name,
                figure.provisional,
                inspection.synthetic,
                *_figures(figure.score),
            ]
        yield [
            *head,
            POOLED,
            "All counted inspections",
            scores.any_provisional,
            scores.any_synthetic,
            *_figures(question.pooled),
        ]


def programme_scores_etag(scores: ProgrammeScores, *, what: str) -> str:
    """A strong entity tag for a representation of these figures: the programme, whether
    provisional figures were asked for, and each counted inspection's data version, status and
    labels (a write to any counted inspection, a publication, or a change of what the caller
    may count gives another tag), and whose figures the reader may see (two readers with
    different rights never share a tag). The counted inspections' data versions are those the
    figures were read at (scoring.selectors.inspections_scores sets them)."""
    parts = [what, str(scores.programme.pk), str(scores.provisional), str(SCORES_CACHE_FORMAT)]
    for entry in scores.inspections:
        inspection = entry.inspection
        parts.append(
            "|".join(
                str(x)
                for x in (
                    inspection.pk,
                    entry.counted,
                    inspection.data_version if entry.counted else "-",
                    inspection.status,
                    inspection.synthetic,
                    inspection.framework_id,
                    inspection.slug,
                    inspection.title,
                    inspection.region.name,
                    entry.figures_visible,  # what this reader may see differs by reader
                )
            )
        )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return f'"{what}-p{scores.programme.pk}-{digest}"'
