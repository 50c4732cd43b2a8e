"""The team (add, change a role, remove) and the lifecycle (a step on with its guards, a step
back with a reason), on the pages, through the API and in the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from cases.services import (
    StepBlockedError,
    inspection_move,
    member_add,
    member_change_role,
    member_remove,
)
from cases.tests.helpers import answer_all, make_world
from inspections.models import Inspection, InspectionEvent, Membership
from inspections.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_someone_registered_is_added_by_username_or_email(framework):
    world = make_world(framework)
    UserFactory(username="newcomer", email="New.Comer@example.org", first_name="Nia")
    membership = member_add(
        inspection=world.inspection,
        identifier="new.comer@EXAMPLE.org",
        role=Membership.Role.INSPECTOR,
        by=world.lead,
    )
    assert membership.user.username == "newcomer"
    event = InspectionEvent.objects.get(inspection=world.inspection, kind="member_added")
    assert event.summary == "Nia joined the team as inspector."
    with pytest.raises(ValidationError, match="already on this inspection, as inspector"):
        member_add(inspection=world.inspection, identifier="newcomer", role="lead", by=world.lead)


def test_an_unknown_person_is_refused_with_what_to_do(framework):
    world = make_world(framework)
    with pytest.raises(ValidationError) as refused:
        member_add(
            inspection=world.inspection, identifier="nobody", role="inspector", by=world.lead
        )
    assert "ask an administrator to create their account" in refused.value.messages[0]


def test_only_the_lead_changes_the_team(framework):
    world = make_world(framework)
    UserFactory(username="newcomer")
    with pytest.raises(PermissionDenied):
        member_add(
            inspection=world.inspection,
            identifier="newcomer",
            role="inspector",
            by=world.inspector,
        )


def test_the_only_lead_cannot_step_down_or_leave(framework):
    world = make_world(framework)
    with pytest.raises(ValidationError, match="only lead"):
        member_change_role(
            inspection=world.inspection, user=world.lead, role="inspector", by=world.lead
        )
    with pytest.raises(ValidationError, match="only lead"):
        member_remove(inspection=world.inspection, user=world.lead, by=world.lead)


def test_someone_with_unfinished_cases_cannot_be_removed_until_they_are_reallocated(framework):
    world = make_world(framework)
    with pytest.raises(ValidationError) as refused:
        member_remove(inspection=world.inspection, user=world.inspector, by=world.lead)
    assert "WEB-0001" in refused.value.messages[0]
    assert "WEB-0002" not in refused.value.messages[0]  # submitted: their part is done
    Case.objects.filter(pk=world.case.pk).update(inspector=world.colleague)
    member_remove(inspection=world.inspection, user=world.inspector, by=world.lead)
    assert not world.inspection.memberships.filter(user=world.inspector).exists()
    assert InspectionEvent.objects.filter(inspection=world.inspection, kind="member_removed")


def test_the_team_page_adds_someone_and_explains_a_refused_removal(client, framework):
    world = make_world(framework)
    UserFactory(username="newcomer", first_name="Nia")
    client.force_login(world.lead)
    url = reverse("team", args=[world.inspection.slug])
    added = client.post(url, {"username": "newcomer", "role": "inspector"})
    assert added.status_code == 302
    page = client.get(url).content.decode()
    assert "Nia" in page
    remove = reverse("team-member-remove", args=[world.inspection.slug, world.inspector.username])
    refused = client.post(remove)
    assert refused.status_code == 400
    assert "still holds cases that are not finished" in refused.content.decode()


def test_the_team_through_the_api(framework):
    world = make_world(framework)
    UserFactory(username="newcomer")
    lead = _api(world.lead)
    base = f"/api/v1/inspections/{world.inspection.slug}/members/"
    assert lead.post(base, {"username": "newcomer", "role": "inspector"}).status_code == 201
    names = [m["username"] for m in lead.get(base).json()]
    assert names[0] == world.lead.username and "newcomer" in names
    assert lead.patch(f"{base}newcomer/", {"role": "lead"}).status_code == 200
    assert lead.delete(f"{base}newcomer/").status_code == 204
    refused = lead.delete(f"{base}{world.inspector.username}/")
    assert refused.status_code == 400
    assert "not finished" in refused.json()["detail"]


def test_each_step_on_waits_for_its_guard_and_is_recorded(framework):
    world = make_world(framework)  # fieldwork; WEB-0001 in progress, WEB-0002 submitted
    with pytest.raises(StepBlockedError) as blocked:
        inspection_move(inspection=world.inspection, to="moderation", by=world.lead)
    assert [b.message for b in blocked.value.blockers] == [
        "1 case is not started: every case must be submitted."
    ]
    answer_all(world.case, world.inspector)
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.SUBMITTED)
    inspection_move(inspection=world.inspection, to="moderation", by=world.lead)
    with pytest.raises(StepBlockedError, match="moderation sample"):
        inspection_move(inspection=world.inspection, to="reporting", by=world.lead)
    Case.objects.filter(inspection=world.inspection).update(status=Case.Status.MODERATED)
    moved = inspection_move(inspection=world.inspection, to="reporting", by=world.lead)
    assert moved.status == Inspection.Status.REPORTING
    summaries = list(
        InspectionEvent.objects.filter(inspection=world.inspection, kind="status")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Moved on to moderation (from fieldwork).",
        "Moved on to reporting (from moderation).",
    ]


def test_a_step_back_needs_a_reason_and_steps_are_one_at_a_time(framework):
    world = make_world(framework)
    with pytest.raises(ValidationError, match="Say why"):
        inspection_move(inspection=world.inspection, to="setup", by=world.lead)
    with pytest.raises(ValidationError, match="one step at a time"):
        inspection_move(inspection=world.inspection, to="reporting", by=world.lead)
    with pytest.raises(ValidationError, match="publication page"):
        inspection_move(inspection=world.inspection, to="published", by=world.lead)
    back = inspection_move(
        inspection=world.inspection, to="setup", by=world.lead, reason="Two cases were missing."
    )
    assert back.status == Inspection.Status.SETUP
    event = InspectionEvent.objects.get(inspection=world.inspection, kind="status")
    assert event.reason == "Two cases were missing."


def test_the_stage_page_and_the_api_show_what_stops_the_next_step(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    page = client.get(reverse("inspection-status", args=[world.inspection.slug]))
    assert "every case must be submitted" in page.content.decode()
    assert f'href="/inspections/{world.inspection.slug}/cases/?status=not_started"' in (
        page.content.decode()
    )
    response = _api(world.lead).post(
        f"/api/v1/inspections/{world.inspection.slug}/status/", {"status": "moderation"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    assert response.json()["errors"]["status"] == [
        "1 case is not started: every case must be submitted."
    ]


def test_an_inspector_cannot_move_the_inspection_on(framework):
    world = make_world(framework)
    with pytest.raises(PermissionDenied):
        inspection_move(inspection=world.inspection, to="setup", by=world.inspector, reason="x")
