"""Reads of the API's case and answer resources. Access is always scoped by visible_to()."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Answer, Case
from inspections.models import Inspection, Membership, Question


def cases_visible(*, user: Any, inspection: Inspection) -> QuerySet[Case]:
    """The inspection's cases the user may see, with what a case row shows joined in."""
    return (
        Case.objects.visible_to(user)
        .filter(inspection=inspection)
        .select_related("pdu", "inspector")
        .order_by("reference")
    )


def case_visible_get(*, user: Any, inspection: Inspection, reference: str) -> Case:
    return get_object_or_404(cases_visible(user=user, inspection=inspection), reference=reference)


def case_answers(*, case: Case) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(case=case)
        .select_related("question", "answered_by")
        .order_by("question__order")
    )


def case_question_get(*, case: Case, code: str) -> Question:
    """A question of the case's framework by code (404 if the framework has none such)."""
    return get_object_or_404(Question, framework_id=case.inspection.framework_id, code=code)


def case_answer_find(*, case: Case, question: Question) -> Answer | None:
    return (
        Answer.objects.filter(case=case, question=question)
        .select_related("question", "answered_by")
        .first()
    )


def answer_writable_by(*, case: Case, user: Any) -> bool:
    """The allocated inspector and the inspection's lead (and administrators) may write."""
    if getattr(user, "is_superuser", False):
        return True
    if case.inspector_id is not None and case.inspector_id == user.pk:
        return True
    return Membership.objects.filter(
        inspection_id=case.inspection_id, user=user, role=Membership.Role.LEAD
    ).exists()
