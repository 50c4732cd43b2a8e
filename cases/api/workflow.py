"""The inspection's work through the API, as on the pages and through the same services: the
team, the lifecycle, the case list import, allocation, submission, moderation and sampling."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import etag, if_match, stale
from api.exceptions import NOT_FOUND_MESSAGE, Conflict
from cases.access import case_get
from cases.api.serializers import (
    CaseAllocationSerializer,
    CaseImportJobSerializer,
    CaseImportLineErrorSerializer,
    CaseSerializer,
    MemberInputSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    ModerationInputSerializer,
    SampleInputSerializer,
    SampleSerializer,
    StatusMoveSerializer,
)
from cases.models import Case, CaseImport, ModerationSample
from cases.selectors import case_questions
from cases.services import (
    CsvImportError,
    IncompleteCaseError,
    PageStaleError,
    StaleWriteError,
    StepBlockedError,
    Verdict,
    case_moderate,
    case_submit,
    cases_allocate,
    cases_import_csv,
    csv_import_is_large,
    csv_import_start,
    inspection_move,
    member_add,
    member_change_role,
    member_remove,
    moderation_sample_draw,
    page_field,
)
from core.typing import User
from inspections.access import Standing, require_lead, require_manage, standing_get
from inspections.api.serializers import InspectionSerializer
from inspections.models import Inspection, Membership
from inspections.selectors import inspection_members

MAX_IMPORT_BYTES = 5 * 1024 * 1024


# -- the team ----------------------------------------------------------------------------------


def _members(inspection: Inspection) -> QuerySet[Membership]:
    return inspection_members(inspection)


class MemberListView(APIView):
    """The inspection's team (the lead's)."""

    @extend_schema(
        tags=["team"],
        operation_id="members_list",
        responses={200: schema.ok(MemberSerializer(many=True), "The team, leads first.")},
    )
    def get(self, request: Request, slug: str) -> Response:
        standing = standing_get(request.user, slug)
        require_lead(standing, "see the team")
        return Response(MemberSerializer(_members(standing.inspection), many=True).data)

    @extend_schema(
        tags=["team"],
        operation_id="members_create",
        request=MemberInputSerializer,
        responses={201: schema.ok(MemberSerializer, "Added."), 400: schema.BAD_REQUEST},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Add someone already registered (by username or email) as lead or inspector."""
        standing = standing_get(request.user, slug)
        require_manage(standing, "change the team")
        data = MemberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = member_add(
            inspection=standing.inspection,
            identifier=data.validated_data["username"],
            role=data.validated_data["role"],
            by=request.user,
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    """One team member: change their role, or take them off the team."""

    def _member(self, standing: Standing, username: str) -> Membership:
        membership = _members(standing.inspection).filter(user__username=username).first()
        if membership is None:
            raise exceptions.NotFound(NOT_FOUND_MESSAGE)
        return membership

    @extend_schema(
        tags=["team"],
        operation_id="members_partial_update",
        request=MemberRoleSerializer,
        responses={200: schema.ok(MemberSerializer, "Role changed."), 400: schema.BAD_REQUEST},
    )
    def patch(self, request: Request, slug: str, username: str) -> Response:
        standing = standing_get(request.user, slug)
        require_manage(standing, "change the team")
        membership = self._member(standing, username)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = member_change_role(
            inspection=standing.inspection,
            user=membership.user,
            role=data.validated_data["role"],
            by=request.user,
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        tags=["team"],
        operation_id="members_destroy",
        responses={
            204: OpenApiResponse(description="Removed from the team."),
            400: schema.error("Refused: they still hold unfinished cases, or are the only lead."),
        },
    )
    def delete(self, request: Request, slug: str, username: str) -> Response:
        standing = standing_get(request.user, slug)
        require_manage(standing, "change the team")
        membership = self._member(standing, username)
        member_remove(inspection=standing.inspection, user=membership.user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- the lifecycle -----------------------------------------------------------------------------


class InspectionStatusView(APIView):
    @extend_schema(
        tags=["inspections"],
        operation_id="inspection_status_move",
        request=StatusMoveSerializer,
        responses={
            200: schema.ok(InspectionSerializer, "Moved."),
            400: schema.BAD_REQUEST,
            409: schema.CONFLICT,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Move the inspection one step on (set-up -> fieldwork -> moderation -> reporting;
        409 with what stops it) or one step back (with a `reason`). Publishing is the report's
        (POST .../report/versions/)."""
        standing = standing_get(request.user, slug)
        require_manage(standing, "move the inspection on")
        data = StatusMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            inspection = inspection_move(
                inspection=standing.inspection,
                to=data.validated_data["status"],
                by=request.user,
                reason=data.validated_data["reason"],
            )
        except StepBlockedError as exc:
            label = Inspection.Status(exc.target).label.lower()
            raise Conflict(
                f"The inspection cannot move to {label} yet.",
                field="status",
                reasons=[b.message for b in exc.blockers],
            ) from exc
        return Response(InspectionSerializer(inspection).data)


# -- cases: import, allocation, submission, moderation -----------------------------------------


class CsvParser(BaseParser):
    """A case list sent as the request body (text/csv): handed on as bytes."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return {"raw": stream.read(MAX_IMPORT_BYTES + 1)}


class CaseImportView(APIView):
    parser_classes = [CsvParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=["cases"],
        operation_id="cases_import",
        request={
            "text/csv": OpenApiTypes.STR,
            "multipart/form-data": inline_serializer(
                "CaseImportUpload", fields={"file": serializers.FileField()}
            ),
        },
        responses={
            201: inline_serializer(
                "CaseImportResult", fields={"created": serializers.IntegerField()}
            ),
            202: OpenApiResponse(
                CaseImportJobSerializer,
                description="A large file (over CSV_IMPORT_BACKGROUND_LINES lines), queued as a "
                "background import: follow it at the Location header's address.",
            ),
            503: schema.error(
                "A large file, and the background task service cannot be reached: nothing was "
                "imported. Retry later."
            ),
            400: OpenApiResponse(
                description="Nothing imported: every bad line, by number.",
                response=inline_serializer(
                    "CaseImportErrors",
                    fields={
                        "detail": serializers.CharField(),
                        "code": serializers.CharField(),
                        "errors": CaseImportLineErrorSerializer(many=True),
                    },
                ),
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Import a case list: the page's columns and rule (all or nothing, every bad line
        reported). The CSV as the body (text/csv), or as a multipart file `file`."""
        standing = standing_get(request.user, slug)
        require_manage(standing, "import cases")
        body = request.data if isinstance(request.data, dict) else {}
        raw: bytes | None = body.get("raw")
        if raw is None:
            upload = body.get("file")
            raw = upload.read(MAX_IMPORT_BYTES + 1) if upload is not None else None
        if not raw:
            return _import_refused(
                [(0, "Send the CSV as the body (text/csv) or as a multipart file `file`.")]
            )
        if len(raw) > MAX_IMPORT_BYTES:
            return _import_refused([(0, "The file must be smaller than 5 MB.")])
        if csv_import_is_large(raw):
            # As the import page does: checked and imported by a worker, followed at its address.
            job = csv_import_start(inspection=standing.inspection, raw=raw, by=request.user)
            location = reverse("api-case-import-job", args=[slug, job.pk])
            return Response(
                CaseImportJobSerializer(job).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": request.build_absolute_uri(location)},
            )
        try:
            created = cases_import_csv(inspection=standing.inspection, raw=raw, by=request.user)
        except CsvImportError as exc:
            return _import_refused(exc.problems)
        return Response({"created": len(created)}, status=status.HTTP_201_CREATED)


class CaseImportJobView(APIView):
    @extend_schema(
        tags=["cases"],
        operation_id="cases_import_job_retrieve",
        summary="A background case import: its status, progress and, if refused, its problems",
        responses={200: schema.ok(CaseImportJobSerializer, "The import as it stands.")},
    )
    def get(self, request: Request, slug: str, job_id: int) -> Response:
        standing = standing_get(request.user, slug)
        require_lead(standing, "follow a case import")
        job = get_object_or_404(
            CaseImport.objects.filter(inspection=standing.inspection), pk=job_id
        )
        return Response(CaseImportJobSerializer(job).data)


def _import_refused(problems: list[tuple[int, str]]) -> Response:
    """The import's documented 400: every problem by line (0: the file as a whole)."""
    n = len(problems)
    return Response(
        {
            "detail": f"The file has {n} problem{'s' if n != 1 else ''}: no cases were imported.",
            "code": "invalid",
            "errors": [{"line": line, "message": msg} for line, msg in problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _member_by_username(inspection: Inspection, username: str | None, field: str) -> User | None:
    if username is None or username == "":
        return None
    user = User.objects.filter(username=username, memberships__inspection=inspection).first()
    if user is None:
        raise exceptions.ValidationError({field: [f"{username} is not on this inspection."]})
    return user


def case_allocation_update(request: Request, standing: Standing, case: Case) -> Response:
    """PATCH of a case: its inspector and second marker (the lead; If-Match)."""
    require_manage(standing, "allocate cases")
    expected = if_match(request, what="the case")
    if expected != case.version:
        raise stale(
            StaleWriteError(
                "The case changed since you read it: nothing was written.", current=case
            ),
            case.version,
        )
    data = CaseAllocationSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    inspector = (
        _member_by_username(standing.inspection, values["inspector"], "inspector")
        if "inspector" in values
        else case.inspector
    )
    second_marker = (
        _member_by_username(standing.inspection, values["second_marker"], "second_marker")
        if "second_marker" in values
        else case.second_marker
    )
    cases_allocate(
        inspection=standing.inspection,
        case_ids=[case.pk],
        inspector=inspector,
        second_marker=second_marker,
        set_second_marker=True,
        by=request.user,
    )
    fresh = case_get(standing, case.reference)
    return Response(CaseSerializer(fresh).data, headers={"ETag": etag(fresh.version)})


class CaseSubmitView(APIView):
    @extend_schema(
        tags=["cases"],
        operation_id="case_submit",
        request=None,
        responses={
            200: schema.ok(CaseSerializer, "Submitted for moderation."),
            400: schema.error("Incomplete: `errors` names each missing answer or rationale."),
        },
    )
    def post(self, request: Request, slug: str, reference: str) -> Response:
        """Submit the case for moderation (its allocated inspector): every applicable question
        answered, a rationale for every judgement and every No on a prompt."""
        standing = standing_get(request.user, slug)
        case = case_get(standing, reference)
        try:
            submitted = case_submit(case=case, by=request.user)
        except IncompleteCaseError as exc:
            errors: dict[str, list[str]] = {}
            for p in exc.problems:
                errors.setdefault(page_field(p.question, p.field), []).append(p.message)
            raise exceptions.ValidationError(errors) from exc
        fresh = case_get(standing, submitted.reference)
        return Response(CaseSerializer(fresh).data, headers={"ETag": etag(fresh.version)})


class CaseModerationView(APIView):
    @extend_schema(
        tags=["cases"],
        operation_id="case_moderate",
        request=ModerationInputSerializer,
        responses={
            200: schema.ok(CaseSerializer, "Recorded: moderated, or returned to its inspector."),
            400: schema.BAD_REQUEST,
            412: schema.error("An answer changed after the version you read: nothing recorded."),
        },
    )
    def post(self, request: Request, slug: str, reference: str) -> Response:
        """Agree or disagree with each key-question judgement of a submitted case (the lead or
        its second marker, never its own inspector). Send each answer's `version` as read."""
        standing = standing_get(request.user, slug)
        case = case_get(standing, reference)
        data = ModerationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        questions = {q.code: q for q in case_questions(case)}
        verdicts = []
        for item in data.validated_data["verdicts"]:
            question = questions.get(item["question"])
            if question is None:
                raise exceptions.ValidationError(
                    {"verdicts": [f"{item['question']} is not a question of this case."]}
                )
            verdicts.append(
                Verdict(
                    question,
                    item["agrees"],
                    item["value"],
                    item["comment"],
                    item["version"],
                )
            )
        try:
            moderated = case_moderate(case=case, by=request.user, verdicts=verdicts)
        except PageStaleError as exc:
            codes = ", ".join(c.question.code for c in exc.conflicts)
            raise stale(
                StaleWriteError(
                    f"{codes} changed after the version you read: nothing was recorded. Read "
                    "the answers again.",
                    current=None,
                ),
                None,
            ) from exc
        fresh = case_get(standing, moderated.reference)
        return Response(CaseSerializer(fresh).data, headers={"ETag": etag(fresh.version)})


class ModerationSampleView(APIView):
    @extend_schema(
        tags=["cases"],
        operation_id="moderation_samples_list",
        summary="The moderation samples drawn for this inspection (lead inspectors only)",
        responses={200: schema.ok(SampleSerializer(many=True), "The samples drawn, newest first.")},
    )
    def get(self, request: Request, slug: str) -> Response:
        standing = standing_get(request.user, slug)
        require_lead(standing, "see the moderation samples")
        samples = (
            ModerationSample.objects.filter(inspection=standing.inspection)
            .select_related("drawn_by")
            .prefetch_related("cases__case")
            .order_by("-drawn_at")
        )
        return Response(SampleSerializer(samples, many=True).data)

    @extend_schema(
        tags=["cases"],
        operation_id="moderation_samples_create",
        request=SampleInputSerializer,
        responses={201: schema.ok(SampleSerializer, "Drawn."), 400: schema.BAD_REQUEST},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Draw `share` per cent of each inspector's submitted cases (seeded, stratified by
        RoSH and MAPPA), each with a second marker who is not its own inspector."""
        standing = standing_get(request.user, slug)
        require_manage(standing, "draw a moderation sample")
        data = SampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sample = moderation_sample_draw(
            inspection=standing.inspection,
            share=data.validated_data["share"],
            seed=data.validated_data["seed"],
            by=request.user,
        )
        return Response(SampleSerializer(sample).data, status=status.HTTP_201_CREATED)


__all__ = [
    "CaseImportView",
    "CaseModerationView",
    "CaseSubmitView",
    "InspectionStatusView",
    "MemberDetailView",
    "MemberListView",
    "ModerationSampleView",
    "case_allocation_update",
]
