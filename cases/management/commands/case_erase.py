from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from cases.services.retention import case_erase


class Command(BaseCommand):
    help = (
        "Erase one case of a published inspection as retention would (free text removed, "
        "reference replaced; answer values and profile kept). docs/data-protection.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="The inspection's slug.")
        parser.add_argument("reference", help="The case reference.")
        parser.add_argument("--reason", required=True, help="Why (kept in the history).")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(
            inspection__slug=options["inspection"], reference=options["reference"]
        ).first()
        if case is None:
            raise CommandError("No such case in that inspection.")
        try:
            erased = case_erase(case=case, reason=options["reason"], by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Erased: the case is now {erased.reference}.")
