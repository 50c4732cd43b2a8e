"""The comparison with a baseline (an earlier inspection, or figures from its report): for each
key question, then and now, the change in percentage points, its 95% interval (Newcombe's
hybrid score method, scoring.arithmetic.difference_interval) and the words it allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inspections.models import Baseline, Inspection
from scoring.arithmetic import change_words, difference_interval, percent_published
from scoring.selectors import InspectionScores, inspection_scores


@dataclass(frozen=True)
class Comparison:
    code: str
    then_yes: int
    then_relevant: int
    then_percent: int  # as published then (hand-entered) or computed from the counts
    now_yes: int
    now_relevant: int
    now_percent: int
    change: int  # percentage points, published figures (now - then)
    low: float  # 95% interval for the change, percentage points
    high: float
    words: str  # improved / declined / no clear change


@dataclass(frozen=True)
class BaselineComparison:
    label: str  # the earlier inspection's title, or the report's title and year
    source: str
    previous_slug: str | None
    comparisons: dict[str, Comparison]

    def get(self, code: str) -> Comparison | None:
        return self.comparisons.get(code)


def baseline_comparison(
    inspection: Inspection, scores: InspectionScores | Callable[[], InspectionScores]
) -> BaselineComparison | None:
    """The inspection's comparison with its baseline, or None without one. One query, plus the
    earlier inspection's scores when the baseline is an inspection in the application.

    `scores` may be a function that reads them, called only when there is a baseline (the
    scores API's cached JSON needs no scores otherwise)."""
    baseline = (
        Baseline.objects.filter(inspection=inspection)
        .select_related("previous")
        .prefetch_related("figures")
        .first()
    )
    if baseline is None:
        return None
    then: dict[str, tuple[int, int, int | None]] = {}
    if baseline.previous is not None:
        for score in inspection_scores(baseline.previous).key_questions:
            if score.relevant:
                then[score.code] = (score.yes, score.relevant, None)
    for figure in baseline.figures.all():
        then[figure.question_code] = (figure.yes, figure.relevant, figure.published_percent)
    if callable(scores):
        scores = scores()
    comparisons: dict[str, Comparison] = {}
    for now in scores.key_questions:
        if now.code not in then or not now.relevant:
            continue
        yes, relevant, published = then[now.code]
        then_percent = published if published is not None else percent_published(yes, relevant)
        now_percent = percent_published(now.yes, now.relevant)
        assert then_percent is not None and now_percent is not None
        low, high = difference_interval(yes, relevant, now.yes, now.relevant)
        comparisons[now.code] = Comparison(
            code=now.code,
            then_yes=yes,
            then_relevant=relevant,
            then_percent=then_percent,
            now_yes=now.yes,
            now_relevant=now.relevant,
            now_percent=now_percent,
            change=now_percent - then_percent,
            low=low,
            high=high,
            words=change_words(low, high),
        )
    if baseline.previous is not None:
        label, source = baseline.previous.title, ""
    else:
        year = f" ({baseline.year})" if baseline.year else ""
        label, source = f"{baseline.title}{year}", baseline.source
    return BaselineComparison(
        label=label,
        source=source,
        previous_slug=baseline.previous.slug if baseline.previous else None,
        comparisons=comparisons,
    )
