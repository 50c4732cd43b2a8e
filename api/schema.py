"""OpenAPI pieces every endpoint shares: the error body and the error responses."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
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


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read (e.g. "v3"). Needed to change the resource; a stale one gets '
    "412 and nothing is written.",
)


def ok(serializer: Any, description: str) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


UNAUTHENTICATED = error("No valid credentials: no session or token, or the token was revoked.")
FORBIDDEN = error("Signed in but not allowed: e.g. an API client token trying to write.")
NOT_FOUND = error("No such resource, or you may not see it (the two are not told apart).")
THROTTLED = error("Too many requests for this token or person: retry after Retry-After seconds.")
BAD_REQUEST = error("The input is invalid: `errors` gives the message for each field.")

STALE = error("If-Match is stale: the resource changed since you read it. Nothing was written.")
PRECONDITION_REQUIRED = error("Send If-Match with the ETag you read to change this resource.")
CONFLICT = error("Not ready: `errors` lists what must be done first.")

READ_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}
LIST_ERRORS = {400: BAD_REQUEST, **READ_ERRORS}


def export_responses(media_type: str, description: str) -> dict[Any, Any]:
    """A file download's responses: the file, or one of the JSON errors."""
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        **{(code, "application/json"): response for code, response in READ_ERRORS.items()},
    }


_STANDARD_ERRORS = {
    "401": "No valid credentials: no session or token, or the token was revoked.",
    "403": "Signed in but not allowed: e.g. an API client token trying to write.",
    "404": "No such resource, or you may not see it (the two are not told apart).",
    "429": "Too many requests for this token or person: retry after Retry-After seconds.",
}


# Operations whose responses carry the answer's entity tag (cases/api/views.py).
_ETAG_OPERATIONS = {"case_answer_retrieve": ("200",), "case_answer_update": ("200", "201")}
_ETAG_HEADER = {
    "description": 'The answer\'s version as an entity tag, e.g. "v3": send it as If-Match.',
    "schema": {"type": "string", "pattern": '^"v[0-9]+"$'},
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: every operation of the API can answer 401, 403, 404 and 429 with
    the Error body (the authentication, permission, scoping and throttling every view has),
    so each operation documents them even where its view did not list them. Also documents
    the ETag header of the answer operations (drf-spectacular has no way to declare it)."""
    ref = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            summary = (operation.get("description") or "").split("\n")[0].strip()
            for code, response in responses.items():
                if not response.get("description") and code.startswith("2"):
                    response["description"] = summary or "Success."
            for code in _ETAG_OPERATIONS.get(operation.get("operationId", ""), ()):
                responses[code].setdefault("headers", {})["ETag"] = {
                    **_ETAG_HEADER,
                    "required": True,
                }
            for code in ("412", "428"):
                if code in responses and operation.get("operationId") in _ETAG_OPERATIONS:
                    responses[code].setdefault("headers", {})["ETag"] = dict(_ETAG_HEADER)
            for code, description in _STANDARD_ERRORS.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result
