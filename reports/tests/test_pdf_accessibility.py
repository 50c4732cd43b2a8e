"""The report's PDF is tagged PDF/UA-1, read back as an accessibility auditor would.

Two readers: the pdfua checker (the machine-checkable PDF/UA-1 rules it implements: structure
tree, MarkInfo, untagged content, language, title, DisplayDocTitle, figure alternatives, table
headers, annotations, PDF/UA identification), and our own pikepdf reading of what it leaves out
(headings and bookmarks against the HTML, header scope, chart alternatives naming every figure,
decoration and page furniture as artifacts, no tag outside the tree). veraPDF would need a Java
runtime and a download outside the package registries CI reaches (docs/report.md).

The demo report is rendered in-process (no worker): HTML, then PDF as a build does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from pdfua import validate

from reports import services
from reports.models import ReportBuild
from reports.rendering import html_to_pdf, report_document, report_html
from reports.selectors import case_data_sha256, report_scores
from reports.services import media_path

pytestmark = pytest.mark.django_db

# pdfua 0.1.3's empty-heading rule cannot read a heading whose /K is an array (as WeasyPrint
# writes every one) and reports itself skipped; the headings are checked here instead
# (test_headings_and_bookmarks_follow_the_html).
CHECKER_SKIPS_ALLOWED = {"UA-14-001"}
BUILT_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
_pdfs: dict[str, bytes] = {}


def _render(inspection) -> tuple[str, object]:
    document = report_document(
        inspection=inspection,
        # As a build does: with the comparison with the demo's (synthetic) baseline, so the
        # "Then and now" table is checked too.
        scores=report_scores(inspection),
        data_sha256=case_data_sha256(inspection),
        built_at=BUILT_AT,
    )
    assert document.problems == []
    return report_html(document), document


@pytest.fixture
def report(demo, tmp_path) -> tuple[str, object, Path]:
    """The demo report's HTML, its document and its PDF (rendered once per test run: the same
    data and build time give the same HTML)."""
    source, document = _render(demo)
    if source not in _pdfs:
        _pdfs[source] = html_to_pdf(source)
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdfs[source])
    return source, document, path


def _checker_problems(path: Path) -> list[str]:
    result = validate(str(path))
    problems = [
        f"{f.rule_id} {f.severity.name} {f.location.describe()}: {f.message}"
        for f in result.findings
    ]
    problems += [
        f"{o.rule_id} skipped: {o.skipped_reason}"
        for o in result.skipped
        if o.rule_id not in CHECKER_SKIPS_ALLOWED
    ]
    return problems


def _elements(element) -> Iterator[pikepdf.Dictionary]:
    """Structure elements under `element`, depth first in document (reading) order."""
    kids = element.get("/K")
    if kids is None:
        return
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _elements(kid)


def _tree(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(_elements(pdf.Root.StructTreeRoot))


def _role(element) -> str:
    return str(element.get("/S"))


class _Headings(HTMLParser):
    """Headings of the HTML as a browser shows them (skipping display:none parts: none here)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._level: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._level, self._text = int(tag[1]), []

    def handle_endtag(self, tag):
        if self._level is not None and tag == f"h{self._level}":
            self.found.append((self._level, " ".join("".join(self._text).split())))
            self._level = None

    def handle_data(self, data):
        if self._level is not None:
            self._text.append(data)


def _html_headings(source: str) -> list[tuple[int, str]]:
    parser = _Headings()
    parser.feed(source)
    return parser.found


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(item, depth):
        while item is not None:
            found.append((depth, str(item.Title)))
            if "/First" in item:
                walk(item.First, depth + 1)
            item = item.get("/Next")

    walk(pdf.Root.Outlines.get("/First"), 1)
    return found


# -- the machine checker --------------------------------------------------------------------------


def test_the_checker_rejects_an_untagged_pdf(tmp_path):
    """The checker can fail: WeasyPrint's default (untagged) output is refused."""
    from weasyprint import HTML

    path = tmp_path / "untagged.pdf"
    HTML(string='<html lang="en-GB"><title>T</title><h1>Untagged</h1>').write_pdf(path)
    problems = _checker_problems(path)
    assert any(p.startswith("UA-01-005") for p in problems), problems


def test_the_report_pdf_passes_the_pdf_ua_checker(report):
    _, _, path = report
    assert _checker_problems(path) == []


def test_every_built_and_published_pdf_is_tagged_and_passes_the_checker(demo, lead):
    build = ReportBuild.objects.create(inspection=demo, requested_by=lead)
    services.build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    version = services.report_publish(inspection=demo, by=lead)
    for relative in (build.pdf_file, version.pdf_file):
        path = media_path(relative)
        with pikepdf.open(path) as pdf:
            assert "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang) == "en-GB"
        assert _checker_problems(path) == [], relative


# -- what the checker does not read ---------------------------------------------------------------


def test_the_pdf_declares_language_title_and_pdf_ua(report, demo):
    _, _, path = report
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-GB"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == demo.title
        meta = pdf.open_metadata()
        assert meta["dc:title"] == demo.title
        assert meta["pdfuaid:part"] == "1"
        assert _role(root.StructTreeRoot.K[0]) == "/Document"


