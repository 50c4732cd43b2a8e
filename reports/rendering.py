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
from scoring.presenters import ThenAndNowLine, then_and_now_lines
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


# Python-Markdown takes time that grows with the square of the number of `[` (each may open a
# link, and is matched by scanning ahead) and recurses once per level of `>` quoting: a section of
# nothing but brackets took minutes. Text beyond these limits is refused when saved
# (reports.services.section_save) and shown as plain text if it is already stored.
MAX_SQUARE_BRACKETS = 1_000
MAX_QUOTE_DEPTH = 20


def markdown_limits_problem(text: str) -> str | None:
    """Why a text is beyond what the Markdown renderer is given, or None."""
    brackets = text.count("[")
    if brackets > MAX_SQUARE_BRACKETS:
        return (
            f"A section can have at most {MAX_SQUARE_BRACKETS:,} square brackets “[” (each may "
            f"start a link); this one has {brackets:,}."
        )
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip()[:1] != ">":
            continue
        lead = len(line) - len(line.lstrip("> \t"))
        if line.count(">", 0, lead) > MAX_QUOTE_DEPTH:
            return (
                f"Line {number} quotes more than {MAX_QUOTE_DEPTH} levels deep (“>” at its "
                "start): use fewer."
            )
    return None


def markdown_to_safe_html(text: str) -> str:
    """Markdown to HTML that holds only allow-listed tags and http(s)/mailto links."""
    if markdown_limits_problem(text) is not None:
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
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

    @property
    def figure(self) -> str:
        """The bar's figure in words, as its direct label and the chart's description say it."""
        return "no figure" if self.percent is None else f"{self.percent}%"


