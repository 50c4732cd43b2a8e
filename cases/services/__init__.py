"""Writes for cases and answers, one module per concern:

- profile: create and change cases (one, or many in bulk);
- answers: record answers (one, a page, first answers in bulk), with history;
- workflow: allocate, submit, moderate;
- csv_import: import a case list;
- withdrawal: withdraw a case from an inspection before publication;
- access_log: the read-access log.

Every service validates (services are the only validators), runs in one transaction, locks what
races, and checks whoever acts against the access policy (cases.access, inspections.access).
The names below are the package's public surface.
"""

from __future__ import annotations

from cases.services.answers import (
    Conflict,
    PageAnswer,
    PageStaleError,
    allowed_values,
    answer_record,
    answer_validate,
    answers_bulk_create,
    case_answers_save,
    page_field,
)
from cases.services.common import InspectionLockedError
from cases.services.csv_import import (
    CSV_BOOLEANS,
    CSV_COLUMNS,
    CSV_REQUIRED,
    CsvImportError,
    cases_import_csv,
    csv_import_is_large,
    csv_import_run,
    csv_import_start,
)
from cases.services.lifecycle import StepBlockedError, inspection_move
from cases.services.profile import (
    case_check_fields,
    case_create,
    case_update_profile,
    case_validate,
    cases_bulk_create,
)
from cases.services.sampling import moderation_sample_draw
from cases.services.team import member_add, member_change_role, member_remove
from cases.services.withdrawal import case_withdraw
from cases.services.workflow import (
    IncompleteCaseError,
    Verdict,
    case_moderate,
    case_submit,
    cases_allocate,
    verdict_field,
)
from core.exceptions import StaleWriteError

__all__ = [
    "CSV_BOOLEANS",
    "CSV_COLUMNS",
    "CSV_REQUIRED",
    "Conflict",
    "CsvImportError",
    "IncompleteCaseError",
    "InspectionLockedError",
    "PageAnswer",
    "PageStaleError",
    "StaleWriteError",
    "StepBlockedError",
    "Verdict",
    "allowed_values",
    "answer_record",
    "answer_validate",
    "answers_bulk_create",
    "case_answers_save",
    "case_check_fields",
    "case_create",
    "case_moderate",
    "case_submit",
    "case_update_profile",
    "case_validate",
    "case_withdraw",
    "cases_allocate",
    "cases_bulk_create",
    "cases_import_csv",
    "csv_import_is_large",
    "csv_import_run",
    "csv_import_start",
    "inspection_move",
    "member_add",
    "member_change_role",
    "member_remove",
    "moderation_sample_draw",
    "page_field",
    "verdict_field",
]
