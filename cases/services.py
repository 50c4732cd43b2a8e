"""Writes for cases and answers. Each validates, runs in one transaction and locks what races."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from cases.models import Answer, AnswerChange, Case, ModerationReview
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
# The profile's attributes beyond where the case is and what it is called: what exports and the
# report's case-data fingerprint describe each case by.
PROFILE_ATTRIBUTES = tuple(f for f in PROFILE_FIELDS if f not in ("pdu", "reference"))


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
    *,
    rows: list[tuple[Case, Question, str, str, Any]],
    source: str,
    batch_size: int = 5000,
    history: bool = True,
) -> int:
    """Create first answers in bulk (case, question, value, rationale, by), with their history.

    For loaders of new cases only: it does not check versions or change existing answers.
    history=False skips the first history entry (synthetic benchmark data only: it halves
    the rows written).
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


def _answers_copy(
    *, rows: list[tuple[Case, Question, str, str, Any]], source: str, history: bool
) -> int:
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


# --- Web pages: saving a page of answers, submission, allocation, moderation, CSV import ---


@dataclass(frozen=True)
class PageAnswer:
    """One question's input from a page: the value (blank: untouched), rationale, and the
    answer version the page was rendered with (0: no answer then)."""

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


@transaction.atomic
def case_answers_save(
    *, case: Case, answers: list[PageAnswer], by: Any, reason: str = "", source: str = "web"
) -> int:
    """Save every answer of one page, all or nothing; returns how many answers changed.

    A page whose answers changed since it was rendered is refused whole (PageStaleError names
    every changed question). A repeat of the same request (a double-click on Save) finds the
    answers already as submitted and changes nothing, instead of reporting itself as a conflict.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    current = {
        a.question_id: a
        for a in Answer.objects.filter(
            case=locked, question__in=[p.question for p in answers]
        ).select_related("answered_by")
    }
    conflicts = []
    for page in answers:
        answer = current.get(page.question.pk)
        version = answer.version if answer else 0
        if version == page.expected_version:
            continue
        same = answer is not None and (
            (answer.value, answer.rationale) == (page.value, page.rationale.strip())
        )
        if not same:
            conflicts.append(Conflict(page.question, page.value, page.rationale, answer))
    if conflicts:
        raise PageStaleError(conflicts)
    changed = 0
    for page in answers:
        if not page.value:
            continue
        answer = current.get(page.question.pk)
        if answer is not None and (answer.value, answer.rationale) == (
            page.value,
            page.rationale.strip(),
        ):
            continue
        answer_record(
            case=locked,
            question=page.question,
            value=page.value,
            rationale=page.rationale,
            by=by,
            expected_version=answer.version if answer else 0,
            reason=reason,
            source=source,
        )
        changed += 1
    return changed


@dataclass(frozen=True)
class Problem:
    """Why a case cannot be submitted yet: which question, which field, and what to do."""

    question: Question
    field: str  # "value" or "rationale"
    message: str


class IncompleteCaseError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} answers are missing or incomplete.")
        self.problems = problems


def case_questions(case: Case) -> list[Question]:
    """The framework's questions that apply to this case, in order."""
    questions = Question.objects.filter(framework_id=case.inspection.framework_id).select_related(
        "parent"
    )
    return [q for q in questions.order_by("order") if case.question_applies(q)]


def case_problems(
    case: Case, questions: list[Question], answers: dict[int, Answer]
) -> list[Problem]:
    """What stops submission: every applicable question needs an answer; a key-question
    judgement, and every No on a prompt, needs a rationale."""
    problems = []
    for q in questions:
        answer = answers.get(q.pk)
        if answer is None:
            problems.append(Problem(q, "value", f"Select an answer for {q.code}"))
            continue
        needs_rationale = q.kind == Question.Kind.KEY or (
            q.kind == Question.Kind.PROMPT and answer.value == Answer.Value.NO
        )
        if needs_rationale and not answer.rationale.strip():
            what = "the judgement" if q.kind == Question.Kind.KEY else "the No"
            problems.append(Problem(q, "rationale", f"Enter a rationale for {what} on {q.code}"))
    return problems


@transaction.atomic
def case_submit(*, case: Case, by: Any) -> Case:
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    _check_not_published(locked.inspection)
    if locked.status in (Case.Status.SUBMITTED, Case.Status.MODERATED):
        return locked  # already submitted: a repeated click changes nothing
    questions = case_questions(locked)
    answers = {a.question_id: a for a in locked.answers.all()}
    problems = case_problems(locked, questions, answers)
    if problems:
        raise IncompleteCaseError(problems)
    locked.status = Case.Status.SUBMITTED
    locked.save(update_fields=["status", "updated_at"])
    return locked


def _member_roles(inspection: Inspection) -> dict[int, str]:
    return dict(inspection.memberships.values_list("user_id", "role"))


