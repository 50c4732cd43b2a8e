"""The address a request came from, for sign-in lockouts (django-axes)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; or, behind TRUSTED_PROXY_COUNT proxies that each append the address they
    received from to X-Forwarded-For, the entry the outermost of them wrote. Entries to its left
    were written by the client and are never trusted (a lockout by address must not be dodged
    by sending a different header each time)."""
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
