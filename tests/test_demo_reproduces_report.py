"""The demo inspection, scored from its case-level data through the scores endpoint,
reproduces every case-derived figure of the published South West 2025 report.

Each check quotes the report's own wording; the quote is first found in the report text (so a
check cannot drift from what was published), then the figure is read from the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from inspections.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def scores(demo, api_client) -> dict[str, Any]:
    lead = Membership.objects.get(inspection=demo, role=Membership.Role.LEAD).user
    api_client.force_authenticate(lead)
    response = api_client.get(reverse("api-inspection-scores", args=[demo.slug]))
    assert response.status_code == 200
    return response.json()


def question(scores: dict[str, Any], code: str) -> dict[str, Any]:
    return next(q for q in scores["questions"] if q["code"] == code)


def profile(scores: dict[str, Any], table: str, group: str) -> dict[str, Any]:
    return next(row for row in scores["profile"][table] if row["group"] == group)


def group(scores: dict[str, Any], dimension: str, key: str) -> dict[str, Any]:
    return next(g for g in scores["breakdowns"][dimension] if g["group"] == key)


def _words(n: int) -> str:
    return {7: "seven", 8: "eight", 20: "20", 22: "22"}.get(n, str(n))


def test_the_scoring_table_matches_the_published_one(scores, report_text):
    section = report_text.split("Scoring (Back to top)")[1].split("Follow-up activity")[0]
    published = dict(re.findall(r"^(Does .+\?)(\d+)%$", section, flags=re.MULTILINE))
    assert len(published) == 4, "the report's scoring table has four key questions"
    by_text = {q["text"]: q for q in scores["questions"] if q["kind"] == "key"}
    for text, percent in published.items():
        assert by_text[text]["percent"] == int(percent), text
        # Key questions are never N/A: every inspected case is in the base.
        assert by_text[text]["relevant"] == scores["cases"] == 64


def test_the_rosh_profile_matches_the_published_table(scores, report_text):
    section = report_text.split("Risk of Serious Harm classification of inspected cases")[1]
    low, medium, high = re.search(r"(\d+)%(\d+)%(\d+)%", section).groups()
    assert profile(scores, "rosh", "low")["percent"] == int(low)
    assert profile(scores, "rosh", "medium")["percent"] == int(medium)
    assert profile(scores, "rosh", "high_very_high")["percent"] == int(high)


CHECKS: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    (
        "In total, 64 cases that commenced between 28 April 2025 and 09 May 2025",
        lambda s: s["cases"] == 64,
    ),
    (
        "Fewer than a third of all cases met the threshold of sufficiency for keeping people safe "
        "in implementation and delivery",
        lambda s: question(s, "C3")["exact"] < 100 / 3,
    ),
    (
        "under half of all cases met the threshold in assessment and reviewing",
        lambda s: question(s, "C1")["exact"] < 50 and question(s, "C4")["exact"] < 50,
    ),
    (
        "meeting the required standard to keep people safe in 59 per cent of cases",
        lambda s: question(s, "C2")["percent"] == 59,
    ),
    (
        "Delivery of services to support the safety of other people effectively was sufficient in "
        "only 30 per cent of inspected cases",
        lambda s: question(s, "C3")["percent"] == 30,
    ),
    (
        "proposals were made to court to support public protection in 59 per cent of inspected cases",
        lambda s: question(s, "S1")["percent"] == 59,
    ),
    (
        "a sufficient assessment of risk of serious harm was made in just over two-thirds of "
        "relevant cases",
        lambda s: 200 / 3 < question(s, "S2")["exact"] < 70,
    ),
    (
        "Domestic abuse and child safeguarding information was obtained and used as part of the "
        "suitability for curfews in 15 out of 18 relevant cases",
        lambda s: (question(s, "S3")["yes"], question(s, "S3")["relevant"]) == (15, 18),
    ),
    (
        "In seven out of 17 relevant cases, pre-release work to support public protection for those "
        "leaving custody was insufficient",
        lambda s: (question(s, "S4")["no"], question(s, "S4")["relevant"]) == (7, 17),
    ),
    (
        "the risk to children was sufficiently assessed and analysed in only 27 out of 57 relevant "
        "cases",
        lambda s: (question(s, "S5")["yes"], question(s, "S5")["relevant"]) == (27, 57),
    ),
    (
        "Of our inspected cases, 22 were MAPPA eligible, with the majority (20) managed at Level 1",
        lambda s: (
            profile(s, "mappa", "eligible")["cases"] == 22
            and profile(s, "mappa", "level_1")["cases"] == 20
        ),
    ),
    (
        "only eight of these cases demonstrated evidence of coordinated, multi-agency oversight",
        lambda s: question(s, "S6")["yes"] == 8 and question(s, "S6")["relevant"] == 22,
    ),
    (
        "A third of the cases inspected were subject to Multi Agency Public Protection Arrangements",
        lambda s: round(3 * profile(s, "mappa", "eligible")["cases"] / s["cases"]) == 1,
    ),
    (
        "Of the inspected cases eligible for MAPPA, the majority were identified as being managed as "
        "Level 1 cases",
        lambda s: (
            2 * profile(s, "mappa", "level_1")["cases"] > profile(s, "mappa", "eligible")["cases"]
        ),
    ),
    (
        "some MAPPA cases had not been identified in a timely manner",
        lambda s: question(s, "S7")["no"] > 0,
    ),
    (
        "Management oversight was insufficient, ineffective, or absent in over three quarters of "
        "inspected cases",
        lambda s: question(s, "S8")["no"] / question(s, "S8")["relevant"] > 0.75,
    ),
    (
        "Almost all staff interviewed (94 per cent) believed that they possessed the necessary "
        "skills, experience, and knowledge to supervise the case",
        lambda s: question(s, "S9")["percent"] == 94,
    ),
]


@pytest.mark.parametrize(("wording", "check"), CHECKS, ids=[c[0][:60] for c in CHECKS])
def test_each_published_finding_is_reproduced(scores, report_text, wording, check):
    flat = " ".join(report_text.split())
    assert wording in flat, "the quoted wording must be the report's own"
    assert check(scores), wording


def test_breakdowns_add_up_to_the_whole(scores):
    for dimension in ("pdu", "rosh"):
        groups = scores["breakdowns"][dimension]
        assert sum(g["cases"] for g in groups) == scores["cases"]
        for overall in scores["questions"]:
            parts = [
                next(q for q in g["questions"] if q["code"] == overall["code"]) for g in groups
            ]
            for field in ("yes", "no", "not_applicable", "unanswered"):
                assert sum(p[field] for p in parts) == overall[field], (dimension, overall["code"])
    assert len(scores["breakdowns"]["pdu"]) == 9
    mappa = scores["breakdowns"]["mappa"]
    eligible, not_eligible = (
        group(scores, "mappa", "eligible"),
        group(scores, "mappa", "not_eligible"),
    )
    assert eligible["cases"] + not_eligible["cases"] == scores["cases"]
    assert sum(g["cases"] for g in mappa if g["group"].startswith("level_")) == eligible["cases"]


def _fact_lines(report_text: str) -> list[str]:
    section = report_text.split("Key contextual facts (Back to top)")[1]
    section = section.split("Risk of Serious Harm classification of inspected cases")[0]
    return [line.strip() for line in section.splitlines() if line.strip()]


def test_every_contextual_fact_is_printed_as_published_with_its_footnote_number(demo, report_text):
    """The published report runs each fact's label, its date in brackets, its footnote number
    and its value together ("Number of people supervised (on 30 June 2025)116,821"): rebuild
    each line from the demo's facts, numbering footnotes as the report does (in order of first
    use), and find it in the text."""
    from reports.rendering import Footnotes

    lines = _fact_lines(report_text)
    footnotes = Footnotes()
    facts = list(demo.context_facts.order_by("order"))
    groups: dict[str, list] = {}
    for fact in facts:
        if fact.group:
            groups.setdefault(fact.group, []).append(fact)
            continue
        number = footnotes.number(fact.source)
        dated = f" ({fact.as_at})" if fact.as_at else ""
        line = f"{fact.label}{dated}{number or ''}{fact.value}"
        assert line in lines, line
    for group, members in groups.items():
        sources = {m.source for m in members}
        number = footnotes.number(sources.pop()) if len(sources) == 1 else None
        assert f"{group}{number or ''}" in lines, group
        assert "".join(m.label for m in members) in lines, group
        assert "".join(m.value for m in members) in lines, group
    published_footnotes = re.findall(r"^\s+(\d+)\. ", report_text.split("Footnotes")[-1], re.M)
    assert len(footnotes.texts) == len(published_footnotes) == 4


def test_the_demo_invents_no_dates_the_report_does_not_give(demo):
    assert (demo.fieldwork_start, demo.fieldwork_end, demo.publication_date) == (None, None, None)


def test_the_demo_narrative_filled_from_the_data_reads_as_published(demo, report_text):
    """Every paragraph of the demo's narrative, its references filled (numbers and proportion
    words alike), is found word for word in the published report (compared without spaces: the
    demo puts a space the published text lacks after one comma)."""
    from reports.models import ReportSection
    from reports.references import fill
    from scoring.selectors import inspection_scores

    scores = inspection_scores(demo)
    published = "".join(report_text.split())
    sections = list(ReportSection.objects.filter(inspection=demo))
    assert sections
    phrases = 0
    for section in sections:
        phrases += section.body.count("{{phrase ")
        text, problems = fill(section.body, scores)
        assert problems == [], problems
        for paragraph in text.split("\n\n"):
            flat = "".join(paragraph.split())
            if flat:
                assert flat in published, paragraph[:120]
    # The proportion words bound to data: C1, C3, S2, S8 No and S9 (twice).
    assert phrases == 6


@pytest.mark.parametrize(
    ("reference", "published"),
    [
        ("phrase C1", "fewer than half of cases met the sufficient standard"),
        ("phrase C3 capital", "Fewer than a third of all cases met the threshold"),
        ("phrase S2", "made in just over two-thirds of relevant cases"),
        ("phrase S8 no", "in over three-quarters of inspected cases, management oversight"),
        ("phrase S9", "despite almost all staff believing"),
        ("phrase S9 capital", "Almost all staff interviewed (94 per cent)"),
    ],
)
def test_each_proportion_phrase_gives_the_published_words(demo, report_text, reference, published):
    from reports.references import resolve
    from scoring.selectors import inspection_scores

    words = resolve(reference, inspection_scores(demo))
    assert published in " ".join(report_text.split())
    assert published.startswith(words) or f" {words} " in published, (words, published)
