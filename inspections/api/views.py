"""Read-only inspection resources: thin views over inspections.api.selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.pagination import Pagination
from api.schema import ok
from inspections.access import standing_get
from inspections.api.serializers import (
    ContextFactSerializer,
    FrameworkSerializer,
    InspectionSerializer,
    PDUSerializer,
    RecommendationSerializer,
)
from inspections.models import Inspection
from inspections.selectors import (
    inspection_context_facts,
    inspection_framework,
    inspection_pdus,
    inspection_recommendations,
    inspections_list,
)


@extend_schema(
    tags=["inspections"],
    responses={200: ok(InspectionSerializer, "A page of inspections."), **schema.LIST_ERRORS},
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
    responses={200: ok(InspectionSerializer, "The inspection."), **schema.READ_ERRORS},
)
class InspectionDetailView(APIView):
    """One inspection."""

    def get(self, request: Request, slug: str) -> Response:
        inspection = standing_get(request.user, slug).inspection
        return Response(InspectionSerializer(inspection).data)


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
        inspection = standing_get(request.user, slug).inspection
        return Response(FrameworkSerializer(inspection_framework(inspection=inspection)).data)
