"""Pages of the service as a whole rather than of one app: the accessibility statement, the
privacy notice, and the sign-in lockout page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import health


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): the statement must be reachable by anyone who cannot sign in."""
    return render(
        request,
        "core/accessibility_statement.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "response_days": settings.ACCESSIBILITY_RESPONSE_DAYS,
        },
    )


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): what the service holds, why, for how long, whom to ask
    (docs/data-protection.md is the operator's record behind it)."""
    return render(
        request,
        "core/privacy_notice.html",
        {
            "controller": settings.DATA_CONTROLLER,
            "contact_email": settings.DATA_PROTECTION_CONTACT_EMAIL,
            "retention_months": settings.RETENTION_MONTHS_AFTER_PUBLICATION,
        },
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response, for every sign-in form (site, admin, browsable API): a
    GOV.UK page saying when to try again. Each attempt during a lockout starts the cool-off
    again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a cool-off from now."""
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    until = timezone.localtime(timezone.now() + cooloff)
    minutes = int(cooloff.total_seconds() // 60)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "try_again_at": until,
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Public: the process is up. HealthCheckMiddleware answers first; this is the same answer
    for anything that reaches the URL another way (a test client without the middleware)."""
    return health.healthz_response()


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Public: database, cache and broker reachable (JSON per check; 503 when one is down)."""
    return health.readyz_response()


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW): a page in the service's
    style saying what to do, not Django's developer page. Usually a page left open past the
    session, or a form sent twice from an old tab."""
    return render(request, "403_csrf.html", status=403)
