"""Signal receivers of the core layer: when a session began."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from core.middleware import SEEN_AT, SIGNED_IN_AT


def session_started(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Sign-in starts the session's working day (core.middleware.SessionLifetimeMiddleware)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now
