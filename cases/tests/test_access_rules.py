"""The rules about answer changes after submission, and stale moderation, on every channel:
the web pages, the API and the services refuse and allow the same things (cases/access.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Answer, AnswerChange, Case, ModerationReview
from cases.services import answer_record
from cases.tests.helpers import make_world
from inspections.models import Question

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _answer_url(world, case: Case, code: str) -> str:
    return f"/api/v1/inspections/{world.inspection.slug}/cases/{case.reference}/answers/{code}/"


@pytest.mark.parametrize("status", [Case.Status.SUBMITTED, Case.Status.MODERATED])
def test_the_allocated_inspector_cannot_change_a_submitted_case_on_any_channel(
    client, framework, status
):
    world = make_world(framework)
    Case.objects.filter(pk=world.submitted.pk).update(status=status)
    c1 = Answer.objects.get(case=world.submitted, question__code="C1")
    before = (c1.value, c1.version)

    # The question page: refused with 403, nothing saved.
    client.force_login(world.inspector)
    page = reverse("case-section", args=[world.inspection.slug, world.submitted.reference, "C1"])
    posted = {f"{q}-version": "1" for q in ("C1a", "C1b", "C1c", "C1")}
    response = client.post(page, posted | {"C1-value": "no", "C1-rationale": "Changed my mind."})
    assert response.status_code == 403

    # The API: the same refusal, with the reason as JSON.
    response = _api(world.inspector).put(
        _answer_url(world, world.submitted, "C1"),
        {"value": "no", "rationale": "Changed my mind.", "reason": "Second thoughts."},
        format="json",
        HTTP_IF_MATCH=f'"v{c1.version}"',
    )
    assert response.status_code == 403
    assert "only the lead inspector can change its answers now" in response.json()["detail"]

    # The service, called directly: the same rule.
    with pytest.raises(PermissionDenied):
        answer_record(
            case=world.submitted,
            question=c1.question,
            value="no",
            rationale="x",
            by=world.inspector,
            reason="y",
        )
    c1.refresh_from_db()
    assert (c1.value, c1.version) == before


def test_the_lead_may_change_a_submitted_answer_with_a_reason_on_either_channel(framework):
    world = make_world(framework)
    c1 = Answer.objects.get(case=world.submitted, question__code="C1")
    lead = _api(world.lead)
    url = _answer_url(world, world.submitted, "C1")
    no_reason = lead.put(
        url, {"value": "no", "rationale": "r"}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"]["reason"]
    ok = lead.put(
        url,
        {"value": "no", "rationale": "r", "reason": "Evidence missed."},
        format="json",
        HTTP_IF_MATCH=f'"v{c1.version}"',
    )
    assert ok.status_code == 200
    assert AnswerChange.objects.filter(answer=c1).first().reason == "Evidence missed."


def test_a_lead_change_to_a_moderated_key_question_sends_the_case_back_for_moderation(
    framework,
):
    world = make_world(framework)
    Case.objects.filter(pk=world.submitted.pk).update(status=Case.Status.MODERATED)
    c1 = Question.objects.get(framework=framework, code="C1")
    answer_record(
        case=world.submitted,
        question=c1,
        value="no",
        rationale="Recounted.",
        by=world.lead,
        reason="Quality assurance found the risk was not analysed.",
    )
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.SUBMITTED


def test_a_lead_change_to_a_prompt_of_a_moderated_case_keeps_it_moderated(framework):
    world = make_world(framework)
    Case.objects.filter(pk=world.submitted.pk).update(status=Case.Status.MODERATED)
    prompt = Question.objects.get(framework=framework, code="C1a")
    answer_record(
        case=world.submitted,
        question=prompt,
        value="no",
        rationale="Not analysed.",
        by=world.lead,
        reason="Quality assurance.",
    )
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.MODERATED


def test_a_stale_moderation_is_refused_and_records_nothing(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    url = reverse("case-moderate", args=[world.inspection.slug, world.submitted.reference])
    page = client.get(url)
    assert page.status_code == 200
    shown = {row["q"].code: row["version"] for row in page.context["rows"]}

    # While the moderator reads, the lead changes C2 through the API.
    c2 = Answer.objects.get(case=world.submitted, question__code="C2")
    changed = _api(world.lead).put(
        _answer_url(world, world.submitted, "C2"),
        {"value": "no", "rationale": "Plan misses victims.", "reason": "Second look."},
        format="json",
        HTTP_IF_MATCH=f'"v{c2.version}"',
    )
    assert changed.status_code == 200

    data = {}
    for code, version in shown.items():
        data |= {f"{code}-verdict": "agree", f"{code}-version": str(version)}
    response = client.post(url, data)
    assert response.status_code == 409
    assert "changed after you opened this page" in response.content.decode()
    assert [c.question.code for c in response.context["conflicts"]] == ["C2"]
    assert not ModerationReview.objects.filter(case=world.submitted).exists()
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.SUBMITTED

    # The page now shows the current judgement; agreeing with it is recorded.
    fresh = {row["q"].code: row["version"] for row in response.context["rows"]}
    data = {}
    for code, version in fresh.items():
        data |= {f"{code}-verdict": "agree", f"{code}-version": str(version)}
    assert client.post(url, data).status_code == 302
    review = ModerationReview.objects.get(case=world.submitted, question__code="C2")
    assert review.inspector_value == "no"
