"""The Content-Security-Policy in a real browser: no page breaks it, and GOV.UK Frontend's
JavaScript (now in static files, since no inline script is allowed) still starts.

Given a lead signed in through the form, when they open the pages with scripts (sign-in, their
inspection, a report build in progress, the API documentation and the admin), then the browser
reports no CSP violation and the GOV.UK components are initialised.
"""

from __future__ import annotations

import pytest

from cases.tests.helpers import make_world
from reports.models import ReportBuild
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_breaks_the_content_security_policy(browser, live_server, framework):
    world = make_world(framework)
    world.lead.is_staff = world.lead.is_superuser = True
    world.lead.save()
    build = ReportBuild.objects.create(inspection=world.inspection, requested_by=world.lead)
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/accounts/login/")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.wait_for_selector("[data-govuk-button-init]", state="attached", timeout=10_000)
    page.get_by_label("Username").fill(world.lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    slug = world.inspection.slug
    for path in (
        f"/inspections/{slug}/",
        f"/inspections/{slug}/cases/{world.case.reference}/",
        # The question page's own scripts (reveals, drafts that save themselves), moderation.
        f"/inspections/{slug}/cases/{world.case.reference}/questions/C1/",
        f"/inspections/{slug}/cases/{world.submitted.reference}/moderate/",
        f"/inspections/{slug}/report/builds/{build.pk}/",
        "/api/v1/docs/",
        "/admin/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)  # Swagger UI started
    context.close()
    assert violations == []
