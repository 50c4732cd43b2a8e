"""Request rates: per API client token, and per signed-in person.

The rates are read from settings.API_THROTTLE_RATES on each request (DRF's own classes read
them once at import), so that deployments and tests can change them.

The counts live in the default cache (Redis in a deployment). When it cannot be reached the
throttles let requests through and log a warning (at most once a minute per process): the API
keeps answering, without rate limits, until the cache is back (docs/operations.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient

logger = logging.getLogger(__name__)

# What an unreachable or failing cache raises (Django's Redis backend: redis-py's errors; a
# refused or reset connection: OSError).
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
_WARN_EVERY_SECONDS = 60.0
_last_warning = [0.0]


def _warn_cache_down(exc: BaseException) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= _WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning(
            "API throttling is off: the cache cannot be reached (%s: %s). Requests are let "
            "through until it is back.",
            type(exc).__name__,
            exc,
        )


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates: dict[str, str] = settings.API_THROTTLE_RATES
        return rates.get(self.scope or "")

    def allow_request(self, request: Request, view: Any) -> bool:
        """Fail open: a cache that cannot be reached lets the request through (logged)."""
        try:
            return bool(super().allow_request(request, view))
        except CACHE_ERRORS as exc:
            _warn_cache_down(exc)
            return True


class ApiClientRateThrottle(_SettingsRateThrottle):
    """One bucket per client token."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PersonRateThrottle(_SettingsRateThrottle):
    """One bucket per signed-in person (session or personal token); clients are counted above."""

    scope = "person"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiClient) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
