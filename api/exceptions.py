"""Every API error is JSON of one shape: {"detail", "code", "errors"}.

`detail` is a sentence for people, `code` a stable word for programs, and `errors` maps each
input field to its messages (empty when the error is not about a field). Validation errors
raised by services (Django's ValidationError) become 400s with the same shape, so bad input
never reaches a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.errors import TOO_LARGE
from api.parsers import RequestTooLarge
from core.exceptions import ServiceUnavailableError, StaleWriteError

NON_FIELD = "non_field_errors"
NOT_FOUND_MESSAGE = "Not found: it does not exist, or you may not see it."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: nothing was written."
    default_code = "stale_write"


class Conflict(exceptions.APIException):
    """409: the request is valid but the resource is not ready for it; `errors[field]` lists
    what must be done first (e.g. the publication checklist)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not ready yet: see errors for what must be done first."
    default_code = "not_ready"

    def __init__(self, detail: str, *, field: str, reasons: list[str]) -> None:
        super().__init__(detail)
        self.field_errors = {field: reasons}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag you read before changing this resource."
    default_code = "precondition_required"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service cannot do this now: try again in a few minutes."
    default_code = "service_unavailable"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Serializer errors nest (lists, dicts); give each message the path of its field."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for item in detail:
            for field, messages in _flatten(item, prefix).items():
                out.setdefault(field, []).extend(messages)
    else:
        out.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return out


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail: Any = {
            (NON_FIELD if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {NON_FIELD: exc.messages}
    return exceptions.ValidationError(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, StaleWriteError):
        exc = PreconditionFailed(str(exc))
    elif isinstance(exc, TOO_LARGE):
        exc = RequestTooLarge("The request is too large: it has more data than the API accepts.")
    elif isinstance(exc, ServiceUnavailableError):
        exc = ServiceUnavailable(str(exc))
    elif isinstance(exc, Http404):
        # Django's message names the model; say the same thing for "absent" and "not yours".
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a real 500, logged by Django
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [m for field_messages in errors.values() for m in field_messages]
        detail = (
            messages[0]
            if len(messages) == 1
            else "The request has errors: see the message for each field."
        )
        code = "invalid"
    else:
        errors = dict(getattr(exc, "field_errors", {}))
        raw = getattr(exc, "detail", None)
        detail = str(raw) if raw is not None else str(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else "error"
    response.data = {"detail": detail, "code": code, "errors": errors}
    for name, value in getattr(exc, "headers", {}).items():
        response[name] = value
    return response
