"""The report document: the demo narrative bound to data, sanitised Markdown, the data hash."""

from __future__ import annotations

import re

import pytest

from cases.models import Answer
from cases.services import answer_record
from reports.models import ReportSection, Section
from reports.rendering import markdown_to_safe_html, report_document, report_html
from reports.selectors import case_data_canonical, case_data_sha256, content_sha256
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def _html(inspection) -> str:
    scores = inspection_scores(inspection)
    document = report_document(
        inspection=inspection, scores=scores, data_sha256=case_data_sha256(inspection)
    )
    assert document.problems == []
    return report_html(document)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_demo_narrative_fills_every_reference_from_the_scores(demo):
    text = _text(_html(demo))
    assert "{{" not in text
    for phrase in (
        "In total, 64 cases",
        "in 15 out of 18 relevant cases",
        "In seven out of 17 relevant cases",
        "in only 27 out of 57 relevant cases",
        "22 were MAPPA eligible, with the majority (20) managed at Level 1",
        "only eight of these cases",
        "to keep people safe in 59 per cent of cases",
        "to support public protection in 59 per cent of inspected cases",
        "(94 per cent)",
        "in only 30 per cent of inspected cases",
    ):
        assert phrase in text, phrase


def test_a_figure_follows_the_case_data(demo):
    """Change one relevant S3 answer from Yes to No: the prose follows, nothing is typed in."""
    answer = (
        Answer.objects.filter(case__inspection=demo, question__code="S3", value=Answer.Value.YES)
        .select_related("case", "question")
        .first()
    )
    answer_record(
        case=answer.case,
        question=answer.question,
        value=Answer.Value.NO,
        rationale="Changed in a test.",
        reason="Moderation",
        expected_version=answer.version,
    )
    text = _text(_html(demo))
    assert "in 14 out of 18 relevant cases" in text
    assert "15 out of 18" not in text


def test_the_scoring_and_profile_tables_come_from_the_scores(demo):
    html = _html(demo)
    scoring = html.split('id="scoring"')[1].split("</table>")[0]
    assert re.findall(r"(\d+)%</td>", scoring) == ["45", "59", "30", "39"]
    rosh = html.split('id="rosh-table"')[1].split("</table>")[0]
    assert re.findall(r"(\d+)%</td>", rosh)[:3] == ["5", "63", "28"]
    mappa = html.split('id="mappa-table"')[1].split("</table>")[0]
    assert '<td class="number">22</td>' in mappa
    # Every chart is an inline SVG with a title, beside the table that holds its data.
    assert html.count("<svg") == 3
    assert html.count('role="img"') == 3


def test_contextual_facts_print_value_as_at_date_and_a_footnoted_source(demo):
    html = _html(demo)
    facts = html.split('id="key-contextual-facts"')[1].split("</table>")[0]
    assert "Number of people supervised" in facts
    assert "(on 30 June 2025)" in facts
    assert '>16,821<sup class="footnote-ref"><a href="#fn-1" id="fnref-1"' in facts
    footnotes = html.split('id="footnotes"')[1]
    assert 'id="fn-4"' in footnotes
    assert "offender-management-statistics-quarterly" in footnotes.split('id="fn-2"')[0]


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>Hello", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="https://example.org" onclick="x()">x</a>', "onclick"),
        ("<iframe src='https://example.org'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_markdown_is_sanitised_on_output(markdown, forbidden):
    assert forbidden not in markdown_to_safe_html(markdown)


def test_markdown_keeps_the_formatting_an_author_needs():
    html = markdown_to_safe_html("Some **bold** and *emphasis*.\n\n1. one\n2. two\n\n- a\n- b")
    assert "<strong>bold</strong>" in html and "<em>emphasis</em>" in html
    assert "<ol>" in html and "<ul>" in html


def test_the_case_data_hash_is_stable_and_covers_what_figures_are_made_of(demo):
    first = case_data_sha256(demo)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert case_data_sha256(demo) == first
    raw = case_data_canonical(demo)
    assert raw.startswith(b'{"cases":[{') and b" " not in raw.split(b'"framework"')[0][:200]

    answer = Answer.objects.filter(case__inspection=demo, question__code="C1").first()
    # A rationale is not case data the report is computed from: the hash stays.
    Answer.objects.filter(pk=answer.pk).update(rationale=answer.rationale + " (edited)")
    assert case_data_sha256(demo) == first
    flipped = Answer.Value.NO if answer.value == Answer.Value.YES else Answer.Value.YES
    Answer.objects.filter(pk=answer.pk).update(value=flipped)
    assert case_data_sha256(demo) != first


def test_the_content_hash_follows_the_narrative(demo):
    before = content_sha256(demo)
    ReportSection.objects.filter(inspection=demo, key=Section.CONTEXT).update(body="Changed.")
    assert content_sha256(demo) != before


def test_the_report_has_a_then_and_now_table_against_the_synthetic_baseline(demo):
    from reports.selectors import report_scores

    document = report_document(
        inspection=demo, scores=report_scores(demo), data_sha256=case_data_sha256(demo)
    )
    assert [line.text for line in document.then_and_now] == [
        q.text for q in inspection_scores(demo).key_questions
    ]
    html = report_html(document)
    table = html.split('id="then-and-now-table"')[1].split("</table>")[0]
    assert "points (95% CI" in table
    # The comparison says on its face that the earlier inspection is synthetic.
    assert "Compared with SYNTHETIC earlier inspection" in _text(html)
    # The South West's own figures are unchanged: 45% (29 of 64) now for C1.
    assert "45% (29 of 64)" in table


def test_without_a_baseline_there_is_no_then_and_now(demo):
    from inspections.models import Baseline
    from reports.selectors import report_scores

    Baseline.objects.filter(inspection=demo).delete()
    html = report_html(
        report_document(
            inspection=demo, scores=report_scores(demo), data_sha256=case_data_sha256(demo)
        )
    )
    assert "then-and-now" not in html
