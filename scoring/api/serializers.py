"""Output serializers of the scores contract (GET /api/v1/inspections/<slug>/scores/).

The field names are a public contract: extend, never rename or remove.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from scoring.selectors import QuestionScore


class QuestionScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField(help_text="key, prompt or supplementary")
    parent = serializers.CharField(allow_null=True, help_text="The key question of a prompt.")
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    not_applicable = serializers.IntegerField(
        help_text="Answered not applicable, or the question does not apply to the case."
    )
    unanswered = serializers.IntegerField()
    relevant = serializers.IntegerField(help_text="yes + no: the base of the percentage.")
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="Percentage Yes as published: a whole number, halves rounded up; "
        "null when no case is relevant.",
    )
    exact = serializers.FloatField(allow_null=True, help_text="Percentage Yes before rounding.")
    ci_low = serializers.FloatField(allow_null=True, help_text="Wilson 95% interval, low end (%).")
    ci_high = serializers.FloatField(
        allow_null=True, help_text="Wilson 95% interval, high end (%)."
    )
    small_base = serializers.BooleanField(
        help_text="true when the percentage rests on 1 to 9 relevant cases: show it with a "
        "small-base warning. false when relevant is 0 (no percentage) or 10 or more."
    )

    def to_representation(self, instance: Any) -> Any:
        """The declared fields read straight off a QuestionScore.

        A scores response holds some 900 of these, and DRF's generic walk over their fields
        was most of the cost of serialising it (about 10 ms at 20,000 cases, paid on every first
        read after a write; docs/benchmarks.md). scoring/tests/test_api_scores.py checks that
        this equals the generic walk, key for key and value for value.
        """
        if not isinstance(instance, QuestionScore):
            return super().to_representation(instance)
        interval = instance.interval
        exact = instance.exact
        return {
            "code": str(instance.code),
            "text": str(instance.text),
            "kind": str(instance.kind),
            "parent": None if instance.parent is None else str(instance.parent),
            "yes": instance.yes,
            "no": instance.no,
            "not_applicable": instance.not_applicable,
            "unanswered": instance.unanswered,
            "relevant": instance.relevant,
            "percent": instance.percent,
            "exact": None if exact is None else float(exact),
            "ci_low": None if interval is None else round(interval[0], 2),
            "ci_high": None if interval is None else round(interval[1], 2),
            "small_base": instance.small_base,
        }


class GroupScoresSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()
    questions = QuestionScoreSerializer(many=True)


class ProfileRowSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class BreakdownsSerializer(serializers.Serializer):
    pdu = GroupScoresSerializer(many=True)
    mappa = GroupScoresSerializer(many=True)
    rosh = GroupScoresSerializer(many=True)


class ProfileSerializer(serializers.Serializer):
    rosh = ProfileRowSerializer(many=True)
    mappa = ProfileRowSerializer(many=True)


class BaselineFigureSerializer(serializers.Serializer):
    """A key question then (the baseline) and now, with the change and its 95% interval."""

    source = serializers.CharField(help_text="The baseline: an inspection's title or a report's.")
    then_yes = serializers.IntegerField()
    then_relevant = serializers.IntegerField()
    then_percent = serializers.IntegerField(help_text="As published then, or from the counts.")
    change = serializers.IntegerField(help_text="Percentage points, now minus then.")
    low = serializers.FloatField(help_text="95% interval for the change (Newcombe), low end.")
    high = serializers.FloatField(help_text="95% interval for the change, high end.")
    words = serializers.CharField(help_text="improved, declined or no clear change")


class ScoredQuestionSerializer(QuestionScoreSerializer):
    baseline = BaselineFigureSerializer(
        required=False,
        help_text="Present only when the inspection has a baseline with this question.",
    )


class InspectionScoresSerializer(serializers.Serializer):
    inspection = serializers.SlugField(source="inspection.slug")
    cases = serializers.IntegerField()
    questions = ScoredQuestionSerializer(many=True)
    breakdowns = BreakdownsSerializer()
    profile = ProfileSerializer()


class AgreementRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The question code, the marker's username, or 'all'.")
    label = serializers.CharField()
    cases = serializers.IntegerField(help_text="Double-marked cases.")
    judgements = serializers.IntegerField(help_text="Pairs of judgements compared.")
    agreed = serializers.IntegerField()
    percent = serializers.IntegerField(
        source="percent_published",
        allow_null=True,
        help_text="Percentage agreement, published rounding; null with no pairs.",
    )
    kappa = serializers.FloatField(
        allow_null=True,
        help_text="Cohen's kappa; null with no pairs or when both markers used one answer.",
    )
    ac1 = serializers.FloatField(
        allow_null=True,
        help_text="Gwet's AC1 on the Yes/No scale; stays meaningful when nearly every answer "
        "is the same, where kappa falls towards zero. Null with no pairs.",
    )


class AgreementSerializer(serializers.Serializer):
    by_question = AgreementRowSerializer(many=True)
    by_inspector = AgreementRowSerializer(many=True)
    overall = AgreementRowSerializer()


class DriftRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The inspector's username ('' when not allocated).")
    label = serializers.CharField()
    judgements = serializers.IntegerField(help_text="Yes and No answers to key questions.")
    yes = serializers.IntegerField()
    rate = serializers.FloatField(help_text="Yes rate, percent.")
    low_95 = serializers.FloatField()
    high_95 = serializers.FloatField()
    low_998 = serializers.FloatField()
    high_998 = serializers.FloatField()
    outside_998 = serializers.BooleanField()
    note = serializers.CharField()


class DriftSerializer(serializers.Serializer):
    team_yes = serializers.IntegerField()
    team_judgements = serializers.IntegerField()
    team_rate = serializers.FloatField(allow_null=True)
    caveat = serializers.CharField()
    rows = DriftRowSerializer(many=True)
