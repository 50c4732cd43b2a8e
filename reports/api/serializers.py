"""Serializers of the report API: builds, versions, narrative sections, recommendations and the
publication checklist."""

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


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    version = serializers.IntegerField(help_text="0: not written yet.")
    etag = serializers.CharField(help_text="Send it back as If-Match to change the section.")
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="References that cannot be filled from the data yet (the report cannot be "
        "built until they can).",
    )


class SectionInputSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Markdown with data references."
    )


class RecommendationsSerializer(serializers.Serializer):
    addressee = serializers.CharField()
    texts = serializers.ListField(child=serializers.CharField())
    etag = serializers.CharField(help_text="Send it back as If-Match to change them.")


class RecommendationsInputSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(allow_blank=True), help_text="In order; numbered from 1."
    )


class BlockerSerializer(serializers.Serializer):
    message = serializers.CharField()
    place = serializers.CharField(help_text="Where it is put right (a page of the inspection).")


class ChecklistTaskSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    done = serializers.BooleanField()
    blockers = BlockerSerializer(many=True)
