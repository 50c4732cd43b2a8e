"""Read-only inspection resources: thin views over inspections.api.selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api import schema
from inspections.api.exceptions import NOT_FOUND_MESSAGE
from inspections.api.pagination import Pagination
from inspections.api.schema import ok
from inspections.api.selectors import (
    inspection_context_facts,
    inspection_framework,
    inspection_pdus,
    inspection_recommendations,
    inspection_visible_get,
    inspections_visible,
)
from inspections.api.serializers import (
    ContextFactSerializer,
    FrameworkSerializer,
    InspectionSerializer,
    PDUSerializer,
    RecommendationSerializer,
)


@extend_schema(
    tags=["inspections"],
    responses={200: ok(InspectionSerializer, "A page of inspections."), **schema.LIST_ERRORS},
)
class InspectionListView(generics.ListAPIView):
    """The inspections you may see (an API client: those its token was issued for)."""

    serializer_class = InspectionSerializer
    pagination_class = Pagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return inspections_visible(user=self.request.user)


@extend_schema(
    tags=["inspections"],
    responses={200: ok(InspectionSerializer, "The inspection."), **schema.READ_ERRORS},
)
class InspectionDetailView(APIView):
    """One inspection."""

    def get(self, request: Request, slug: str) -> Response:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return Response(InspectionSerializer(inspection).data)


class _InspectionChildList(APIView):
    """A small, unpaginated list that belongs to one inspection."""

    serializer_class: Any
    selector: Any

    def get(self, request: Request, slug: str) -> Response:
        inspection = inspection_visible_get(user=request.user, slug=slug)
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


@extend_schema(
    tags=["inspections"],
    responses={
        200: ok(ContextFactSerializer(many=True), "The facts, in order."),
        **schema.READ_ERRORS,
    },
)
class ContextFactListView(_InspectionChildList):
    """The key contextual facts (not case-derived: recorded as given, with their sources)."""

    serializer_class = ContextFactSerializer
    selector = staticmethod(inspection_context_facts)


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
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return Response(FrameworkSerializer(inspection_framework(inspection=inspection)).data)


@csrf_exempt  # nothing is written; a 404 must not become a CSRF failure page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/v1/: the same JSON 404 as the views give, not an HTML page
    (e.g. a path parameter that does not fit its pattern, so no route matched)."""
    return JsonResponse(
        {"detail": NOT_FOUND_MESSAGE, "code": "not_found", "errors": {}}, status=404
    )
