"""Issue 13 in a browser: a contradicting typed phrase is flagged when the lead saves a
section, and the dashboard's "Then and now" table (against the demo's SYNTHETIC baseline) and
inspector-drift funnel plot pass axe."""

from __future__ import annotations

import pytest

from inspections.models import Membership
from inspections.tests.factories import UserFactory
from tests.browser import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contradicting_typed_phrase_is_flagged_on_save_and_the_comparisons_show(
    browser, live_server, demo
):
    # Given the demo, and a lead of it who signs in.
    lead_user = UserFactory(username="lead-words")
    Membership.objects.create(inspection=demo, user=lead_user, role=Membership.Role.LEAD)
    lead = Visitor(browser, live_server.url, "lead")
    lead.sign_in("lead-words")

    # When they type "over three-quarters" beside C1's figure (29 of 64: fewer than half)
    lead.go(f"/inspections/{demo.slug}/report/sections/follow_up/")
    lead.page.get_by_label("Text").fill(
        "In over three-quarters of cases ({{n_of_m C1}}) assessment was sufficient."
    )
    lead.page.get_by_role("button", name="Save", exact=True).click()
    lead.check("issue13-typed-flagged")

    # Then the save says so, and the list names the contradiction.
    page = lead.page.content()
    assert "contradict(s) a reference" in page
    listed = lead.page.locator("#typed-figures-list").inner_text()
    assert "contradicts {{n_of_m C1}} in the same sentence" in listed
    assert "fewer than half" in listed

    # And the dashboard compares with the synthetic baseline and plots drift, accessibly.
    lead.go(f"/inspections/{demo.slug}/scores/", "issue13-dashboard")
    then_and_now = lead.page.locator("#then-and-now-table").inner_text()
    assert "points (95% CI" in then_and_now
    assert "SYNTHETIC earlier inspection" in lead.page.locator("#then-and-now + p").inner_text()
    assert lead.page.locator("#drift-table tbody tr").count() >= 2
    assert lead.page.locator("svg[aria-labelledby='funnel-title funnel-desc'] circle").count() >= 2
