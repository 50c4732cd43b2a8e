"""One case's data (cases.selectors.case_document): an administrator finds everything held about
one case reference and downloads it as one JSON document; nobody else may."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from cases.models import ModerationReview
from cases.services import answer_record, case_withdraw
from cases.tests.factories import CaseFactory
from cases.tests.helpers import make_world
from inspections.models import Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("dpo-admin", password="x-Admin-pass-9")


def test_the_document_holds_everything_about_one_case(client, framework, admin_user):
    world = make_world(framework)
    case = world.submitted
    c1 = framework.questions.get(code="C1")
    # A later change with a reason (history), a moderation comment, a read, an export.
    answer_record(
        case=case,
        question=c1,
        value="no",
        rationale="Plan missed the victim's safety.",
        by=world.lead,
        reason="Checked again after moderation.",
    )
    ModerationReview.objects.create(
        case=case,
        question=c1,
        reviewer=world.lead,
        marker=world.inspector,
        agrees=False,
        inspector_value="yes",
        moderator_value="no",
        comment="The plan does not address contact with the victim.",
    )
    lead = APIClient()
    lead.force_authenticate(world.lead)
    slug = world.inspection.slug
    assert lead.get(f"/api/v1/inspections/{slug}/cases/{case.reference}/").status_code == 200
    export = lead.get(f"/api/v1/inspections/{slug}/exports/answers.csv")
    b"".join(export.streaming_content)
    case_withdraw(case=case, reason="Person asked for erasure.", by=world.lead)
    # Another case of the inspection is not in the document.
    CaseFactory(reference="OTHER-001", inspection=world.inspection, pdu=case.pdu)

    client.force_login(admin_user)
    found = client.get("/data-requests/", {"reference": case.reference.lower()})
    assert found.status_code == 200
    assert b"1 case with reference" in found.content
    response = client.get(f"/data-requests/{case.reference}.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="case-{case.reference}.json"'
    document = json.loads(response.content)
    assert document["reference"] == case.reference
    (held,) = document["cases"]
    assert held["inspection"]["slug"] == slug
    assert held["profile"]["rosh"] == case.rosh
    applicable = [q for q in Question.objects.filter(framework=framework)]
    assert 0 < len(held["answers"]) <= len(applicable)
    c1_answer = next(a for a in held["answers"] if a["question"] == "C1")
    assert c1_answer["rationale"] == "Plan missed the victim's safety."
    assert any(h["reason"] == "Checked again after moderation." for h in held["history"])
    assert held["moderation"][0]["comment"].startswith("The plan does not address")
    assert held["withdrawn"]["reason"] == "Person asked for erasure."
    assert any(e["kind"] == "case_withdrawn" for e in held["inspection_history"])
    log = held["access_log"]
    assert any(r["of_this_case"] and r["channel"] == "api" for r in log)
    assert any(not r["of_this_case"] and r["channel"] == "export" for r in log)
    assert "OTHER-001" not in response.content.decode()


def test_only_an_administrator_may_ask(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    assert client.get("/data-requests/").status_code == 403
    assert client.get(f"/data-requests/{world.case.reference}.json").status_code == 403


def test_an_unknown_reference_is_not_found(client, framework, admin_user):
    make_world(framework)
    client.force_login(admin_user)
    assert client.get("/data-requests/NONE-999.json").status_code == 404
    assert (
        b"No case has the reference NONE-999"
        in client.get("/data-requests/", {"reference": "NONE-999"}).content
    )
