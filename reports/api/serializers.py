"""Output serializers of the report API (builds start with a POST; versions publish on the web)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from reports.models import ReportBuild, ReportVersion


class FilesSerializer(serializers.Serializer):
    html = serializers.CharField(allow_null=True)
    pdf = serializers.CharField(allow_null=True)


class ReportBuildSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()
    replaces = serializers.IntegerField(
        source="replaces_id",
        read_only=True,
        allow_null=True,
        help_text="The stalled build this one replaced, if any.",
    )

    class Meta:
        model = ReportBuild
        fields = [
            "id",
            "status",
            "step",
            "error",
            "attempts",
            "requested_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "replaces",
            "framework_slug",
            "framework_version",
            "data_sha256",
            "built_at",
            "html_seconds",
            "pdf_seconds",
            "files",
        ]
        read_only_fields = fields

    def get_files(self, build: ReportBuild) -> dict[str, Any]:
        if build.status != ReportBuild.Status.SUCCEEDED:
            return {"html": None, "pdf": None}
        request = self.context["request"]
        slug = self.context["slug"]
        return {
            kind: request.build_absolute_uri(
                reverse("api-report-build-file", args=[slug, build.pk, kind])
            )
            for kind in ("html", "pdf")
        }


class ReportVersionSerializer(serializers.ModelSerializer):
    build = serializers.IntegerField(source="build_id", read_only=True)
    published_by = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReportVersion
        fields = [
            "number",
            "build",
            "published_at",
            "published_by",
            "framework_slug",
            "framework_version",
            "data_sha256",
            "built_at",
            "html_sha256",
            "pdf_sha256",
            "files",
        ]
        read_only_fields = fields

    def get_published_by(self, version: ReportVersion) -> str | None:
        user = version.published_by
        return None if user is None else user.get_username()

    def get_files(self, version: ReportVersion) -> dict[str, str]:
        request = self.context["request"]
        slug = self.context["slug"]
        return {
            kind: request.build_absolute_uri(
                reverse("api-report-version-file", args=[slug, version.number, kind])
            )
            for kind in ("html", "pdf")
        }
