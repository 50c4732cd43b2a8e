"""Importing a case list from CSV: every bad line reported by number, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from cases.models import Case
from cases.services.common import acting, check_not_published
from cases.services.profile import case_validate, cases_bulk_create
from core.typing import AnyUser
from inspections.access import require_manage
from inspections.models import Inspection, InspectionEvent
from inspections.services import inspection_event

# CSV import: the documented columns (docs/case-import.md). Booleans are yes/no.
CSV_REQUIRED = ("reference", "pdu", "sentence_type", "setting", "rosh", "practitioner_grade")
# The profile's yes/no attributes, in profile order.
CSV_BOOLEANS = tuple(
    f for f in Case.PROFILE_ATTRIBUTES if isinstance(Case._meta.get_field(f), models.BooleanField)
)
CSV_COLUMNS = (
    *CSV_REQUIRED,
    "commenced_on",
    "mappa_category",
    "mappa_level",
    "inspector",
    *CSV_BOOLEANS,
)


class CsvImportError(Exception):
    """Rows that cannot be imported: (line number, message) pairs. Nothing was imported."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} problems in the file.")
        self.problems = problems


def _csv_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("", "no", "n", "false", "0"):
        return False
    raise ValueError(f"'{raw}' is not yes or no")


@transaction.atomic
def cases_import_csv(
    *, inspection: Inspection, raw: bytes, by: AnyUser | None = None
) -> list[Case]:
    """Import a case list; every bad row is reported with its line number, and nothing is
    imported unless every row is good."""
    standing = acting(by, inspection)
    if standing is not None:
        require_manage(standing, "import cases")
    # The inspection row serialises imports (a double-clicked upload must not import twice, nor
    # fail on the database's unique reference) and publication.
    inspection = (
        Inspection.objects.select_for_update().select_related("region").get(pk=inspection.pk)
    )
    check_not_published(inspection)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError([(0, "The file is not UTF-8 text: save it as CSV UTF-8.")]) from exc
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        # (line number, row): line_num is read as each row is, so it is that row's line.
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        # The reader counts a line once it has parsed it: the bad one is the next.
        raise CsvImportError(
            [(reader.line_num + 1, f"This line is not valid CSV ({exc}).")]
        ) from exc
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown columns: {', '.join(unknown)}")
        raise CsvImportError([(1, "The header row has " + "; ".join(parts) + ".")])
    # Trimmed names, so that " pdu" in a header still finds its column.
    extra = {line for line, row in rows if None in row}  # more values than the header has
    rows = [(line, dict(zip(header, row.values(), strict=False))) for line, row in rows]
    pdus = {p.code.upper(): p for p in inspection.region.pdus.all()}
    members = {m.user.username: m.user for m in inspection.memberships.select_related("user").all()}
    existing = set(inspection.cases.values_list("reference", flat=True))
    problems: list[tuple[int, str]] = []
    profiles: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, raw_row in rows:
        row = {k: (v or "").strip() for k, v in raw_row.items() if k is not None}
        if not any(row.values()):
            continue
        row_problems: list[str] = []
        if line in extra:
            row_problems.append("this line has more values than the header row has columns")
        profile: dict[str, Any] = {}
        reference = row.get("reference", "")
        profile["reference"] = reference
        if reference in existing:
            row_problems.append(f"case {reference} is already in this inspection")
        elif reference in seen:
            row_problems.append(f"case {reference} is also on line {seen[reference]}")
        seen.setdefault(reference, line)
        pdu = pdus.get(row.get("pdu", "").upper())
        if pdu is None:
            row_problems.append(
                f"pdu '{row.get('pdu', '')}' is not a PDU code of {inspection.region.name} "
                f"(use one of {', '.join(sorted(pdus))})"
            )
        profile["pdu"] = pdu
        for name in ("sentence_type", "setting", "rosh", "practitioner_grade"):
            profile[name] = row.get(name, "")
        for name in CSV_BOOLEANS:
            if name in row:
                try:
                    profile[name] = _csv_bool(row[name])
                except ValueError as exc:
                    row_problems.append(f"{name}: {exc}")
        for name in ("mappa_category", "mappa_level"):
            value = row.get(name, "")
            if value:
                # isdigit() would pass '²', which int() refuses: only decimal digits are numbers.
                if value.isdecimal():
                    profile[name] = int(value)
                else:
                    row_problems.append(f"{name}: '{value}' is not a number")
        if row.get("commenced_on"):
            try:
                profile["commenced_on"] = date.fromisoformat(row["commenced_on"])
            except ValueError:
                row_problems.append(
                    f"commenced_on: '{row['commenced_on']}' is not a date like 2025-04-28"
                )
        username = row.get("inspector", "")
        if username:
            if username not in members:
                row_problems.append(f"inspector '{username}' is not on this inspection")
            else:
                profile["inspector"] = members[username]
        if not row_problems and pdu is not None:
            try:
                case_validate(Case(inspection=inspection, **profile))
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        label = "" if field_name == "__all__" else f"{field_name}: "
                        row_problems.append(f"{label}{message}")
        problems.extend((line, message) for message in row_problems)
        profiles.append(profile)
    if not profiles and not problems:
        problems.append((2, "The file has a header row but no cases."))
    if problems:
        raise CsvImportError(problems)
    # Every row passed case_validate above; the database still checks each invariant.
    created = cases_bulk_create(inspection=inspection, profiles=profiles, validate=False)
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.CASES,
        summary=f"{len(created)} case{'s' if len(created) != 1 else ''} imported from a CSV file.",
        by=by,
        data={"imported": len(created)},
    )
    return created
