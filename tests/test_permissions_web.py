"""Every web view for every role: who gets the page, who is refused (403), who cannot even
learn the thing exists (404), and who is sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.tests.helpers import make_world

pytestmark = pytest.mark.django_db


def _url(world, name: str, which: str | None) -> str:
    slug = world.inspection.slug
    if which is None:
        return reverse(name, args=[slug])
    case = getattr(world, which)
    if name == "case-section":
        return reverse(name, args=[slug, case.reference, "C1"])
    return reverse(name, args=[slug, case.reference])


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("colleague", 403), ("other_lead", 200), ("lead", 200)],
)
def test_only_leads_and_administrators_may_create_an_inspection(client, framework, role, expected):
    world = make_world(framework)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    assert client.get(reverse("inspection-new")).status_code == expected


def test_the_home_page_lists_only_the_inspections_the_user_is_on(client, framework):
    world = make_world(framework)
    client.force_login(world.outsider)
    body = client.get(reverse("home")).content.decode()
    assert world.inspection.title not in body
    client.force_login(world.colleague)
    body = client.get(reverse("home")).content.decode()
    assert world.inspection.title in body


def test_a_second_marker_may_moderate_a_case_they_were_assigned(client, framework):
    world = make_world(framework)
    world.submitted.second_marker = world.colleague
    world.submitted.save()
    client.force_login(world.colleague)
    url = reverse("case-moderate", args=[world.inspection.slug, world.submitted.reference])
    assert client.get(url).status_code == 200
    # ...but still not the lead's set-up pages.
    assert client.get(reverse("case-index", args=[world.inspection.slug])).status_code == 403


@pytest.mark.parametrize(
    "name", ["case-index", "case-import", "case-profile", "case-allocate", "case-section"]
)
def test_nothing_can_be_changed_once_the_inspection_is_published(client, framework, name):
    world = make_world(framework)
    world.inspection.status = "published"
    world.inspection.save()
    client.force_login(world.lead)
    which = None if name in ("case-index", "case-import") else "case"
    response = client.post(_url(world, name, which), {})
    assert response.status_code == 403
    assert not world.case.answers.exists()
