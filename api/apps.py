from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The project-wide REST plumbing (authentication, permissions, throttling, pagination,
    errors, schema hooks) and the API clients it authenticates. Every app may use it; it uses
    none of them (it names the inspections it scopes clients to by string reference only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
