from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services.retention import inspection_anonymise, retention_sweep
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Anonymise the case data of inspections past their retention date (what the daily "
        "Celery beat task does). --dry-run lists what would change and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Change nothing: list.")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--inspection",
            help="This published inspection only, whatever its retention date (slug).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        if options["inspection"]:
            inspection = Inspection.objects.filter(slug=options["inspection"]).first()
            if inspection is None:
                raise CommandError(f"No inspection {options['inspection']}.")
            try:
                results = [inspection_anonymise(inspection=inspection, dry_run=dry_run)]
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        else:
            try:
                today = date.fromisoformat(options["today"]) if options["today"] else None
            except ValueError as exc:
                raise CommandError("--today: enter a date as YYYY-MM-DD.") from exc
            results = retention_sweep(today=today, dry_run=dry_run)
        if not results:
            self.stdout.write("No inspection is past its retention date.")
        for result in results:
            for line in result.lines():
                self.stdout.write(line)
