"""django.contrib.staticfiles as this project installs it (INSTALLED_APPS)."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    """django.contrib.staticfiles, not collecting drf-spectacular-sidecar's Redoc bundle (5 MB
    with its source map): the API documentation is Swagger UI only (config/api_urls.py), and
    compressing Redoc for nothing made collectstatic minutes long."""

    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "redoc"]
