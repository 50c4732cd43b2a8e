"""Optimistic concurrency over HTTP: a resource's version as its ETag ("v3"), sent back as
If-Match to change it. Every write of an existing resource through the API needs one: a stale
one gets 412 and nothing is written, a missing one 428."""

from __future__ import annotations

import re
from typing import TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from rest_framework import exceptions
from rest_framework.request import Request

from api.exceptions import PreconditionFailed, PreconditionRequired
from core.exceptions import StaleWriteError

_R = TypeVar("_R", bound=HttpResponseBase)

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,9})"$')


def etag(version: int) -> str:
    """The entity tag of a version ("v0": not there yet)."""
    return f'"v{version}"'


def if_match(request: Request, *, required: bool = True, what: str = "this resource") -> int | None:
    """The version the client read, from If-Match; None when absent and not required."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        if required:
            raise PreconditionRequired(
                f"Send If-Match with the ETag you read from {what} (GET it first) to change it."
            )
        return None
    match = _ETAG.match(raw.strip())
    if match is None:
        raise exceptions.ValidationError(
            {"If-Match": [f'Send one ETag as read from {what}, like "v3" (got {raw!r}).']}
        )
    return int(match.group(1))


def with_headers(exc: exceptions.APIException, headers: dict[str, str]) -> exceptions.APIException:
    """Attach response headers to an API exception (the API's error handler adds them; DRF's
    own handler copies only `auth_header` and `wait`)."""
    exc.headers = headers  # type: ignore[attr-defined]
    return exc


def stale(exc: StaleWriteError, current_version: int | None) -> exceptions.APIException:
    """412 for a stale write, with the current ETag so the client can read and retry."""
    headers = {"ETag": etag(current_version)} if current_version is not None else {}
    return with_headers(PreconditionFailed(str(exc)), headers)


# -- conditional reads: If-None-Match against a data version's ETag (docs/adr/0014) --------------


def not_modified(request: Request | HttpRequest, tag: str) -> HttpResponse | None:
    """A 304 when If-None-Match names `tag` (or "*"), else None: send the representation."""
    raw = request.headers.get("If-None-Match") or ""
    given = {t.strip().removeprefix("W/") for t in raw.split(",") if t.strip()}
    if not given or not ("*" in given or tag in given):
        return None
    response = HttpResponseNotModified()
    return with_etag(response, tag)


def with_etag(response: _R, tag: str) -> _R:
    """The ETag, and "ask again each time": a client may keep the body, but must revalidate."""
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    # What a reader may see depends on who asks (a token or a session).
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response
