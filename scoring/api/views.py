"""The scores resource and the scores exports: every figure from scoring.selectors."""

from __future__ import annotations

import functools
import hashlib
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
from inspections.access import require_lead, standing_get
from inspections.selectors import data_etag
from scoring.agreement import inspection_agreement
from scoring.api.serializers import (
    AgreementSerializer,
    BaselineFigureSerializer,
    DriftSerializer,
    InspectionScoresSerializer,
)
from scoring.baseline import baseline_comparison
from scoring.drift import inspection_drift
from scoring.exports import scores_rows
from scoring.selectors import (
    SCORES_CACHE_SECONDS,
    InspectionScores,
    inspection_scores,
    scores_cache_key,
)


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
        # The ETag names the data version (and the baseline's figures, when there is one):
        # unchanged data is a 304.
        # The version read with the standing, in this request (one query fewer): the figures
        # are at least that new, since they are read after it (docs/adr/0014).
        version = int(inspection.data_version)

        @functools.cache
        def scores() -> InspectionScores:  # read at most once, and only if needed
            return inspection_scores(inspection, version=version)

        # Extends the contract: a question compared with a baseline gains `baseline`. The
        # baseline is not in the data version (it may be another inspection), so its figures
        # are part of the tag.
        baseline = baseline_comparison(inspection, scores)
        compared: dict[str, Any] = {}
        if baseline is not None:
            compared = {
                code: BaselineFigureSerializer({"source": baseline.label, **vars(c)}).data
                for code, c in baseline.comparisons.items()
            }
        what = "scores"
        if compared:
            digest = hashlib.sha256(json.dumps(compared, sort_keys=True, default=str).encode())
            what = f"scores-b{digest.hexdigest()[:16]}"
        tag = data_etag(inspection, version, what=what)
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        # The JSON itself is cached with the figures' version: serialising some 900 scores
        # costs more than reading them back (docs/benchmarks.md).
        key = scores_cache_key(inspection, version, what="scores-json")
        body = cache_get(key)
        if not isinstance(body, bytes):
            body = JSONRenderer().render(InspectionScoresSerializer(scores()).data)
            cache_set(key, body, timeout=SCORES_CACHE_SECONDS)
        if compared:
            data = json.loads(body)
            for question in data["questions"]:
                if question["code"] in compared:
                    question["baseline"] = compared[question["code"]]
            body = JSONRenderer().render(data)
        if request.accepted_renderer.format == "json":
            return with_etag(HttpResponse(body, content_type="application/json"), tag)
        return with_etag(Response(json.loads(body)), tag)  # the browsable API


class AgreementView(APIView):
    """Moderation agreement (the lead's): percentage, Cohen's kappa and Gwet's AC1 per key
    question, per inspector and overall, over each double-marked case's first moderation."""

    @extend_schema(
        responses={
            200: schema.ok(AgreementSerializer, "Agreement per key question and inspector."),
            **schema.READ_ERRORS,
        },
        operation_id="inspection_agreement",
        tags=["scores"],
    )
    def get(self, request: Request, slug: str) -> Response:
        standing = standing_get(request.user, slug)
        require_lead(standing, "see moderation agreement")
        return Response(AgreementSerializer(inspection_agreement(standing.inspection)).data)


CAVEAT = (
    "Allocation is not random: an inspector outside the 99.8% limits may have had different "
    "cases. Look at a sample of their cases before drawing a conclusion."
)


class DriftView(APIView):
    """Inspector drift (the lead's): each inspector's Yes rate on the key questions against the
    team's, with the funnel plot's 95% and 99.8% limits for their number of judgements."""

    @extend_schema(
        responses={200: schema.ok(DriftSerializer, "Drift per inspector."), **schema.READ_ERRORS},
        operation_id="inspection_drift",
        tags=["scores"],
    )
    def get(self, request: Request, slug: str) -> Response:
        standing = standing_get(request.user, slug)
        require_lead(standing, "see inspector drift")
        # The version read with the standing, in this request: the cache key.
        drift = inspection_drift(standing.inspection, version=int(standing.inspection.data_version))
        return Response(
            DriftSerializer(
                {
                    "team_yes": drift.team_yes,
                    "team_judgements": drift.team_judgements,
                    "team_rate": drift.team_rate,
                    "caveat": CAVEAT,
                    "rows": drift.rows,
                }
            ).data
        )


_SCORES_DESCRIPTION = (
    "Every question's score overall (breakdown 'all') and in each PDU, MAPPA and RoSH group, "
    "as the scores endpoint gives them."
)


@extend_schema(tags=["exports"], responses=schema.export_responses("text/csv", _SCORES_DESCRIPTION))
class ScoresCsvExportView(ExportView):
    """The scores table as CSV (UTF-8)."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = standing_get(request.user, slug).inspection
        version = int(inspection.data_version)  # read with the standing, in this request
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
        version = int(inspection.data_version)  # read with the standing, in this request
        tag = data_etag(inspection, version, what="scores-xlsx")
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        rows = scores_rows(inspection=inspection, version=version)
        return with_etag(xlsx_response(rows, filename=f"{slug}-scores.xlsx", sheet="Scores"), tag)
