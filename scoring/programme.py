"""A programme's figures: every region's inspection side by side, pooled, and funnel plots.

Each inspection's figures come from the one scoring engine (scoring.selectors, computed for all
the programme's inspections together in a fixed number of queries); the pooled figure of a
question is the sum of the regions' counts, so it is exactly what one inspection of all their
cases would show. The funnel plots put each region (or PDU) against its number of relevant
cases, with exact binomial 95% and 99.8% limits around the pooled rate (scoring.arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from inspections.access import ProgrammeStanding
from inspections.models import Inspection, Programme, Question
from scoring.arithmetic import (
    FUNNEL_95,
    FUNNEL_998,
    binomial_funnel_limits,
    percent_published,
    whole_percent,
)
from scoring.selectors import InspectionScores, QuestionScore, inspections_scores


@dataclass(frozen=True)
class ProgrammeInspection:
    """One inspection of the programme as the reader sees it: whether its figures count."""

    inspection: Inspection
    counted: bool  # in the figures the reader sees
    figures_visible: bool  # the reader may see its figures (published, or in progress and theirs)

    @property
    def provisional(self) -> bool:
        """In progress: its figures may still change."""
        return not self.inspection.is_published

    @property
    def label(self) -> str:
        return self.inspection.region.name


@dataclass(frozen=True)
class RegionFigure:
    """One counted inspection's figure for one question."""

    inspection: Inspection
    score: QuestionScore

    @property
    def provisional(self) -> bool:
        return not self.inspection.is_published


@dataclass(frozen=True)
class ProgrammeQuestion:
    code: str
    text: str
    kind: str
    area: str
    regions: list[RegionFigure]
    pooled: QuestionScore  # the sum of the regions' counts

    @property
    def is_key(self) -> bool:
        return self.kind == Question.Kind.KEY

    def region(self, inspection: Inspection) -> RegionFigure:
        return next(r for r in self.regions if r.inspection.pk == inspection.pk)

    @property
    def range(self) -> tuple[RegionFigure, RegionFigure] | None:
        """The regions with the lowest and the highest percentage (ties: the first in order),
        or None when fewer than two regions have relevant cases."""
        based = [r for r in self.regions if r.score.relevant]
        if len(based) < 2:
            return None
        low = min(based, key=lambda r: r.score.yes / r.score.relevant)
        high = max(based, key=lambda r: r.score.yes / r.score.relevant)
        return low, high


@dataclass(frozen=True)
class FunnelRow:
    """One point of a funnel plot: a region (or a PDU) with its limits at its base size."""

    key: str
    label: str
    relevant: int
    yes: int
    low_95: float
    high_95: float
    low_998: float
    high_998: float
    provisional: bool

    @property
    def rate(self) -> float:
        return 100 * self.yes / self.relevant

    @property
    def percent(self) -> int | None:
        return percent_published(self.yes, self.relevant)

    @property
    def position(self) -> Literal["below_998", "below_95", "within", "above_95", "above_998"]:
        if self.rate < self.low_998:
            return "below_998"
        if self.rate > self.high_998:
            return "above_998"
        if self.rate < self.low_95:
            return "below_95"
        if self.rate > self.high_95:
            return "above_95"
        return "within"

    @property
    def outside_998(self) -> bool:
        return self.position in ("below_998", "above_998")

    @property
    def outside_95(self) -> bool:
        return self.position != "within"


@dataclass(frozen=True)
class Funnel:
    """A funnel plot of one key question: points, and the pooled rate the limits are around."""

    code: str
    area: str
    text: str
    what: Literal["region", "pdu"]
    pooled_yes: int
    pooled_relevant: int
    rows: list[FunnelRow]

    @property
    def pooled_rate(self) -> float | None:
        return 100 * self.pooled_yes / self.pooled_relevant if self.pooled_relevant else None

    @property
    def outside(self) -> list[FunnelRow]:
        return [r for r in self.rows if r.outside_998]

    def words(self) -> list[str]:
        """Plain words for every point outside the 99.8% limits (none: one sentence saying so)."""
        rate = self.pooled_rate
        if rate is None:
            return []
        pooled = f"{whole_percent(rate)}% across the programme"
        things = "regions" if self.what == "region" else "PDUs"
        sentences = []
        for row in self.outside:
            side = "below" if row.position == "below_998" else "above"
            sentences.append(
                f"{row.label}: {row.percent}% ({row.yes} of {row.relevant} relevant cases) is "
                f"{side} the 99.8% limit for {self.area or self.code} ({pooled}): a difference "
                "this size would happen by chance less than once in 500."
            )
        if not sentences:
            sentences.append(
                f"All {things} are within the 99.8% limits for {self.area or self.code} "
                f"({pooled}): the differences between them are no larger than chance would give."
            )
        return sentences