# The charts' colours (GOV.UK palette), each checked against white in
# tests/test_chart_contrast.py: text at least 4.5:1, bars at least 3:1. Grid lines are
# lighter (2.1:1) and therefore decorative: hidden from assistive technology, never the only cue,
# since every bar carries its figure as a direct label.
CHART_TEXT = "#0b0c0c"  # 19.6:1
CHART_SECONDARY_TEXT = "#505a5f"  # 7.1:1
CHART_BAR = "#1d70b8"  # 5.2:1
CHART_GRID = "#b1b4b6"  # 2.1:1, decorative


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart (percentages) and the rows of its data table."""

    title: str
    svg: str
    bars: list[Bar]

    @property
    def description(self) -> str:
        """Every figure of the chart in words: the SVG's <desc>, and with its title the PDF's
        alternative text."""
        return "; ".join(f"{bar.label}: {bar.figure}" for bar in self.bars) + "."


def bar_chart(*, title: str, bars: list[Bar], chart_id: str) -> Chart:
    """Horizontal bars, 0-100%, one per row, each labelled with its figure.

    The SVG is self-contained (no script, no CSS) and is an image to assistive technology
    (role="img"), named by its <title> and described by its <desc>, which gives every figure; the
    report prints the same figures in a table beside it.
    """
    label_w, bar_w, row_h, top = 230, 300, 28, 28
    height = top + row_h * len(bars) + 24
    width = label_w + bar_w + 60
    esc = html.escape
    description = Chart(title=title, svg="", bars=bars).description
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(description)}</desc>',
        # Grid lines only help the eye: decorative (each bar is labelled with its figure).
        '<g aria-hidden="true" class="grid">',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="{CHART_GRID}" stroke-width="1"/>'
        )
    parts.append("</g>")
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" '
            f'fill="{CHART_SECONDARY_TEXT}">{tick}%</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{CHART_TEXT}">'
            f"{esc(bar.label)}</text>"
        )
        if bar.percent is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 16}" fill="{CHART_SECONDARY_TEXT}">'
                "no figure</text>"
            )
            continue
        w = bar_w * bar.percent / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
            f'fill="{CHART_BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" fill="{CHART_TEXT}">'
            f"{bar.percent}%</text>"
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
    # The first reference to its footnote: it carries the id the footnote's back-link targets.
    first_ref: bool = False


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

    def first(self, source: str) -> bool:
        """Whether the next number() of this source is its first use."""
        return bool(source) and source not in self.texts


def fact_rows(inspection: Inspection, footnotes: Footnotes) -> list[FactRow]:
    """Key contextual facts in order; a group gets a heading row, footnoted once if its facts
    share one source (as the published report footnotes the staffing-level table)."""
    facts = list(inspection.context_facts.order_by("order"))
    rows: list[FactRow] = []
    i = 0
    while i < len(facts):
        fact = facts[i]
        if not fact.group:
            first = footnotes.first(fact.source)
            number = footnotes.number(fact.source)
            rows.append(FactRow(fact.label, fact.value, fact.as_at, number, first_ref=first))
            i += 1
            continue
        j = i
        while j < len(facts) and facts[j].group == fact.group:
            j += 1
        members = facts[i:j]
        sources = {f.source for f in members}
        shared = sources.pop() if len(sources) == 1 else ""
        first = footnotes.first(shared)
        number = footnotes.number(shared)
        rows.append(FactRow(fact.group, "", "", number, is_group=True, first_ref=first))
        for member in members:
            first = not shared and footnotes.first(member.source)
            own = None if shared else footnotes.number(member.source)
            rows.append(
                FactRow(
                    member.label, member.value, member.as_at, own, in_group=True, first_ref=first
                )
            )
        i = j
    return rows


def team_lines(inspection: Inspection) -> list[tuple[str, str]]:
    """The inspection team for the colophon, leads first, names as people write them."""
    names: dict[str, list[str]] = {"lead": [], "inspector": []}
    for role, first, last, username in inspection.memberships.order_by(
        "role", "user__last_name", "user__first_name", "user__username"
    ).values_list("role", "user__first_name", "user__last_name", "user__username"):
        names.setdefault(role, []).append(f"{first} {last}".strip() or username)
    lines = []
    if names["lead"]:
        lines.append(
            (
                "Lead inspector" if len(names["lead"]) == 1 else "Lead inspectors",
                ", ".join(names["lead"]),
            )
        )
    if names["inspector"]:
        lines.append(
            (
                "Inspector" if len(names["inspector"]) == 1 else "Inspectors",
                ", ".join(names["inspector"]),
            )
        )
    return lines


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
    # The colophon: who inspected, as "Lead inspector: ...", "Inspectors: ...".
    team: list[tuple[str, str]] = field(default_factory=list)
    # "Then and now": the key questions against the baseline, when there is one.
    baseline_label: str = ""
    baseline_source: str = ""
    then_and_now: list[ThenAndNowLine] = field(default_factory=list)

    @property
    def fact_bodies(self) -> list[list[FactRow]]:
        """The facts table's row groups: a group's heading row with its members, or a run of
        ungrouped facts. Each is a <tbody>, so a group's heading (scope="rowgroup") heads its
        members and no others, in the HTML and in the tagged PDF alike."""
        bodies: list[list[FactRow]] = []
        for row in self.facts:
            starts = row.is_group or not bodies or (bodies[-1][0].is_group and not row.in_group)
            if starts:
                bodies.append([])
            bodies[-1].append(row)
        return bodies


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
    baseline = scores.baseline
    return ReportDocument(
        baseline_label=baseline.label if baseline else "",
        baseline_source=baseline.source if baseline else "",
        then_and_now=then_and_now_lines(scores, baseline) if baseline else [],
        team=team_lines(inspection),
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
    """The report's PDF: tagged PDF/UA-1 (structure tree, language and title from the HTML,
    bookmarks from the headings, decoration as artifacts), finished by reports.tagging."""
    # Imported here: WeasyPrint loads Pango at import, which web processes need not do.
    from weasyprint import HTML

    from reports.tagging import chart_alternatives, finish_tags

    document = HTML(string=source, base_url=None)
    alternatives = chart_alternatives(document.etree_element)
    pdf: bytes = document.write_pdf(
        pdf_variant="pdf/ua-1",
        finisher=lambda _document, pdf: finish_tags(pdf, alternatives),
    )
    return pdf


def section_preview(
    *, body: str, scores: InspectionScores, section: str
) -> tuple[str, list[ReferenceProblem]]:
    """A section as the report will print it, and the problems of its references."""
    filled, problems = fill(body, scores, section=section)
    return markdown_to_safe_html(filled), problems
