from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cases.tallies import tally_differences, tally_rebuild
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Compare the answer tallies that the scores read with a full count of the answers, for "
        "every inspection or the ones named; --rebuild replaces wrong ones. PostgreSQL only "
        "(docs/adr/0021-answer-tallies.md, docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Inspection slugs (default: all).")
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild the tallies that are wrong."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "Answer tallies are kept on PostgreSQL only; there is nothing to check."
            )
        inspections = Inspection.objects.order_by("slug")
        if options["slugs"]:
            inspections = inspections.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(inspections.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No such inspection: {', '.join(sorted(missing))}.")
        wrong = []
        for inspection in inspections:
            differences = tally_differences(inspection)
            if not differences:
                self.stdout.write(f"{inspection.slug}: right")
                continue
            if options["rebuild"]:
                rows = tally_rebuild(inspection)
                left = tally_differences(inspection)
                self.stdout.write(
                    f"{inspection.slug}: {len(differences)} wrong, rebuilt ({rows} rows); "
                    + ("now right" if not left else f"{len(left)} still wrong")
                )
                if left:
                    wrong.append(inspection.slug)
            else:
                self.stdout.write(
                    f"{inspection.slug}: {len(differences)} wrong (tally, answers): "
                    + "; ".join(f"{k}: {v}" for k, v in sorted(differences.items())[:5])
                )
                wrong.append(inspection.slug)
        if wrong:
            raise CommandError(
                f"Tallies wrong for {', '.join(wrong)}."
                + ("" if options["rebuild"] else " Run again with --rebuild.")
            )
