"""Forms of the programme pages. They parse input; the services (inspections.services) are the
only validators, and their errors are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import ServiceRequiredCharField
from inspections.models import Framework


class AnyChoiceField(forms.ChoiceField):
    """A select whose offered choices are a convenience, not a rule: whatever is posted goes on
    to the page, which looks it up, and to the service, which says why it cannot be used (an
    inspection that joined another programme since the page was shown reads better than
    "Select a valid choice")."""

    def valid_value(self, value: Any) -> bool:
        return True


class ProgrammeForm(forms.Form):
    """Create a programme: its name, framework and a description."""

    name = ServiceRequiredCharField(max_length=200, required=False)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("slug", "-version"),
        label="Framework version",
        help_text="Every inspection in the programme uses this framework version.",
        empty_label="Choose a framework version",
        error_messages={
            "required": "Choose the framework version",
            "invalid_choice": "Choose one of the framework versions listed",
        },
    )
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)


class ProgrammeDetailsForm(forms.Form):
    """Rename or describe a programme (its framework is fixed)."""

    name = ServiceRequiredCharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)


class ProgrammeInspectionForm(forms.Form):
    """Add an inspection to the programme: one of those offered (same framework, in no
    programme)."""

    inspection = AnyChoiceField(
        label="Inspection to add",
        error_messages={"required": "Choose an inspection to add"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspection"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose an inspection"), *choices]


class NationalLeadForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Username of the new national lead",
        error_messages={"required": "Enter the username of the person to add"},
    )
