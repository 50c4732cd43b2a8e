"""The lead's report journey in a real browser (Playwright driving Debian's Chromium), with an
axe-core accessibility check (WCAG 2.2 A/AA) on every page.

Given the South West demo and its lead,
when the lead opens the report, saves a section with an unknown reference, corrects it,
previews it, builds the report and publishes it,
then every page passes axe, the error names the reference, the build page ends "ready" and the
overview lists version 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from reports import services
from reports.models import ReportBuild, ReportSection, ReportVersion, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.fixture
def page(monkeypatch, live_server, demo):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM (the live server's set-up)
    # refuses to run under one unless told it is safe, which it is in a test. Set for this test
    # only, so no later subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/system-packages (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()
        # Database connections opened under Playwright's event loop belong to its context: close
        # them here, or the test database could not be dropped at the end of the run.
        connections.close_all()


def _check(page, shot: str | None = None) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]
    assert violations == [], f"axe on {page.url}: {violations}"
    if shot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"report-{shot}.png"), full_page=True)


def _sign_in(page, base: str, user) -> None:
    user.set_password("lead-browser-pass-1")
    user.save()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("lead-browser-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_the_lead_writes_builds_and_publishes_the_report_in_a_browser(
    page, live_server, demo, lead
):
    base = live_server.url
    report = f"{base}/inspections/{demo.slug}/report/"
    _sign_in(page, base, lead)

    page.goto(report)
    assert page.get_by_role("heading", name="The regional report").is_visible()
    _check(page, "overview")

    # When the lead saves a section with an unknown reference
    page.get_by_role("link", name="Follow-up activity").click()
    page.get_by_label("Text").fill("Follow-up in {{percent Q42}} of cases.")
    page.get_by_role("button", name="Save").click()
    # Then the error names it, the text is kept, nothing is saved
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "there is no question Q42" in page.content()
    assert page.get_by_label("Text").input_value() == "Follow-up in {{percent Q42}} of cases."
    _check(page, "section-error")
    assert "Q42" not in ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP).body

    # When it is corrected and previewed, the figure is filled from the data
    page.get_by_label("Text").fill("Planning met the standard in {{percent C2}} of cases.")
    page.get_by_role("button", name="Preview").click()
    assert "Planning met the standard in 59 per cent of cases." in page.content()
    _check(page, "section-preview")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Follow-up activity saved.").is_visible()

    # When the lead builds the report (in-process here; the worker tests use Celery)
    page.goto(report)
    page.get_by_role("button", name="Build the report").click()
    page.wait_for_selector("#build-status[data-status=succeeded]", timeout=120_000)
    _check(page, "build-ready")
    assert page.get_by_role("link", name="Download the PDF report").is_visible()

    # And publishes it
    page.get_by_role("link", name="Publish this as a version").click()
    _check(page, "publish")
    page.get_by_role("button", name="Publish version 1").click()
    assert page.get_by_text("Version 1 of the report is published").is_visible()
    _check(page, "published")
    assert ReportVersion.objects.filter(inspection=demo, number=1).exists()


def test_with_javascript_the_build_page_follows_the_build_without_reloading(
    page, live_server, demo, lead
):
    # Given a build that no worker has started yet
    _sign_in(page, live_server.url, lead)
    build = ReportBuild.objects.create(inspection=demo, requested_by=lead)
    page.goto(f"{live_server.url}/inspections/{demo.slug}/report/builds/{build.pk}/")
    assert page.locator("#build-step").inner_text() == "Waiting for a worker…"
    _check(page, "build-waiting")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.wait_for_timeout(2_500)  # longer than the no-JavaScript refresh interval

    # When a worker starts it, the step shown follows, read from the API (no meta refresh)
    ReportBuild.objects.filter(pk=build.pk).update(
        status=ReportBuild.Status.RUNNING, step=ReportBuild.Step.DATA
    )
    page.wait_for_function(
        "document.getElementById('build-step').textContent.startsWith('Reading')", timeout=15_000
    )
    assert loads == []

    # And when it finishes, the page reloads once and offers the files
    services.build_run(build_id=build.pk)
    page.wait_for_selector("#build-status[data-status=succeeded]", timeout=30_000)
    assert len(loads) == 1
    assert page.get_by_role("link", name="Download the PDF report").is_visible()
