"""Writes of answers: one answer (the API), a page of answers (the web pages), and first answers
in bulk (loaders). Every change keeps history; a stale write is refused whole; who may write is
decided by cases.access, the same for every channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cases.access import reason_needed, require_answer_write
from cases.models import MAX_RATIONALE_LENGTH, MAX_REASON_LENGTH, Answer, AnswerChange, Case
from cases.services.common import acting, check_not_published
from core.exceptions import StaleWriteError
from core.typing import AnyUser, User
from inspections.models import Question

REASON_MESSAGE = "This case has been submitted: say why the answer is changing."
RETURNED_REASON_MESSAGE = "This case was returned by its moderator: say what you changed and why."


def _check_reason(case: Case, reason: str, *, changing: bool) -> None:
    if len(reason.strip()) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": [f"Keep the reason under {MAX_REASON_LENGTH:,} characters."]}
        )
    if changing and reason_needed(case) and not reason.strip():
        returned = case.status == Case.Status.RETURNED
        raise ValidationError({"reason": [RETURNED_REASON_MESSAGE if returned else REASON_MESSAGE]})


def allowed_values(question: Question) -> list[tuple[str, str]]:
    """The answers a question takes, as (value, label): Yes, No, and Not applicable where the
    framework allows it."""
    values = [(Answer.Value.YES.value, "Yes"), (Answer.Value.NO.value, "No")]
    if question.na_allowed:
        values.append((Answer.Value.NOT_APPLICABLE.value, "Not applicable"))
    return values


def answer_validate(*, case: Case, question: Question, value: str, rationale: str) -> None:
    """The rules of one answer, with messages keyed by field (value, question, rationale)."""
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
    if len(rationale) > MAX_RATIONALE_LENGTH:
        errors["rationale"] = [
            f"Keep the rationale for {question.code} under {MAX_RATIONALE_LENGTH:,} characters."
        ]
    if errors:
        raise ValidationError(errors)


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)


def _check_writer(locked: Case, by: AnyUser | None) -> None:
    standing = acting(by, locked.inspection)
    if standing is not None:
        require_answer_write(standing, locked)
    check_not_published(locked.inspection)


def _write(
    *,
    case: Case,
    question: Question,
    answer: Answer | None,
    value: str,
    rationale: str,
    by: AnyUser | None,
    reason: str,
    source: str,
) -> Answer:
    """Store one changed answer and its history entry, and move the case's status on.

    The case row is locked by the caller, who has checked access, validity and versions.
    """
    old_value, old_rationale = (answer.value, answer.rationale) if answer else ("", "")
    if answer is None:
        answer = Answer(case=case, question=question, version=0)
    person = by if isinstance(by, User) else None
    answer.value = value
    answer.rationale = rationale
    answer.answered_by = person
    answer.version += 1
    answer.save()
    AnswerChange.objects.create(
        answer=answer,
        case=case,
        question=question,
        old_value=old_value,
        new_value=value,
        old_rationale=old_rationale,
        new_rationale=rationale,
        changed_by=person,
        reason=reason.strip(),
        source=source,
    )
    status = case.status
    if status == Case.Status.NOT_STARTED:
        status = Case.Status.IN_PROGRESS
    elif (
        status == Case.Status.MODERATED
        and question.kind == Question.Kind.KEY
        and old_value != value
    ):
        # The moderated judgement was changed (only the lead may): it counts only once it has
        # been moderated again, so the case goes back to the moderation queue.
        status = Case.Status.SUBMITTED
    if status != case.status:
        case.status = status
        case.save(update_fields=["status", "updated_at"])
    return answer


@transaction.atomic
def answer_record(
    *,
    case: Case,
    question: Question,
    value: str,
    rationale: str = "",
    by: AnyUser | None = None,
    expected_version: int | None = None,
    reason: str = "",
    source: str = "web",
) -> Answer:
    """Record (create or change) the answer to one question on one case, keeping history.

    `by` is checked against the access policy (None: a system write, e.g. a loader).
    `expected_version` is the answer version the writer saw (0 for "no answer yet"); a
    mismatch raises StaleWriteError and writes nothing.
    """
    locked = _lock_case(case)
    _check_writer(locked, by)
    rationale = rationale.strip()
    answer_validate(case=locked, question=question, value=value, rationale=rationale)
    _check_reason(locked, reason, changing=True)
    answer = Answer.objects.select_for_update().filter(case=locked, question=question).first()
    current_version = answer.version if answer else 0
    if expected_version is not None and expected_version != current_version:
        raise StaleWriteError(
            f"The answer to {question.code} was changed since you read it. "
            "Your answer was not saved.",
            current=answer,
        )
    if answer is not None and answer.value == value and answer.rationale == rationale:
        return answer
    return _write(
        case=locked,
        question=question,
        answer=answer,
        value=value,
        rationale=rationale,
        by=by,
        reason=reason,
        source=source,
    )


@dataclass(frozen=True)
class PageAnswer:
    """One question's input from a page: the value (blank: untouched), rationale, and the
    answer version the page was rendered with (0: no answer then; -1: unreadable)."""

    question: Question
    value: str
    rationale: str
    expected_version: int


@dataclass(frozen=True)
class Conflict:
    """A question whose answer changed after the page was opened: what the page had and what
    the answer is now."""

    question: Question
    yours_value: str
    yours_rationale: str
    current: Answer | None


class PageStaleError(Exception):
    """Some answers on the page changed since it was opened; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__("Answers changed since the page was opened.")
        self.conflicts = conflicts


