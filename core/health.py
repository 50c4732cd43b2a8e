"""Health endpoints for load balancers and the compose file's health checks.

`/healthz/` says the process is up and answering: no database, no cache, nothing that another
service's fault could turn into a restart loop. `/readyz/` says this process can serve: the
database, the shared cache and the Celery broker answer. It lists each check in JSON and answers
503 when one fails (never a 500 traceback), so a load balancer stops sending it traffic.

Both are answered by `HealthCheckMiddleware`, first in the chain, before the host check and
the HTTPS redirect: a probe comes over plain HTTP from inside the container or the balancer,
under whatever Host header it has, and needs no session, CSRF or sign-in.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTHZ = "/healthz/"
READYZ = "/readyz/"


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _check_cache() -> None:
    # A key of our own, so that two probes at once cannot see each other's value.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what was set")
    finally:
        cache.delete(key)


def _check_broker() -> str | None:
    """None when checked; a note when there is nothing to check (tasks run in-process)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and not getattr(
        settings, "CELERY_BROKER_URL", ""
    ):
        return "no broker configured: tasks run in-process"
    # The URL from the settings as they are now, not one the Celery app cached at start.
    with current_app.connection_for_write(url=settings.CELERY_BROKER_URL or None) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; (all passed, {name: {"ok", "ms", and "error" or "note"}})."""
    results: dict[str, dict[str, Any]] = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            note = check()
        except Exception as exc:  # any failure means "not ready", never a 500
            ready = False
            logger.warning("readyz: %s is not reachable (%s: %s)", name, type(exc).__name__, exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
            if note:
                results[name]["note"] = note
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return ready, results


def healthz_response() -> HttpResponse:
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def readyz_response() -> HttpResponse:
    ready, checks = readiness()
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the probes before host validation and the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path == HEALTHZ:
                return healthz_response()
            if request.path == READYZ:
                return readyz_response()
        return self.get_response(request)