@dataclass(frozen=True)
class ProgrammeScores:
    programme: Programme
    provisional: bool  # the reader asked for inspections in progress too
    inspections: list[ProgrammeInspection]  # every inspection in the programme, in order
    scores: dict[int, InspectionScores]  # the counted inspections' figures, by inspection id
    questions: list[ProgrammeQuestion]
    region_funnels: list[Funnel]
    pdu_funnels: list[Funnel]

    @property
    def counted(self) -> list[Inspection]:
        return [p.inspection for p in self.inspections if p.counted]

    @property
    def cases(self) -> int:
        return sum(s.cases for s in self.scores.values())

    @property
    def any_provisional(self) -> bool:
        return any(p.counted and p.provisional for p in self.inspections)

    @property
    def any_synthetic(self) -> bool:
        return any(p.counted and p.inspection.synthetic for p in self.inspections)

    def question(self, code: str) -> ProgrammeQuestion:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)

    @property
    def key_questions(self) -> list[ProgrammeQuestion]:
        return [q for q in self.questions if q.is_key]


def _pooled(code: str, parts: list[QuestionScore]) -> QuestionScore:
    first = parts[0]
    return QuestionScore(
        code=code,
        text=first.text,
        kind=first.kind,
        parent=first.parent,
        yes=sum(p.yes for p in parts),
        no=sum(p.no for p in parts),
        not_applicable=sum(p.not_applicable for p in parts),
        unanswered=sum(p.unanswered for p in parts),
        area=first.area,
    )


def _funnel_row(
    key: str, label: str, score: QuestionScore, rate: float, provisional: bool
) -> FunnelRow:
    low_95, high_95 = binomial_funnel_limits(rate, score.relevant, FUNNEL_95)
    low_998, high_998 = binomial_funnel_limits(rate, score.relevant, FUNNEL_998)
    return FunnelRow(
        key=key,
        label=label,
        relevant=score.relevant,
        yes=score.yes,
        low_95=low_95,
        high_95=high_95,
        low_998=low_998,
        high_998=high_998,
        provisional=provisional,
    )


def _funnels(
    questions: list[ProgrammeQuestion], scores: dict[int, InspectionScores], *, pdus: bool
) -> list[Funnel]:
    funnels = []
    for question in questions:
        if not question.is_key:
            continue
        pooled = question.pooled
        rows: list[FunnelRow] = []
        if pooled.relevant:
            rate = pooled.yes / pooled.relevant
            for figure in question.regions:
                inspection = figure.inspection
                if not pdus:
                    if figure.score.relevant:
                        rows.append(
                            _funnel_row(
                                inspection.slug,
                                inspection.region.name,
                                figure.score,
                                rate,
                                figure.provisional,
                            )
                        )
                    continue
                for group in scores[inspection.pk].breakdowns["pdu"]:
                    score = group.question(question.code)
                    if score.relevant:
                        rows.append(
                            _funnel_row(
                                f"{inspection.slug}/{group.group}",
                                f"{group.label} ({inspection.region.name})",
                                score,
                                rate,
                                figure.provisional,
                            )
                        )
        funnels.append(
            Funnel(
                code=question.code,
                area=question.area,
                text=question.text,
                what="pdu" if pdus else "region",
                pooled_yes=pooled.yes,
                pooled_relevant=pooled.relevant,
                rows=rows,
            )
        )
    return funnels


def programme_inspections(standing: ProgrammeStanding) -> list[Inspection]:
    """The programme's inspections in order (region name), with their regions: one query."""
    return list(
        Inspection.objects.filter(programme=standing.programme)
        .select_related("region")
        .order_by("region__name", "slug")
    )


def programme_entries(
    standing: ProgrammeStanding, *, provisional: bool = False
) -> list[ProgrammeInspection]:
    """Every inspection of the programme, in order, with whether its figures count for this
    reader (with or without `provisional`) and whether they may see them at all: one query."""
    return [
        ProgrammeInspection(
            inspection=inspection,
            counted=standing.counts(inspection, provisional=provisional),
            figures_visible=standing.counts(inspection, provisional=True),
        )
        for inspection in programme_inspections(standing)
    ]


def programme_scores(standing: ProgrammeStanding, *, provisional: bool = False) -> ProgrammeScores:
    """The programme's figures as this reader may see them: published inspections, and with
    `provisional` those in progress the reader may see (a national lead all, a regional lead
    their own). A fixed number of queries whatever the number of inspections or cases."""
    entries = programme_entries(standing, provisional=provisional)
    counted = [e.inspection for e in entries if e.counted]
    scores = inspections_scores(counted)
    questions: list[ProgrammeQuestion] = []
    if counted:
        # Every inspection of a programme is on its framework (a composite foreign key in the
        # database): every question code is shared, in the framework's order.
        for code in (q.code for q in scores[counted[0].pk].questions):
            parts = [RegionFigure(i, scores[i.pk].question(code)) for i in counted]
            first = parts[0].score
            questions.append(
                ProgrammeQuestion(
                    code=code,
                    text=first.text,
                    kind=first.kind,
                    area=first.area,
                    regions=parts,
                    pooled=_pooled(code, [p.score for p in parts]),
                )
            )
    return ProgrammeScores(
        programme=standing.programme,
        provisional=provisional,
        inspections=entries,
        scores=scores,
        questions=questions,
        region_funnels=_funnels(questions, scores, pdus=False),
        pdu_funnels=_funnels(questions, scores, pdus=True),
    )
