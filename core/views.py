"""Pages of the service as a whole rather than of one app: the accessibility statement."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


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
