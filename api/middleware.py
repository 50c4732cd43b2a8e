"""Request limits, checked before anything reads the request (README: API limits).

A URL longer than MAX_URL_LENGTH characters gets 414 and a body declared longer than
MAX_REQUEST_BODY_BYTES gets 413, as the API's JSON error under /api/ and as a GOV.UK page
elsewhere. gunicorn refuses longer request lines (over 8,190 bytes) itself, before Django, with
its own plain 414 (config/gunicorn.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from api.errors import is_api, json_error, page_error, too_large


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.MAX_URL_LENGTH
        length = len(request.path) + len(request.META.get("QUERY_STRING", ""))
        if length > limit:
            detail = f"The address is too long: at most {limit:,} characters are accepted."
            if is_api(request):
                return json_error(414, "uri_too_long", detail)
            return page_error(request, 414, "The address is too long", detail)
        body_limit: int = settings.MAX_REQUEST_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit:
            return too_large(
                request,
                f"The request is too large: at most {body_limit // (1024 * 1024)} MB is accepted.",
            )
        if not is_api(request) and _has_nul(request):
            # PostgreSQL cannot store a NUL in text: refused here for every page at once (the
            # API's serializers refuse it field by field, as DRF does).
            in_form = request.method == "POST" and "\x00" not in request.path
            return page_error(
                request,
                400,
                f"The {'form' if in_form else 'web address'} has a character that cannot be kept",
                f"{'Something typed or pasted' if in_form else 'The address'} holds an invisible "
                "NUL character (U+0000): remove it and try again. Nothing was saved.",
            )
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method != "POST":
        return False
    return any("\x00" in value for values in request.POST.lists() for value in values[1])
