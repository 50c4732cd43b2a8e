"""Writes of a case's profile: create one, change one, create many (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case
from cases.services.common import acting, check_not_published
from core.exceptions import StaleWriteError
from core.typing import AnyUser
from inspections.access import require_manage
from inspections.models import PDU, Inspection

# Relations are set from objects already in hand (the inspection, its region's PDUs, its team):
# validating them again would cost a query per case.
_RELATIONS = ("inspection", "pdu", "inspector", "second_marker")


def case_check_fields(case: Case) -> None:
    """The checks of one case that need no query: each field's validators and choices, and the
    profile's own rules (MAPPA). What an import runs on every line; the database enforces the
    rest (references unique, PDU in the region) and case_validate checks them with messages."""
    errors: dict[str, list[str]] = {}
    try:
        case.clean_fields(exclude=_RELATIONS)
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    if case.mappa_eligible and (case.mappa_category is None or case.mappa_level is None):
        errors.setdefault("mappa_level", []).append(
            "A MAPPA-eligible case needs its MAPPA category and level."
        )
    if not case.mappa_eligible and (case.mappa_category or case.mappa_level):
        errors.setdefault("mappa_eligible", []).append(
            "Only a MAPPA-eligible case can have a MAPPA category or level."
        )
    if errors:
        raise ValidationError(errors)


def case_validate(case: Case) -> None:
    """Model validation plus the invariants that span tables, with messages for people."""
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    try:
        case_check_fields(case)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    pdu: PDU | None = getattr(case, "pdu", None) if case.pdu_id else None
    inspection: Inspection | None = case.inspection if case.inspection_id else None
    if pdu is not None and inspection is not None and pdu.region_id != inspection.region_id:
        errors.setdefault("pdu", []).append(
            f"{pdu.name} is not a PDU of the {inspection.region.name} region."
        )
    if errors:
        # Constraint messages repeat the field messages above; keep each message once.
        raise ValidationError({k: list(dict.fromkeys(v)) for k, v in errors.items()})


def _check_fields(profile: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(profile) - allowed
    if unknown:
        raise ValidationError(f"Unknown case fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def case_create(*, inspection: Inspection, by: AnyUser | None = None, **profile: Any) -> Case:
    """One new case of an inspection (by the lead; `by=None` for a loader)."""
    standing = acting(by, inspection)
    if standing is not None:
        require_manage(standing, "add cases")
    check_not_published(inspection)
    _check_fields(profile, {*Case.PROFILE_FIELDS, "inspector", "status"})
    case = Case(inspection=inspection, **profile)
    case_validate(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"reference": [f"Case {case.reference} is already in this inspection."]}
        ) from exc
    return case


@transaction.atomic
def case_update_profile(
    *,
    case: Case,
    by: AnyUser | None = None,
    expected_version: int | None = None,
    **profile: Any,
) -> Case:
    """Change a case's profile (the lead's). `expected_version` is the version the writer saw:
    a mismatch raises StaleWriteError and writes nothing."""
    locked = Case.objects.select_for_update().select_related("inspection__region").get(pk=case.pk)
    standing = acting(by, locked.inspection)
    if standing is not None:
        require_manage(standing, "change a case's profile")
    check_not_published(locked.inspection)
    if expected_version is not None and locked.version != expected_version:
        raise StaleWriteError(
            "This case was changed since you opened it (perhaps by you, in another tab). "
            "Your changes were not saved.",
            current=locked,
        )
    _check_fields(profile, set(Case.PROFILE_FIELDS))
    for name, value in profile.items():
        setattr(locked, name, value)
    case_validate(locked)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def cases_bulk_create(
    *,
    inspection: Inspection,
    profiles: list[dict[str, Any]],
    validate: bool = True,
    batch_size: int = 2000,
) -> list[Case]:
    """Create many cases in bulk inserts; all or nothing. Callers check who may (the CSV import
    does; loaders are system writes).

    With validate=True each case gets the same checks as case_create (messages name the
    reference). Bulk loaders of generated data may skip them: the database still enforces
    every invariant (constraints and triggers) and rolls the whole batch back.
    """
    check_not_published(inspection)
    cases = [Case(inspection=inspection, **profile) for profile in profiles]
    if validate:
        problems: list[str] = []
        seen: set[str] = set()
        for case in cases:
            if case.reference in seen:
                problems.append(f"{case.reference}: the reference appears twice.")
            seen.add(case.reference)
            try:
                case_validate(case)
            except ValidationError as exc:
                problems.extend(f"{case.reference}: {m}" for m in exc.messages)
        if problems:
            raise ValidationError(problems)
    return Case.objects.bulk_create(cases, batch_size=batch_size)


__all__ = [
    "case_check_fields",
    "case_create",
    "case_update_profile",
    "case_validate",
    "cases_bulk_create",
]
