"""The programme summary report in a real browser, every page checked with axe (WCAG 2.2 A/AA).

A national lead of a programme (the hand-worked inspection and a second region, published)
saves a summary with an unknown code (refused, named), corrects it, builds the report (the task
runs in-process: no broker in the tests) and opens it; the HTML report itself passes axe and the
landmark and heading best practices, as the regional report does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from inspections.access import programme_standing_get
from inspections.models import Inspection
from inspections.services import programme_create, programme_inspection_add
from inspections.tests.factories import UserFactory
from reports.models import BuildState, ProgrammeReportBuild
from reports.services import media_path
from reports.tests.test_programme_report import _region
from tests.browser import WCAG_TAGS, Visitor, launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


def test_a_national_lead_writes_builds_and_reads_the_programme_report(
    browser, live_server, handworked
):
    cache.clear()
    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    national = UserFactory(username="browser-national-lead")
    programme = programme_create(name="DIPP browser test", framework=hw.framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _region(
        hw.framework,
        slug="browser-second",
        name="Second Region",
        status=Inspection.Status.PUBLISHED,
        k1=("yes", "no"),
    )
    for inspection in (hw, second):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)

    lead = Visitor(browser, live_server.url, "national")
    lead.sign_in(national.username)
    base = f"/programmes/{programme.slug}/report/"
    lead.go(base, "programme-report")
    lead.page.get_by_role("link", name="Write the summary").click()
    lead.check()
    body = lead.page.get_by_label("Text")
    body.fill("Pooled {{percent K9}}.")
    lead.page.get_by_role("button", name="Save").click()
    lead.check()
    assert "there is no question K9" in lead.page.locator(".govuk-error-summary").inner_text()
    body = lead.page.get_by_label("Text")
    body.fill("Pooled {{percent K1}}, ranging {{range K1}}.")
    lead.page.get_by_role("button", name="Save").click()
    lead.check("programme-report-narrative")
    # 6 + 1 Yes of 8 + 2 relevant: 70%; the second region 50%, the hand-worked one 75%.
    preview = lead.page.locator(".app-report-preview").inner_text()
    assert "Pooled 70 per cent, ranging from 50 per cent in Second Region to 75 per cent" in preview

    lead.go(base)
    lead.page.get_by_role("button", name="Build the report").click()
    lead.check("programme-report-build")
    build = ProgrammeReportBuild.objects.get(programme=programme)
    assert build.status == BuildState.Status.SUCCEEDED, build.error
    assert lead.page.get_by_role("heading", name="The report is ready").count() == 1

    # The HTML report's bytes, loaded with set_content (its sandbox CSP forbids the checker's
    # script, as test_browser_report explains).
    # A blank page of its own: the application page's CSP would block the report's inline styles.
    lead.page = lead.context.new_page()
    lead.page.set_content(media_path(build.html_file).read_text())
    lead.check("programme-report-html")
    from axe_playwright_python.sync_playwright import Axe

    rules = ["region", "landmark-one-main", "landmark-unique", "page-has-heading-one"]
    rules += ["heading-order", "skip-link", "landmark-no-duplicate-banner"]
    practices = Axe().run(lead.page, options={"runOnly": {"type": "rule", "values": rules}})
    assert [v["id"] for v in practices.response["violations"]] == []
    wcag = Axe().run(lead.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert [r["id"] for r in wcag.response["incomplete"] if r["id"] != "color-contrast"] == []
    lead.context.close()
