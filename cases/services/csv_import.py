"""Importing a case list from CSV: every bad line reported by number, all or nothing.

Sizes seen in practice run to thousands of lines, so the work is split (docs/benchmarks.md):

1. **Parse and validate, with no lock and no transaction**: the whole file is read, each line
   checked in memory (the model's field validators and the profile's own rules, no query per
   line), against the region's PDUs, the team and the references already there, read once.
2. **Insert, briefly**: in one short transaction the inspection row is locked (which serialises
   imports with each other and with publication), the references are checked again against
   what was committed meanwhile, and the cases are written in one statement (COPY on
   PostgreSQL). Answer writes wait for that lock for well under a second, not for the parse.

Dates may be written `2025-04-28` or `28/04/2025` (Excel's UK format); lines may end with LF,
CRLF or CR (old Mac files). Files over CSV_IMPORT_BACKGROUND_LINES lines run as a background
job (CaseImport, csv_import_start), with the same rules.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import Case, CaseImport
from cases.services.common import acting, check_not_published
from cases.services.profile import case_check_fields
from core.queue import QueueUnavailableError, task_send_on_commit
from core.typing import AnyUser, User
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
PROGRESS_EVERY = 500  # lines between progress reports of a background import

Progress = Callable[[int, int], None]  # (lines checked, lines in the file)


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


def csv_date(raw: str) -> date:
    """2025-04-28 (ISO) or 28/04/2025 (day first, as Excel writes UK dates)."""
    value = raw.strip()
    if "/" in value:
        parts = value.split("/")
        if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
            day, month, year = parts
            if len(year) == 4 and len(day) <= 2 and len(month) <= 2:
                return date(int(year), int(month), int(day))
        raise ValueError(value)
    # YYYY-MM-DD only: fromisoformat would also take 20250428 and week dates (2025-W18-1).
    digits = value[:4] + value[5:7] + value[8:]
    if (
        len(value) != 10
        or value[4] + value[7] != "--"
        or not (digits.isascii() and digits.isdigit())
    ):
        raise ValueError(value)
    return date.fromisoformat(value)


def csv_line_count(raw: bytes) -> int:
    """Lines in a file, whichever line ending it uses (to choose a background import)."""
    return max(raw.count(b"\n"), raw.count(b"\r")) + (0 if raw.endswith((b"\n", b"\r")) else 1)


def csv_check(
    *, inspection: Inspection, raw: bytes, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Every line's case profile, or CsvImportError with every problem. Reads the database a
    fixed number of times (PDUs, team, existing references), writes nothing, locks nothing."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError([(0, "The file is not UTF-8 text: save it as CSV UTF-8.")]) from exc
    # newline="": the csv module sees every line ending (LF, CRLF, CR) and quoted line breaks.
    reader = csv.DictReader(io.StringIO(text, newline=""))
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
    region = inspection.region
    pdus = {p.code.upper(): p for p in region.pdus.all()}
    pdu_codes = ", ".join(sorted(pdus))
    members = {m.user.username: m.user for m in inspection.memberships.select_related("user")}
    existing = set(inspection.cases.values_list("reference", flat=True))
    problems: list[tuple[int, str]] = []
    profiles: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    total = len(rows)
    for done, (line, raw_row) in enumerate(rows, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        row = {
            name: (value or "").strip()
            for name, value in zip(header, raw_row.values(), strict=False)
            if name is not None and not isinstance(value, list)
        }
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
                f"pdu '{row.get('pdu', '')}' is not a PDU code of {region.name} "
                f"(use one of {pdu_codes})"
            )
        profile["pdu"] = pdu
        for name in ("sentence_type", "setting", "rosh", "practitioner_grade"):
            profile[name] = row.get(name, "")
        for name in CSV_BOOLEANS:
            # A column left out is blank on every line: no, as the import page says (never the
            # model's default, which would make a question relevant to every case).
            try:
                profile[name] = _csv_bool(row.get(name) or "")
            except ValueError as exc:
                row_problems.append(f"{name}: {exc}")
        for name in ("mappa_category", "mappa_level"):
            value = row.get(name, "")
            if value:
                # isdigit() would pass '²', which int() refuses: only decimal digits are numbers.
                if value.isdecimal() and value.isascii():
                    profile[name] = int(value)
                else:
                    row_problems.append(f"{name}: '{value}' is not a number")
        if row.get("commenced_on"):
            try:
                profile["commenced_on"] = csv_date(row["commenced_on"])
            except ValueError:
                row_problems.append(
                    f"commenced_on: '{row['commenced_on']}' is not a date like 2025-04-28 or "
                    "28/04/2025"
                )
        username = row.get("inspector", "")
        if username:
            if username not in members:
                row_problems.append(f"inspector '{username}' is not on this inspection")
            else:
                profile["inspector"] = members[username]
        if not row_problems:
            try:
                case_check_fields(Case(inspection=inspection, **profile))
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        label = "" if field_name == "__all__" else f"{field_name}: "
                        row_problems.append(f"{label}{message}")
        problems.extend((line, message) for message in row_problems)
        profiles.append(profile)
    if progress is not None:
        progress(total, total)
    if not profiles and not problems:
        problems.append((2, "The file has a header row but no cases."))
    if problems:
        raise CsvImportError(problems)
    return profiles


def _line_of(profiles: list[dict[str, Any]], reference: str) -> int:
    return next((n for n, p in enumerate(profiles, 2) if p["reference"] == reference), 0)


def csv_insert(
    *, inspection: Inspection, profiles: list[dict[str, Any]], by: AnyUser | None = None
) -> list[Case]:
    """Write checked profiles as new cases, all or nothing, holding the inspection's lock only
    while the rows are written (they are prepared before, and read back after). The import is
    in the inspection's history."""
    cases = [Case(inspection=inspection, **profile) for profile in profiles]
    references = [case.reference for case in cases]
    copy = connection.vendor == "postgresql"
    rows = _copy_rows(cases) if copy else []
    with transaction.atomic():
        # The inspection row serialises imports (a double-clicked upload must not import twice,
        # nor fail on the database's unique reference) and publication.
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        check_not_published(locked)
        clash = list(
            Case.objects.filter(inspection=locked, reference__in=references).values_list(
                "reference", flat=True
            )
        )
        if clash:
            raise CsvImportError(
                sorted(
                    (_line_of(profiles, ref), f"case {ref} is already in this inspection")
                    for ref in clash
                )
            )
        n = len(cases)
        inspection_event(
            inspection=locked,
            kind=InspectionEvent.Kind.CASES,
            summary=f"{n} case{'s' if n != 1 else ''} imported from a CSV file.",
            by=by,
            data={"imported": n},
        )
        if not copy:
            return Case.objects.bulk_create(cases, batch_size=2000)
        _cases_copy(rows)
    # Every constraint and trigger checked the copied rows; read them back with their ids.
    by_reference = {
        c.reference: c for c in Case.objects.filter(inspection=inspection, reference__in=references)
    }
    return [by_reference[ref] for ref in references]


