"""The programme resources and exports: who may see what is inspections.access
(programmes_visible, programme_standing_get), every figure scoring.programme.programme_scores."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import not_modified, with_etag
from api.pagination import Pagination
from api.views import ExportView
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from inspections.access import programme_standing_get, programmes_visible
from inspections.models import Inspection, Programme
from scoring.api.programme_serializers import (
    ProgrammeDetailSerializer,
    ProgrammeScoresSerializer,
    ProgrammeSerializer,
)
from scoring.programme import ProgrammeScores, programme_entries, programme_scores
from scoring.programme_exports import programme_scores_etag, programme_scores_rows

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}

PROVISIONAL_PARAMETER = OpenApiParameter(
    "provisional",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description="true: count the inspections in progress you may see too (a national lead "
    "all, a regional lead their own; an API client only one its token is scoped to), marked "
    "provisional. Default false: published inspections only.",
)


def provisional_asked(request: Request) -> bool:
    """?provisional=true|false (also 1/0, yes/no), at most once; anything else is a 400."""
    values = request.query_params.getlist("provisional")
    if not values:
        return False
    if len(values) > 1:
        raise exceptions.ValidationError({"provisional": ["Give provisional once."]})
    value = values[0].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise exceptions.ValidationError({"provisional": ["provisional must be true or false."]})


def _with_counts(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    return queryset.select_related("framework").annotate(
        n_inspections=Count("inspections", distinct=True),
        n_published=Count(
            "inspections",
            filter=Q(inspections__status=Inspection.Status.PUBLISHED),
            distinct=True,
        ),
    )


class ProgrammeListView(generics.ListAPIView[Programme]):
    """The programmes you may see: a national lead theirs, the lead of an inspection in one,
    an API client those it was granted, an administrator all."""

    serializer_class = ProgrammeSerializer
    pagination_class = Pagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return _with_counts(programmes_visible(self.request.user)).order_by("name", "pk")

    @extend_schema(
        tags=["programmes"],
        operation_id="programmes_list",
        responses={
            200: schema.ok(ProgrammeSerializer, "A page of programmes."),
            **schema.LIST_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProgrammeDetailView(APIView):
    """One programme and each of its inspections: status, whether published or synthetic, and
    whether you may see its figures."""

    @extend_schema(
        tags=["programmes"],
        operation_id="programmes_retrieve",
        responses={
            200: schema.ok(ProgrammeDetailSerializer, "The programme and its inspections."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, programme: str) -> Response:
        standing = programme_standing_get(request.user, programme)
        found = standing.programme
        entries = programme_entries(standing)
        # The counts the list annotates, and the inspections, for the serializer.
        found.n_inspections = len(entries)  # type: ignore[attr-defined]
        found.n_published = sum(e.inspection.is_published for e in entries)  # type: ignore[attr-defined]
        found.entries = entries  # type: ignore[attr-defined]
        return Response(ProgrammeDetailSerializer(found, context={"request": request}).data)


def _scores(request: Request, slug: str) -> ProgrammeScores:
    # Who may see the programme first (404), then the parameter (400).
    standing = programme_standing_get(request.user, slug)
    provisional = provisional_asked(request)
    return programme_scores(standing, provisional=provisional)


def scores_data(scores: ProgrammeScores) -> dict[str, Any]:
    """What the scores serializer reads: the engine's objects, with the labels per figure."""

    def figure(inspection: Inspection, score: Any) -> dict[str, Any]:
        return {
            "inspection": inspection,
            "score": score,
            "provisional": not inspection.is_published,
            "synthetic": inspection.synthetic,
        }

    counted = [e for e in scores.inspections if e.counted]
    return {
        "programme": scores.programme,
        "provisional": scores.provisional,
        "provisional_inspections": [e.inspection.slug for e in counted if e.provisional],
        "synthetic_inspections": [e.inspection.slug for e in counted if e.inspection.synthetic],
        "counted_inspections": [e.inspection.slug for e in counted],
        "cases": scores.cases,
        "inspections": scores.inspections,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "area": q.area,
                "regions": [figure(r.inspection, r.score) for r in q.regions],
                "pooled": {
                    "score": q.pooled,
                    "provisional": scores.any_provisional,
                    "synthetic": scores.any_synthetic,
                },
            }
            for q in scores.questions
        ],
        "funnels": {"regions": scores.region_funnels, "pdus": scores.pdu_funnels},
    }


class ProgrammeScoresView(APIView):
    """The programme's figures: for every question each counted inspection's Yes count,
    relevant cases, percentage and Wilson interval, and the pooled figure; per key question the
    funnel plots (regions and PDUs) with 95% and 99.8% limits around the pooled rate. Published
    inspections only unless ?provisional=true."""

    @extend_schema(
        tags=["programmes"],
        operation_id="programme_scores",
        parameters=[PROVISIONAL_PARAMETER],
        responses={
            200: schema.ok(ProgrammeScoresSerializer, "The figures; ETag header set."),
            **schema.LIST_ERRORS,
        },
    )
    def get(self, request: Request, programme: str) -> Any:
        scores = _scores(request, programme)
        tag = programme_scores_etag(scores, what="programme-scores")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        return with_etag(Response(ProgrammeScoresSerializer(scores_data(scores)).data), tag)


_EXPORT_DESCRIPTION = (
    "One row per question and counted inspection, then the question's pooled row (inspection "
    "'pooled'): counts, percentage, Wilson 95% interval, provisional and synthetic flags."
)


def _export_responses(media_type: str) -> dict[Any, Any]:
    return {
        **schema.export_responses(media_type, _EXPORT_DESCRIPTION),
        (400, "application/json"): schema.BAD_REQUEST,
    }


class ProgrammeScoresCsvExportView(ExportView):
    """The programme's figures as CSV (UTF-8)."""

    @extend_schema(
        tags=["exports"],
        operation_id="programme_export_scores_csv",
        parameters=[PROVISIONAL_PARAMETER],
        responses=_export_responses("text/csv"),
    )
    def get(self, request: Request, programme: str) -> Any:
        scores = _scores(request, programme)
        tag = programme_scores_etag(scores, what="programme-scores-csv")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        suffix = "-provisional" if scores.provisional else ""
        response = csv_response(
            programme_scores_rows(scores), filename=f"{programme}-scores{suffix}.csv"
        )
        return with_etag(response, tag)


class ProgrammeScoresXlsxExportView(ExportView):
    """The programme's figures as an Excel workbook."""

    @extend_schema(
        tags=["exports"],
        operation_id="programme_export_scores_xlsx",
        parameters=[PROVISIONAL_PARAMETER],
        responses=_export_responses(XLSX_TYPE),
    )
    def get(self, request: Request, programme: str) -> Any:
        scores = _scores(request, programme)
        tag = programme_scores_etag(scores, what="programme-scores-xlsx")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        suffix = "-provisional" if scores.provisional else ""
        response = xlsx_response(
            programme_scores_rows(scores),
            filename=f"{programme}-scores{suffix}.xlsx",
            sheet="Scores",
        )
        return with_etag(response, tag)
