from __future__ import annotations

from typing import Any

from django import forms

from inspections.models import Framework, Inspection, Region

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y"]


class InspectionForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    slug = forms.SlugField(
        max_length=60,
        label="Short name for web addresses",
        help_text="Lower-case letters, digits and hyphens, for example south-west-2026.",
        error_messages={
            "required": "Enter a short name",
            "invalid": "Use only lower-case letters, digits and hyphens",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        empty_label="Choose a region",
        error_messages={"required": "Choose the region"},
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("slug", "-version"),
        label="Framework version",
        empty_label="Choose a framework version",
        error_messages={"required": "Choose the framework version"},
    )
    case_window_start = forms.DateField(
        label="Cases commenced from",
        input_formats=DATE_FORMATS,
        help_text="For example, 28/04/2026",
        error_messages={
            "required": "Enter the first date of the case window",
            "invalid": "Enter a real date, like 28/04/2026",
        },
    )
    case_window_end = forms.DateField(
        label="Cases commenced to",
        input_formats=DATE_FORMATS,
        help_text="For example, 09/05/2026",
        error_messages={
            "required": "Enter the last date of the case window",
            "invalid": "Enter a real date, like 09/05/2026",
        },
    )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if Inspection.objects.filter(slug=slug).exists():
            raise forms.ValidationError("An inspection already uses this short name")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("case_window_start"), data.get("case_window_end")
        if start and end and end < start:
            self.add_error("case_window_end", "The case window must end on or after its start")
        return data
