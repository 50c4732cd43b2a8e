"""Template context every page needs from the settings (no query)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """Whether every case in this installation is synthetic (the demo, tests): the footer says
    so only then."""
    return {"synthetic_data_only": bool(getattr(settings, "SYNTHETIC_DATA_ONLY", False))}
