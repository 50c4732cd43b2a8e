"""A new inspection from nothing to publication, in a real browser.

Given an empty database but for the administrator's account, when
- the administrator creates the region, a lead and two inspectors in the admin site,
- the lead creates an inspection, builds the team, imports the case list, allocates it and
  moves it on to fieldwork,
- the two inspectors record and submit their cases,
- the lead draws a moderation sample and moderates it, writes the narrative, the
  recommendations, the key contextual facts and the dates, watches the checklist turn green,
  builds the report and publishes it,
then every application page on the way passes axe, and the published PDF holds all of it.
No fixture, no loader, no shell: only what the pages create.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from cases.models import Case
from inspections.models import Inspection
from tests.browser import PASSWORD, Visitor, answer_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "reference,pdu,sentence_type,setting,rosh,practitioner_grade,mappa_eligible,mappa_category,"
    "mappa_level,court_work,risk_to_children\n"
    "WEB-001,NTH,community_order,community,medium,po,no,,,yes,yes\n"
    "WEB-002,NTH,licence,custody_licence,high,pso,yes,2,1,no,yes\n"
    "WEB-003,STH,suspended_sentence_order,community,low,po,no,,,yes,no\n"
    "WEB-004,STH,community_order,community,very_high,pqip,yes,1,2,yes,yes\n"
)


def _admin_page(visitor: Visitor, path: str) -> None:
    """The admin site is Django's own, not this service's pages: not checked with axe."""
    visitor.page.goto(visitor.base_url + path)


def _admin_adds_person(admin: Visitor, username: str, first_name: str, *, lead: bool) -> None:
    _admin_page(admin, "/admin/auth/user/add/")
    page = admin.page
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/change/$"))
    page.locator("#id_first_name").fill(first_name)
    if lead:
        # The group that may create inspections (a double-click moves it to "Chosen groups").
        page.locator("#id_groups_from option", has_text="Lead inspectors").dblclick()
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/auth/user/$"))


def _fill_date(visitor: Visitor, legend: str, day: int, month: int, year: int) -> None:
    group = visitor.page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def _answer_and_submit(inspector: Visitor, slug: str, reference: str) -> None:
    inspector.go(f"/inspections/{slug}/cases/{reference}/")
    inspector.page.get_by_role("link", name=re.compile(r"^C1: ")).click()
    inspector.check()
    while True:
        answer_section(inspector.page)
        submit = inspector.page.get_by_role("button", name="Save and submit case for moderation")
        if submit.count():  # the last section saves and submits in one step
            submit.click()
            break
        inspector.page.get_by_role("button", name="Save and continue").click()
        inspector.check()
        if "/questions/" not in inspector.page.url:
            inspector.page.get_by_role("button", name="Submit case for moderation").click()
            break
    inspector.check()
    assert "submitted" in inspector.page.locator(".govuk-notification-banner").inner_text()


def test_a_new_inspection_from_nothing_to_publication_in_a_browser(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.create_superuser("admin", "admin@example.org", PASSWORD)

    # The administrator: the region with its PDUs, and the three people.
    admin = Visitor(browser, live_server.url, "admin")
    admin.sign_in("admin")
    _admin_page(admin, "/admin/inspections/region/add/")
    admin.page.locator("#id_name").fill("Journey")
    admin.page.locator("#id_slug").fill("journey")
    for i, (code, name) in enumerate((("NTH", "North Town"), ("STH", "South Town"))):
        admin.page.get_by_text("Add another PDU").click()
        admin.page.locator(f"#id_pdus-{i}-code").fill(code)
        admin.page.locator(f"#id_pdus-{i}-name").fill(name)
    admin.page.locator("input[name=_save]").click()
    admin.page.wait_for_url(re.compile(r"/admin/inspections/region/$"))
    _admin_adds_person(admin, "lena", "Lena", lead=True)
    _admin_adds_person(admin, "ivan", "Ivan", lead=False)
    _admin_adds_person(admin, "iris", "Iris", lead=False)

    # The lead creates the inspection.
    lead = Visitor(browser, live_server.url, "lead")
    lead.sign_in("lena")
    lead.page.get_by_role("link", name="Create an inspection").click()
    lead.check("30-create")
    lead.page.get_by_label("Title").fill(
        "Dynamic Inspection of Public Protection in Journey region"
    )
    lead.page.get_by_label("Region").select_option(label="Journey")
    lead.page.get_by_label("Framework version").select_option(index=1)
    _fill_date(lead, "First date of the case window", 28, 4, 2026)
    _fill_date(lead, "Last date of the case window", 9, 5, 2026)
    lead.page.get_by_role("button", name="Create inspection").click()
    lead.check("31-new-inspection-home")
    slug = Inspection.objects.get().slug
    assert slug == "journey-region-2026"

    # ...builds the team,
    lead.page.get_by_role("link", name="Team", exact=True).click()
    lead.check("32-team")
    for username in ("ivan", "iris"):
        lead.page.get_by_label("Username or email address").fill(username)
        lead.page.get_by_label("Inspector", exact=True).check()
        lead.page.get_by_role("button", name="Add to the team").click()
        lead.check()
    team = lead.page.locator("#team").inner_text()
    assert "Ivan" in team and "Iris" in team

    # ...imports the cases and allocates them,
    csv = tmp_path / "cases.csv"
    csv.write_text(CSV)
    lead.go(f"/inspections/{slug}/cases/import/")
    lead.page.get_by_label("Upload the case list").set_input_files(str(csv))
    lead.page.get_by_role("button", name="Import cases").click()
    lead.check("33-all-cases")
    for inspector, references in (
        ("Ivan", ("WEB-001", "WEB-002")),
        ("Iris", ("WEB-003", "WEB-004")),
    ):
        for reference in references:
            lead.page.get_by_label(f"Select case {reference}").check()
        lead.page.get_by_label("Inspector", exact=True).select_option(label=inspector)
        lead.page.get_by_role("button", name="Allocate selected cases").click()
        lead.check()

    # ...and moves it on to fieldwork.
    lead.go(f"/inspections/{slug}/status/", shot="34-stage")
    lead.page.get_by_role("button", name="Move on to fieldwork").click()
    lead.check()

    # The inspectors record and submit.
    ivan = Visitor(browser, live_server.url, "ivan")
    ivan.sign_in("ivan")
    for reference in ("WEB-001", "WEB-002"):
        _answer_and_submit(ivan, slug, reference)
    iris = Visitor(browser, live_server.url, "iris")
    iris.sign_in("iris")
    for reference in ("WEB-003", "WEB-004"):
        _answer_and_submit(iris, slug, reference)

    # The lead moves on, draws the sample and moderates it.
    lead.go(f"/inspections/{slug}/status/")
    lead.page.get_by_role("button", name="Move on to moderation").click()
    lead.check()
    lead.go(f"/inspections/{slug}/moderation/sample/", shot="35-sample")
    lead.page.get_by_label(re.compile("^Share of each inspector")).fill("50")
    lead.page.get_by_label("Seed (optional)").fill("2026")
    lead.page.get_by_role("button", name="Draw the sample").click()
    lead.check("36-awaiting-moderation")
    sampled = [
        c.reference for c in Case.objects.filter(inspection__slug=slug, sampled__isnull=False)
    ]
    assert len(sampled) == 2
    for reference in sampled:
        lead.go(f"/inspections/{slug}/cases/{reference}/moderate/")
        for code in ("C1", "C2", "C3", "C4"):
            lead.page.locator(f"#{code}-verdict").check()
        lead.page.get_by_role("button", name="Record moderation").click()
        lead.check()
    lead.go(f"/inspections/{slug}/status/")
    lead.page.get_by_role("button", name="Move on to reporting").click()
    lead.check()

    # ...writes the report: narrative, recommendations, facts, dates.
    lead.go(f"/inspections/{slug}/report/publish/", shot="37-checklist-open")
    assert lead.page.locator("#checklist").get_by_text("Not done").count() >= 4
    for key in ("judgement", "context", "commentary", "follow_up", "further_information"):
        lead.go(f"/inspections/{slug}/report/sections/{key}/")
        lead.page.get_by_label("Text").fill(
            f"Planning met the standard in {{{{percent C2}}}} of cases ({key})."
        )
        lead.page.get_by_role("button", name="Save", exact=True).click()
        lead.check()
    lead.go(f"/inspections/{slug}/report/recommendations/region/")
    lead.page.get_by_label("Recommendations").fill("Strengthen the oversight of MAPPA cases.")
    lead.page.get_by_role("button", name="Save recommendations").click()
    lead.check()
    lead.go(f"/inspections/{slug}/facts/", shot="38-facts")
    lead.page.get_by_label("What the fact is").fill("Number of people supervised")
    lead.page.get_by_label("Value").fill("12,345")
    lead.page.get_by_label("When it was true").fill("on 30 June 2026")
    lead.page.get_by_label("Source").fill("https://www.gov.uk/government/statistics/example")
    lead.page.get_by_role("button", name="Add fact").click()
    lead.check()
    lead.go(f"/inspections/{slug}/details/", shot="39-details")
    _fill_date(lead, "Fieldwork start date", 7, 9, 2026)
    _fill_date(lead, "Fieldwork end date", 18, 9, 2026)
    _fill_date(lead, "Publication date", 1, 12, 2026)
    lead.page.get_by_label("Web address where the report will be available").fill(
        "https://hmiprobation.example/journey"
    )
    lead.page.get_by_role("button", name="Save details").click()
    lead.check()

    # ...the checklist is green; build, then publish.
    lead.go(f"/inspections/{slug}/report/publish/", shot="40-checklist-done")
    assert lead.page.locator("#checklist").get_by_text("Not done").count() == 0
    lead.go(f"/inspections/{slug}/report/")
    lead.page.get_by_role("button", name="Build the report").click()
    lead.page.wait_for_selector("text=Ready", timeout=120_000)
    lead.check("41-build")
    lead.go(f"/inspections/{slug}/report/publish/")
    lead.page.get_by_role("button", name="Publish version 1").click()
    lead.check("42-published")
    assert Inspection.objects.get().status == Inspection.Status.PUBLISHED

    # Then the published PDF holds all of it.
    pdf_url = lead.page.get_by_role("link", name="PDF").first.get_attribute("href")
    pdf = lead.context.request.get(live_server.url + pdf_url)
    assert pdf.ok
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for expected in (
        "Journey region",
        "Published: 1 December 2026",
        "Open Government Licence v3.0",
        "https://hmiprobation.example/journey",
        "Strengthen the oversight of MAPPA cases.",
        "12,345",
        "Lena",
        "100 per cent",  # every judgement Yes: C2 in all four cases
    ):
        assert expected in text, expected
    for visitor in (admin, lead, ivan, iris):
        visitor.context.close()
