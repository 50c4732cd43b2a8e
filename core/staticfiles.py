"""Static files as this project collects them (STATICFILES_FINDERS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.staticfiles.finders import AppDirectoriesFinder as DjangoAppDirectoriesFinder


class AppDirectoriesFinder(DjangoAppDirectoriesFinder):
    """The apps' static files, without drf-spectacular-sidecar's Redoc bundle (5 MB with its
    source map): the API documentation is Swagger UI only (config/api_urls.py), and compressing
    Redoc for nothing made collectstatic minutes long (docs/adr/0010)."""

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterable[Any]:
        return super().list([*(ignore_patterns or []), "redoc"])
