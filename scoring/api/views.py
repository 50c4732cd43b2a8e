"""The scores resource and the scores exports: every figure from scoring.selectors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import not_modified, with_etag
from api.views import ExportView
from core.cache import cache_get, cache_set
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from inspections.access import standing_get
from inspections.selectors import data_etag, inspection_data_version
from scoring.api.serializers import InspectionScoresSerializer
from scoring.exports import scores_rows
from scoring.selectors import SCORES_CACHE_SECONDS, inspection_scores, scores_cache_key


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
        # The JSON itself is cached with the figures' version: serialising some 900 scores
        # costs more than reading them back (docs/benchmarks.md).
        key = scores_cache_key(inspection, version, what="scores-json")
        body = cache_get(key)
        if not isinstance(body, bytes):
            scores = inspection_scores(inspection, version=version)
            body = JSONRenderer().render(InspectionScoresSerializer(scores).data)
            cache_set(key, body, timeout=SCORES_CACHE_SECONDS)
        if request.accepted_renderer.format == "json":
            return with_etag(HttpResponse(body, content_type="application/json"), tag)
        return with_etag(Response(json.loads(body)), tag)  # the browsable API


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
