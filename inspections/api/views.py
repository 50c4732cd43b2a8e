"""Inspection resources: thin views over inspections.selectors (reads) and
inspections.services (writes), with access decided by inspections.access."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import etag, if_match, stale
from api.exceptions import NOT_FOUND_MESSAGE, Conflict
from api.pagination import Pagination
from api.schema import ok
from core.exceptions import StaleWriteError
from inspections.access import require_lead, require_manage, require_person, standing_get
from inspections.api.serializers import (
    BaselineInputSerializer,
    BaselineSerializer,
    ContextFactInputSerializer,
    ContextFactSerializer,
    FrameworkSerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    InspectionUpdateSerializer,
    PDUSerializer,
    RecommendationSerializer,
)
from inspections.models import Baseline, ContextFact, Inspection
from inspections.selectors import (
    inspection_context_facts,
    inspection_framework,
    inspection_pdus,
    inspection_recommendations,
    inspections_list,
)
from inspections.services import (
    BaselineFigureInput,
    baseline_clear,
    baseline_set,
    context_fact_add,
    context_fact_move,
    context_fact_remove,
    context_fact_update,
    inspection_create,
    inspection_update,
)


class InspectionListView(generics.ListAPIView[Inspection]):
    """The inspections you may see (an API client: those its token was issued for)."""

    serializer_class = InspectionSerializer
    pagination_class = Pagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return inspections_list(self.request.user)

    @extend_schema(
        tags=["inspections"],
        responses={200: ok(InspectionSerializer, "A page of inspections."), **schema.LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["inspections"],
        operation_id="inspections_create",
        request=InspectionCreateSerializer,
        responses={
            201: ok(InspectionSerializer, "Created: you lead it. ETag header set."),
            400: schema.BAD_REQUEST,
        },
    )
    def post(self, request: Request) -> Response:
        """Create an inspection, as the create page does (a lead inspector or an administrator,
        with a person's session or token; API client tokens are read-only)."""
        data = InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = inspection_create(by=request.user, **data.validated_data)
        return Response(
            InspectionSerializer(inspection).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(inspection.version)},
        )


