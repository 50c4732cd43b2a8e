"""Forms of the report's authoring pages."""

from __future__ import annotations

from django import forms

from reports.services import MAX_SECTION_LENGTH


class SectionForm(forms.Form):
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=MAX_SECTION_LENGTH,
        error_messages={
            "max_length": f"A section can be at most {MAX_SECTION_LENGTH:,} characters long "
            "(this one has %(show_value)s): split it, or shorten it."
        },
        strip=False,
        widget=forms.Textarea,
        help_text="Markdown. Write figures as data references, e.g. {{percent C2}}.",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RecommendationsForm(forms.Form):
    texts = forms.CharField(
        label="Recommendations",
        required=False,
        widget=forms.Textarea,
        help_text="One recommendation per paragraph: leave a blank line between them. They are "
        "numbered in this order.",
    )
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def recommendation_texts(self) -> list[str]:
        text = self.cleaned_data["texts"].replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]
