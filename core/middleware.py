"""Sessions last a working day: an idle timeout and an absolute one (docs/adr/0011).

The idle timeout is the session's own expiry (SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT), which
Django renews each time the session is saved: this middleware saves it at most once a minute
while requests come, so an idle session lapses by itself, in the database as in the browser.
The absolute timeout is counted from sign-in (core.signals records it): past SESSION_MAX_AGE the
person is signed out, whatever they are doing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
RENEW_EVERY_SECONDS = 60


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = time.time()
            signed_in = session.get(SIGNED_IN_AT)
            if not isinstance(signed_in, int | float):
                session[SIGNED_IN_AT] = now  # a session from before this rule
            elif now - signed_in > settings.SESSION_MAX_AGE.total_seconds():
                logout(request)
                return self.get_response(request)
            seen = session.get(SEEN_AT)
            if not isinstance(seen, int | float) or now - seen >= RENEW_EVERY_SECONDS:
                session[SEEN_AT] = now  # saving the session renews its idle expiry
        return self.get_response(request)
