"""The report API: builds and published versions of an inspection's report, and their files.

Every view finds the inspection through inspections.access: someone who may not see the
inspection gets 404, whatever they ask for. Builds are drafts: only the inspection's lead (or an
administrator) sees them, as on the web pages (403 for the rest of its team and its API
clients). Published versions are the report itself: everyone who may see the inspection, API
clients included, may read them.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from inspections.access import require_lead, require_person, standing_get
from inspections.models import Inspection
from reports.api.serializers import ReportBuildSerializer, ReportVersionSerializer
from reports.models import ReportBuild
from reports.selectors import builds_of, versions_of
from reports.services import build_start, media_path

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
