"""The shared cache used for what can be recomputed: a cache that is down or returns garbage
costs the computation, never an error page (docs/adr/0012, 0014)."""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

_T = TypeVar("_T")

logger = logging.getLogger(__name__)

# An unreachable Redis raises redis-py's errors or OSError; an entry written by an older
# release may no longer unpickle.
_ERRORS: tuple[type[BaseException], ...] = (
    RedisError,
    OSError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    EOFError,
    TypeError,
)
_WARN_EVERY_SECONDS = 60.0
_last_warning = [0.0]


def _warn(action: str, exc: BaseException) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= _WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning(
            "The cache could not %s (%s: %s): computing instead.", action, type(exc).__name__, exc
        )


def cache_get(key: str) -> Any:
    """The cached value, or None when absent or the cache cannot be read."""
    try:
        return cache.get(key)
    except _ERRORS as exc:
        _warn("be read", exc)
        return None


def cache_set(key: str, value: Any, *, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except _ERRORS as exc:
        _warn("be written", exc)


def cached_or_computed(key: str, kind: type[_T], compute: Callable[[], _T], *, timeout: int) -> _T:
    """The value cached under `key` when it is a `kind`, else `compute()`, cached.

    For values keyed by an inspection's data version (docs/adr/0014): the key names the data,
    so an entry is never stale. A cache that is down costs the computation, not an error.
    """
    cached = cache_get(key)
    if isinstance(cached, kind):
        return cached
    value = compute()
    cache_set(key, value, timeout=timeout)
    return value
