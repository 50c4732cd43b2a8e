"""The GOV.UK error summary, built one way for every page.

A page's errors are a list of links ({"href": "#field-id", "text": message}); the include
`templates/includes/error_summary.html` renders them. They come either from a form (the form's
own parsing errors, plus the service's errors mapped onto its fields with `service_errors_to_form`)
or straight from a service's ValidationError (pages whose fields are not a Django form, such as
the question pages, whose field names the services use as error keys).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

ErrorLink = dict[str, str]
MAIN = "#main-content"


def error(text: str, href: str = MAIN) -> ErrorLink:
    return {"href": href, "text": text}


def form_errors(form: forms.BaseForm, *, hrefs: dict[str, str] | None = None) -> list[ErrorLink]:
    """Every error of a form, each linking to its field (`hrefs` overrides a field's link, e.g.
    a group of checkboxes whose first box is not the place to land)."""
    links: list[ErrorLink] = []
    for name, messages in form.errors.items():
        if hrefs and name in hrefs:
            href = hrefs[name]
        elif name in form.fields:
            widget = form.fields[name].widget
            if isinstance(widget, forms.MultiWidget):
                # A date's three boxes: land on the first (its label names the part).
                first = getattr(widget, "widgets_names", ["_0"])[0]
                href = f"#{form[name].auto_id}{first}"
            else:
                # Radios have no single label target: land on the first (its id is the field's).
                href = f"#{form[name].id_for_label or form[name].auto_id}"
        else:
            href = MAIN
        links.extend(error(str(m), href) for m in messages)
    return links


def service_errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's validation errors on the form: beside their field when the form has
    one of that name, at the top otherwise."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def validation_errors(
    exc: ValidationError, href_of: Callable[[str], str] | None = None
) -> list[ErrorLink]:
    """A service's ValidationError as error links; `href_of(field name)` says where each
    field's messages link to (the page's own field ids)."""
    if not hasattr(exc, "error_dict"):
        return [error(m) for m in exc.messages]
    links: list[ErrorLink] = []
    for name, messages in exc.message_dict.items():
        href = MAIN if name == NON_FIELD_ERRORS or href_of is None else href_of(name)
        links.extend(error(m, href) for m in messages)
    return links


def field_messages(links: list[ErrorLink]) -> dict[str, str]:
    """The first message for each field id linked to (to show beside the field)."""
    out: dict[str, str] = {}
    for link in links:
        out.setdefault(link["href"].lstrip("#"), link["text"])
    return out


def messages_of(exc: Any) -> list[str]:
    return list(getattr(exc, "messages", [str(exc)]))
