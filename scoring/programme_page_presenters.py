"""The programme page's own formatting: its list of inspections, the national table's columns
and rows, and each funnel plot with its table and words. Figures come from
scoring.programme.programme_scores and are worded by scoring.programme_presenters; templates only
place them."""

from __future__ import annotations

from dataclasses import dataclass

from inspections.models import Inspection
from scoring.arithmetic import percent_published
from scoring.presenters import FunnelChart
from scoring.programme import Funnel, ProgrammeQuestion, ProgrammeScores
from scoring.programme_presenters import (
    FunnelLine,
    figure_text,
    funnel_lines,
    interval_text,
    programme_funnel_chart,
)

# GOV.UK tag colours by status: in progress blue-ish, published green.
_STATUS_TAG = {
    Inspection.Status.SETUP: "govuk-tag--grey",
    Inspection.Status.FIELDWORK: "govuk-tag--light-blue",
    Inspection.Status.MODERATION: "govuk-tag--purple",
    Inspection.Status.REPORTING: "govuk-tag--blue",
    Inspection.Status.PUBLISHED: "govuk-tag--green",
}


@dataclass(frozen=True)
class InspectionLine:
    """One inspection of the programme in the page's list."""

    slug: str
    region: str
    title: str
    link: bool  # the reader may open the inspection
    status: str
    status_tag: str
    counted: bool
    provisional: bool
    synthetic: bool
    note: str  # why its figures are, or are not, in the tables


def inspection_lines(scores: ProgrammeScores, visible: set[int]) -> list[InspectionLine]:
    lines = []
    for entry in scores.inspections:
        inspection = entry.inspection
        if entry.counted:
            note = "In the figures (provisional)" if entry.provisional else "In the figures"
        elif entry.figures_visible:
            note = "Not in the figures: in progress (include provisional figures to see it)"
        else:
            note = "Not in the figures until published"
        lines.append(
            InspectionLine(
                slug=inspection.slug,
                region=inspection.region.name,
                title=inspection.title,
                link=inspection.pk in visible,
                status=inspection.get_status_display(),
                status_tag=_STATUS_TAG.get(inspection.status, ""),
                counted=entry.counted,
                provisional=entry.provisional,
                synthetic=inspection.synthetic,
                note=note,
            )
        )
    return lines


@dataclass(frozen=True)
class Column:
    """A counted region: a column of the national table."""

    label: str
    provisional: bool
    synthetic: bool


@dataclass(frozen=True)
class Cell:
    figure: str  # '45% (29 of 64)' or a dash
    interval: str  # '95% CI 33-57%' (en dash) or ''
    small_base: bool


@dataclass(frozen=True)
class NationalRow:
    code: str
    text: str
    is_key: bool
    cells: list[Cell]  # one per column, in the columns' order
    pooled: Cell


def national_columns(scores: ProgrammeScores) -> list[Column]:
    return [
        Column(label=e.label, provisional=e.provisional, synthetic=e.inspection.synthetic)
        for e in scores.inspections
        if e.counted
    ]


def national_rows(questions: list[ProgrammeQuestion]) -> list[NationalRow]:
    return [
        NationalRow(
            code=q.code,
            text=q.text,
            is_key=q.is_key,
            cells=[
                Cell(figure_text(r.score), interval_text(r.score), r.score.small_base)
                for r in q.regions
            ],
            pooled=Cell(figure_text(q.pooled), interval_text(q.pooled), q.pooled.small_base),
        )
        for q in questions
    ]


@dataclass(frozen=True)
class FunnelSection:
    """One funnel plot of the page: its chart (None when nothing to plot), table and words."""

    fid: str
    code: str
    title: str
    pooled: str  # '67% (8 of 12)' across the programme
    chart: FunnelChart | None
    lines: list[FunnelLine]
    words: list[str]
    outside: int  # points outside the 99.8% limits


def funnel_sections(funnels: list[Funnel], prefix: str) -> list[FunnelSection]:
    sections = []
    for funnel in funnels:
        things = "region" if funnel.what == "region" else "PDU"
        name = f"{funnel.code} {funnel.area}".strip() if funnel.area else funnel.code
        percent = percent_published(funnel.pooled_yes, funnel.pooled_relevant)
        sections.append(
            FunnelSection(
                fid=f"{prefix}-{funnel.code}",
                code=funnel.code,
                title=f"{name}: percentage Yes by {things}, against relevant cases",
                pooled=(
                    f"{percent}% ({funnel.pooled_yes} of {funnel.pooled_relevant})"
                    if percent is not None
                    else ""
                ),
                chart=programme_funnel_chart(funnel),
                lines=funnel_lines(funnel),
                words=funnel.words(),
                outside=len(funnel.outside),
            )
        )
    return sections