@transaction.atomic
def cases_allocate(
    *,
    inspection: Inspection,
    case_ids: list[int],
    inspector: Any,
    second_marker: Any = None,
    set_second_marker: bool = False,
) -> int:
    """Allocate cases (one or many) of an inspection to an inspector on it; optionally set
    their second marker. Returns how many cases were allocated."""
    _check_not_published(inspection)
    roles = _member_roles(inspection)
    if inspector is not None and inspector.pk not in roles:
        raise ValidationError({"inspector": [f"{inspector} is not on this inspection."]})
    if second_marker is not None:
        if second_marker.pk not in roles:
            raise ValidationError(
                {"second_marker": [f"{second_marker} is not on this inspection."]}
            )
        if inspector is not None and second_marker.pk == inspector.pk:
            raise ValidationError(
                {"second_marker": ["The second marker must be someone other than the inspector."]}
            )
    if not case_ids:
        raise ValidationError({"cases": ["Select at least one case."]})
    cases = Case.objects.select_for_update().filter(inspection=inspection, pk__in=case_ids)
    if len(cases) != len(set(case_ids)):
        raise ValidationError({"cases": ["Some selected cases are not in this inspection."]})
    fields: dict[str, Any] = {"inspector": inspector}
    if set_second_marker:
        fields["second_marker"] = second_marker
    return cases.update(**fields, version=F("version") + 1)


@dataclass(frozen=True)
class Verdict:
    question: Question
    agrees: bool
    moderator_value: str
    comment: str


@transaction.atomic
def case_moderate(*, case: Case, by: Any, verdicts: list[Verdict]) -> Case:
    """Record a second marker's verdict on every key question of a submitted case.

    All agree: the case is moderated. Any disagreement: the case returns to its inspector
    with the comments. Both judgements are kept in ModerationReview.
    """
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    _check_not_published(locked.inspection)
    if locked.status != Case.Status.SUBMITTED:
        raise ValidationError(
            f"Case {locked.reference} is {locked.get_status_display().lower()}: only a "
            "submitted case can be moderated."
        )
    if by is not None and by.pk == locked.inspector_id:
        raise ValidationError("You cannot moderate a case allocated to you.")
    keys = [q for q in case_questions(locked) if q.kind == Question.Kind.KEY]
    given = {v.question.pk: v for v in verdicts}
    errors: dict[str, list[str]] = {}
    answers = {a.question_id: a for a in locked.answers.filter(question__in=keys)}
    for q in keys:
        verdict = given.get(q.pk)
        if verdict is None:
            errors[q.code] = [f"Say whether you agree with the judgement on {q.code}"]
        elif not verdict.agrees and not verdict.comment.strip():
            errors[q.code] = [f"Enter a comment explaining why you disagree on {q.code}"]
        elif not verdict.agrees and verdict.moderator_value not in Answer.Value.values:
            errors[q.code] = [f"Select your judgement on {q.code}"]
    if errors:
        raise ValidationError(errors)
    last_round = locked.reviews.aggregate(m=Max("round"))["m"] or 0
    reviews = []
    for q in keys:
        verdict = given[q.pk]
        inspector_value = answers[q.pk].value
        reviews.append(
            ModerationReview(
                case=locked,
                question=q,
                reviewer=by,
                marker_id=locked.inspector_id,
                agrees=verdict.agrees,
                inspector_value=inspector_value,
                moderator_value=inspector_value if verdict.agrees else verdict.moderator_value,
                comment=verdict.comment.strip(),
                round=last_round + 1,
            )
        )
    for review in reviews:
        review.full_clean()
    ModerationReview.objects.bulk_create(reviews)
    locked.status = (
        Case.Status.MODERATED if all(r.agrees for r in reviews) else Case.Status.RETURNED
    )
    locked.save(update_fields=["status", "updated_at"])
    return locked


# CSV import: the documented columns (docs/case-import.md). Booleans are yes/no.
CSV_REQUIRED = ("reference", "pdu", "sentence_type", "setting", "rosh", "practitioner_grade")
# The profile's yes/no attributes, in profile order.
CSV_BOOLEANS = tuple(
    f for f in PROFILE_ATTRIBUTES if isinstance(Case._meta.get_field(f), models.BooleanField)
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
def cases_import_csv(*, inspection: Inspection, raw: bytes) -> list[Case]:
    """Import a case list; every bad row is reported with its line number, and nothing is
    imported unless every row is good."""
    import csv
    import io
    from datetime import date

    # The inspection row serialises imports (a double-clicked upload must not import twice, nor
    # fail on the database's unique reference) and publication.
    inspection = (
        Inspection.objects.select_for_update().select_related("region").get(pk=inspection.pk)
    )
    _check_not_published(inspection)
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
    return cases_bulk_create(inspection=inspection, profiles=profiles, validate=False)
