"""Serializers of the inspection resources: explicit output serializers, and one input
serializer per write (the services validate; these only parse)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.concurrency import etag
from inspections.models import (
    PDU,
    ContextFact,
    Framework,
    Inspection,
    Question,
    Recommendation,
    Region,
)


class RegionSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class FrameworkSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    version = serializers.IntegerField()
    title = serializers.CharField()


class InspectionSerializer(serializers.ModelSerializer):
    region = RegionSummarySerializer()
    framework = FrameworkSummarySerializer()
    etag = serializers.SerializerMethodField(
        help_text="Send it back as If-Match to change the inspection's details."
    )
    available_at = serializers.CharField(
        help_text="Where the published report will be available (a web address), or empty."
    )

    class Meta:
        model = Inspection
        fields = (
            "slug",
            "title",
            "region",
            "framework",
            "status",
            "case_window_start",
            "case_window_end",
            "fieldwork_start",
            "fieldwork_end",
            "publication_date",
            "available_at",
            "no_context_facts",
            "version",
            "etag",
        )
        read_only_fields = fields

    def get_etag(self, inspection: Inspection) -> str:
        return etag(inspection.version)


class InspectionCreateSerializer(serializers.Serializer):
    """As the create page: you become the inspection's lead."""

    title = serializers.CharField(max_length=200)
    region = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.all(), help_text="The region's slug."
    )
    framework = serializers.SlugField(help_text="The framework's slug, e.g. dipp.")
    framework_version = serializers.IntegerField(
        required=False, min_value=1, help_text="Default: the latest version of the framework."
    )
    case_window_start = serializers.DateField()
    case_window_end = serializers.DateField()
    slug = serializers.SlugField(
        max_length=60, required=False, default="", help_text="Default: made from the title."
    )
    fieldwork_start = serializers.DateField(required=False, allow_null=True, default=None)
    fieldwork_end = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        frameworks = Framework.objects.filter(slug=attrs["framework"]).order_by("-version")
        if "framework_version" in attrs:
            frameworks = frameworks.filter(version=attrs.pop("framework_version"))
        framework = frameworks.first()
        if framework is None:
            raise serializers.ValidationError({"framework": ["No such framework (or version)."]})
        attrs["framework"] = framework
        return attrs


class InspectionUpdateSerializer(serializers.Serializer):
    """The inspection's details: send only what changes, with If-Match."""

    title = serializers.CharField(max_length=200, required=False)
    case_window_start = serializers.DateField(required=False)
    case_window_end = serializers.DateField(required=False)
    fieldwork_start = serializers.DateField(required=False, allow_null=True)
    fieldwork_end = serializers.DateField(required=False, allow_null=True)
    publication_date = serializers.DateField(required=False, allow_null=True)
    available_at = serializers.URLField(required=False, allow_blank=True, max_length=300)


class PDUSerializer(serializers.ModelSerializer):
    class Meta:
        model = PDU
        fields = ("code", "name")
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code",
        allow_null=True,
        default=None,
        help_text="The code of the key question a prompt belongs to.",
    )

    class Meta:
        model = Question
        fields = (
            "code",
            "text",
            "kind",
            "parent",
            "area",
            "topic",
            "question_set",
            "na_allowed",
            "applies_when",
            "order",
        )
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True)

    class Meta:
        model = Framework
        fields = ("slug", "version", "title", "source", "licence", "questions")
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ("addressee", "number", "text")
        read_only_fields = fields


class ContextFactSerializer(serializers.ModelSerializer):
    etag = serializers.SerializerMethodField(help_text="Send it back as If-Match to change it.")

    class Meta:
        model = ContextFact
        fields = ("order", "group", "label", "value", "as_at", "source", "id", "version", "etag")
        read_only_fields = fields

    def get_etag(self, fact: ContextFact) -> str:
        return etag(fact.version)


class ContextFactInputSerializer(serializers.Serializer):
    """A fact's text (the service checks it). `order` moves it (1 = first)."""

    label = serializers.CharField(max_length=300, required=False, allow_blank=True)
    value = serializers.CharField(max_length=100, required=False, allow_blank=True)
    as_at = serializers.CharField(max_length=100, required=False, allow_blank=True)
    group = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(required=False, min_value=1)


class BaselineFigureSerializer(serializers.Serializer):
    question_code = serializers.CharField(max_length=20)
    relevant = serializers.IntegerField(min_value=0, max_value=10_000_000)
    yes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000
    )
    percent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="A published percentage of `relevant` (instead of `yes`).",
    )


class BaselineInputSerializer(serializers.Serializer):
    previous = serializers.SlugField(
        required=False, allow_blank=True, help_text="An earlier inspection, by slug."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    year = serializers.IntegerField(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=300)
    figures = BaselineFigureSerializer(many=True, required=False)


class BaselineOutputFigureSerializer(serializers.Serializer):
    question_code = serializers.CharField()
    yes = serializers.IntegerField()
    relevant = serializers.IntegerField()
    published_percent = serializers.IntegerField(allow_null=True)


class BaselineDetailSerializer(serializers.Serializer):
    previous = serializers.SlugField(source="previous.slug", allow_null=True, default=None)
    previous_title = serializers.CharField(source="previous.title", allow_null=True, default=None)
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    figures = BaselineOutputFigureSerializer(many=True, source="figures.all")


class BaselineSerializer(serializers.Serializer):
    baseline = BaselineDetailSerializer(
        allow_null=True, help_text="null when the inspection has no baseline."
    )
