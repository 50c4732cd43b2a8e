from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import south_west_2025 as demo
from demo.loader import FRAMEWORK_FILE
from demo.synthetic import synthetic_inspection_create
from inspections.models import Region
from inspections.services import framework_load_file, region_ensure


class Command(BaseCommand):
    help = "Create a synthetic inspection of N cases with complete answers (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--region", default=demo.REGION["slug"], help="Region slug (default: south-west)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["region"] == demo.REGION["slug"]:
            region = region_ensure(
                name=demo.REGION["name"], slug=demo.REGION["slug"], pdus=demo.REGION["pdus"]
            )
        else:
            found = Region.objects.filter(slug=options["region"]).first()
            if found is None:
                raise CommandError(f"No region with slug {options['region']!r}.")
            region = found
        framework = framework_load_file(path=FRAMEWORK_FILE).framework
        started = time.perf_counter()
        try:
            inspection = synthetic_inspection_create(
                slug=options["slug"],
                cases=options["cases"],
                seed=options["seed"],
                region=region,
                framework=framework,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Created {inspection.slug}: {options['cases']:,} cases in {elapsed:.1f}s."
        )
