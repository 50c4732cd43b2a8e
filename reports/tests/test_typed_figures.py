"""Typed figures: listed with the reference that would produce them, and contradictions."""

from __future__ import annotations

from reports.tests.test_references import scores  # noqa: F401  (the hand-built scores)
from reports.typed_figures import typed_figures


def test_each_kind_of_typed_figure_is_listed_with_its_reference(scores):  # noqa: F811
    text = (
        "Planning met the standard in 59 per cent of cases.\n"
        "In seven out of 17 relevant cases, work was insufficient.\n"
        "Only eight of these cases showed oversight.\n"
        "Over half of cases met it."
    )
    found = typed_figures(text, scores, section="Commentary")
    assert [(f.kind, f.text, f.line) for f in found] == [
        ("percent", "59 per cent", 1),
        ("n_of_m", "seven out of 17", 2),
        ("count", "eight of these cases", 3),
        ("phrase", "Over half", 4),
    ]
    suggestions = {f.text: f.suggestions for f in found}
    assert "{{percent C2}}" in suggestions["59 per cent"]
    assert suggestions["seven out of 17"] == ("{{n_of_m S4 no}}",)
    assert "{{count S6}}" in suggestions["eight of these cases"]
    assert "{{phrase C2}}" in suggestions["Over half"]  # 38 of 64
    assert str(found[0]).startswith("Commentary, line 1: “59 per cent” is typed – use")


def test_figures_inside_references_are_not_typed(scores):  # noqa: F811
    text = "In {{n_of_m S4 no}} cases ({{percent C2}}), {{phrase C2}} met it."
    assert typed_figures(text, scores) == []


def test_a_typed_phrase_that_contradicts_a_reference_in_its_sentence_is_warned(scores):  # noqa: F811
    # C2 is 38 of 64 (59%): "over half", not "over three-quarters".
    text = (
        "In over three-quarters of cases ({{n_of_m C2}}) planning was sufficient. Over half agreed."
    )
    first, second = typed_figures(text, scores)
    assert "contradicts {{n_of_m C2}}" in first.warning
    assert "“over half”" in first.warning
    # Another figure does read "over three-quarters": S3, 15 of 18.
    assert first.suggestions == ("{{phrase S3}}",)
    # The next sentence has no reference: nothing to contradict.
    assert second.warning == ""


def test_a_phrase_agreeing_with_its_reference_is_listed_without_a_warning(scores):  # noqa: F811
    found = typed_figures("Over half of cases ({{percent C2}}) met it.", scores)
    assert [(f.text, f.warning) for f in found] == [("Over half", "")]


def test_a_contradicting_typed_phrase_is_flagged_when_the_section_is_saved(lead_client, demo):
    import html

    from django.urls import reverse

    from reports.models import ReportSection, Section

    section = ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP)
    url = reverse("report-section", args=[demo.slug, "follow_up"])
    # C1 is 29 of 64 (45%): "fewer than half", never "over three-quarters".
    body = "In over three-quarters of cases ({{n_of_m C1}}) assessment was sufficient."
    response = lead_client.post(
        url, {"body": body, "version": section.version, "action": "save"}, follow=True
    )
    page = html.unescape(response.content.decode())
    section.refresh_from_db()
    assert section.body == body  # saved: the lead decides
    assert "1 typed figure(s) are not data references, and 1 contradict(s) a reference" in page
    assert (
        "contradicts {{n_of_m C1}} in the same sentence, whose value reads “fewer than half”"
        in (page)
    )
    assert 'id="typed-figures-list"' in page


def test_the_build_page_lists_the_demos_remaining_typed_figures(lead_client, demo):
    import html

    from django.urls import reverse

    page = html.unescape(
        lead_client.get(reverse("report-overview", args=[demo.slug])).content.decode()
    )
    listed = page.split('id="typed-figures-list"')[1].split("</ul>")[0]
    # The three published wordings the demo keeps typed (docs/report.md), among others.
    assert "“under half” is typed" in listed
    assert "“A third” is typed" in listed
    assert "“over three quarters” is typed" in listed
    # The proportion words bound to data are not listed.
    assert "“just over two-thirds”" not in listed


def test_the_checklist_asks_the_lead_to_acknowledge_typed_figures_until_they_do(
    lead_client, demo, lead
):
    from django.urls import reverse

    from reports.models import ReportSection, Section
    from reports.selectors import publication_checklist, report_scores
    from reports.services import section_save

    def typed_task():
        tasks = {t.key: t for t in publication_checklist(demo, report_scores(demo))}
        return [b.message for b in tasks["typed_figures"].blockers]

    # The demo's deliberate published wording was acknowledged when it was loaded.
    assert typed_task() == []
    section = ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP)
    section_save(
        inspection=demo,
        key="follow_up",
        body="Over half of cases were reviewed (about 60%).",
        expected_version=section.version,
        by=lead,
    )
    assert typed_task() == [
        "Follow-up activity: 2 typed figures not bound to the data: acknowledge or replace "
        "with references."
    ]
    url = reverse("report-section", args=[demo.slug, "follow_up"])
    response = lead_client.post(url, {"action": "acknowledge"})
    assert response.status_code == 302
    assert typed_task() == []
    # A new typed figure asks again.
    section.refresh_from_db()
    section_save(
        inspection=demo,
        key="follow_up",
        body=section.body + " Almost all agreed.",
        expected_version=section.version,
        by=lead,
    )
    assert len(typed_task()) == 1
