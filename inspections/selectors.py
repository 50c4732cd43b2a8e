"""Reads of inspections that the pages and the API share. Who may see which inspection is
inspections.access's rule; these read within it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.typing import AnyUser
from inspections.access import inspections_visible
from inspections.models import (
    PDU,
    ContextFact,
    Framework,
    Inspection,
    Question,
    Recommendation,
)


def inspections_list(user: AnyUser) -> QuerySet[Inspection]:
    """The inspections the user may see, newest first, region and framework joined in."""
    return (
        inspections_visible(user)
        .select_related("region", "framework")
        .order_by("-case_window_start", "slug")
    )


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
