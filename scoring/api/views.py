from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api import schema
from inspections.models import Inspection
from scoring.api.serializers import InspectionScoresSerializer
from scoring.selectors import inspection_scores


class InspectionScoresView(APIView):
    """Scores of every question of an inspection, overall and by PDU, MAPPA and RoSH."""

    @extend_schema(
        responses={
            200: schema.ok(
                InspectionScoresSerializer, "Every question's score, overall and by group."
            ),
            **schema.READ_ERRORS,
        },
        operation_id="inspection_scores",
        tags=["scores"],
    )
    def get(self, request: Request, slug: str) -> Response:
        inspection = get_object_or_404(
            Inspection.objects.visible_to(request.user).select_related("region"), slug=slug
        )
        scores = inspection_scores(inspection)
        return Response(InspectionScoresSerializer(scores).data)
