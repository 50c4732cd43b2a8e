"""Form pieces every app's pages share: the GOV.UK date input (day, month and year boxes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y")


class ServiceRequiredCharField(forms.CharField):
    """Text the service requires (it is the one validator, and says what is missing): the form
    lets it through blank, but the page does not label it "(optional)"."""

    service_required = True


class GovukDateInput(forms.MultiWidget):
    """Three boxes named <field>-day, <field>-month and <field>-year, as the GOV.UK date input
    pattern has them. A single value posted under the field's own name ("1 May 2026",
    "01/05/2026", "2026-05-01") is read too, for programs and older forms."""

    template_name = "includes/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()},
            attrs,
        )
        self.widgets_names = ["-day", "-month", "-year"]

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        single = data.get(name)
        if single and not any(data.get(f"{name}{part}") for part in self.widgets_names):
            return _parse_single(str(single))
        return super().value_from_datadict(data, files, name)


def _parse_single(text: str) -> list[str]:
    from datetime import datetime

    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        return [str(parsed.day), str(parsed.month), str(parsed.year)]
    return [text, "", ""]  # unreadable: the field says so


class GovukDateField(forms.MultiValueField):
    """A date from day, month and year boxes, with the GOV.UK pattern's error messages."""

    widget = GovukDateInput

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        self.what = label[:1].lower() + label[1:]
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, label=label, required=required, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {self.what}"

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (p.strip() for p in [*data_list, "", "", ""][:3])
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(
                f"The {self.what} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()) or len(year) != 4:
            raise forms.ValidationError(
                f"The {self.what} must be a real date, like 28 4 2026", code="invalid"
            )
        try:
            return date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(
                f"The {self.what} must be a real date, like 28 4 2026", code="invalid"
            ) from exc
