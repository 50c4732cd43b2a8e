"""Output serializers of the programme resources (GET /api/v1/programmes/...).

Every figure comes from scoring.programme.programme_scores; these only name the fields. The
field names are a public contract: extend, never rename or remove.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.models import Programme


def _link(serializer: serializers.Serializer, name: str, slug: str) -> str:
    """An absolute address when there is a request in the context, else a path."""
    path = reverse(name, args=[slug])
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ProgrammeLinksSerializer(serializers.Serializer):
    self = serializers.CharField(help_text="This programme in the API.")
    scores = serializers.CharField(help_text="Its figures (add ?provisional=true for all).")
    scores_csv = serializers.CharField(help_text="The figures as CSV.")
    scores_xlsx = serializers.CharField(help_text="The figures as an Excel workbook.")


class ProgrammeFrameworkSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    version = serializers.IntegerField()
    title = serializers.CharField()


class ProgrammeSerializer(serializers.Serializer):
    """A programme: a named set of inspections sharing a framework."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    framework = ProgrammeFrameworkSerializer()
    description = serializers.CharField()
    inspections_count = serializers.IntegerField(
        source="n_inspections", help_text="Inspections in the programme, whatever their status."
    )
    published_count = serializers.IntegerField(
        source="n_published", help_text="Of those, published: their figures count by default."
    )
    links = serializers.SerializerMethodField()

    @extend_schema_field(ProgrammeLinksSerializer)
    def get_links(self, programme: Programme) -> dict[str, str]:
        links = {
            "self": "api-programme-detail",
            "scores": "api-programme-scores",
            "scores_csv": "api-programme-export-scores-csv",
            "scores_xlsx": "api-programme-export-scores-xlsx",
        }
        data: dict[str, str] = ProgrammeLinksSerializer(
            {key: _link(self, name, programme.slug) for key, name in links.items()}
        ).data
        return data


class ProgrammeInspectionSerializer(serializers.Serializer):
    """One inspection of the programme as the caller sees it."""

    slug = serializers.SlugField(source="inspection.slug")
    title = serializers.CharField(source="inspection.title")
    region = serializers.CharField(source="inspection.region.name")
    status = serializers.CharField(source="inspection.status")
    published = serializers.BooleanField(source="inspection.is_published")
    synthetic = serializers.BooleanField(
        source="inspection.synthetic", help_text="Generated demonstration data, not real cases."
    )
    provisional = serializers.BooleanField(
        help_text="In progress: its figures may still change (shown only with ?provisional=true)."
    )
    figures_visible = serializers.BooleanField(
        help_text="You may see its figures (published; in progress: a national lead, its own "
        "lead, or an API client scoped to it). With ?provisional=true these are the ones counted."
    )


class ProgrammeDetailSerializer(ProgrammeSerializer):
    inspections = ProgrammeInspectionSerializer(many=True, source="entries")


class _FigureFields(serializers.Serializer):
    provisional = serializers.BooleanField(
        help_text="From an inspection in progress (pooled: any of them is)."
    )
    synthetic = serializers.BooleanField(
        help_text="From generated demonstration data (pooled: any of it is)."
    )
    yes = serializers.IntegerField(source="score.yes")
    no = serializers.IntegerField(source="score.no")
    not_applicable = serializers.IntegerField(source="score.not_applicable")
    unanswered = serializers.IntegerField(source="score.unanswered")
    relevant = serializers.IntegerField(
        source="score.relevant", help_text="yes + no: the base of the percentage."
    )
    percent = serializers.IntegerField(
        source="score.percent",
        allow_null=True,
        help_text="Percentage Yes as published (halves rounded up); null when none relevant.",
    )
    exact = serializers.FloatField(
        source="score.exact", allow_null=True, help_text="Percentage Yes before rounding."
    )
    ci_low = serializers.FloatField(
        source="score.ci_low", allow_null=True, help_text="Wilson 95% interval, low end (%)."
    )
    ci_high = serializers.FloatField(
        source="score.ci_high", allow_null=True, help_text="Wilson 95% interval, high end (%)."
    )
    small_base = serializers.BooleanField(
        source="score.small_base", help_text="1 to 9 relevant cases: show with a warning."
    )


class RegionFigureSerializer(_FigureFields):
    inspection = serializers.SlugField(source="inspection.slug")
    region = serializers.CharField(source="inspection.region.name")


class PooledFigureSerializer(_FigureFields):
    """The sum of the counted inspections' counts: what one inspection of all their cases would
    show."""


class ProgrammeQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField(help_text="key, prompt or supplementary")
    area = serializers.CharField(help_text="A key question's area in words; blank otherwise.")
    regions = RegionFigureSerializer(many=True, help_text="Each counted inspection's figure.")
    pooled = PooledFigureSerializer()


class FunnelPointSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The inspection's slug (a PDU: slug/PDU code).")
    label = serializers.CharField()
    relevant = serializers.IntegerField()
    yes = serializers.IntegerField()
    rate = serializers.FloatField(help_text="Percentage Yes, unrounded.")
    percent = serializers.IntegerField(allow_null=True, help_text="As published.")
    low_95 = serializers.FloatField(help_text="95% control limit at this base, low (%).")
    high_95 = serializers.FloatField()
    low_998 = serializers.FloatField(help_text="99.8% control limit at this base, low (%).")
    high_998 = serializers.FloatField()
    position = serializers.ChoiceField(
        choices=["below_998", "below_95", "within", "above_95", "above_998"]
    )
    outside_998 = serializers.BooleanField()
    provisional = serializers.BooleanField()


class FunnelSerializer(serializers.Serializer):
    code = serializers.CharField()
    area = serializers.CharField()
    text = serializers.CharField()
    pooled_yes = serializers.IntegerField()
    pooled_relevant = serializers.IntegerField()
    pooled_rate = serializers.FloatField(
        allow_null=True, help_text="The rate the limits are around (%); null: none relevant."
    )
    points = FunnelPointSerializer(
        many=True, source="rows", help_text="Points with relevant cases."
    )
    words = serializers.ListField(
        child=serializers.CharField(),
        help_text="Plain sentences about the points outside the 99.8% limits.",
    )


class FunnelsSerializer(serializers.Serializer):
    regions = FunnelSerializer(many=True, help_text="One per key question: each inspection.")
    pdus = FunnelSerializer(many=True, help_text="One per key question: each PDU.")


class ProgrammeScoresSerializer(serializers.Serializer):
    programme = serializers.SlugField(source="programme.slug")
    provisional = serializers.BooleanField(
        help_text="You asked for inspections in progress too (?provisional=true)."
    )
    provisional_inspections = serializers.ListField(
        child=serializers.SlugField(),
        help_text="The inspections in progress counted (empty: none you may see, or not asked).",
    )
    synthetic_inspections = serializers.ListField(
        child=serializers.SlugField(), help_text="The counted inspections of generated data."
    )
    counted_inspections = serializers.ListField(
        child=serializers.SlugField(), help_text="Every inspection whose figures are counted."
    )
    cases = serializers.IntegerField(help_text="Cases counted, over all counted inspections.")
    inspections = ProgrammeInspectionSerializer(many=True)
    questions = ProgrammeQuestionSerializer(many=True)
    funnels = FunnelsSerializer()
