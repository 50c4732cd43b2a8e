"""Output serializers of the inspection resources (read-only: no input through these)."""

from __future__ import annotations

from rest_framework import serializers

from inspections.models import PDU, ContextFact, Framework, Inspection, Question, Recommendation


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
        )
        read_only_fields = fields


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
    class Meta:
        model = ContextFact
        fields = ("order", "group", "label", "value", "as_at", "source")
        read_only_fields = fields
