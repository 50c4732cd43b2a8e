from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The project-wide REST plumbing (authentication, permissions, throttling, pagination,
    errors, schema hooks) and the API clients it authenticates. Every app may use it; it uses
    none of them (it names the inspections it scopes clients to by string reference only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save, pre_save

        from api.signals import remember_old_password, tokens_end_on_password_change

        pre_save.connect(remember_old_password, sender=User, dispatch_uid="api.old_password")
        post_save.connect(tokens_end_on_password_change, sender=User, dispatch_uid="api.tokens_end")
