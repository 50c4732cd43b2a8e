"""A synthetic inspection in a browser: the "Synthetic data" notice is on its pages, visible,
and the pages stay accessible (axe, WCAG 2.2 A/AA)."""

from __future__ import annotations

import pytest

from demo.programme import PROGRAMME_SLUG
from inspections.models import Inspection
from inspections.tests.factories import UserFactory
from tests.browser import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_synthetic_inspections_pages_say_so_accessibly(browser, live_server, demo):
    # Given the demo programme, and an administrator who signs in.
    UserFactory(username="admin-synthetic", is_superuser=True, is_staff=True)
    admin = Visitor(browser, live_server.url, "admin")
    admin.sign_in("admin-synthetic")
    london = Inspection.objects.get(programme__slug=PROGRAMME_SLUG, region__name="London")

    # When they open the inspection list, a synthetic inspection's page and its scores,
    admin.go("/", "synthetic-home")
    assert admin.page.get_by_text("Synthetic data").count() >= 1
    for path in (f"/inspections/{london.slug}/", f"/inspections/{london.slug}/scores/"):
        admin.go(path, "synthetic-" + path.strip("/").replace("/", "-"))
        # Then every one says, visibly, that its data is generated.
        notice = admin.page.locator("#synthetic-notice")
        assert notice.is_visible()
        assert "generated for demonstration, not a published inspection" in notice.inner_text()

    # And the South West's pages do not.
    admin.go(f"/inspections/{demo.slug}/")
    assert admin.page.locator("#synthetic-notice").count() == 0
