"""Writes the read-access log (cases.services.access_log) for every successful read of a route
that shows case data: one place, so no page, API view or download can forget to log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from cases.services.access_log import LOGGED_ROUTES, access_record

READS = ("GET", "HEAD")


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        # Only what was shown: a refusal (403, 404), a redirect or a write is not a read.
        if (
            request.method in READS
            and 200 <= response.status_code < 300
            and match is not None
            and match.url_name in LOGGED_ROUTES
        ):
            access_record(
                # DRF sets the authenticated user on the underlying request too.
                by=request.user,
                channel=LOGGED_ROUTES[match.url_name],
                route=match.url_name,
                path=request.get_full_path(),
                inspection_slug=str(match.kwargs.get("slug", "")),
                case_reference=str(
                    match.kwargs.get("reference", "") or request.GET.get("reference", "")
                ),
                # Set by api.authentication when an API client's token was used.
                api_client=getattr(request, "api_client_name", ""),
            )
        return response
