from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.models import Case
from core.forms import GovukDateField, ServiceRequiredCharField
from core.typing import User
from inspections.models import Inspection, Membership


class CaseProfileForm(forms.ModelForm[Case]):
    """A case's profile. The service validates and saves; this form only parses."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = Case.PROFILE_FIELDS

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pdu = self.fields["pdu"]
        assert isinstance(pdu, forms.ModelChoiceField)
        pdu.queryset = inspection.region.pdus.order_by("name")
        self.fields["commenced_on"] = GovukDateField(
            label="Date the sentence or licence commenced",
            required=False,
            help_text="For example, 28 4 2025",
        )
        self.fields["mappa_category"].label = "MAPPA category"
        self.fields["mappa_level"].label = "MAPPA level"
        self.fields["pdu"].label = "PDU"
        self.fields["rosh"].label = "RoSH classification"
        for name in ("sentence_type", "setting", "rosh", "practitioner_grade", "pdu"):
            label = str(self.fields[name].label or name)
            self.fields[name].error_messages["required"] = f"Choose the {_lower_first(label)}"
            _name_the_blank(self.fields[name], f"Choose the {_lower_first(label)}")
        for name in ("mappa_category", "mappa_level"):
            _name_the_blank(self.fields[name], "Not recorded")
        if self.instance.commenced_on and not self.is_bound:
            self.initial["commenced_on"] = self.instance.commenced_on

    def _post_clean(self) -> None:
        # Model validation happens once, in the service (case_update_profile).
        pass


def _lower_first(label: str) -> str:
    """'Sentence type' -> 'sentence type', but 'PDU' and 'RoSH classification' keep capitals."""
    first = label.split(" ", 1)[0]
    return label if first[1:2].isupper() or first.isupper() else label[:1].lower() + label[1:]


def _name_the_blank(field: forms.Field, text: str) -> None:
    """Django's blank option reads "---------"; say what it means instead."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = text
    elif isinstance(field, forms.ChoiceField):
        choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
        field.choices = [
            (value, text if value in ("", None) else label) for value, label in choices
        ]


def member_choices(inspection: Inspection) -> QuerySet[User]:
    return User.objects.filter(memberships__inspection=inspection).order_by(
        "first_name", "last_name", "username"
    )


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class AllocateForm(forms.Form):
    inspector = UserChoiceField(
        queryset=None,
        empty_label="Choose an inspector",
        error_messages={"required": "Choose the inspector to allocate to"},
    )
    second_marker = UserChoiceField(
        queryset=None,
        required=False,
        empty_label="No second marker (the lead moderates)",
        help_text="An inspector who moderates the case as well as, or instead of, the lead.",
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("inspector", "second_marker"):
            field = self.fields[name]
            assert isinstance(field, UserChoiceField)
            field.queryset = member_choices(inspection)


class BulkAllocateForm(AllocateForm):
    cases: forms.ModelMultipleChoiceField[Case] = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one case to allocate"},
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, inspection=inspection, **kwargs)
        cases = self.fields["cases"]
        assert isinstance(cases, forms.ModelMultipleChoiceField)
        cases.queryset = inspection.cases.all()


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="Upload the case list",
        help_text="A CSV file with a header row. The columns are listed above.",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload


ROLE_CHOICES = [
    (Membership.Role.INSPECTOR.value, "Inspector"),
    (Membership.Role.LEAD.value, "Lead inspector"),
]


class TeamAddForm(forms.Form):
    username = forms.CharField(
        max_length=254,
        label="Username or email address",
        help_text="Of someone already registered. An administrator creates accounts.",
        error_messages={"required": "Enter their username or email address"},
    )
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        initial=Membership.Role.INSPECTOR.value,
        error_messages={"required": "Choose their role"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role"},
    )


class SampleForm(forms.Form):
    share = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=25,
        label="Share of each inspector's submitted cases to moderate (per cent)",
        help_text="Every inspector with submitted cases gets at least one case moderated.",
        error_messages={
            "required": "Enter the share to moderate",
            "invalid": "Enter the share as a whole number, like 25",
            "min_value": "Enter a share of at least 1 per cent",
            "max_value": "Enter a share of at most 100 per cent",
        },
    )
    seed = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        label="Seed",
        help_text="To repeat an earlier draw exactly. Leave blank for a new random draw.",
        error_messages={
            "invalid": "Enter the seed as a whole number",
            "min_value": "Enter a seed of at least 1",
            "max_value": "Enter a seed of at most 9223372036854775807",
        },
    )


class WithdrawForm(forms.Form):
    """Why a case is withdrawn: its presence only (the service validates the rest)."""

    reason = ServiceRequiredCharField(
        label="Why is this case withdrawn from the inspection?",
        help_text="For example, the case was wrongly included in the sample. Kept in the "
        "inspection's history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class RetentionForm(forms.Form):
    """Another retention date, and why (the service validates the rest)."""

    until = GovukDateField(
        label="New retention date",
        help_text="The case data is anonymised after this date. For example, 2 3 2028",
    )
    reason = ServiceRequiredCharField(
        label="Why does the retention date change?",
        help_text="Kept in the inspection's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
