"""Issue 14 in a browser: a national lead reads a programme (each region's figure and the pooled
one, the funnel plot with its table), includes the inspections in progress, and adds an
inspection on the management page; every page passes axe."""

from __future__ import annotations

import pytest

from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.access import programme_standing_get
from inspections.models import Inspection, Question
from inspections.services import programme_create, programme_inspection_add
from inspections.tests.factories import InspectionFactory, UserFactory
from tests.browser import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _region(framework, slug: str, status: str, k1: tuple[str, ...]) -> Inspection:
    inspection = InspectionFactory(framework=framework, slug=slug, title=f"DIPP {slug}")
    question = Question.objects.get(framework=framework, code="K1")
    for value in k1:
        answer_record(
            case=CaseFactory(inspection=inspection),
            question=question,
            value=value,
            rationale="Seen.",
            by=None,
        )
    Inspection.objects.filter(pk=inspection.pk).update(status=status)
    return inspection


def test_a_national_lead_reads_the_programme_and_adds_an_inspection(
    browser, live_server, handworked
):
    # Given a programme of the hand-worked region (published, K1 6 of 8), a second published
    # region (K1 2 of 4) and a third in fieldwork (K1 0 of 3), led by a national lead; and a
    # fourth inspection on the framework, in no programme yet.
    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    national = UserFactory(username="national-browser")
    programme = programme_create(name="DIPP browser programme", framework=hw.framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _region(
        hw.framework, "second-browser", Inspection.Status.PUBLISHED, ("yes", "yes", "no", "no")
    )
    third = _region(hw.framework, "third-browser", Inspection.Status.FIELDWORK, ("no", "no", "no"))
    for inspection in (hw, second, third):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    joining = _region(hw.framework, "joining-browser", Inspection.Status.FIELDWORK, ("yes",))

    lead = Visitor(browser, live_server.url, "national")
    lead.sign_in("national-browser")

    # When they follow Programmes in the navigation to the programme
    lead.page.get_by_role("link", name="Programmes").click()
    lead.check("issue14-programmes")
    lead.page.get_by_role("link", name="DIPP browser programme").click()
    lead.check("issue14-programme")

    # Then the national table shows each region and the pooled figure (8 of 12),
    page = lead.page
    assert "67% (8 of 12)" in page.locator("#national-key [data-pooled='K1']").inner_text()
    assert "75% (6 of 8)" in page.locator("#national-key").inner_text()
    # and K1's funnel plot has a point per region, with the same figures in its table.
    assert page.locator("#region-funnel-K1 svg circle").count() == 2
    assert page.locator("#region-funnel-K1-table tbody tr").count() == 2
    assert page.locator("#provisional-banner").count() == 0

    # When they include the inspections in progress
    page.get_by_label("Include inspections in progress").check()
    page.get_by_role("button", name="Update the figures").click()
    lead.check("issue14-programme-provisional")

    # Then the third region counts, marked provisional, with a banner saying so.
    assert "provisional=1" in page.url
    assert page.locator("#provisional-banner").is_visible()
    assert "53% (8 of 15)" in page.locator("#national-key [data-pooled='K1']").inner_text()
    assert page.locator("#region-funnel-K1 svg circle").count() == 3
    assert "Provisional" in page.locator("#national-key thead").inner_text()

    # When they add the fourth inspection on the management page
    page.get_by_role("link", name="Manage the programme").click()
    lead.check("issue14-manage")
    page.get_by_label("Inspection to add").select_option("joining-browser")
    page.get_by_role("button", name="Add to the programme").click()
    lead.check()

    # Then it is in the programme, and listed there.
    assert "added to the programme" in page.locator("main").inner_text()
    assert page.locator("[data-inspection='joining-browser']").count() == 1
    joining.refresh_from_db()
    assert joining.programme_id == programme.pk
