from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CasesConfig(AppConfig):
    name = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases import sqlite_triggers

        pre_migrate.connect(sqlite_triggers.drop_triggers, sender=self)
        post_migrate.connect(sqlite_triggers.create_triggers, sender=self)
