from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small helpers every layer may use (errors, exports, template tags). No models."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.signals import session_started

        user_logged_in.connect(session_started, dispatch_uid="core.session_started")
