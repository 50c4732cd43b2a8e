"""Filters of the case list, shared by the all-cases page and the API (the same parameters)."""

from __future__ import annotations

from typing import Any

import django_filters

from cases.models import Case


def _boolean(**kwargs: Any) -> django_filters.TypedChoiceFilter:
    """true or false, strictly: django-filter's BooleanFilter silently ignores other values,
    which would hand back every case for a typo."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        **kwargs,
    )


class CaseFilter(django_filters.FilterSet):
    pdu = django_filters.CharFilter(
        field_name="pdu__code", help_text="PDU code (see the inspection's pdus)."
    )
    mappa_eligible = _boolean()
    mappa_level = django_filters.TypedChoiceFilter(choices=Case.MappaLevel.choices, coerce=int)
    rosh = django_filters.ChoiceFilter(choices=Case.Rosh.choices)
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    inspector = django_filters.CharFilter(
        field_name="inspector__username", help_text="Username of the allocated inspector."
    )
    unallocated = _boolean(
        field_name="inspector", lookup_expr="isnull", help_text="true: cases with no inspector."
    )
    moderation = django_filters.ChoiceFilter(
        choices=[
            ("awaiting", "Sampled and waiting for moderation"),
            ("sampled", "In a moderation sample"),
            ("not_sampled", "Not in a moderation sample"),
        ],
        method="filter_moderation",
        help_text="awaiting: sampled cases still to moderate; sampled; not_sampled.",
    )
    reference = django_filters.CharFilter(
        field_name="reference", lookup_expr="icontains", help_text="Part of the reference."
    )

    def filter_moderation(self, queryset: Any, name: str, value: str) -> Any:
        if value == "awaiting":
            return queryset.filter(status=Case.Status.SUBMITTED, sampled__isnull=False)
        if value == "sampled":
            return queryset.filter(sampled__isnull=False)
        return queryset.filter(sampled__isnull=True)

    class Meta:
        model = Case
        fields = (
            "pdu",
            "mappa_eligible",
            "mappa_level",
            "rosh",
            "status",
            "inspector",
            "unallocated",
            "moderation",
            "reference",
        )
