"""The programme summary report's HTML: everything it prints, computed from the programme's
figures; the PDF comes from the regional report's path (reports.rendering.html_to_pdf: tagged
PDF/UA-1, charts' figures in their alternative text)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.template.loader import render_to_string

from inspections.models import Inspection, Programme, Recommendation
from reports.programme_references import programme_fill
from reports.references import ReferenceProblem
from reports.rendering import markdown_to_safe_html
from scoring.presenters import FunnelChart
from scoring.programme import (
    Funnel,
    ProgrammeInspection,
    ProgrammeQuestion,
    ProgrammeScores,
    RegionFigure,
)
from scoring.programme_presenters import (
    DASH,
    FunnelLine,
    figure_text,
    funnel_lines,
    interval_text,
    programme_funnel_chart,
)


@dataclass(frozen=True)
class KeyTable:
    """A key question's national table: each counted region, then the pooled figure."""

    code: str
    text: str
    area: str
    rows: list[tuple[str, str, str, bool]]  # (region, figure, 95% interval, provisional)
    pooled: str
    pooled_interval: str


@dataclass(frozen=True)
class PooledLine:
    """A question of the all-questions table: the pooled figure and the regions' range."""

    code: str
    text: str
    is_key: bool
    pooled: str
    pooled_interval: str
    lowest: str  # "50% (North)", or a dash with fewer than two regions with a base
    highest: str


@dataclass(frozen=True)
class FunnelBlock:
    """One funnel plot with its table and its plain words."""

    fid: str
    title: str
    caption: str
    chart: FunnelChart | None
    lines: list[FunnelLine]
    words: list[str]


@dataclass(frozen=True)
class RegionRecommendations:
    region: str
    inspection: Inspection
    regional: list[str]
    hmpps: list[str]


@dataclass(frozen=True)
class ProgrammeDocument:
    programme: Programme
    inspections: list[ProgrammeInspection]
    provisional: bool  # built with the provisional switch
    any_provisional: bool  # an inspection in progress is counted
    any_synthetic: bool  # a counted inspection is synthetic (generated demo data)
    cases: int
    regions: list[str]  # the counted inspections' regions, in the table's order
    key_tables: list[KeyTable]
    lines: list[PooledLine]
    region_funnels: list[FunnelBlock]
    pdu_funnels: list[FunnelBlock]
    recommendations: list[RegionRecommendations]
    narrative: str
    framework: str
    built_at: datetime
    build_id: int | None
    problems: list[ReferenceProblem] = field(default_factory=list)

    @property
    def built_at_utc(self) -> str:
        return self.built_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    @property
    def title(self) -> str:
        return f"{self.programme.name}: programme summary report"


def _funnel_block(funnel: Funnel, *, pdus: bool) -> FunnelBlock:
    what = "PDUs" if pdus else "Regions"
    subject = (
        f"{funnel.area.capitalize()} ({funnel.code})"
        if funnel.area
        else f"{funnel.code} ({funnel.text.rstrip('?')})"
    )
    return FunnelBlock(
        fid=f"funnel-{'pdu' if pdus else 'region'}-{funnel.code}",
        title=f"{what} – {subject}: percentage Yes against relevant cases",
        caption=(
            f"{what}: percentage Yes for {funnel.code} against the number of relevant cases, "
            "with the programme rate (solid line), 95% limits (dashed) and 99.8% limits."
        ),
        chart=programme_funnel_chart(funnel),
        lines=funnel_lines(funnel),
        words=funnel.words(),
    )


def _end(figure: RegionFigure) -> str:
    return f"{figure.score.percent}% ({figure.inspection.region.name})"


def _pooled_line(question: ProgrammeQuestion) -> PooledLine:
    ends = question.range
    return PooledLine(
        code=question.code,
        text=question.text,
        is_key=question.is_key,
        pooled=figure_text(question.pooled),
        pooled_interval=interval_text(question.pooled),
        lowest=_end(ends[0]) if ends else DASH,
        highest=_end(ends[1]) if ends else DASH,
    )


def _recommendations(counted: list[Inspection]) -> list[RegionRecommendations]:
    """Each counted inspection's recommendations, by addressee, in number order: one query."""
    texts: dict[tuple[int, str], list[str]] = defaultdict(list)
    for inspection_id, addressee, text in (
        Recommendation.objects.filter(inspection__in=counted)
        .order_by("inspection_id", "addressee", "number")
        .values_list("inspection_id", "addressee", "text")
    ):
        texts[(inspection_id, addressee)].append(text)
    return [
        RegionRecommendations(
            region=inspection.region.name,
            inspection=inspection,
            regional=texts[(inspection.pk, Recommendation.Addressee.REGION)],
            hmpps=texts[(inspection.pk, Recommendation.Addressee.HMPPS)],
        )
        for inspection in counted
    ]


def programme_document(
    *,
    programme: Programme,
    scores: ProgrammeScores,
    narrative: str,
    built_at: datetime,
    build_id: int | None = None,
) -> ProgrammeDocument:
    """Everything the programme report prints, from its narrative and the programme's figures."""
    filled, problems = programme_fill(narrative, scores)
    counted = scores.counted
    framework = programme.framework
    return ProgrammeDocument(
        programme=programme,
        inspections=scores.inspections,
        provisional=scores.provisional,
        any_provisional=scores.any_provisional,
        any_synthetic=scores.any_synthetic,
        cases=scores.cases,
        regions=[i.region.name for i in counted],
        key_tables=[
            KeyTable(
                code=q.code,
                text=q.text,
                area=q.area,
                rows=[
                    (
                        r.inspection.region.name,
                        figure_text(r.score),
                        interval_text(r.score),
                        r.provisional,
                    )
                    for r in q.regions
                ],
                pooled=figure_text(q.pooled),
                pooled_interval=interval_text(q.pooled),
            )
            for q in scores.key_questions
        ],
        lines=[_pooled_line(q) for q in scores.questions],
        region_funnels=[_funnel_block(f, pdus=False) for f in scores.region_funnels],
        pdu_funnels=[_funnel_block(f, pdus=True) for f in scores.pdu_funnels],
        recommendations=_recommendations(counted),
        narrative=markdown_to_safe_html(filled),
        framework=f"{framework.slug} version {framework.version}",
        built_at=built_at,
        build_id=build_id,
        problems=problems,
    )


def programme_report_html(document: ProgrammeDocument) -> str:
    context: dict[str, Any] = {"doc": document}
    return render_to_string("reports/programme_document.html", context)
