"""The whole journey in a real browser (Playwright driving Debian's Chromium), with an axe-core
accessibility check on every page it visits and screenshots of the main pages.

Given an inspection with a lead and an inspector who has a case allocated,
when the inspector answers the case, submits it with a rationale missing, fixes it and submits,
and the lead watches the scores, disagrees on one key question, the inspector corrects it and
the lead agrees,
then every page passes axe (WCAG 2.2 A/AA) and the agreement page shows the moderation.
"""

from __future__ import annotations

import re

import pytest

from cases.models import Case, ModerationReview
from cases.tests.factories import CaseFactory
from cases.tests.helpers import answer_all
from inspections.models import Membership
from inspections.tests.factories import (
    InspectionFactory,
    MembershipFactory,
    PDUFactory,
    UserFactory,
)
from tests.browser import Visitor, answer_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_journey_in_a_browser(browser, live_server, framework):
    # Given
    inspection = InspectionFactory(framework=framework, title="DIPP in Test region")
    pdu = PDUFactory(region=inspection.region, name="Test PDU")
    lead_user = UserFactory(username="lead-b", first_name="Lee", last_name="Lead")
    inspector_user = UserFactory(username="insp-b", first_name="Ira", last_name="One")
    MembershipFactory(inspection=inspection, user=lead_user, role=Membership.Role.LEAD)
    MembershipFactory(inspection=inspection, user=inspector_user)
    case = CaseFactory(
        inspection=inspection, pdu=pdu, inspector=inspector_user, reference="JRN-001"
    )
    done = CaseFactory(
        inspection=inspection, pdu=pdu, inspector=inspector_user, reference="JRN-002"
    )
    answer_all(done, inspector_user, value="no")
    slug = inspection.slug

    lead = Visitor(browser, live_server.url, "lead")
    inspector = Visitor(browser, live_server.url, "inspector")

    lead.sign_in("lead-b", shot="01-sign-in")
    lead.go(f"/inspections/{slug}/scores/")
    before = lead.page.locator("#key-question-table td[data-code=C1]").inner_text()
    assert before == "0% (0 of 1; 95% CI 0–79%)"

    # When the inspector answers the case, leaving one key-question rationale out
    inspector.sign_in("insp-b")
    assert "Your inspections" in inspector.page.title()
    inspector.check("02-home")
    inspector.page.get_by_role("link", name="DIPP in Test region").click()
    inspector.check("03-my-cases")
    inspector.page.get_by_role("link", name="Case JRN-001").click()
    inspector.check("04-case")
    inspector.page.get_by_role("link", name=re.compile(r"^C1: ")).click()
    inspector.check("05-key-question")
    for section in ("C1", "C2", "C3", "C4"):
        assert inspector.page.get_by_role("heading", level=1).inner_text().startswith(section)
        answer_section(inspector.page, skip_key_rationale=section == "C3")
        inspector.page.get_by_role("button", name="Save and continue").click()
        inspector.check()
    assert "Supplementary questions" in inspector.page.get_by_role("heading", level=1).inner_text()
    inspector.check("06-supplementary")
    answer_section(inspector.page)

    # ...saves and submits from the last section, and sees the error summary linking to the
    # missing rationale
    inspector.page.get_by_role("button", name="Save and submit case for moderation").click()
    summary = inspector.page.locator(".govuk-error-summary")
    assert summary.is_visible()
    inspector.check("07-error-summary")
    summary.get_by_role("link", name="Enter a rationale for the judgement on C3").click()
    assert inspector.page.url.endswith("#C3-rationale")
    inspector.check()
    inspector.page.locator("#C3-rationale").fill("Reviews were timely and recorded.")
    inspector.page.get_by_role("button", name="Save draft and return to the case").click()
    inspector.check()
    inspector.page.get_by_role("button", name="Submit case for moderation").click()
    inspector.check()
    assert (
        "submitted for moderation"
        in inspector.page.locator(".govuk-notification-banner").inner_text()
    )

    # Then the lead sees the dashboard figures change
    lead.page.reload()
    lead.check("08-dashboard")
    after = lead.page.locator("#key-question-table td[data-code=C1]").inner_text()
    assert after == "50% (1 of 2; 95% CI 9–91%)"
    assert lead.page.locator("svg[role=img] rect").count() == 4

    # When the lead disagrees on C2
    lead.go(f"/inspections/{slug}/cases/JRN-001/")
    lead.page.get_by_role("link", name="Moderate this case").click()
    lead.check("09-moderation")
    for code in ("C1", "C3", "C4"):
        lead.page.locator(f"#{code}-verdict").check()
    lead.page.locator("#C2-verdict-disagree").check()
    lead.page.locator("#C2-value-no").check()
    lead.page.locator("#C2-comment").fill("The plan does not address the risk to the partner.")
    lead.check()
    lead.page.get_by_role("button", name="Record moderation").click()
    lead.check()
    assert (
        "returned to its inspector" in lead.page.locator(".govuk-notification-banner").inner_text()
    )

    # Then the inspector sees the returned case and corrects it
    inspector.go(f"/inspections/{slug}/")
    item = inspector.page.locator(".govuk-task-list__item", has_text="JRN-001")
    assert item.locator(".govuk-tag").inner_text() == "Returned"
    inspector.check("10-returned")
    item.get_by_role("link").click()
    inspector.check()
    inspector.page.get_by_role("link", name=re.compile(r"^C2: ")).click()
    assert "does not address the risk to the partner" in inspector.page.content()
    inspector.check("11-returned-question")
    inspector.page.locator("#C2-value-no").check()
    inspector.page.locator("#C2-rationale").fill("Agreed: the partner's safety is not planned for.")
    inspector.page.locator("#reason").fill("Corrected after moderation.")
    inspector.page.get_by_role("button", name="Save draft and return to the case").click()
    inspector.check()
    assert (
        "Corrected after moderation."
        in inspector.page.locator("table", has_text="Reason").inner_text()
    )
    inspector.page.get_by_role("button", name="Submit case for moderation").click()
    inspector.check()

    # When the lead agrees
    lead.go(f"/inspections/{slug}/cases/JRN-001/moderate/")
    for code in ("C1", "C2", "C3", "C4"):
        lead.page.locator(f"#{code}-verdict").check()
    lead.page.get_by_role("button", name="Record moderation").click()
    lead.check("12-case-history")

    # Then the agreement page shows it, and the moderated judgement counts
    lead.go(f"/inspections/{slug}/agreement/", shot="13-agreement")
    overall = lead.page.locator("#agreement-by-question tr", has_text="All key questions")
    assert "3 of 4" in overall.inner_text() and "75%" in overall.inner_text()
    lead.go(f"/inspections/{slug}/cases/", shot="14-all-cases")
    lead.go(f"/inspections/{slug}/scores/")
    assert (
        lead.page.locator("#key-question-table td[data-code=C2]")
        .inner_text()
        .startswith("0% (0 of 2")
    )

    case.refresh_from_db()
    assert case.status == Case.Status.MODERATED
    assert ModerationReview.objects.filter(case=case).count() == 8
    assert len(inspector.checked) + len(lead.checked) >= 25
    lead.context.close()
    inspector.context.close()


