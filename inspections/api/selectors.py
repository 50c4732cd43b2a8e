"""Reads of the API's inspection resources. Access is always scoped by visible_to()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import (
    PDU,
    ContextFact,
    Framework,
    Inspection,
    Question,
    Recommendation,
)


def inspections_visible(*, user: Any) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(user)
        .select_related("region", "framework")
        .order_by("-case_window_start", "slug")
    )


def inspection_visible_get(*, user: Any, slug: str) -> Inspection:
    """The inspection, or 404 whether it does not exist or the user may not see it."""
    return get_object_or_404(inspections_visible(user=user), slug=slug)


def inspection_pdus(*, inspection: Inspection) -> QuerySet[PDU]:
    return PDU.objects.filter(region_id=inspection.region_id).order_by("name")


def inspection_framework(*, inspection: Inspection) -> Framework:
    """The inspection's framework with its questions in order (two queries, parents joined)."""
    questions = Question.objects.select_related("parent").order_by("order")
    return Framework.objects.prefetch_related(Prefetch("questions", queryset=questions)).get(
        pk=inspection.framework_id
    )


def inspection_recommendations(*, inspection: Inspection) -> QuerySet[Recommendation]:
    return inspection.recommendations.order_by("addressee", "number")


def inspection_context_facts(*, inspection: Inspection) -> QuerySet[ContextFact]:
    return inspection.context_facts.order_by("order")