_COPY_FIELDS = [
    f
    for f in Case._meta.concrete_fields
    if not f.primary_key and not getattr(f, "generated", False)
]


def _copy_rows(cases: list[Case]) -> list[list[Any]]:
    now = timezone.now()
    return [
        [
            now
            if f.attname in ("created_at", "updated_at")
            else f.get_db_prep_save(getattr(case, f.attname), connection)
            for f in _COPY_FIELDS
        ]
        for case in cases
    ]


def _cases_copy(rows: list[list[Any]]) -> None:
    """COPY the cases in: one statement (the ORM's bulk insert costs several times more)."""
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in _COPY_FIELDS)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(f"COPY {Case._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def cases_import_csv(
    *,
    inspection: Inspection,
    raw: bytes,
    by: AnyUser | None = None,
    progress: Progress | None = None,
) -> list[Case]:
    """Import a case list; every bad row is reported with its line number, and nothing is
    imported unless every row is good. Returns the created cases, or raises CsvImportError
    (problems: [(line, message)]) or a ValidationError (a published inspection)."""
    standing = acting(by, inspection)
    if standing is not None:
        require_manage(standing, "import cases")
    check_not_published(inspection)
    profiles = csv_check(inspection=inspection, raw=raw, progress=progress)
    return csv_insert(inspection=inspection, profiles=profiles, by=by)


