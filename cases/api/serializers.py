"""Explicit output serializers (cases, answers) and the one input serializer (an answer)."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import MAX_RATIONALE_LENGTH, MAX_REASON_LENGTH, Answer, Case
from inspections.api.serializers import PDUSerializer


def answer_etag(answer: Answer | None) -> str:
    """The entity tag of an answer: its version ("v0": not answered yet)."""
    return f'"v{answer.version if answer is not None else 0}"'


class CaseSerializer(serializers.ModelSerializer):
    pdu = PDUSerializer()
    inspector = serializers.CharField(
        source="inspector.username",
        allow_null=True,
        default=None,
        help_text="Username of the allocated inspector.",
    )

    class Meta:
        model = Case
        fields = (
            "reference",
            "pdu",
            *Case.PROFILE_ATTRIBUTES,
            "inspector",
            "status",
            "version",
            "updated_at",
        )
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", help_text="The question's code.")
    answered_by = serializers.CharField(
        source="answered_by.username", allow_null=True, default=None
    )
    etag = serializers.SerializerMethodField(
        help_text="Send it back as If-Match to change this answer."
    )

    class Meta:
        model = Answer
        fields = ("question", "value", "rationale", "answered_by", "answered_at", "version", "etag")
        read_only_fields = fields

    def get_etag(self, answer: Answer) -> str:
        return answer_etag(answer)


class AnswerInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(
        choices=Answer.Value.choices, help_text="yes, no or na (not applicable, where allowed)."
    )
    # Lengths and every other rule are the answer service's (the one validator): its errors
    # come back as 400s keyed by these field names.
    rationale = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=True,
        help_text=f"At most {MAX_RATIONALE_LENGTH:,} characters.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the answer changes: needed once the case has been submitted "
        f"(at most {MAX_REASON_LENGTH:,} characters).",
    )
