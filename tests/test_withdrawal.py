"""Withdrawing a case before publication (cases.services.withdrawal): only the lead, with a
reason; the case leaves every figure, the report's data hash, the lifecycle's guards and the
moderation sample; the inspection's history keeps the withdrawal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.test import APIClient

from cases.models import AnswerChange, Case
from cases.selectors import lifecycle_blockers
from cases.services import moderation_sample_draw
from cases.tests.factories import CaseFactory
from cases.tests.helpers import answer_all, make_world
from inspections.models import Inspection, InspectionEvent
from reports.selectors import case_data_canonical
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def _scores_without(case: Case):
    """The figures as if the case had never been in the inspection: computed with it deleted,
    then the deletion rolled back."""
    sid = transaction.savepoint()
    AnswerChange.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).delete()
    scores = inspection_scores(Inspection.objects.get(pk=case.inspection_id))
    hashed = case_data_canonical(Inspection.objects.get(pk=case.inspection_id))
    transaction.savepoint_rollback(sid)
    return scores, hashed


def test_a_withdrawn_case_leaves_the_figures_and_the_history_keeps_it(client, framework):
    world = make_world(framework)
    # A second answered case that disagrees with the first, so withdrawing it moves figures.
    other = CaseFactory(
        inspection=world.inspection,
        pdu=world.submitted.pdu,
        inspector=world.inspector,
        reference="WEB-0003",
    )
    answer_all(other, world.inspector, value="no", rationale="Not done.")
    before = inspection_scores(world.inspection)
    expected, expected_hash = _scores_without(other)
    assert expected != before  # the test can fail: the case does count before

    client.force_login(world.lead)
    url = f"/inspections/{world.inspection.slug}/cases/{other.reference}/withdraw/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Wrongly included: outside the case window."})
    assert response.status_code == 302

    after = inspection_scores(world.inspection)
    assert after.cases == before.cases - 1
    assert after == expected
    assert case_data_canonical(world.inspection) == expected_hash
    # Kept: the case, its answers, their history; and the withdrawal is in the history.
    other.refresh_from_db()
    assert other.withdrawn_at is not None and other.withdrawn_by == world.lead
    assert other.answers.exists() and AnswerChange.objects.filter(case=other).exists()
    event = InspectionEvent.objects.get(
        inspection=world.inspection, kind=InspectionEvent.Kind.CASE_WITHDRAWN
    )
    assert event.reason == "Wrongly included: outside the case window."
    assert event.data["case"] == "WEB-0003" and event.by == world.lead
    page = client.get(f"/inspections/{world.inspection.slug}/cases/{other.reference}/")
    assert b'id="withdrawn"' in page.content
    history = client.get(f"/inspections/{world.inspection.slug}/history/")
    assert b"Case WEB-0003 withdrawn" in history.content


def test_only_the_lead_withdraws_and_always_says_why(framework):
    world = make_world(framework)
    url = f"/api/v1/inspections/{world.inspection.slug}/cases/{world.case.reference}/withdrawal/"
    inspector = APIClient()
    inspector.force_authenticate(world.inspector)
    assert inspector.post(url, {"reason": "Mine."}, format="json").status_code == 403
    lead = APIClient()
    lead.force_authenticate(world.lead)
    refused = lead.post(url, {"reason": "  "}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    done = lead.post(url, {"reason": "Duplicate of another case."}, format="json")
    assert done.status_code == 200
    assert done.json()["withdrawn_at"] is not None
    again = lead.post(url, {"reason": "Again."}, format="json")
    assert again.status_code == 400
    assert InspectionEvent.objects.filter(kind=InspectionEvent.Kind.CASE_WITHDRAWN).count() == 1


def test_a_withdrawn_case_is_read_only_and_stops_blocking_the_inspection(client, framework):
    world = make_world(framework)
    # The in-progress case blocks moderation until withdrawn.
    assert lifecycle_blockers(world.inspection, Inspection.Status.MODERATION)
    lead = APIClient()
    lead.force_authenticate(world.lead)
    url = f"/api/v1/inspections/{world.inspection.slug}/cases/{world.case.reference}/"
    assert (
        lead.post(f"{url}withdrawal/", {"reason": "Transferred out."}, format="json").status_code
        == 200
    )
    assert lifecycle_blockers(world.inspection, Inspection.Status.MODERATION) == []
    inspector = APIClient()
    inspector.force_authenticate(world.inspector)
    put = inspector.put(f"{url}answers/C1/", {"value": "yes", "rationale": "x"}, format="json")
    assert put.status_code == 403
    assert "withdrawn" in put.json()["detail"]


def test_a_withdrawn_submitted_case_is_not_drawn_for_moderation(framework):
    world = make_world(framework)
    lead = APIClient()
    lead.force_authenticate(world.lead)
    url = f"/api/v1/inspections/{world.inspection.slug}/cases/{world.submitted.reference}/"
    assert (
        lead.post(f"{url}withdrawal/", {"reason": "Withdrawn."}, format="json").status_code == 200
    )
    with pytest.raises(ValidationError, match="No submitted case"):
        moderation_sample_draw(inspection=world.inspection, share=100, seed=1, by=world.lead)


def test_a_published_inspection_refuses_withdrawal(framework):
    world = make_world(framework)
    Inspection.objects.filter(pk=world.inspection.pk).update(status=Inspection.Status.PUBLISHED)
    lead = APIClient()
    lead.force_authenticate(world.lead)
    url = f"/api/v1/inspections/{world.inspection.slug}/cases/{world.case.reference}/withdrawal/"
    assert lead.post(url, {"reason": "Too late."}, format="json").status_code == 403
    assert not Case.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_withdrawn_case_leaves_the_drift_figures_and_the_answers_export(framework):
    from cases.services import case_withdraw
    from inspections.access import standing_get
    from scoring.drift import inspection_drift

    world = make_world(framework)
    other = CaseFactory(
        inspection=world.inspection,
        pdu=world.submitted.pdu,
        inspector=world.inspector,
        reference="WEB-0003",
    )
    answer_all(other, world.inspector, value="no", rationale="Not done.")
    before = inspection_drift(world.inspection).team_judgements
    keys_of_other = other.answers.filter(question__kind="key", value__in=["yes", "no"]).count()
    assert keys_of_other > 0
    case_withdraw(case=other, by=world.lead, reason="Wrongly included.")
    assert inspection_drift(world.inspection).team_judgements == before - keys_of_other

    from cases.api.exports import answers_rows

    standing = standing_get(world.lead, world.inspection.slug)
    references = [row[0] for row in list(answers_rows(standing=standing))[1:]]
    assert "WEB-0003" not in references and "WEB-0002" in references
