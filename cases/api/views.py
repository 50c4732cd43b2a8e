"""Case and answer resources: thin views over cases.selectors and cases.services, with access
decided by cases.access (the rules the web pages use)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import etag, not_modified, with_etag
from api.exceptions import PreconditionFailed, PreconditionRequired
from api.pagination import Pagination
from api.schema import ok
from api.views import ExportView
from cases.access import case_get, cases_visible, require_answer_write
from cases.api import exports
from cases.api.filters import CaseFilter
from cases.api.serializers import (
    AnswerInputSerializer,
    AnswerSerializer,
    CaseAllocationSerializer,
    CaseSerializer,
    answer_etag,
)
from cases.api.workflow import case_allocation_update
from cases.models import Case
from cases.selectors import case_answer_find, case_answers, case_question_get
from cases.services import StaleWriteError, answer_record
from core.db_router import read_alias
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from inspections.access import standing_get

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,9})"$')

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read (e.g. "v3"). Needed to change an existing answer; leave it '
    "out to give a first answer. A stale one gets 412 and nothing is written.",
)


# The filters as CaseFilter parses them (drf-spectacular infers them from the model fields
# underneath: a boolean with string values, an integer for "unallocated").
CASE_FILTER_PARAMETERS = [
    OpenApiParameter(
        "mappa_eligible",
        OpenApiTypes.BOOL,
        description="true: MAPPA-eligible cases; false: the others.",
    ),
    OpenApiParameter(
        "unallocated",
        OpenApiTypes.BOOL,
        description="true: cases with no inspector; false: allocated cases.",
    ),
    OpenApiParameter(
        "mappa_level",
        OpenApiTypes.INT,
        enum=[level.value for level in Case.MappaLevel],
        description="MAPPA level (1 to 3).",
    ),
]


@extend_schema(
    tags=["cases"],
    parameters=CASE_FILTER_PARAMETERS,
    responses={200: ok(CaseSerializer, "A page of cases."), **schema.LIST_ERRORS},
)
class CaseListView(generics.ListAPIView[Case]):
    """The inspection's cases you may see: filtered, ordered (default: reference), paginated.

    A lead and API clients see every case; an inspector the cases allocated to them.
    """

    serializer_class = CaseSerializer
    pagination_class = Pagination
    filterset_class = CaseFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ("reference", "commenced_on", "rosh", "status", "pdu__name", "updated_at")
    ordering = ("reference",)

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return Case.objects.none()
        standing = standing_get(self.request.user, self.kwargs["slug"])
        return (
            cases_visible(standing)
            .select_related("pdu", "inspector", "second_marker")
            .order_by("reference")
        )


class CaseDetailView(APIView):
    """One case and its profile."""

    @extend_schema(
        tags=["cases"],
        operation_id="cases_retrieve",
        responses={200: ok(CaseSerializer, "The case; ETag header set."), **schema.READ_ERRORS},
    )
    def get(self, request: Request, slug: str, reference: str) -> Response:
        case = case_get(standing_get(request.user, slug), reference)
        return Response(CaseSerializer(case).data, headers={"ETag": etag(case.version)})

    @extend_schema(
        tags=["cases"],
        operation_id="cases_partial_update",
        parameters=[schema.IF_MATCH],
        request=CaseAllocationSerializer,
        responses={
            200: ok(CaseSerializer, "Allocated; new ETag header."),
            400: schema.BAD_REQUEST,
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def patch(self, request: Request, slug: str, reference: str) -> Response:
        """Allocate the case: its `inspector` and `second_marker` (usernames of people on the
        inspection; null clears). The lead, with If-Match."""
        standing = standing_get(request.user, slug)
        case = case_get(standing, reference)
        return case_allocation_update(request, standing, case)


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
        case = case_get(standing_get(request.user, slug), reference)
        return Response(AnswerSerializer(case_answers(case), many=True).data)


class CaseAnswerView(APIView):
    """One answer of one case, addressed by question code."""

    @extend_schema(
        tags=["answers"],
        operation_id="case_answer_retrieve",
        responses={
            200: OpenApiResponse(AnswerSerializer, description="The answer; ETag header set."),
            **schema.READ_ERRORS,
        },
    )
    def get(self, request: Request, slug: str, reference: str, code: str) -> Response:
        case = case_get(standing_get(request.user, slug), reference)
        question = case_question_get(case, code)
        answer = case_answer_find(case, question)
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
                "Not allowed to change this case's answers now (the reason is in `detail`): "
                "only the allocated inspector while the case is with them, the lead after "
                "submission, nobody once published; API client tokens are read-only."
            ),
            404: schema.NOT_FOUND,
            412: schema.error("If-Match is stale: the answer changed. Nothing was written."),
            428: schema.error("The answer exists: send If-Match with its ETag to change it."),
            429: schema.THROTTLED,
        },
    )
    def put(self, request: Request, slug: str, reference: str, code: str) -> Response:
        """Record or change the answer, keeping history (source "api").

        The same rule as the web pages (cases.access): the allocated inspector while the case
        is not started, in progress or returned; after submission only the lead, with a
        `reason`. Refusals are 403 with the reason; a published inspection refuses every write.
        """
        standing = standing_get(request.user, slug)
        case = case_get(standing, reference)
        question = case_question_get(case, code)
        require_answer_write(standing, case)
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
        stored = case_answer_find(case, question) or answer
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


_ANSWERS_DESCRIPTION = (
    "One row per case you may see (the lead and API clients: every case), the case profile "
    "then one column per question code: yes, no, na, or empty when unanswered."
)


@extend_schema(
    tags=["exports"], responses=schema.export_responses("text/csv", _ANSWERS_DESCRIPTION)
)
class AnswersCsvExportView(ExportView):
    """Case-level answers as CSV (UTF-8), streamed."""

    def get(self, request: Request, slug: str) -> Any:
        standing = standing_get(request.user, slug)
        # Read-only and large: from the read replica when there is one (docs/scaling.md).
        using = read_alias()
        tag = exports.answers_etag(standing=standing, kind="csv", using=using)
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        rows = exports.answers_rows(standing=standing, using=using)
        return with_etag(csv_response(rows, filename=f"{slug}-answers.csv"), tag)


@extend_schema(tags=["exports"], responses=schema.export_responses(XLSX_TYPE, _ANSWERS_DESCRIPTION))
class AnswersXlsxExportView(ExportView):
    """Case-level answers as an Excel workbook."""

    def get(self, request: Request, slug: str) -> Any:
        standing = standing_get(request.user, slug)
        # Read-only and large: from the read replica when there is one (docs/scaling.md).
        using = read_alias()
        tag = exports.answers_etag(standing=standing, kind="xlsx", using=using)
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        rows = exports.answers_rows(standing=standing, using=using)
        return with_etag(xlsx_response(rows, filename=f"{slug}-answers.xlsx", sheet="Answers"), tag)