# -- background imports ---------------------------------------------------------------------------


def csv_import_is_large(raw: bytes) -> bool:
    threshold: int = settings.CSV_IMPORT_BACKGROUND_LINES
    return csv_line_count(raw) > threshold


def csv_import_start(
    *, inspection: Inspection, raw: bytes, by: AnyUser | None, filename: str = ""
) -> CaseImport:
    """Queue a background import of a (large) file: a CaseImport whose page follows it.

    Raises QueueUnavailableError when the task cannot be queued: the job is then failed with the
    reason, and nothing was imported.
    """
    standing = acting(by, inspection)
    if standing is not None:
        require_manage(standing, "import cases")
    check_not_published(inspection)
    with transaction.atomic():
        job = CaseImport.objects.create(
            inspection=inspection,
            started_by=by if isinstance(by, User) else None,
            filename=filename[:200],
            raw=raw,
            lines_total=max(csv_line_count(raw) - 1, 0),
        )
        from cases.tasks import case_import_run

        job_id = job.pk

        def not_queued(exc: BaseException) -> None:
            CaseImport.objects.filter(pk=job_id, status=CaseImport.Status.QUEUED).update(
                status=CaseImport.Status.FAILED,
                error="The import could not be queued: the background task service cannot be "
                "reached. Nothing was imported. Try again in a few minutes.",
                raw=b"",
                finished_at=timezone.now(),
            )

        failures = task_send_on_commit(case_import_run, [job_id], on_failure=not_queued)
    if failures:
        raise QueueUnavailableError()
    return job


def csv_import_run(*, job_id: int) -> CaseImport | None:
    """The background import itself (the Celery task's body): the same checks and the same
    all-or-nothing insert as cases_import_csv, reporting progress on the job."""
    with transaction.atomic():
        job = (
            CaseImport.objects.select_for_update(of=("self",))
            .select_related("inspection__region", "started_by")
            .filter(pk=job_id, status=CaseImport.Status.QUEUED)
            .first()
        )
        if job is None:
            return None  # done already (a repeated delivery), or failed
        job.status = CaseImport.Status.CHECKING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    def progress(done: int, total: int) -> None:
        CaseImport.objects.filter(pk=job_id).update(lines_done=done, lines_total=total)

    outcome: dict[str, Any] = {"raw": b"", "finished_at": None}
    try:
        check_not_published(job.inspection)
        profiles = csv_check(inspection=job.inspection, raw=bytes(job.raw), progress=progress)
        CaseImport.objects.filter(pk=job_id).update(status=CaseImport.Status.IMPORTING)
        created = csv_insert(inspection=job.inspection, profiles=profiles, by=job.started_by)
        outcome.update(status=CaseImport.Status.SUCCEEDED, created=len(created))
    except CsvImportError as exc:
        outcome.update(status=CaseImport.Status.FAILED, problems=[list(p) for p in exc.problems])
    except ValidationError as exc:
        outcome.update(status=CaseImport.Status.FAILED, error=" ".join(exc.messages))
    except Exception as exc:
        outcome.update(
            status=CaseImport.Status.FAILED,
            error=f"The import stopped with an error: {type(exc).__name__}. Nothing was imported.",
        )
        raise
    finally:
        outcome["finished_at"] = timezone.now()
        CaseImport.objects.filter(pk=job_id).update(**outcome)
    job.refresh_from_db()
    return job