def test_headings_and_bookmarks_follow_the_html(report):
    source, _, path = report
    headings = _html_headings(source)
    assert headings[0] == (1, "Dynamic Inspection of Public Protection in South West region")
    assert [text for _, text in headings[1:13]] == [
        "Contents",
        "Chief Inspector’s judgement",
        "Context",
        "Inspection commentary",
        "Regional recommendations",
        "HMPPS recommendations",
        "Scoring",
        "Then and now",  # under Scoring (h3): the demo is compared with its synthetic baseline
        "Follow-up activity",
        "Key contextual facts",
        "Further information",
        "Footnotes",
    ]
    with pikepdf.open(path) as pdf:
        tagged = [int(_role(e)[2]) for e in _tree(pdf) if re.fullmatch(r"/H[1-6]", _role(e))]
        # Each HTML heading is one heading element of the same level, in the same order: the
        # reading order is the HTML's.
        assert tagged == [level for level, _ in headings]
        # And every heading is a bookmark, nested by level.
        assert _outline(pdf) == headings


def test_table_header_cells_are_marked_scoped_and_referenced(report):
    source, _, path = report
    with pikepdf.open(path) as pdf:
        elements = _tree(pdf)
        tables = [e for e in elements if _role(e) == "/Table"]
        assert len(tables) == source.count("<table")
        ids = {str(e.ID) for e in elements if _role(e) == "/TH"}
        for table in tables:
            cells = [e for e in _elements(table) if _role(e) in ("/TH", "/TD")]
            headers = [c for c in cells if _role(c) == "/TH"]
            assert headers, "a table without header cells"
            for header in headers:
                assert str(header.A.Scope) in ("/Column", "/Row")
            for cell in cells:
                if _role(cell) == "/TD":
                    referenced = [str(h) for h in cell.A.Headers]
                    assert referenced and set(referenced) <= ids
        # A group of facts ("Staffing level") heads its members' values.
        facts = tables[2]  # after the scoring table and the "Then and now" table
        group = next(c for c in _elements(facts) if _role(c) == "/TH" and "/ColSpan" in c.A)
        members = [
            c
            for c in _elements(facts)
            if _role(c) == "/TD" and str(group.ID) in [str(h) for h in c.A.Headers]
        ]
        assert len(members) == 3


def test_each_chart_is_a_figure_whose_alternative_text_gives_every_figure(report):
    _, document, path = report
    charts = [document.scoring, document.rosh, document.mappa]
    with pikepdf.open(path) as pdf:
        figures = [e for e in _tree(pdf) if _role(e) == "/Figure"]
        assert [str(f.Alt) for f in figures] == [f"{c.title}. {c.description}" for c in charts]
        for figure in figures:
            # Where the chart is, in PDF points from the page's bottom left, inside the page.
            x1, y1, x2, y2 = (float(v) for v in figure.A.BBox)
            _, _, width, height = (float(v) for v in figure.Pg.MediaBox)
            assert 0 < x1 < x2 < width and 0 < y1 < y2 < height
            assert x2 - x1 == pytest.approx(590 * 0.75)  # the SVG's 590 CSS pixels
    scoring = str(figures[0].Alt)
    for label, percent in (
        ("Assessment", 45),
        ("Planning", 59),
        ("Implementation and delivery", 30),
        ("Reviewing", 39),
    ):
        assert f"{label}: {percent}%" in scoring


def _marked_content(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, list[str], list[int]]]:
    """Every painting operator of every page: page, operator, the marked-content tags around
    it (outermost first), and the MCIDs among them."""
    for number, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else None
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"', "f", "f*", "F", "S", "s", "B", "B*", "b", "b*", "Do"):
                yield (
                    number,
                    op,
                    [tag for tag, _ in stack],
                    [mcid for _, mcid in stack if mcid is not None],
                )


def test_decoration_and_page_furniture_are_artifacts_and_no_tag_is_outside_the_tree(report):
    _, _, path = report
    with pikepdf.open(path) as pdf:
        in_tree = {e.objgen for e in _tree(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        pagination = set()
        for page, op, tags, mcids in _marked_content(pdf):
            assert tags, f"page {page + 1}: {op} outside any marked content"
            if tags[0] == "/Artifact":
                if op in ("Tj", "TJ"):
                    pagination.add(page)  # page number, manifest line: running text
                continue
            # Real content: its MCID leads, through the parent tree, to an element in the tree.
            assert mcids, f"page {page + 1}: {op} tagged {tags} without an MCID"
            element = parents[page][mcids[-1]]
            assert isinstance(element, pikepdf.Dictionary)
            assert element.objgen in in_tree, f"page {page + 1}: content tagged outside the tree"
            if op in ("f", "f*", "F", "S", "s", "B", "B*", "b", "b*", "Do"):
                # Paths painted as content belong to a chart (an SVG figure) or are a link's
                # underline, inside its text; rules, borders and backgrounds are artifacts.
                underline = op == "S" and tags[-1] == "/Span"
                assert "/Figure" in tags or underline, f"page {page + 1}: {op} {tags} is content"
        # Every page's running footer (page number) is there, as an artifact.
        assert pagination == set(range(len(pdf.pages)))
