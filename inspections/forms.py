"""Forms of the inspection pages. They parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import GovukDateField
from inspections.models import Framework, Region


class InspectionForm(forms.Form):
    """Create an inspection: the short name for web addresses is derived from the title
    (it can be given instead)."""

    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    slug = forms.SlugField(
        max_length=60,
        required=False,
        label="Short name for web addresses",
        help_text="Leave blank to make one from the title and year, for example "
        "south-west-region-2026.",
        error_messages={"invalid": "Use only lower-case letters, digits and hyphens"},
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
    case_window_start = GovukDateField(
        label="First date of the case window", help_text="For example, 28 4 2026"
    )
    case_window_end = GovukDateField(
        label="Last date of the case window", help_text="For example, 9 5 2026"
    )


class InspectionDetailsForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    case_window_start = GovukDateField(label="First date of the case window")
    case_window_end = GovukDateField(label="Last date of the case window")
    fieldwork_start = GovukDateField(label="Fieldwork start date", required=False)
    fieldwork_end = GovukDateField(label="Fieldwork end date", required=False)
    publication_date = GovukDateField(label="Publication date", required=False)
    available_at = forms.URLField(
        max_length=300,
        assume_scheme="https",
        required=False,
        label="Web address where the report will be available",
        help_text="Printed as “This publication is available at …”, for example "
        "https://hmiprobation.justiceinspectorates.gov.uk",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContextFactForm(forms.Form):
    label = forms.CharField(
        max_length=300,
        label="What the fact is",
        help_text="For example, Number of people supervised",
        error_messages={"required": "Enter what the fact is"},
    )
    value = forms.CharField(
        max_length=100,
        help_text="As it will be printed, for example 16,821 or 72.9% or Not available",
        error_messages={"required": "Enter the value"},
    )
    as_at = forms.CharField(
        max_length=100,
        required=False,
        label="When it was true",
        help_text="Printed in brackets after the fact, for example on 30 June 2025",
    )
    group = forms.CharField(
        max_length=200,
        required=False,
        label="Group heading",
        help_text="Facts with the same heading are printed together under it, for example "
        "Staffing level (Staff in post full time equivalent (FTE))",
    )
    source = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="Source",
        help_text="Printed as a numbered footnote: a web address or a sentence",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def fact_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("label", "value", "as_at", "group", "source")}


class BaselineForm(forms.Form):
    """The lead names what the inspection is compared with. Figures are typed one a line,
    "C3 14 64" (Yes answers, relevant cases) or "C3 22% 64" (a published percentage of a base);
    the form only reads the lines, the service (baseline_set) validates them."""

    previous = forms.ChoiceField(
        required=False,
        label="An earlier inspection in this service",
        help_text="Compared key question by key question.",
    )
    title = forms.CharField(
        required=False,
        max_length=200,
        label="Or a published report: its title (needed with figures)",
    )
    year = forms.IntegerField(required=False, label="Year of that report")
    source = forms.CharField(
        required=False, max_length=300, label="Where the figures come from (needed with figures)"
    )
    figures = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Figures from that report, one key question a line",
        help_text="For example “C3 14 64” (14 Yes of 64 relevant cases) or “C3 22% 64”.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["previous"].choices = [("", "None"), *choices]  # type: ignore[attr-defined]

    def clean_figures(self) -> list[tuple[str, int, int | None, int | None]]:
        """(code, relevant, yes, percent) per line."""
        rows = []
        for number, line in enumerate(str(self.cleaned_data["figures"]).splitlines(), start=1):
            words = line.split()
            if not words:
                continue
            if len(words) != 3:
                raise forms.ValidationError(
                    f"Line {number}: write a code, a figure and the relevant cases, e.g. C3 14 64"
                )
            code, figure, relevant = words
            percent = figure.endswith("%")
            try:
                value, base = int(figure.rstrip("%")), int(relevant)
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number}: the figure and the relevant cases must be whole numbers"
                ) from None
            rows.append((code, base, None if percent else value, value if percent else None))
        return rows
