from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the South West 2025 demo inspection, its 64 cases and demo users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        if result.created:
            self.stdout.write(
                f"Loaded {result.inspection.slug}: {result.cases} cases, {result.answers} answers."
            )
        else:
            self.stdout.write(f"{result.inspection.slug} is already loaded: nothing changed.")