def test_the_lead_sets_up_an_inspection_in_a_browser(browser, live_server, framework, tmp_path):
    # Given a lead of one inspection, and an inspector to bring onto the new one
    region_pdu = PDUFactory(code="TST", name="Test PDU")
    current = InspectionFactory(framework=framework, region=region_pdu.region)
    lead_user = UserFactory(username="lead-s", first_name="Lee", last_name="Lead")
    MembershipFactory(inspection=current, user=lead_user, role=Membership.Role.LEAD)
    lead = Visitor(browser, live_server.url, "lead")
    lead.sign_in("lead-s")

    # When they create an inspection, leaving out the window end first
    lead.page.get_by_role("link", name="Create an inspection").click()
    lead.check("20-create-inspection")
    lead.page.get_by_label("Title").fill("DIPP in Test region 2026")
    lead.page.get_by_label("Short name for web addresses").fill("test-2026")
    lead.page.get_by_label("Region").select_option(label=region_pdu.region.name)
    lead.page.get_by_label("Framework version").select_option(index=1)
    start = lead.page.get_by_role("group", name="First date of the case window")
    start.get_by_label("Day").fill("28")
    start.get_by_label("Month").fill("4")
    start.get_by_label("Year").fill("2026")
    lead.page.get_by_role("button", name="Create inspection").click()
    summary = lead.page.locator(".govuk-error-summary")
    assert "Enter the last date of the case window" in summary.inner_text()
    lead.check()
    end = lead.page.get_by_role("group", name="Last date of the case window")
    end.get_by_label("Day").fill("9")
    end.get_by_label("Month").fill("5")
    end.get_by_label("Year").fill("2026")
    lead.page.get_by_role("button", name="Create inspection").click()
    lead.check()
    lead.page.get_by_role("link", name="Import cases from a CSV file").first.click()
    lead.check("21-import")

    # ...import a case list with a bad row: nothing is imported and the line is named
    header = "reference,pdu,sentence_type,setting,rosh,practitioner_grade,mappa_eligible\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + "NEW-001,TST,licence,custody_licence,high,po,no\nNEW-2,TST,x,community,low,po,no\n"
    )
    lead.page.get_by_label("Upload the case list").set_input_files(str(bad))
    lead.page.get_by_role("button", name="Import cases").click()
    lead.check("22-import-errors")
    problems = lead.page.locator("#import-problems").inner_text()
    assert "3" in problems and "sentence_type" in problems
    assert Case.objects.filter(inspection__slug="test-2026").count() == 0
    good = tmp_path / "good.csv"
    good.write_text(
        header
        + "NEW-001,TST,licence,custody_licence,high,po,no\nNEW-002,TST,community_order,community,low,pso,no\n"
    )
    lead.page.get_by_label("Upload the case list").set_input_files(str(good))
    lead.page.get_by_role("button", name="Import cases").click()
    lead.check("23-all-cases-imported")
    assert "2 cases imported" in lead.page.locator(".govuk-notification-banner").inner_text()

    # ...allocate both to themselves in bulk, then edit one case's profile
    lead.page.get_by_label("Select case NEW-001").check()
    lead.page.get_by_label("Select case NEW-002").check()
    lead.page.get_by_label("Inspector", exact=True).select_option(label="Lee Lead")
    lead.page.get_by_role("button", name="Allocate selected cases").click()
    lead.check()
    assert Case.objects.filter(inspection__slug="test-2026", inspector=lead_user).count() == 2
    lead.page.get_by_role("link", name="NEW-001").click()
    lead.check()
    lead.page.get_by_role("link", name="Edit the profile").click()
    lead.check("24-edit-profile")
    lead.page.get_by_label("RoSH classification").select_option("medium")
    lead.page.get_by_role("button", name="Save profile").click()
    lead.check()
    lead.page.get_by_role("link", name="Allocate case NEW-001").click()
    lead.check("25-allocate-one")

    # Then the case has its new profile
    assert Case.objects.get(inspection__slug="test-2026", reference="NEW-001").rosh == "medium"
    lead.context.close()


def test_a_signed_out_visitor_reaches_the_accessibility_statement_from_the_footer(
    browser, live_server
):
    # Given someone who cannot sign in, on the sign-in page
    visitor = Visitor(browser, live_server.url, "visitor")
    visitor.go("/accounts/login/")
    # When they follow the footer's link
    visitor.page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    # Then the statement opens without signing in, and passes axe
    assert visitor.page.url == f"{live_server.url}/accessibility/"
    heading = visitor.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Accessibility statement for DIPP case inspection"
    visitor.check("30-accessibility-statement")
    visitor.context.close()
