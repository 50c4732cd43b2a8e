from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The South West 2025 demo and the synthetic generator: the top layer, which may use every
    app below it and is used by none (listed last in INSTALLED_APPS)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo and synthetic data"
