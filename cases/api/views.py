"""Case and answer resources: thin views over cases.api.selectors and cases.services."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import exports
from cases.api.filters import CaseFilter
from cases.api.selectors import (
    answer_writable_by,
    case_answer_find,
    case_answers,
    case_question_get,
    case_visible_get,
    cases_visible,
)
from cases.api.serializers import (
    AnswerInputSerializer,
    AnswerSerializer,
    CaseSerializer,
    answer_etag,
)
from cases.services import StaleWriteError, answer_record
from inspections.api import schema
from inspections.api.exceptions import PreconditionFailed, PreconditionRequired
from inspections.api.pagination import Pagination
from inspections.api.schema import ok
from inspections.api.selectors import inspection_visible_get

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,9})"$')

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read (e.g. "v3"). Needed to change an existing answer; leave it '
    "out to give a first answer. A stale one gets 412 and nothing is written.",
)


@extend_schema(
    tags=["cases"],
    responses={200: ok(CaseSerializer, "A page of cases."), **schema.LIST_ERRORS},
)
class CaseListView(generics.ListAPIView):
    """The inspection's cases you may see: filtered, ordered (default: reference), paginated.

    A lead and API clients see every case; an inspector the cases allocated to them.
    """

    serializer_class = CaseSerializer
    pagination_class = Pagination
    filterset_class = CaseFilter
    filter_backends = [*generics.ListAPIView.filter_backends, OrderingFilter]
    ordering_fields = ("reference", "commenced_on", "rosh", "status", "pdu__name", "updated_at")
    ordering = ("reference",)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            from cases.models import Case

            return Case.objects.none()
        inspection = inspection_visible_get(user=self.request.user, slug=self.kwargs["slug"])
        return cases_visible(user=self.request.user, inspection=inspection)


@extend_schema(
    tags=["cases"], responses={200: ok(CaseSerializer, "The case."), **schema.READ_ERRORS}
)
class CaseDetailView(APIView):
    """One case and its profile."""

    def get(self, request: Request, slug: str, reference: str) -> Response:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        case = case_visible_get(user=request.user, inspection=inspection, reference=reference)
        return Response(CaseSerializer(case).data)


class CaseAnswerListView(APIView):
    """Every recorded answer of one case, in question order."""

    @extend_schema(
        tags=["answers"],
        operation_id="case_answers_list",
        responses={
            200: ok(AnswerSerializer(many=True), "The answers, in question order."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str, reference: str) -> Response:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        case = case_visible_get(user=request.user, inspection=inspection, reference=reference)
        return Response(AnswerSerializer(case_answers(case=case), many=True).data)


class CaseAnswerView(APIView):
    """One answer of one case, addressed by question code."""

    def _case(self, request: Request, slug: str, reference: str) -> Any:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return case_visible_get(user=request.user, inspection=inspection, reference=reference)

    @extend_schema(
        tags=["answers"],
        operation_id="case_answer_retrieve",
        responses={
            200: OpenApiResponse(AnswerSerializer, description="The answer; ETag header set."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str, reference: str, code: str) -> Response:
        case = self._case(request, slug, reference)
        question = case_question_get(case=case, code=code)
        answer = case_answer_find(case=case, question=question)
        if answer is None:
            raise exceptions.NotFound(f"{question.code} has not been answered on this case yet.")
        return Response(AnswerSerializer(answer).data, headers={"ETag": answer_etag(answer)})

    @extend_schema(
        tags=["answers"],
        operation_id="case_answer_update",
        parameters=[IF_MATCH],
        request=AnswerInputSerializer,
        responses={
            200: OpenApiResponse(AnswerSerializer, description="Changed; new ETag header."),
            201: OpenApiResponse(AnswerSerializer, description="First answer recorded."),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHENTICATED,
            403: schema.error(
                "Not the allocated inspector or the lead, or an API client token (read-only)."
            ),
            404: schema.NOT_FOUND,
            412: schema.error("If-Match is stale: the answer changed. Nothing was written."),
            428: schema.error("The answer exists: send If-Match with its ETag to change it."),
            429: schema.THROTTLED,
        },
    )
    def put(self, request: Request, slug: str, reference: str, code: str) -> Response:
        """Record or change the answer, keeping history (source "api").

        Writes to a published inspection are refused (400); once a case has been submitted
        a reason is required.
        """
        case = self._case(request, slug, reference)
        question = case_question_get(case=case, code=code)
        if not answer_writable_by(case=case, user=request.user):
            raise exceptions.PermissionDenied(
                "Only the case's allocated inspector or the inspection's lead may change "
                "its answers."
            )
        expected = self._expected_version(request)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = answer_record(
                case=case,
                question=question,
                by=request.user,
                expected_version=0 if expected is None else expected,
                source="api",
                **data.validated_data,
            )
        except StaleWriteError as exc:
            current = getattr(exc, "current", None)
            headers = {"ETag": answer_etag(current)}
            if expected is None:
                raise _with_headers(
                    PreconditionRequired(
                        f"{question.code} has already been answered on this case: send "
                        f"If-Match: {answer_etag(current)} (after reading it) to change it."
                    ),
                    headers,
                ) from exc
            raise _with_headers(PreconditionFailed(str(exc)), headers) from exc
        created = expected is None or expected == 0
        # Re-read with who answered joined in (the service returns the bare row).
        stored = case_answer_find(case=case, question=question) or answer
        return Response(
            AnswerSerializer(stored).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"ETag": answer_etag(stored)},
        )

    @staticmethod
    def _expected_version(request: Request) -> int | None:
        raw = request.headers.get("If-Match")
        if raw is None or not raw.strip():
            return None
        match = _ETAG.match(raw.strip())
        if match is None:
            raise exceptions.ValidationError(
                {"If-Match": [f'Send one ETag as read from this answer, like "v3" (got {raw!r}).']}
            )
        return int(match.group(1))


def _with_headers(exc: exceptions.APIException, headers: dict[str, str]) -> Any:
    # DRF's exception handler copies `auth_header` and `wait`; other headers ride on the
    # exception and are added by the API's handler.
    exc.headers = headers  # type: ignore[attr-defined]
    return exc


class _ExportView(APIView):
    """Exports answer every Accept header with their file type; errors are JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        from rest_framework.renderers import JSONRenderer

        renderer = JSONRenderer()
        return (renderer, renderer.media_type)


