from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services import DEFAULT_FRAMEWORK_FILE, FrameworkFileError, framework_load_file


class Command(BaseCommand):
    help = "Load a question-bank framework version from a JSON file (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_FRAMEWORK_FILE),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = framework_load_file(path=Path(options["path"]))
        except FrameworkFileError as exc:
            raise CommandError(str(exc)) from exc
        fw = result.framework
        verb = "Loaded" if result.created else "Already loaded (unchanged)"
        self.stdout.write(f"{verb}: {fw} with {fw.questions.count()} questions.")
