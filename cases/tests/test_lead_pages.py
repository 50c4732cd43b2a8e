"""The lead inspector's set-up pages: create an inspection, import cases, edit, allocate."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from cases.tests.helpers import make_world
from inspections.models import Inspection, Membership

pytestmark = pytest.mark.django_db

HEADER = "reference,pdu,sentence_type,setting,rosh,practitioner_grade,mappa_eligible,mappa_category,mappa_level,inspector,court_work\n"


def upload(text: str) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("cases.csv", text.encode(), content_type="text/csv")}


def test_a_lead_creates_an_inspection_and_leads_it(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("inspection-new"),
        {
            "title": "DIPP in Test region",
            "slug": "test-2026",
            "region": world.inspection.region_id,
            "framework": framework.pk,
            "case_window_start": "28/04/2026",
            "case_window_end": "09/05/2026",
        },
    )
    assert response.status_code == 302
    created = Inspection.objects.get(slug="test-2026")
    assert created.memberships.get(user=world.lead).role == Membership.Role.LEAD


def test_an_inspection_window_that_ends_before_it_starts_is_refused_with_a_message(
    client, framework
):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("inspection-new"),
        {
            "title": "T",
            "slug": "t-1",
            "region": world.inspection.region_id,
            "framework": framework.pk,
            "case_window_start": "09/05/2026",
            "case_window_end": "28/04/2026",
        },
    )
    assert response.status_code == 400
    assert "The case window must end on or after it starts." in response.content.decode()
    assert not Inspection.objects.filter(slug="t-1").exists()


def test_a_good_csv_imports_every_case(client, framework):
    world = make_world(framework)
    pdu = world.inspection.region.pdus.first()
    client.force_login(world.lead)
    text = HEADER + (
        f"NEW-001,{pdu.code},community_order,community,low,po,no,,,{world.colleague.username},yes\n"
        f"NEW-002,{pdu.code},licence,custody_licence,high,pso,yes,2,1,,no\n"
    )
    response = client.post(reverse("case-import", args=[world.inspection.slug]), upload(text))
    assert response.status_code == 302
    new = {c.reference: c for c in world.inspection.cases.filter(reference__startswith="NEW")}
    assert set(new) == {"NEW-001", "NEW-002"}
    assert new["NEW-001"].inspector == world.colleague and new["NEW-001"].court_work
    assert (new["NEW-002"].mappa_level, new["NEW-002"].inspector) == (1, None)


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_line(client, framework):
    world = make_world(framework)
    pdu = world.inspection.region.pdus.first()
    client.force_login(world.lead)
    text = HEADER + (
        f"NEW-001,{pdu.code},community_order,community,low,po,no,,,,\n"  # line 2: good
        f"X1,{pdu.code},community_order,community,low,po,no,,,,\n"  # line 3: bad reference
        f"NEW-003,NOPE,community_order,community,low,po,no,,,,\n"  # line 4: unknown PDU
        f"NEW-004,{pdu.code},community_order,community,low,po,yes,,,,\n"  # line 5: MAPPA level
        f"NEW-001,{pdu.code},community_order,community,low,po,no,,,nobody,maybe\n"  # line 6
    )
    before = Case.objects.count()
    response = client.post(reverse("case-import", args=[world.inspection.slug]), upload(text))
    assert response.status_code == 400
    problems = response.context["problems"]
    lines = {line for line, _ in problems}
    assert lines == {3, 4, 5, 6}
    messages = " ".join(m for _, m in problems)
    assert "also on line 2" in messages
    assert "'nobody' is not on this inspection" in messages
    assert "maybe" in messages
    assert Case.objects.count() == before
    assert "no cases were imported" in response.content.decode()


def test_a_csv_with_a_wrong_header_says_which_columns(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("case-import", args=[world.inspection.slug]), upload("ref,pdu\nA-001,X\n")
    )
    assert response.status_code == 400
    ((line, message),) = response.context["problems"]
    assert line == 1 and "missing columns" in message and "unknown columns: ref" in message


def test_bulk_allocation_moves_the_selected_cases_only(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("case-index", args=[world.inspection.slug]),
        {"cases": [world.case.pk], "inspector": world.colleague.pk, "second_marker": world.lead.pk},
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    world.submitted.refresh_from_db()
    assert (world.case.inspector, world.case.second_marker) == (world.colleague, world.lead)
    assert world.submitted.inspector == world.inspector


def test_allocating_with_nothing_selected_shows_an_error_summary(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("case-index", args=[world.inspection.slug]), {"inspector": world.colleague.pk}
    )
    assert response.status_code == 400
    assert "Select at least one case to allocate" in response.content.decode()


def test_a_case_cannot_be_allocated_to_someone_off_the_inspection(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        reverse("case-allocate", args=[world.inspection.slug, world.case.reference]),
        {"inspector": world.outsider.pk},
    )
    assert response.status_code == 400
    world.case.refresh_from_db()
    assert world.case.inspector == world.inspector


def test_a_stale_profile_edit_is_refused_and_shows_what_changed(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    url = reverse("case-profile", args=[world.inspection.slug, world.case.reference])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "pdu": world.case.pdu_id,
        "rosh": "high",
        "version": world.case.version,
        "sentence_type": "community_order",
        "setting": "community",
        "practitioner_grade": "po",
        "reference": world.case.reference,
        "oversight_required": "on",
    }
    Case.objects.filter(pk=world.case.pk).update(rosh="low", version=world.case.version + 1)
    response = client.post(url, data)
    assert response.status_code == 409
    assert "This case was changed since you opened it" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.rosh == "low"
    data["version"] = world.case.version
    assert client.post(url, data).status_code == 302
    world.case.refresh_from_db()
    assert world.case.rosh == "high"


def test_the_case_list_shows_a_hundred_cases_a_page(client, framework):
    from cases.tests.helpers import many_cases

    world = make_world(framework)
    many_cases(world.inspection, 119, world.inspector)  # 121 cases in all
    client.force_login(world.lead)
    url = reverse("case-index", args=[world.inspection.slug])
    first, second = client.get(url), client.get(url + "?page=2")
    assert len(first.context["rows"]) == 100 and len(second.context["rows"]) == 21
    assert "121 cases: 1 to 100" in first.content.decode()
    assert 'href="?page=2" rel="next"' in first.content.decode()
    # Allocating from page 2 comes back to page 2.
    case = second.context["rows"][0][0]
    response = client.post(url + "?page=2", {"cases": [case.pk], "inspector": world.colleague.pk})
    assert response["Location"] == url + "?page=2"


def test_the_profile_form_names_its_fields_and_blanks_and_nests_mappa_under_eligible(
    client, framework
):
    world = make_world(framework)
    client.force_login(world.lead)
    url = reverse("case-profile", args=[world.inspection.slug, world.case.reference])
    body = client.get(url).content.decode()
    assert "---------" not in body
    assert "Mappa" not in body and "MAPPA category" in body and "MAPPA level" in body
    assert "Choose the sentence type" in body and "Choose the PDU" in body
    # The category and level are inside the reveal that "MAPPA eligible" controls.
    controls = body.index('data-app-reveal="mappa-conditional"')
    reveal = body.index('id="mappa-conditional"')
    assert (
        controls < reveal < body.index('name="mappa_category"') < body.index('name="mappa_level"')
    )