class InspectionDetailView(APIView):
    """One inspection."""

    @extend_schema(
        tags=["inspections"],
        operation_id="inspections_retrieve",
        responses={
            200: ok(InspectionSerializer, "The inspection; ETag header set."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        inspection = standing_get(request.user, slug).inspection
        return Response(
            InspectionSerializer(inspection).data, headers={"ETag": etag(inspection.version)}
        )

    @extend_schema(
        tags=["inspections"],
        operation_id="inspections_partial_update",
        parameters=[schema.IF_MATCH],
        request=InspectionUpdateSerializer,
        responses={
            200: ok(InspectionSerializer, "Changed; new ETag header."),
            400: schema.BAD_REQUEST,
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Change the inspection's details (the lead; refused once published)."""
        standing = standing_get(request.user, slug)
        require_manage(standing, "change the inspection's details")
        expected = if_match(request, what="the inspection")
        data = InspectionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            inspection = inspection_update(
                inspection=standing.inspection,
                by=request.user,
                expected_version=expected,
                **data.validated_data,
            )
        except StaleWriteError as exc:
            raise stale(exc, exc.current.version if exc.current else None) from exc
        inspection.refresh_from_db()
        return Response(
            InspectionSerializer(inspection).data, headers={"ETag": etag(inspection.version)}
        )


class _InspectionChildList(APIView):
    """A small, unpaginated list that belongs to one inspection."""

    serializer_class: Any
    selector: Any

    def get(self, request: Request, slug: str) -> Response:
        inspection = standing_get(request.user, slug).inspection
        rows = type(self).selector(inspection=inspection)
        return Response(self.serializer_class(rows, many=True).data)


@extend_schema(
    tags=["inspections"],
    responses={200: ok(PDUSerializer(many=True), "The PDUs, by name."), **schema.READ_ERRORS},
)
class InspectionPDUListView(_InspectionChildList):
    """The Probation Delivery Units of the inspection's region."""

    serializer_class = PDUSerializer
    selector = staticmethod(inspection_pdus)


@extend_schema(
    tags=["inspections"],
    responses={
        200: ok(RecommendationSerializer(many=True), "The recommendations."),
        **schema.READ_ERRORS,
    },
)
class RecommendationListView(_InspectionChildList):
    """The report's recommendations, by addressee and number."""

    serializer_class = RecommendationSerializer
    selector = staticmethod(inspection_recommendations)


class ContextFactListView(_InspectionChildList):
    """The key contextual facts (not case-derived: recorded as given, with their sources)."""

    serializer_class = ContextFactSerializer
    selector = staticmethod(inspection_context_facts)

    @extend_schema(
        tags=["inspections"],
        operation_id="context_facts_list",
        responses={
            200: ok(ContextFactSerializer(many=True), "The facts, in order."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        return super().get(request, slug)

    @extend_schema(
        tags=["inspections"],
        operation_id="context_facts_create",
        request=ContextFactInputSerializer,
        responses={
            201: ok(ContextFactSerializer, "Added, last in order."),
            400: schema.BAD_REQUEST,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Add a fact (the lead). Its `source` becomes a numbered footnote in the report."""
        standing = standing_get(request.user, slug)
        data = ContextFactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        position = fields.pop("order", None)
        fact = context_fact_add(inspection=standing.inspection, by=request.user, **fields)
        if position is not None:
            fact = context_fact_move(fact=fact, by=request.user, position=position)
        return Response(
            ContextFactSerializer(fact).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(fact.version)},
        )


class ContextFactDetailView(APIView):
    """One key contextual fact: read it, change it (text or position), remove it."""

    def _fact(
        self, request: Request, slug: str, fact_id: int, *, write: bool = False
    ) -> ContextFact:
        standing = standing_get(request.user, slug)
        if write:
            require_person(standing)
            require_lead(standing, "change the key contextual facts")
        fact = inspection_context_facts(inspection=standing.inspection).filter(pk=fact_id).first()
        if fact is None:
            raise exceptions.NotFound(NOT_FOUND_MESSAGE)
        return fact

    @extend_schema(
        tags=["inspections"],
        operation_id="context_fact_retrieve",
        responses={
            200: ok(ContextFactSerializer, "The fact; ETag header set."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str, fact_id: int) -> Response:
        fact = self._fact(request, slug, fact_id)
        return Response(ContextFactSerializer(fact).data, headers={"ETag": etag(fact.version)})

    @extend_schema(
        tags=["inspections"],
        operation_id="context_fact_update",
        parameters=[schema.IF_MATCH],
        request=ContextFactInputSerializer,
        responses={
            200: ok(ContextFactSerializer, "Changed; new ETag header."),
            400: schema.BAD_REQUEST,
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def put(self, request: Request, slug: str, fact_id: int) -> Response:
        """Change a fact's text, and its position with `order` (the lead; If-Match)."""
        fact = self._fact(request, slug, fact_id, write=True)
        expected = if_match(request, what="the fact")
        data = ContextFactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        position = fields.pop("order", None)
        try:
            if fields:
                fact = context_fact_update(
                    fact=fact, by=request.user, expected_version=expected, **fields
                )
                expected = fact.version
            if position is not None:
                fact = context_fact_move(
                    fact=fact, by=request.user, position=position, expected_version=expected
                )
        except StaleWriteError as exc:
            raise stale(exc, exc.current.version if exc.current else None) from exc
        return Response(ContextFactSerializer(fact).data, headers={"ETag": etag(fact.version)})

    @extend_schema(
        tags=["inspections"],
        operation_id="context_fact_destroy",
        parameters=[schema.IF_MATCH],
        responses={
            204: OpenApiResponse(description="Removed."),
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def delete(self, request: Request, slug: str, fact_id: int) -> Response:
        """Remove a fact (the lead; If-Match)."""
        fact = self._fact(request, slug, fact_id, write=True)
        expected = if_match(request, what="the fact")
        try:
            context_fact_remove(fact=fact, by=request.user, expected_version=expected)
        except StaleWriteError as exc:
            raise stale(exc, exc.current.version if exc.current else None) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["inspections"],
    responses={
        200: ok(FrameworkSerializer, "The framework and its questions."),
        **schema.READ_ERRORS,
    },
)
class InspectionFrameworkView(APIView):
    """The framework (question bank version) the inspection uses, with its questions."""

    def get(self, request: Request, slug: str) -> Response:
        inspection = standing_get(request.user, slug).inspection
        return Response(FrameworkSerializer(inspection_framework(inspection=inspection)).data)


class BaselineView(APIView):
    """What the inspection is compared with: an earlier inspection, or figures from a report.
    Anyone who may see the inspection reads it; the lead sets or removes it."""

    def _read(self, inspection: Inspection) -> Response:
        baseline = (
            Baseline.objects.filter(inspection=inspection)
            .select_related("previous")
            .prefetch_related("figures")
            .first()
        )
        return Response(BaselineSerializer({"baseline": baseline}).data)

    @extend_schema(
        tags=["inspections"],
        operation_id="baseline_retrieve",
        responses={200: ok(BaselineSerializer, "The baseline, or null."), **schema.READ_ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        return self._read(standing_get(request.user, slug).inspection)

    @extend_schema(
        tags=["inspections"],
        operation_id="baseline_update",
        request=BaselineInputSerializer,
        responses={200: ok(BaselineSerializer, "Set."), 400: schema.BAD_REQUEST},
    )
    def put(self, request: Request, slug: str) -> Response:
        """Set the baseline (the lead): `previous` (an inspection's slug), or `figures` with
        `title`, `year` and `source`, or both. Replaces any baseline there was."""
        standing = standing_get(request.user, slug)
        data = BaselineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        baseline_set(
            inspection=standing.inspection,
            by=request.user,
            previous_slug=values.get("previous", ""),
            title=values.get("title", ""),
            year=values.get("year"),
            source=values.get("source", ""),
            figures=[
                BaselineFigureInput(
                    question_code=f["question_code"],
                    relevant=f["relevant"],
                    yes=f.get("yes"),
                    percent=f.get("percent"),
                )
                for f in values.get("figures", [])
            ],
        )
        return self._read(standing.inspection)

    @extend_schema(
        tags=["inspections"],
        operation_id="baseline_destroy",
        responses={
            204: OpenApiResponse(description="Removed."),
            409: schema.CONFLICT,
            **schema.READ_ERRORS,
        },
    )
    def delete(self, request: Request, slug: str) -> Response:
        """Remove the baseline (the lead); 409 when there is none."""
        standing = standing_get(request.user, slug)
        if not baseline_clear(inspection=standing.inspection, by=request.user):
            raise Conflict(
                "This inspection has no baseline to remove.",
                field="baseline",
                reasons=["There is no baseline."],
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
