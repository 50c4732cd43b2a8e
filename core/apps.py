from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small helpers every layer may use (errors, exports, template tags). No models."""

    name = "core"
    verbose_name = "Core"
