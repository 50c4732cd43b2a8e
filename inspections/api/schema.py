"""OpenAPI pieces every endpoint shares: the error body and the error responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, for people."),
        "code": serializers.CharField(help_text="A stable word for programs, e.g. not_found."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages for each input field (non_field_errors: the request as a whole).",
        ),
    },
)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


UNAUTHENTICATED = error("No valid credentials: no session or token, or the token was revoked.")
FORBIDDEN = error("Signed in but not allowed: e.g. an API client token trying to write.")
NOT_FOUND = error("No such resource, or you may not see it (the two are not told apart).")
THROTTLED = error("Too many requests for this token or person: retry after Retry-After seconds.")
BAD_REQUEST = error("The input is invalid: `errors` gives the message for each field.")

READ_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}
LIST_ERRORS = {400: BAD_REQUEST, **READ_ERRORS}
