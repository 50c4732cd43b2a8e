"""Reads of inspections that the pages and the API share. Who may see which inspection is
inspections.access's rule; these read within it."""

from __future__ import annotations

from django.db.models import Case, Prefetch, QuerySet, Value, When

from core.typing import AnyUser
from inspections.access import inspections_visible
from inspections.models import (
    PDU,
    ContextFact,
    Framework,
    Inspection,
    InspectionEvent,
    Membership,
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


def inspection_events(inspection: Inspection) -> QuerySet[InspectionEvent]:
    """The inspection's history, newest first, with who did each thing."""
    return inspection.events.select_related("by").order_by("-at", "-pk")


def inspection_members(inspection: Inspection) -> QuerySet[Membership]:
    """The team, leads first, then by username; each with their account."""
    lead_first = Case(When(role=Membership.Role.LEAD, then=Value(0)), default=Value(1))
    return (
        inspection.memberships.select_related("user")
        .annotate(lead_first=lead_first)
        .order_by("lead_first", "user__username")
    )


# -- the data version: cached scores and ETags (docs/adr/0014) ------------------------------------

# Raise when InspectionScores or an export changes shape: cached entries and ETags of the old
# shape are then never matched.
SCORES_CACHE_FORMAT = 1


def inspection_data_version(inspection: Inspection, *, using: str = "default") -> int:
    """The inspection's data version as committed now (one query by primary key).

    Database triggers move it on in the same transaction as every write of a case, an answer,
    a PDU or a question, so figures read after reading it are at least as new as it says.
    Read afresh, not from the instance, which may have been loaded before a write.
    """
    version = (
        Inspection.objects.using(using)
        .filter(pk=inspection.pk)
        .values_list("data_version", flat=True)
        .get()
    )
    inspection.data_version = version
    return int(version)


def data_etag(inspection: Inspection, version: int, *, what: str) -> str:
    """A strong ETag for a representation of the inspection's data at `version`."""
    return f'"{what}-{inspection.pk}-{version}-f{inspection.framework_id}-{SCORES_CACHE_FORMAT}"'