def _export_responses(media_type: str, description: str) -> dict[Any, Any]:
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        **{(code, "application/json"): response for code, response in schema.READ_ERRORS.items()},
    }


_ANSWERS_DESCRIPTION = (
    "One row per case you may see (the lead and API clients: every case), the case profile "
    "then one column per question code: yes, no, na, or empty when unanswered."
)
_SCORES_DESCRIPTION = (
    "Every question's score overall (breakdown 'all') and in each PDU, MAPPA and RoSH group, "
    "as the scores endpoint gives them."
)


@extend_schema(tags=["exports"], responses=_export_responses("text/csv", _ANSWERS_DESCRIPTION))
class AnswersCsvExportView(_ExportView):
    """Case-level answers as CSV (UTF-8), streamed."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return exports.csv_response(
            exports.answers_rows(inspection=inspection, user=request.user),
            filename=f"{inspection.slug}-answers.csv",
        )


@extend_schema(
    tags=["exports"], responses=_export_responses(exports.XLSX_TYPE, _ANSWERS_DESCRIPTION)
)
class AnswersXlsxExportView(_ExportView):
    """Case-level answers as an Excel workbook."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return exports.xlsx_response(
            exports.answers_rows(inspection=inspection, user=request.user),
            filename=f"{inspection.slug}-answers.xlsx",
            sheet="Answers",
        )


@extend_schema(tags=["exports"], responses=_export_responses("text/csv", _SCORES_DESCRIPTION))
class ScoresCsvExportView(_ExportView):
    """The scores table as CSV (UTF-8)."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return exports.csv_response(
            exports.scores_rows(inspection=inspection), filename=f"{inspection.slug}-scores.csv"
        )


@extend_schema(
    tags=["exports"], responses=_export_responses(exports.XLSX_TYPE, _SCORES_DESCRIPTION)
)
class ScoresXlsxExportView(_ExportView):
    """The scores table as an Excel workbook."""

    def get(self, request: Request, slug: str) -> Any:
        inspection = inspection_visible_get(user=request.user, slug=slug)
        return exports.xlsx_response(
            exports.scores_rows(inspection=inspection),
            filename=f"{inspection.slug}-scores.xlsx",
            sheet="Scores",
        )
