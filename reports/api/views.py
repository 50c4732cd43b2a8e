"""The report API: builds and published versions of an inspection's report, and their files.

Every view finds the inspection through inspections.access: someone who may not see the
inspection gets 404, whatever they ask for. Builds are drafts: only the inspection's lead (or an
administrator) sees them, as on the web pages (403 for the rest of its team and its API
clients). Published versions are the report itself: everyone who may see the inspection, API
clients included, may read them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import etag, if_match, stale, with_headers
from api.exceptions import NOT_FOUND_MESSAGE, Conflict, PreconditionFailed, PreconditionRequired
from core.exceptions import StaleWriteError
from inspections.access import require_lead, require_person, standing_get
from inspections.models import Inspection, Recommendation
from reports.api.serializers import (
    ChecklistTaskSerializer,
    RecommendationsInputSerializer,
    RecommendationsSerializer,
    ReportBuildSerializer,
    ReportVersionSerializer,
    SectionInputSerializer,
    SectionSerializer,
)
from reports.models import ReportBuild, Section
from reports.selectors import (
    builds_of,
    publication_checklist,
    report_scores,
    sections_of,
    versions_of,
)
from reports.services import (
    PublicationBlockedError,
    StaleEditError,
    build_start,
    media_path,
    recommendations_save,
    recommendations_token,
    report_publish,
    section_check,
    section_save,
)

FILE_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="The HTML report."),
}


def _inspection(request: Request, slug: str) -> Inspection:
    return standing_get(request.user, slug).inspection


def _led_inspection(request: Request, slug: str) -> Inspection:
    """The inspection, for its lead or an administrator (inspections.access)."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "see the report's drafts")
    return standing.inspection


def _file(relative: str, kind: str, filename: str) -> FileResponse:
    if kind not in ("html", "pdf") or not relative:
        raise Http404("No such file")
    path = media_path(relative)
    if not path.is_file():
        raise Http404("The file is missing")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="application/pdf" if kind == "pdf" else "text/html; charset=utf-8",
        filename=filename,
    )
    if kind == "html":
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
        )
    return response


