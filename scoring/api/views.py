"""The scores resource and the scores exports: every figure from scoring.selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.views import ExportView
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from inspections.access import require_lead, standing_get
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
        inspection = standing_get(request.user, slug).inspection
        scores = inspection_scores(inspection)
        data = InspectionScoresSerializer(scores).data
        # Extends the contract: a question compared with a baseline gains `baseline`.
        baseline = baseline_comparison(inspection, scores)
        if baseline is not None:
            for question in data["questions"]:
                comparison = baseline.get(question["code"])
                if comparison is not None:
                    question["baseline"] = BaselineFigureSerializer(
                        {"source": baseline.label, **vars(comparison)}
                    ).data
        return Response(data)


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
        drift = inspection_drift(standing.inspection)
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
        return csv_response(scores_rows(inspection=inspection), filename=f"{slug}-scores.csv")


@extend_schema(tags=["exports"], responses=schema.export_responses(XLSX_TYPE, _SCORES_DESCRIPTION))
class ScoresXlsxExportView(ExportView):
    """The scores table as an Excel workbook."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = standing_get(request.user, slug).inspection
        return xlsx_response(
            scores_rows(inspection=inspection), filename=f"{slug}-scores.xlsx", sheet="Scores"
        )
