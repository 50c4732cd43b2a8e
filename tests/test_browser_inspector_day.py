"""Issue 12 in a real browser: the inspector's day and the lead's glance.

Given an inspection with a lead, an inspector and a case with a typical demo profile,
when the inspector completes the case the short way (Yes to all, Save and continue to the next
unanswered section, Save and submit from the last), then it takes at most 25 actions;
a rationale typed and left behind is there on return (the page's script saved it);
the dashboard's four key-question figures are in the first screen at 1280x800;
"Your judgement" on the moderation page appears only under Disagree;
and no page scrolls sideways at 320 px. Every page passes axe; screenshots at 1280 and 320 px.
"""

from __future__ import annotations

import re

import pytest

from cases.models import Case
from cases.selectors import case_page
from cases.tests.factories import CaseFactory
from cases.tests.helpers import answer_all
from inspections.models import Membership
from inspections.tests.factories import (
    InspectionFactory,
    MembershipFactory,
    PDUFactory,
    UserFactory,
)
from tests.browser import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 25
DEMO_PROFILE = {  # the flags of a typical demo case: several supplementary questions apply
    "court_work": True,
    "risk_to_children": True,
    "mappa_eligible": True,
    "mappa_category": 2,
    "mappa_level": 1,
    "rosh": Case.Rosh.HIGH,
}


