"""Explicit output serializers (cases, answers) and the one input serializer (an answer)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    MAX_RATIONALE_LENGTH,
    MAX_REASON_LENGTH,
    Answer,
    Case,
    CaseImport,
    ModerationSample,
)
from inspections.api.serializers import PDUSerializer
from inspections.models import Inspection, Membership


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
    second_marker = serializers.CharField(
        source="second_marker.username",
        allow_null=True,
        default=None,
        help_text="Username of the second marker (null: the lead moderates).",
    )

    class Meta:
        model = Case
        fields = (
            "reference",
            "pdu",
            *Case.PROFILE_ATTRIBUTES,
            "inspector",
            "second_marker",
            "status",
            "version",
            "updated_at",
            "withdrawn_at",
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


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ("username", "name", "role")
        read_only_fields = fields

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name() or membership.user.get_username()


class MemberInputSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=254, help_text="The person's username or email address."
    )
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class StatusMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[s for s in Inspection.Status.choices if s[0] != Inspection.Status.PUBLISHED],
        help_text="One step on (guards checked) or one step back (with a reason).",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CaseAllocationSerializer(serializers.Serializer):
    """Who the case is allocated to and who second-marks it (usernames; null to clear)."""

    inspector = serializers.CharField(required=False, allow_null=True)
    second_marker = serializers.CharField(required=False, allow_null=True)


class VerdictSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="A key question's code, e.g. C1.")
    agrees = serializers.BooleanField()
    value = serializers.ChoiceField(
        choices=Answer.Value.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your judgement, when you disagree.",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when you disagree."
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The answer version you read (its ETag's number): a changed answer is "
        "refused (412) rather than agreed with unseen.",
    )


class ModerationInputSerializer(serializers.Serializer):
    verdicts = VerdictSerializer(many=True)


class CaseImportLineErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


class CaseImportJobSerializer(serializers.ModelSerializer):
    """A background case import. `problems`: why nothing was imported, by line (0: the file)."""

    id = serializers.IntegerField(read_only=True)
    problems = serializers.SerializerMethodField()

    class Meta:
        model = CaseImport
        fields = (
            "id",
            "status",
            "filename",
            "lines_total",
            "lines_done",
            "created",
            "problems",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields

    @extend_schema_field(CaseImportLineErrorSerializer(many=True))
    def get_problems(self, job: CaseImport) -> list[dict[str, object]]:
        return [{"line": line, "message": message} for line, message in job.problems]


class SampleInputSerializer(serializers.Serializer):
    share = serializers.IntegerField(min_value=1, max_value=100)
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, default=None
    )


class SampleSerializer(serializers.ModelSerializer):
    cases = serializers.SerializerMethodField()
    drawn_by = serializers.CharField(source="drawn_by.username", allow_null=True, default=None)

    class Meta:
        model = ModerationSample
        fields = ("id", "share", "seed", "drawn_by", "drawn_at", "cases")
        read_only_fields = fields

    def get_cases(self, sample: ModerationSample) -> list[str]:
        return sorted(s.case.reference for s in sample.cases.all())