def page_field(question: Question, field: str) -> str:
    """The name of a question's field on a page of answers (and of its errors)."""
    return f"{question.code}-{field}"


def _page_validate(case: Case, answers: list[PageAnswer]) -> None:
    errors: dict[str, list[str]] = {}
    for page in answers:
        question = page.question
        allowed = [v for v, _ in allowed_values(question)]
        if page.value and page.value not in allowed:
            errors[page_field(question, "value")] = [f"Select a valid answer for {question.code}"]
        elif page.rationale.strip() and not page.value:
            errors[page_field(question, "value")] = [
                f"Select an answer for {question.code} to save its rationale"
            ]
        elif len(page.rationale.strip()) > MAX_RATIONALE_LENGTH:
            errors[page_field(question, "rationale")] = [
                f"Keep the rationale for {question.code} under {MAX_RATIONALE_LENGTH:,} characters"
            ]
        elif page.value:
            try:
                answer_validate(
                    case=case, question=question, value=page.value, rationale=page.rationale
                )
            except ValidationError as exc:
                for messages in exc.message_dict.values():
                    errors.setdefault(page_field(question, "value"), []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _same(answer: Answer | None, page: PageAnswer) -> bool:
    return answer is not None and (answer.value, answer.rationale) == (
        page.value,
        page.rationale.strip(),
    )


@transaction.atomic
def case_answers_save(
    *,
    case: Case,
    answers: list[PageAnswer],
    by: AnyUser | None,
    reason: str = "",
    source: str = "web",
) -> int:
    """Save every answer of one page, all or nothing; returns how many answers changed.

    Errors are keyed by the page's field names (page_field: "C1-value", "C1-rationale") and
    "reason". A page whose answers changed since it was rendered is refused whole
    (PageStaleError names every changed question). A repeat of the same request (a
    double-click on Save) finds the answers already as submitted and changes nothing, instead
    of reporting itself as a conflict.
    """
    locked = _lock_case(case)
    _check_writer(locked, by)
    _page_validate(locked, answers)
    current = {
        a.question_id: a
        for a in Answer.objects.filter(
            case=locked, question__in=[p.question for p in answers]
        ).select_related("answered_by")
    }
    conflicts = [
        Conflict(page.question, page.value, page.rationale, current.get(page.question.pk))
        for page in answers
        if _version(current.get(page.question.pk)) != page.expected_version
        and not _same(current.get(page.question.pk), page)
    ]
    if conflicts:
        raise PageStaleError(conflicts)
    changes = [p for p in answers if p.value and not _same(current.get(p.question.pk), p)]
    _check_reason(locked, reason, changing=bool(changes))
    for page in changes:
        _write(
            case=locked,
            question=page.question,
            answer=current.get(page.question.pk),
            value=page.value,
            rationale=page.rationale.strip(),
            by=by,
            reason=reason,
            source=source,
        )
    return len(changes)


def _version(answer: Answer | None) -> int:
    return answer.version if answer is not None else 0


# -- first answers in bulk (loaders of new cases) ------------------------------------------------

BulkRow = tuple[Case, Question, str, str, "User | None"]


@transaction.atomic
def answers_bulk_create(
    *,
    rows: list[BulkRow],
    source: str,
    batch_size: int = 5000,
    history: bool = True,
) -> int:
    """Create first answers in bulk (case, question, value, rationale, by), with their history.

    For loaders of new cases only (system writes): it does not check versions or change
    existing answers. history=False skips the first history entry (synthetic benchmark data
    only: it halves the rows written).
    On PostgreSQL the rows are streamed with COPY (the ORM's bulk insert costs ~20x more per
    row at 20,000 cases); the database's constraints and triggers check every row either way.
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _answers_copy(rows=rows, source=source, history=history)
    answers = [
        Answer(case=case, question=question, value=value, rationale=rationale, answered_by=by)
        for case, question, value, rationale, by in rows
    ]
    created = Answer.objects.bulk_create(answers, batch_size=batch_size)
    if not history:
        return len(created)
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


def _answers_copy(*, rows: list[BulkRow], source: str, history: bool) -> int:
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
        if not history:
            return len(rows)
        cursor.execute(
            f"INSERT INTO {change_table} (answer_id, case_id, question_id, old_value, new_value, "
            "old_rationale, new_rationale, changed_by_id, changed_at, reason, source) "
            f"SELECT id, case_id, question_id, '', value, '', rationale, answered_by_id, "
            f"answered_at, '', %s FROM {answer_table} WHERE case_id = ANY(%s)",
            [source, case_ids],
        )
    return len(rows)