class Actions:
    """Counts what a person does with the mouse or keyboard: clicks and key presses (typing
    text into a box is not counted; clicking into the box is)."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def check(self, locator) -> None:
        locator.check()
        self.count += 1

    def type_into(self, locator, text: str) -> None:
        self.click(locator)
        locator.fill(text)


def _no_sideways_scroll(visitor: Visitor) -> None:
    wide = visitor.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 0, f"{visitor.page.url} scrolls sideways by {wide}px at 320px"


def _world(framework):
    inspection = InspectionFactory(framework=framework, title="DIPP in Day region")
    pdu = PDUFactory(region=inspection.region, name="Day PDU")
    lead = UserFactory(username="lead-d", first_name="Lee", last_name="Lead")
    inspector = UserFactory(username="insp-d", first_name="Ira", last_name="Day")
    MembershipFactory(inspection=inspection, user=lead, role=Membership.Role.LEAD)
    MembershipFactory(inspection=inspection, user=inspector)
    return inspection, pdu, lead, inspector


def test_one_case_in_at_most_25_actions_and_nothing_typed_is_lost(browser, live_server, framework):
    # Given
    inspection, pdu, _, inspector_user = _world(framework)
    case = CaseFactory(
        inspection=inspection,
        pdu=pdu,
        inspector=inspector_user,
        reference="DAY-001",
        **DEMO_PROFILE,
    )
    slug = inspection.slug
    inspector = Visitor(browser, live_server.url, "inspector")
    inspector.sign_in("insp-d")

    # A rationale typed, then the page left by its breadcrumb: the script saved it.
    inspector.go(f"/inspections/{slug}/cases/DAY-001/questions/C1/")
    inspector.page.locator("#C1a-value-no").check()
    rationale = inspector.page.locator("#C1a-rationale")
    assert rationale.is_visible()  # revealed under No
    rationale.fill("No analysis of the risk to the partner.")
    inspector.page.locator(
        "#autosave-status", has_text=re.compile(r"Saved at \d\d:\d\d")
    ).wait_for()
    inspector.check()
    inspector.page.locator(".govuk-breadcrumbs").get_by_role("link", name="DAY-001").click()
    inspector.check()
    inspector.go(f"/inspections/{slug}/cases/DAY-001/questions/C1/")
    assert inspector.page.locator("#C1a-rationale").input_value() == (
        "No analysis of the risk to the partner."
    )
    assert inspector.page.locator("#C1a-value-no").is_checked()

    # When the inspector completes the case from their list, counting every action
    inspector.go(f"/inspections/{slug}/")
    act = Actions(inspector.page)
    act.click(inspector.page.get_by_role("link", name="Case DAY-001"))
    inspector.check()
    act.click(inspector.page.get_by_role("link", name=re.compile(r"^C1: ")))
    sections = case_page(case).sections
    for section in sections:
        inspector.check()
        heading = inspector.page.get_by_role("heading", level=1).inner_text()
        assert heading.startswith(section.slug) or section.slug == "supplementary"
        assert f"Section {sections.index(section) + 1} of {len(sections)}" in (
            inspector.page.locator("#section-position").inner_text()
        )
        act.click(inspector.page.get_by_role("button", name=re.compile(r"^Yes to all")))
        inspector.check()
        if section.slug != "supplementary":
            act.check(inspector.page.locator(f"#{section.slug}-value"))
            act.type_into(
                inspector.page.locator(f"#{section.slug}-rationale"),
                "Seen in the records and the interview.",
            )
        last = section is sections[-1]
        name = "Save and submit case for moderation" if last else "Save and continue"
        act.click(inspector.page.get_by_role("button", name=name))
    inspector.check()

    # Then
    assert (
        "submitted for moderation"
        in inspector.page.locator(".govuk-notification-banner").inner_text()
    )
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    questions = sum(len(s.questions) for s in sections)
    # The same case on the pages before issue 12: a click per radio, into each key rationale
    # and the prompt rationale above, a save per section and the submit on the case page.
    before = 2 + questions + 4 + 1 + len(sections) + 1
    print(f"actions for one case: {act.count} (before: {before}; {questions} questions)")
    assert act.count <= MAX_ACTIONS
    assert act.count < before
    inspector.context.close()


def test_the_lead_sees_the_answer_first_and_no_page_scrolls_sideways_at_320px(
    browser, live_server, framework
):
    # Given a submitted case and one not started
    inspection, pdu, _, inspector_user = _world(framework)
    done = CaseFactory(
        inspection=inspection,
        pdu=pdu,
        inspector=inspector_user,
        reference="DAY-002",
        **DEMO_PROFILE,
    )
    answer_all(done, inspector_user)
    done.status = Case.Status.SUBMITTED
    done.save()
    CaseFactory(inspection=inspection, pdu=pdu, inspector=inspector_user, reference="DAY-003")
    slug = inspection.slug

    # When the lead opens the dashboard at 1280x800
    lead = Visitor(browser, live_server.url, "lead")
    lead.page.set_viewport_size({"width": 1280, "height": 800})
    lead.sign_in("lead-d")
    lead.go(f"/inspections/{slug}/scores/", shot="issue12-dashboard-1280")
    # Then the four key-question figures are in the first screen
    figures = lead.page.locator("#headline li")
    assert figures.count() == 4
    for i in range(4):
        box = figures.nth(i).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800
    assert "C1 Assessment" in figures.nth(0).inner_text()
    # ...and each status links to the filtered case list
    lead.page.locator("#progress-status").get_by_role(
        "link", name=re.compile("Not started")
    ).click()
    lead.check()
    assert "status=not_started" in lead.page.url
    assert lead.page.get_by_text("DAY-003").count() and not lead.page.get_by_text("DAY-002").count()

    # The moderation page: the prompts' answers and the case beside; "Your judgement" revealed
    lead.go(f"/inspections/{slug}/cases/DAY-002/moderate/", shot="issue12-moderation-1280")
    assert lead.page.locator("#case-summary").is_visible()
    assert lead.page.locator("#C1-prompts").is_visible()
    assert not lead.page.locator("#C2-value").is_visible()
    lead.page.locator("#C2-verdict-disagree").check()
    assert lead.page.locator("#C2-value").is_visible()
    assert lead.page.locator("#C2-comment").is_visible()
    lead.check()

    # The profile form: the MAPPA category and level are revealed by "MAPPA eligible"
    lead.go(f"/inspections/{slug}/cases/DAY-002/profile/")
    assert lead.page.get_by_label("MAPPA category").is_visible()
    lead.page.get_by_label("MAPPA eligible").uncheck()
    assert not lead.page.get_by_label("MAPPA category").is_visible()
    assert lead.page.locator("option", has_text="---------").count() == 0
    lead.check()

    # The question page at 1280
    lead.go(f"/inspections/{slug}/cases/DAY-002/questions/C2/", shot="issue12-question-1280")

    # At 320 px: no page scrolls sideways
    lead.page.set_viewport_size({"width": 320, "height": 640})
    pages = {
        "/": None,
        f"/inspections/{slug}/": None,
        f"/inspections/{slug}/scores/": "issue12-dashboard-320",
        f"/inspections/{slug}/cases/": None,
        f"/inspections/{slug}/agreement/": None,
        f"/inspections/{slug}/cases/DAY-002/": None,
        f"/inspections/{slug}/cases/DAY-002/moderate/": "issue12-moderation-320",
        f"/inspections/{slug}/cases/DAY-002/questions/C2/": "issue12-question-320",
        f"/inspections/{slug}/cases/DAY-002/profile/": None,
    }
    for path, shot in pages.items():
        lead.go(path, shot=shot)
        _no_sideways_scroll(lead)
    lead.context.close()
