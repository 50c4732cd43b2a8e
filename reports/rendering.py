"""Turn an inspection's narrative and scores into the report's HTML, and HTML into PDF.

Markdown is rendered with Python-Markdown and then sanitised with nh3 (an allow-list HTML
sanitiser), so whatever the author types, the report holds only the tags listed here. Tables and
SVG charts are generated from the scores; templates only place what is computed here.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils import timezone

from inspections.models import Inspection, Recommendation
from reports.models import Section
from reports.references import ReferenceProblem, fill
from scoring.selectors import InspectionScores

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
    "code",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

# WeasyPrint logs every layout step at INFO; a build's log should say what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def markdown_to_safe_html(text: str) -> str:
    """Markdown to HTML that holds only allow-listed tags and http(s)/mailto links."""
    raw = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int | None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart (percentages) and the rows of its data table."""

    title: str
    svg: str
    bars: list[Bar]


def bar_chart(*, title: str, bars: list[Bar], chart_id: str) -> Chart:
    """Horizontal bars, 0-100%, one per row; the SVG is self-contained (no script, no CSS)."""
    label_w, bar_w, row_h, top = 230, 300, 28, 28
    height = top + row_h * len(bars) + 24
    width = label_w + bar_w + 60
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#505a5f">'
            f"{tick}%</text>"
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="#0b0c0c">'
            f"{esc(bar.label)}</text>"
        )
        if bar.percent is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 16}" fill="#505a5f">no base</text>')
            continue
        w = bar_w * bar.percent / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
            f'fill="#1d70b8"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" fill="#0b0c0c">{bar.percent}%</text>'
        )
    parts.append("</svg>")
    return Chart(title=title, svg="".join(parts), bars=bars)


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str
    as_at: str
    footnote: int | None
    is_group: bool = False
    in_group: bool = False


@dataclass
class Footnotes:
    """Sources numbered in order of first use; a repeated source keeps its first number."""

    texts: list[str] = field(default_factory=list)

    def number(self, source: str) -> int | None:
        if not source:
            return None
        if source not in self.texts:
            self.texts.append(source)
        return self.texts.index(source) + 1


def fact_rows(inspection: Inspection, footnotes: Footnotes) -> list[FactRow]:
    """Key contextual facts in order; a group gets a heading row, footnoted once if its facts
    share one source (as the published report footnotes the staffing-level table)."""
    facts = list(inspection.context_facts.order_by("order"))
    rows: list[FactRow] = []
    i = 0
    while i < len(facts):
        fact = facts[i]
        if not fact.group:
            rows.append(FactRow(fact.label, fact.value, fact.as_at, footnotes.number(fact.source)))
            i += 1
            continue
        j = i
        while j < len(facts) and facts[j].group == fact.group:
            j += 1
        members = facts[i:j]
        sources = {f.source for f in members}
        shared = sources.pop() if len(sources) == 1 else ""
        rows.append(FactRow(fact.group, "", "", footnotes.number(shared), is_group=True))
        for member in members:
            own = None if shared else footnotes.number(member.source)
            rows.append(FactRow(member.label, member.value, member.as_at, own, in_group=True))
        i = j
    return rows


@dataclass(frozen=True)
class Manifest:
    framework: str
    data_sha256: str
    built_at: datetime
    build_id: int | None

    @property
    def built_at_utc(self) -> str:
        return self.built_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class ReportDocument:
    inspection: Inspection
    sections: dict[str, str]
    section_titles: dict[str, str]
    regional_recommendations: list[str]
    hmpps_recommendations: list[str]
    scoring: Chart
    scoring_rows: list[tuple[str, int | None, int]]
    rosh: Chart
    rosh_rows: list[tuple[str, int, int | None]]
    mappa: Chart
    mappa_rows: list[tuple[str, int, int | None]]
    facts: list[FactRow]
    footnotes: list[str]
    cases: int
    manifest: Manifest
    problems: list[ReferenceProblem]


def report_document(
    *,
    inspection: Inspection,
    scores: InspectionScores,
    data_sha256: str,
    built_at: datetime | None = None,
    build_id: int | None = None,
) -> ReportDocument:
    """Everything the report prints, computed from the narrative and the scores."""
    labels = dict(Section.choices)
    bodies = dict(inspection.report_sections.values_list("key", "body"))
    sections: dict[str, str] = {}
    problems: list[ReferenceProblem] = []
    for key in Section.values:
        filled, found = fill(bodies.get(key, ""), scores, section=labels[key])
        problems.extend(found)
        sections[key] = markdown_to_safe_html(filled)
    recs = list(inspection.recommendations.order_by("number"))
    key_questions = scores.key_questions
    scoring_rows = [(q.text, q.percent, q.relevant) for q in key_questions]
    areas = dict(inspection.framework.questions.filter(kind="key").values_list("code", "area"))
    scoring = bar_chart(
        title="Percentage of inspected cases answered ‘Yes’, by key question",
        bars=[Bar((areas.get(q.code) or q.code).capitalize(), q.percent) for q in key_questions],
        chart_id="chart-scoring",
    )
    rosh_rows = [
        (row.label, row.cases, row.percent)
        for row in scores.profile["rosh"]
        if row.cases or row.group != "not_assessed"
    ]
    rosh = bar_chart(
        title="Risk of Serious Harm classification of inspected cases",
        bars=[Bar(label, percent) for label, _, percent in rosh_rows],
        chart_id="chart-rosh",
    )
    mappa_rows = [(row.label, row.cases, row.percent) for row in scores.profile["mappa"]]
    mappa = bar_chart(
        title="MAPPA eligibility and level of inspected cases",
        bars=[Bar(label, percent) for label, _, percent in mappa_rows],
        chart_id="chart-mappa",
    )
    footnotes = Footnotes()
    facts = fact_rows(inspection, footnotes)
    framework = inspection.framework
    return ReportDocument(
        inspection=inspection,
        sections=sections,
        section_titles=labels,
        regional_recommendations=[
            r.text for r in recs if r.addressee == Recommendation.Addressee.REGION
        ],
        hmpps_recommendations=[
            r.text for r in recs if r.addressee == Recommendation.Addressee.HMPPS
        ],
        scoring=scoring,
        scoring_rows=scoring_rows,
        rosh=rosh,
        rosh_rows=rosh_rows,
        mappa=mappa,
        mappa_rows=mappa_rows,
        facts=facts,
        footnotes=footnotes.texts,
        cases=scores.cases,
        manifest=Manifest(
            framework=f"{framework.slug} version {framework.version}",
            data_sha256=data_sha256,
            built_at=built_at or timezone.now(),
            build_id=build_id,
        ),
        problems=problems,
    )


def report_html(document: ReportDocument) -> str:
    context: dict[str, Any] = {"doc": document}
    return render_to_string("reports/document.html", context)


def html_to_pdf(source: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which web processes need not do.
    from weasyprint import HTML

    pdf: bytes = HTML(string=source, base_url=None).write_pdf()
    return pdf


def section_preview(
    *, body: str, scores: InspectionScores, section: str
) -> tuple[str, list[ReferenceProblem]]:
    """A section as the report will print it, and the problems of its references."""
    filled, problems = fill(body, scores, section=section)
    return markdown_to_safe_html(filled), problems
