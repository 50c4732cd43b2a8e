"""The scores resource and the scores exports: every figure from scoring.selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import not_modified, with_etag
from api.views import ExportView
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from inspections.access import standing_get
from inspections.selectors import data_etag, inspection_data_version
from scoring.api.serializers import InspectionScoresSerializer
from scoring.exports import scores_rows
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
    def get(self, request: Request, slug: str) -> Any:
        inspection = standing_get(request.user, slug).inspection
        # The ETag names the data version: unchanged data is a 304 without counting anything.
        version = inspection_data_version(inspection)
        tag = data_etag(inspection, version, what="scores")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        scores = inspection_scores(inspection, version=version)
        return with_etag(Response(InspectionScoresSerializer(scores).data), tag)


_SCORES_DESCRIPTION = (
    "Every question's score overall (breakdown 'all') and in each PDU, MAPPA and RoSH group, "
    "as the scores endpoint gives them."
)


@extend_schema(tags=["exports"], responses=schema.export_responses("text/csv", _SCORES_DESCRIPTION))
class ScoresCsvExportView(ExportView):
    """The scores table as CSV (UTF-8)."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = standing_get(request.user, slug).inspection
        version = inspection_data_version(inspection)
        tag = data_etag(inspection, version, what="scores-csv")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        rows = scores_rows(inspection=inspection, version=version)
        return with_etag(csv_response(rows, filename=f"{slug}-scores.csv"), tag)


@extend_schema(tags=["exports"], responses=schema.export_responses(XLSX_TYPE, _SCORES_DESCRIPTION))
class ScoresXlsxExportView(ExportView):
    """The scores table as an Excel workbook."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = standing_get(request.user, slug).inspection
        version = inspection_data_version(inspection)
        tag = data_etag(inspection, version, what="scores-xlsx")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        rows = scores_rows(inspection=inspection, version=version)
        return with_etag(xlsx_response(rows, filename=f"{slug}-scores.xlsx", sheet="Scores"), tag)
