"""Production settings: refuse to start without a strong secret key and explicit hosts.

What each setting is for, and why the checks of `manage.py check --deploy` that remain are
silenced: docs/adr/0010-production-deployment.md. How to deploy: docs/operations.md.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import env

# Real case data: the footer does not call it synthetic (synthetic inspections still say so).
SYNTHETIC_DATA_ONLY = env.bool("SYNTHETIC_DATA_ONLY", default=False)

# Keys that have been in this repository or its documentation: never a production key.
KNOWN_KEYS = frozenset(
    {
        "local-only-insecure-key-do-not-use-in-production",
        "test-only-key",
        "change-me",
        "changeme",
    }
)


def secret_key_weakness(key: str) -> str | None:
    """Why a key is not fit for production, or None. The rules of Django's own deploy check
    (security.W009: 50 characters, 5 different ones, not a generated insecure key) plus the
    keys known from this repository."""
    if not key:
        return "SECRET_KEY must be set"
    if key in KNOWN_KEYS or key.startswith("django-insecure-"):
        return "SECRET_KEY is a published example or development key"
    if len(key) < 50:
        return f"SECRET_KEY is too short ({len(key)} characters; at least 50 are needed)"
    if len(set(key)) < 5:
        return "SECRET_KEY has fewer than 5 different characters"
    return None


SECRET_KEY = env("SECRET_KEY", default="")
_weakness = secret_key_weakness(SECRET_KEY)
if _weakness:
    raise ImproperlyConfigured(
        f"{_weakness}. Set a strong random key, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` (docs/operations.md)."
    )
# Rotation: the previous key(s) stay valid for signatures (sessions, password resets) while the
# new key signs everything new. Remove them once sessions signed with them have expired.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
for _fallback in SECRET_KEY_FALLBACKS:
    if secret_key_weakness(_fallback):
        raise ImproperlyConfigured("A SECRET_KEY_FALLBACKS key is weak: remove it.")

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# A year, subdomains included (GOV.UK's service manual). Preload is the domain owner's decision:
# see the ADR for why security.W021 is silenced.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Static files: fingerprinted names (served for a year, immutable) and compressed copies. Only
# the fingerprinted files are kept, and source maps are not compressed: that halves the work of
# collectstatic (docs/adr/0010-production-deployment.md).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