class ReportBuildListView(APIView):
    """Builds (drafts) of the inspection's report, newest first: for its lead only."""

    @extend_schema(responses=ReportBuildSerializer(many=True), operation_id="report_builds_list")
    def get(self, request: Request, slug: str) -> Response:
        inspection = _led_inspection(request, slug)
        builds = builds_of(inspection)
        context = {"request": request, "slug": slug}
        return Response(ReportBuildSerializer(builds, many=True, context=context).data)

    @extend_schema(
        request=None,
        operation_id="report_builds_create",
        responses={
            200: OpenApiResponse(
                ReportBuildSerializer,
                description="A build was already queued or running: that build. Follow it at "
                "its own address.",
            ),
            202: OpenApiResponse(
                ReportBuildSerializer,
                description="A new build, queued (replacing a stalled one, if there was one). "
                "Follow it at its own address.",
            ),
            400: schema.error("A data reference of the narrative cannot be filled yet."),
            503: schema.error(
                "The background task service cannot be reached: nothing was started. Retry later."
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        """Build the report (HTML and PDF), as the lead's "Build the report" button does."""
        standing = standing_get(request.user, slug)
        require_person(standing)
        require_lead(standing, "build the report")
        in_progress = set(
            builds_of(standing.inspection)
            .filter(status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING])
            .values_list("pk", flat=True)
        )
        build = build_start(inspection=standing.inspection, by=request.user)
        context = {"request": request, "slug": slug}
        return Response(
            ReportBuildSerializer(build, context=context).data,
            status=200 if build.pk in in_progress else 202,
        )


class ReportBuildDetailView(APIView):
    """One build: its status and progress step, why it failed, or its files."""

    @extend_schema(responses=ReportBuildSerializer, operation_id="report_builds_retrieve")
    def get(self, request: Request, slug: str, build_id: int) -> Response:
        build = get_object_or_404(builds_of(_led_inspection(request, slug)), pk=build_id)
        context = {"request": request, "slug": slug}
        return Response(ReportBuildSerializer(build, context=context).data)


class ReportBuildFileView(APIView):
    """A finished build's HTML or PDF."""

    @extend_schema(responses=FILE_RESPONSES, operation_id="report_builds_file")
    def get(self, request: Request, slug: str, build_id: int, kind: str) -> FileResponse:
        build = get_object_or_404(
            builds_of(_led_inspection(request, slug)),
            pk=build_id,
            status=ReportBuild.Status.SUCCEEDED,
        )
        relative = build.pdf_file if kind == "pdf" else build.html_file
        return _file(relative, kind, f"{slug}-build-{build.pk}.{kind}")


class ReportVersionListView(APIView):
    """Published versions of the report, newest first, each with its manifest and file hashes."""

    @extend_schema(
        responses=ReportVersionSerializer(many=True), operation_id="report_versions_list"
    )
    def get(self, request: Request, slug: str) -> Response:
        versions = versions_of(_inspection(request, slug))
        context = {"request": request, "slug": slug}
        return Response(ReportVersionSerializer(versions, many=True, context=context).data)

    @extend_schema(
        request=None,
        responses={201: ReportVersionSerializer, 409: schema.CONFLICT},
        operation_id="report_versions_create",
    )
    def post(self, request: Request, slug: str) -> Response:
        """Publish the latest build as the next version (the lead). Refused with 409 and the
        checklist's open items until the report is ready, or when the build is out of date."""
        return _publish(request, slug)


class ReportVersionDetailView(APIView):
    """One published version: its number, manifest (framework version, case-data hash, build
    time), the SHA-256 of each file and links to them. A published version never changes."""

    @extend_schema(responses=ReportVersionSerializer, operation_id="report_versions_retrieve")
    def get(self, request: Request, slug: str, number: int) -> Response:
        version = get_object_or_404(versions_of(_inspection(request, slug)), number=number)
        context = {"request": request, "slug": slug}
        return Response(ReportVersionSerializer(version, context=context).data)


class ReportVersionFileView(APIView):
    """A published version's HTML or PDF, byte for byte as published."""

    @extend_schema(responses=FILE_RESPONSES, operation_id="report_versions_file")
    def get(self, request: Request, slug: str, number: int, kind: str) -> FileResponse:
        version = get_object_or_404(versions_of(_inspection(request, slug)), number=number)
        relative = version.pdf_file if kind == "pdf" else version.html_file
        return _file(relative, kind, f"{slug}-report-v{version.number}.{kind}")


# -- writing, building and publishing through the API (the same services as the pages) ---------


def _section_payload(inspection: Inspection, key: str) -> dict[str, Any]:
    section = sections_of(inspection)[key]
    label = dict(Section.choices)[key]
    body = section.body if section else ""
    version = section.version if section else 0
    return {
        "key": key,
        "title": label,
        "body": body,
        "version": version,
        "etag": etag(version),
        "problems": [str(p) for p in section_check(inspection=inspection, key=key, body=body)],
    }


def _section_key(key: str) -> str:
    if key not in Section.values:
        raise exceptions.NotFound(NOT_FOUND_MESSAGE)
    return key


class ReportSectionListView(APIView):
    @extend_schema(
        tags=["report"],
        operation_id="report_sections_list",
        responses={200: SectionSerializer(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        """The narrative sections in report order (written or not): the lead's drafts."""
        inspection = _led_inspection(request, slug)
        return Response([_section_payload(inspection, key) for key in Section.values])


class ReportSectionView(APIView):
    @extend_schema(
        tags=["report"],
        operation_id="report_section_retrieve",
        summary="One editable section of the report, with the ETag to send back in If-Match",
        responses={200: SectionSerializer},
    )
    def get(self, request: Request, slug: str, key: str) -> Response:
        inspection = _led_inspection(request, slug)
        payload = _section_payload(inspection, _section_key(key))
        return Response(payload, headers={"ETag": payload["etag"]})

    @extend_schema(
        tags=["report"],
        operation_id="report_section_update",
        parameters=[schema.IF_MATCH],
        request=SectionInputSerializer,
        responses={
            200: SectionSerializer,
            400: schema.BAD_REQUEST,
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def put(self, request: Request, slug: str, key: str) -> Response:
        """Write a section (Markdown with data references such as {{percent C2}}). If-Match
        with its ETag ("v0" for a section not yet written); a malformed or unknown reference is
        a 400 naming it."""
        inspection = _led_inspection(request, slug)
        key = _section_key(key)
        expected = if_match(request, what="the section")
        data = SectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            section_save(
                inspection=inspection,
                key=key,
                body=data.validated_data["body"],
                expected_version=expected if expected is not None else -1,
                by=request.user,
            )
        except StaleEditError as exc:
            current = sections_of(inspection)[key]
            raise stale(
                StaleWriteError(" ".join(exc.messages), current=current),
                current.version if current else 0,
            ) from exc
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            raise exceptions.ValidationError({"body": exc.messages}) from exc
        payload = _section_payload(inspection, key)
        return Response(payload, headers={"ETag": payload["etag"]})


def _recommendations_etag(inspection: Inspection, addressee: str) -> str:
    return f'"{recommendations_token(inspection, addressee)}"'


def _addressee(addressee: str) -> str:
    if addressee not in Recommendation.Addressee.values:
        raise exceptions.NotFound(NOT_FOUND_MESSAGE)
    return addressee


class ReportRecommendationsView(APIView):
    @extend_schema(
        tags=["report"],
        operation_id="report_recommendations_retrieve",
        responses={200: RecommendationsSerializer},
    )
    def get(self, request: Request, slug: str, addressee: str) -> Response:
        """One addressee's recommendations (region or hmpps), in order, with their ETag."""
        inspection = _led_inspection(request, slug)
        addressee = _addressee(addressee)
        tag = _recommendations_etag(inspection, addressee)
        texts = list(
            inspection.recommendations.filter(addressee=addressee)
            .order_by("number")
            .values_list("text", flat=True)
        )
        return Response(
            {"addressee": addressee, "texts": texts, "etag": tag}, headers={"ETag": tag}
        )

    @extend_schema(
        tags=["report"],
        operation_id="report_recommendations_update",
        parameters=[schema.IF_MATCH],
        request=RecommendationsInputSerializer,
        responses={
            200: RecommendationsSerializer,
            400: schema.BAD_REQUEST,
            412: schema.STALE,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def put(self, request: Request, slug: str, addressee: str) -> Response:
        """Replace one addressee's recommendations, numbered in the order given (If-Match with
        the ETag you read)."""
        inspection = _led_inspection(request, slug)
        addressee = _addressee(addressee)
        raw = (request.headers.get("If-Match") or "").strip()
        if not raw:
            raise PreconditionRequired(
                "Send If-Match with the ETag you read from the recommendations (GET them first)."
            )
        data = RecommendationsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            recommendations_save(
                inspection=inspection,
                addressee=addressee,
                texts=data.validated_data["texts"],
                expected_token=raw.removeprefix("W/").strip('"'),
                by=request.user,
            )
        except StaleEditError as exc:
            raise with_headers(
                PreconditionFailed(" ".join(exc.messages)),
                {"ETag": _recommendations_etag(inspection, addressee)},
            ) from exc
        return self.get(request, slug, addressee)


class ReportChecklistView(APIView):
    @extend_schema(
        tags=["report"],
        operation_id="report_checklist",
        responses={200: ChecklistTaskSerializer(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        """Ready to publish? Every task, done or not, with what is left (the page's checklist)."""
        inspection = _led_inspection(request, slug)
        tasks = publication_checklist(inspection, report_scores(inspection))
        return Response(
            [
                {
                    "key": t.key,
                    "title": t.title,
                    "done": t.done,
                    "blockers": [{"message": b.message, "place": b.place} for b in t.blockers],
                }
                for t in tasks
            ]
        )


def _publish(request: Request, slug: str) -> Response:
    inspection = _led_inspection(request, slug)
    try:
        version = report_publish(inspection=inspection, by=request.user)
    except PublicationBlockedError as exc:
        raise Conflict(
            "The report is not ready to publish: see what is left.",
            field="checklist",
            reasons=[b.message for b in exc.blockers],
        ) from exc
    except ValidationError as exc:
        raise Conflict(" ".join(exc.messages), field="build", reasons=exc.messages) from exc
    context = {"request": request, "slug": slug}
    return Response(ReportVersionSerializer(version, context=context).data, status=201)
