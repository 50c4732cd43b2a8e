from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the South West 2025 demo inspection, its 64 cases and demo users, and the "
        "programme DIPP 2025-26 with synthetic inspections of other regions (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        if result.created:
            self.stdout.write(
                f"Loaded {result.inspection.slug}: {result.cases} cases, {result.answers} answers."
            )
        else:
            self.stdout.write(f"{result.inspection.slug} is already loaded: nothing changed.")
        if result.programme_created:
            count = result.programme.inspections.count()
            self.stdout.write(
                f"Loaded the programme {result.programme.name}: {count} inspections "
                f"({count - 1} of them synthetic)."
            )
