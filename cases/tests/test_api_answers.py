"""Answer writes through the API: ETags, stale writes, history, and JSON errors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.models import Answer, AnswerChange, Case
from cases.tests.factories import CaseFactory
from inspections.models import Inspection, Membership
from inspections.tests.factories import InspectionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(framework):
    inspection = InspectionFactory(framework=framework, slug="north-2025")
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    inspector = MembershipFactory(inspection=inspection, role=Membership.Role.INSPECTOR).user
    case = CaseFactory(inspection=inspection, reference="TST-001", inspector=inspector)
    return inspection, lead, inspector, case


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


URL = "/api/v1/inspections/north-2025/cases/TST-001/answers/C1/"


def test_a_first_answer_is_created_with_an_etag_and_recorded_in_history(setting):
    _, _, inspector, case = setting
    response = signed_in(inspector).put(URL, {"value": "yes", "rationale": "Good."}, format="json")
    assert response.status_code == 201
    assert response["ETag"] == '"v1"'
    assert response.json()["etag"] == '"v1"'
    change = AnswerChange.objects.get(case=case)
    assert (change.new_value, change.source, change.changed_by) == ("yes", "api", inspector)


def test_a_stale_write_gets_412_and_the_stored_answer_is_unchanged(setting):
    _, lead, inspector, case = setting
    signed_in(inspector).put(URL, {"value": "yes", "rationale": "First."}, format="json")
    first_client, second_client = signed_in(inspector), signed_in(lead)
    # Both read the answer and its ETag...
    etag_first = first_client.get(URL)["ETag"]
    etag_second = second_client.get(URL)["ETag"]
    assert etag_first == etag_second == '"v1"'
    # ...the first writes...
    won = first_client.put(
        URL, {"value": "no", "rationale": "On reflection."}, format="json", HTTP_IF_MATCH=etag_first
    )
    assert won.status_code == 200
    assert won["ETag"] == '"v2"'
    # ...and the second, with what it read, is refused: nothing it sent is stored.
    lost = second_client.put(
        URL, {"value": "yes", "rationale": "Overwrite?"}, format="json", HTTP_IF_MATCH=etag_second
    )
    assert lost.status_code == 412
    assert lost.json()["code"] == "stale_write"
    assert "not saved" in lost.json()["detail"]
    assert lost["ETag"] == '"v2"'
    answer = Answer.objects.get(case=case, question__code="C1")
    assert (answer.value, answer.rationale, answer.version) == ("no", "On reflection.", 2)
    assert AnswerChange.objects.filter(case=case).count() == 2


def test_changing_an_existing_answer_without_if_match_is_refused_with_428(setting):
    _, lead, inspector, case = setting
    signed_in(inspector).put(URL, {"value": "yes"}, format="json")
    response = signed_in(lead).put(URL, {"value": "no"}, format="json")
    assert response.status_code == 428
    assert 'If-Match: "v1"' in response.json()["detail"]
    assert Answer.objects.get(case=case).value == "yes"


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({"value": "maybe"}, {}, "value"),
        ({}, {}, "value"),
        ({"value": "yes", "rationale": "x" * 10_001}, {}, "rationale"),
        ({"value": "yes", "rationale": "nul\x00"}, {}, "rationale"),
        ({"value": "yes"}, {"HTTP_IF_MATCH": "three"}, "If-Match"),
        # C1 must be answered yes or no: the service refuses N/A (a Django ValidationError).
        ({"value": "na"}, {}, "value"),
    ],
)
def test_bad_input_gets_400_with_a_message_for_the_field_and_changes_nothing(
    setting, body, headers, field
):
    _, _, inspector, case = setting
    response = signed_in(inspector).put(URL, body, format="json", **headers)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid"
    assert payload["errors"][field]
    assert payload["detail"]
    assert not Answer.objects.filter(case=case).exists()


def test_malformed_json_gets_a_json_400(setting):
    _, _, inspector, _ = setting
    response = signed_in(inspector).put(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_question_not_in_the_framework_is_404(setting):
    _, _, inspector, _ = setting
    response = signed_in(inspector).put(URL.replace("C1", "ZZ9"), {"value": "yes"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_writes_to_a_published_inspection_are_refused(setting):
    inspection, lead, _, case = setting
    client = signed_in(lead)
    client.put(URL, {"value": "yes"}, format="json")
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.PUBLISHED)
    response = client.put(URL, {"value": "no"}, format="json", HTTP_IF_MATCH='"v1"')
    # 403 as on the web pages: the inspection can be seen, but nothing in it may change.
    assert response.status_code == 403
    assert "published" in response.json()["detail"]
    assert Answer.objects.get(case=case).value == "yes"


def test_a_submitted_case_needs_a_reason_for_a_change(setting):
    _, lead, _, case = setting
    client = signed_in(lead)
    client.put(URL, {"value": "yes"}, format="json")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SUBMITTED)
    refused = client.put(URL, {"value": "no"}, format="json", HTTP_IF_MATCH='"v1"')
    assert refused.status_code == 400
    assert refused.json()["errors"]["reason"]
    accepted = client.put(
        URL, {"value": "no", "reason": "Moderated."}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert accepted.status_code == 200
    assert AnswerChange.objects.filter(case=case).first().reason == "Moderated."


def test_an_answer_not_yet_given_reads_as_404(setting):
    _, _, inspector, _ = setting
    response = signed_in(inspector).get(URL)
    assert response.status_code == 404
    assert "not been answered" in response.json()["detail"]


def test_a_second_marker_may_read_the_case_but_not_change_its_answers(setting):
    inspection, _lead, _inspector, case = setting
    marker = MembershipFactory(inspection=inspection, role=Membership.Role.INSPECTOR).user
    stranger = MembershipFactory(inspection=inspection, role=Membership.Role.INSPECTOR).user
    case.second_marker = marker
    case.save()
    client = signed_in(marker)
    assert client.get("/api/v1/inspections/north-2025/cases/TST-001/").status_code == 200
    assert client.get(URL).status_code in (200, 404)  # 404 only while C1 is unanswered
    write = client.put(URL, {"value": "yes", "rationale": "Looks fine."}, format="json")
    assert write.status_code == 403
    assert not Answer.objects.filter(case=case).exists()
    # An inspector on the inspection who neither holds nor marks the case sees nothing.
    other = signed_in(stranger)
    assert other.get("/api/v1/inspections/north-2025/cases/TST-001/").status_code == 404
