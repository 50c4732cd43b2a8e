"""Writes for cases and answers. Each validates, runs in one transaction and locks what races."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import Answer, AnswerChange, Case
from inspections.models import PDU, Inspection, Question

PROFILE_FIELDS = (
    "pdu",
    "reference",
    "commenced_on",
    "sentence_type",
    "setting",
    "rosh",
    "mappa_eligible",
    "mappa_category",
    "mappa_level",
    "practitioner_grade",
    "adjusted_questions",
    "court_work",
    "curfew_considered",
    "released_from_custody",
    "risk_to_children",
    "oversight_required",
    "practitioner_interviewed",
    "domestic_abuse",
    "child_safeguarding",
    "sexual_harm",
    "violence",
)


class StaleWriteError(Exception):
    """The record changed since the writer read it; nothing was written."""

    def __init__(self, message: str, *, current: Any) -> None:
        super().__init__(message)
        self.current = current


class InspectionLockedError(ValidationError):
    """The inspection is published: its cases and answers are read-only."""


def _check_not_published(inspection: Inspection) -> None:
    if inspection.is_published:
        raise InspectionLockedError(
            "This inspection has been published: its cases and answers are read-only."
        )


def case_validate(case: Case) -> None:
    """Model validation plus the invariants that span tables, with messages for people."""
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    pdu: PDU | None = getattr(case, "pdu", None) if case.pdu_id else None
    inspection: Inspection | None = case.inspection if case.inspection_id else None
    if pdu is not None and inspection is not None and pdu.region_id != inspection.region_id:
        errors.setdefault("pdu", []).append(
            f"{pdu.name} is not a PDU of the {inspection.region.name} region."
        )
    if case.mappa_eligible and (case.mappa_category is None or case.mappa_level is None):
        errors.setdefault("mappa_level", []).append(
            "A MAPPA-eligible case needs its MAPPA category and level."
        )
    if not case.mappa_eligible and (case.mappa_category or case.mappa_level):
        errors.setdefault("mappa_eligible", []).append(
            "Only a MAPPA-eligible case can have a MAPPA category or level."
        )
    if errors:
        # Constraint messages repeat the field messages above; keep each message once.
        raise ValidationError({k: list(dict.fromkeys(v)) for k, v in errors.items()})


@transaction.atomic
def case_create(*, inspection: Inspection, **profile: Any) -> Case:
    _check_not_published(inspection)
    unknown = set(profile) - set(PROFILE_FIELDS) - {"inspector", "status"}
    if unknown:
        raise ValidationError(f"Unknown case fields: {', '.join(sorted(unknown))}")
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
def case_update_profile(*, case: Case, expected_version: int | None = None, **profile: Any) -> Case:
    locked = Case.objects.select_for_update().select_related("inspection__region").get(pk=case.pk)
    _check_not_published(locked.inspection)
    if expected_version is not None and locked.version != expected_version:
        raise StaleWriteError(
            "Someone else changed this case since you opened it. Your changes were not saved.",
            current=locked,
        )
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown case fields: {', '.join(sorted(unknown))}")
    for name, value in profile.items():
        setattr(locked, name, value)
    case_validate(locked)
    locked.version += 1
    locked.save()
    return locked


def answer_validate(*, case: Case, question: Question, value: str, rationale: str) -> None:
    errors: dict[str, list[str]] = {}
    if value not in Answer.Value.values:
        errors["value"] = [f"'{value}' is not an answer: choose yes, no or na (not applicable)."]
    elif value == Answer.Value.NOT_APPLICABLE and not question.na_allowed:
        errors["value"] = [
            f"{question.code} must be answered Yes or No: it cannot be not applicable."
        ]
    if question.framework_id != case.inspection.framework_id:
        errors["question"] = [
            f"{question.code} belongs to framework {question.framework}, not to this "
            f"inspection's framework {case.inspection.framework}."
        ]
    elif not case.question_applies(question):
        errors["question"] = [f"{question.code} does not apply to case {case.reference}."]
    if len(rationale) > 10_000:
        errors["rationale"] = ["Keep the rationale under 10,000 characters."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def answer_record(
    *,
    case: Case,
    question: Question,
    value: str,
    rationale: str = "",
    by: Any = None,
    expected_version: int | None = None,
    reason: str = "",
    source: str = "web",
) -> Answer:
    """Record (create or change) the answer to one question on one case, keeping history.

    `expected_version` is the answer version the writer saw (0 for "no answer yet"); a
    mismatch raises StaleWriteError and writes nothing.
    """
    case = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    _check_not_published(case.inspection)
    rationale = rationale.strip()
    answer_validate(case=case, question=question, value=value, rationale=rationale)
    if case.status in (Case.Status.SUBMITTED, Case.Status.MODERATED) and not reason.strip():
        raise ValidationError(
            {"reason": ["This case has been submitted: say why the answer is changing."]}
        )
    answer = Answer.objects.select_for_update().filter(case=case, question=question).first()
    current_version = answer.version if answer else 0
    if expected_version is not None and expected_version != current_version:
        raise StaleWriteError(
            f"The answer to {question.code} was changed by someone else since you opened it. "
            "Your answer was not saved.",
            current=answer,
        )
    if answer is not None and answer.value == value and answer.rationale == rationale:
        return answer
    old_value, old_rationale = (answer.value, answer.rationale) if answer else ("", "")
    if answer is None:
        answer = Answer(case=case, question=question)
    answer.value = value
    answer.rationale = rationale
    answer.answered_by = by
    answer.version = current_version + 1
    answer.save()
    AnswerChange.objects.create(
        answer=answer,
        case=case,
        question=question,
        old_value=old_value,
        new_value=value,
        old_rationale=old_rationale,
        new_rationale=rationale,
        changed_by=by,
        reason=reason.strip(),
        source=source,
    )
    if case.status == Case.Status.NOT_STARTED:
        case.status = Case.Status.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
    return answer


@transaction.atomic
def cases_bulk_create(
    *,
    inspection: Inspection,
    profiles: list[dict[str, Any]],
    validate: bool = True,
    batch_size: int = 2000,
) -> list[Case]:
    """Create many cases in bulk inserts; all or nothing.

    With validate=True each case gets the same checks as case_create (messages name the
    reference). Bulk loaders of generated data may skip them: the database still enforces
    every invariant (constraints and triggers) and rolls the whole batch back.
    """
    _check_not_published(inspection)
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


@transaction.atomic
def answers_bulk_create(
    *, rows: list[tuple[Case, Question, str, str, Any]], source: str, batch_size: int = 5000
) -> int:
    """Create first answers in bulk (case, question, value, rationale, by), with their history.

    For loaders of new cases only: it does not check versions or change existing answers.
    On PostgreSQL the rows are streamed with COPY (the ORM's bulk insert costs ~20x more per
    row at 20,000 cases); the database's constraints and triggers check every row either way.
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _answers_copy(rows=rows, source=source)
    answers = [
        Answer(case=case, question=question, value=value, rationale=rationale, answered_by=by)
        for case, question, value, rationale, by in rows
    ]
    created = Answer.objects.bulk_create(answers, batch_size=batch_size)
    AnswerChange.objects.bulk_create(
        (
            AnswerChange(
                answer=a,
                case=a.case,
                question=a.question,
                new_value=a.value,
                new_rationale=a.rationale,
                changed_by=a.answered_by,
                source=source,
            )
            for a in created
        ),
        batch_size=batch_size,
    )
    return len(created)


def _answers_copy(*, rows: list[tuple[Case, Question, str, str, Any]], source: str) -> int:
    now = timezone.now()
    answer_table = Answer._meta.db_table
    change_table = AnswerChange._meta.db_table
    case_ids = sorted({case.pk for case, *_ in rows})
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(
            f"COPY {answer_table} (case_id, question_id, value, rationale, answered_by_id, "
            "answered_at, version) FROM STDIN"
        ) as copy:
            for case, question, value, rationale, by in rows:
                copy.write_row(
                    (case.pk, question.pk, value, rationale, by.pk if by else None, now, 1)
                )
        cursor.execute(
            f"INSERT INTO {change_table} (answer_id, case_id, question_id, old_value, new_value, "
            "old_rationale, new_rationale, changed_by_id, changed_at, reason, source) "
            f"SELECT id, case_id, question_id, '', value, '', rationale, answered_by_id, "
            f"answered_at, '', %s FROM {answer_table} WHERE case_id = ANY(%s)",
            [source, case_ids],
        )
    return len(rows)
