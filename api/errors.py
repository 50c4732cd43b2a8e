"""JSON error bodies for requests that never reach a DRF view, and Django's error handlers.

Under /api/ every error is the API's JSON shape `{"detail", "code", "errors"}`: a URL or body
over the limits (api.middleware), a request Django refuses before any view (a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host), and an unexpected server error. Elsewhere the
handlers render the GOV.UK pages (templates/4xx.html, 500.html), except that a body too large
is answered 413 rather than Django's 400.
"""

from __future__ import annotations

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

API_PREFIX = "/api/"
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=status)


def page_error(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    return render(request, "request_error.html", {"title": title, "detail": detail}, status=status)


def too_large(request: HttpRequest, detail: str) -> HttpResponse:
    if is_api(request):
        return json_error(413, "request_too_large", detail)
    return page_error(request, 413, "The request is too large", detail)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return too_large(
            request,
            "The request is too large: it has more form data than the service accepts.",
        )
    if is_api(request):
        return json_error(400, "bad_request", "The request could not be understood.")
    return defaults.bad_request(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        message = str(exception) if exception and str(exception) else "You may not do this."
        return json_error(403, "permission_denied", message)
    return defaults.permission_denied(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error(404, "not_found", "Not found: it does not exist, or you may not see it.")
    return defaults.page_not_found(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return json_error(
            500,
            "server_error",
            "Sorry, there is a problem with the service. Nothing was changed by this request; "
            "try again later.",
        )
    return defaults.server_error(request)
