"""The inspection's details and its key contextual facts: pages, API and services, each write
refusing stale data and recorded in the inspection's history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.exceptions import StaleWriteError
from inspections.models import ContextFact, Inspection, InspectionEvent, Membership
from inspections.services import (
    context_fact_add,
    context_fact_move,
    context_fact_remove,
    context_fact_update,
    context_facts_none,
    inspection_create,
    inspection_update,
    slug_derive,
)
from inspections.tests.factories import InspectionFactory, MembershipFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(framework):
    inspection = InspectionFactory(framework=framework, slug="facts-2026")
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    inspector = MembershipFactory(inspection=inspection).user
    return inspection, lead, inspector


def _labels(inspection: Inspection) -> list[str]:
    return list(inspection.context_facts.order_by("order").values_list("label", flat=True))


def test_facts_are_added_last_moved_changed_and_removed_with_history(setting):
    inspection, lead, _ = setting
    a = context_fact_add(inspection=inspection, by=lead, label="A", value="1")
    b = context_fact_add(inspection=inspection, by=lead, label="B", value="2")
    context_fact_add(inspection=inspection, by=lead, label="C", value="3")
    assert _labels(inspection) == ["A", "B", "C"]
    context_fact_move(fact=b, by=lead, position=1, expected_version=b.version)
    assert _labels(inspection) == ["B", "A", "C"]
    a.refresh_from_db()
    changed = context_fact_update(fact=a, by=lead, expected_version=a.version, value="1,234")
    assert (changed.value, changed.version) == ("1,234", a.version + 1)
    context_fact_remove(fact=changed, by=lead, expected_version=changed.version)
    assert _labels(inspection) == ["B", "C"]
    assert list(inspection.context_facts.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
    ]
    summaries = list(
        InspectionEvent.objects.filter(inspection=inspection, kind="facts")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Fact added: A.",
        "Fact added: B.",
        "Fact added: C.",
        "Fact moved to position 1: B.",
        "Fact changed: A.",
        "Fact removed: A.",
    ]


def test_a_stale_fact_edit_is_refused_and_changes_nothing(setting):
    inspection, lead, _ = setting
    fact = context_fact_add(inspection=inspection, by=lead, label="A", value="1")
    context_fact_update(fact=fact, by=lead, expected_version=fact.version, value="2")
    with pytest.raises(StaleWriteError):
        context_fact_update(fact=fact, by=lead, expected_version=fact.version, value="3")
    fact.refresh_from_db()
    assert fact.value == "2"


def test_a_fact_needs_a_label_and_a_value(setting):
    inspection, lead, _ = setting
    with pytest.raises(ValidationError) as refused:
        context_fact_add(inspection=inspection, by=lead, label=" ", value="")
    assert set(refused.value.message_dict) == {"label", "value"}
    assert not inspection.context_facts.exists()


def test_only_the_lead_writes_facts(setting):
    inspection, _, inspector = setting
    with pytest.raises(PermissionDenied):
        context_fact_add(inspection=inspection, by=inspector, label="A", value="1")


def test_none_for_this_report_is_refused_while_facts_exist_and_cleared_by_a_new_fact(setting):
    inspection, lead, _ = setting
    context_facts_none(inspection=inspection, by=lead, none=True)
    inspection.refresh_from_db()
    assert inspection.no_context_facts
    context_fact_add(inspection=inspection, by=lead, label="A", value="1")
    inspection.refresh_from_db()
    assert not inspection.no_context_facts
    with pytest.raises(ValidationError, match="Remove the facts first"):
        context_facts_none(inspection=inspection, by=lead, none=True)


def test_details_change_with_their_version_and_are_recorded(setting):
    inspection, lead, _ = setting
    updated = inspection_update(
        inspection=inspection,
        by=lead,
        expected_version=inspection.version,
        fieldwork_start=date(2026, 9, 7),
        fieldwork_end=date(2026, 9, 18),
    )
    assert updated.version == inspection.version + 1
    event = InspectionEvent.objects.get(inspection=inspection, kind="details")
    assert event.data == {"fieldwork_start": "2026-09-07", "fieldwork_end": "2026-09-18"}
    with pytest.raises(StaleWriteError):
        inspection_update(
            inspection=inspection,
            by=lead,
            expected_version=inspection.version,
            publication_date=date(2026, 12, 1),
        )


def test_fieldwork_that_ends_before_it_starts_is_refused(setting):
    inspection, lead, _ = setting
    with pytest.raises(ValidationError) as refused:
        inspection_update(
            inspection=inspection,
            by=lead,
            fieldwork_start=date(2026, 9, 18),
            fieldwork_end=date(2026, 9, 7),
        )
    assert refused.value.message_dict == {
        "fieldwork_end": ["The fieldwork must end on or after it starts."]
    }


def test_the_short_name_is_made_from_the_title_and_year_and_kept_unique(framework):
    region = RegionFactory()
    first = slug_derive(
        "Dynamic Inspection of Public Protection in North East region", on=date(2026, 4, 1)
    )
    assert first == "north-east-region-2026"
    created = inspection_create(
        region=region,
        framework=framework,
        title="Dynamic Inspection of Public Protection in North East region",
        case_window_start=date(2026, 4, 28),
        case_window_end=date(2026, 5, 9),
    )
    assert created.slug == "north-east-region-2026"
    again = slug_derive(
        "Dynamic Inspection of Public Protection in North East region", on=date(2026, 4, 1)
    )
    assert again == "north-east-region-2026-2"


def test_the_details_page_takes_dates_in_three_boxes(client, setting):
    inspection, lead, _ = setting
    client.force_login(lead)
    url = reverse("inspection-details", args=[inspection.slug])
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "title": inspection.title,
        "version": str(inspection.version),
        "case_window_start-day": "28",
        "case_window_start-month": "4",
        "case_window_start-year": "2025",
        "case_window_end-day": "9",
        "case_window_end-month": "5",
        "case_window_end-year": "2025",
        "publication_date-day": "31",
        "publication_date-month": "2",
        "publication_date-year": "2026",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "The publication date must be a real date" in refused.content.decode()
    accepted = client.post(
        url, form | {"publication_date-day": "1", "publication_date-month": "12"}
    )
    assert accepted.status_code == 302
    inspection.refresh_from_db()
    assert inspection.publication_date == date(2026, 12, 1)


def test_the_facts_page_adds_and_moves_facts(client, setting):
    inspection, lead, _ = setting
    client.force_login(lead)
    url = reverse("context-facts", args=[inspection.slug])
    missing = client.post(url, {"action": "add", "label": "", "value": ""})
    assert missing.status_code == 400
    assert "Enter what the fact is" in missing.content.decode()
    for label in ("First", "Second"):
        assert client.post(url, {"action": "add", "label": label, "value": "1"}).status_code == 302
    second = inspection.context_facts.get(label="Second")
    moved = client.post(url, {"action": "up", "fact": second.pk, "version": second.version})
    assert moved.status_code == 302
    assert _labels(inspection) == ["Second", "First"]


def test_facts_through_the_api_need_if_match_to_change(setting):
    inspection, lead, inspector = setting
    api = APIClient()
    api.force_login(lead)
    base = f"/api/v1/inspections/{inspection.slug}/context-facts/"
    created = api.post(base, {"label": "Recall rates", "value": "21.47%"}, format="json")
    assert created.status_code == 201
    fact = created.json()
    url = f"{base}{fact['id']}/"
    assert api.put(url, {"value": "21.5%"}, format="json").status_code == 428
    changed = api.put(url, {"value": "21.5%"}, format="json", HTTP_IF_MATCH=fact["etag"])
    assert changed.status_code == 200
    stale = api.put(url, {"value": "22%"}, format="json", HTTP_IF_MATCH=fact["etag"])
    assert stale.status_code == 412
    assert stale["ETag"] == changed.json()["etag"]
    assert api.delete(url, HTTP_IF_MATCH=changed.json()["etag"]).status_code == 204
    assert not ContextFact.objects.filter(pk=fact["id"]).exists()
    reader = APIClient()
    reader.force_login(inspector)
    assert reader.post(base, {"label": "X", "value": "1"}, format="json").status_code == 403


def test_an_inspection_is_created_and_patched_through_the_api(framework, setting):
    inspection, lead, inspector = setting
    api = APIClient()
    api.force_login(lead)
    created = api.post(
        "/api/v1/inspections/",
        {
            "title": "DIPP in the API region",
            "region": inspection.region.slug,
            "framework": framework.slug,
            "case_window_start": "2026-04-28",
            "case_window_end": "2026-05-09",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    new = Inspection.objects.get(slug=body["slug"])
    assert new.memberships.get(user=lead).role == Membership.Role.LEAD
    url = f"/api/v1/inspections/{new.slug}/"
    patched = api.patch(
        url, {"publication_date": "2026-12-01"}, format="json", HTTP_IF_MATCH=body["etag"]
    )
    assert patched.status_code == 200
    assert patched.json()["publication_date"] == "2026-12-01"
    assert (
        api.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH=body["etag"]).status_code == 412
    )
    nobody = APIClient()
    nobody.force_login(inspector)  # an inspector who leads nothing may not create
    body = {
        "title": "Not theirs to create",
        "region": inspection.region.slug,
        "framework": framework.slug,
        "case_window_start": "2026-04-28",
        "case_window_end": "2026-05-09",
    }
    refused = nobody.post("/api/v1/inspections/", body, format="json")
    assert refused.status_code == 403
    assert not Inspection.objects.filter(title="Not theirs to create").exists()
