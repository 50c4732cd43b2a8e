"""A case's journey: allocation, submission, moderation. Who may do each is cases.access's
rule; these services check it against whoever acts, inside the transaction that changes the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from cases.access import require_moderate, require_submit
from cases.models import MAX_RATIONALE_LENGTH, Case, ModerationReview
from cases.selectors import Problem, case_problems, case_questions
from cases.services.answers import Conflict, PageStaleError, allowed_values
from cases.services.common import acting, check_not_published
from core.typing import AnyUser, User
from inspections.access import require_manage
from inspections.models import Inspection, InspectionEvent, Question
from inspections.services import inspection_event


class IncompleteCaseError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} answers are missing or incomplete.")
        self.problems = problems


@transaction.atomic
def case_submit(*, case: Case, by: AnyUser | None) -> Case:
    """Submit a case for moderation: every applicable question answered, with rationales."""
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    check_not_published(locked.inspection)
    standing = acting(by, locked.inspection)
    already = locked.status in (Case.Status.SUBMITTED, Case.Status.MODERATED)
    if already and (standing is None or locked.inspector_id == standing.user_id):
        return locked  # already submitted: a repeated click changes nothing
    if standing is not None:
        require_submit(standing, locked)
    questions = case_questions(locked)
    answers = {a.question_id: a for a in locked.answers.all()}
    problems = case_problems(locked, questions, answers)
    if problems:
        raise IncompleteCaseError(problems)
    locked.status = Case.Status.SUBMITTED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def cases_allocate(
    *,
    inspection: Inspection,
    case_ids: list[int],
    inspector: User | None,
    second_marker: User | None = None,
    set_second_marker: bool = False,
    by: AnyUser | None = None,
) -> int:
    """Allocate cases (one or many) of an inspection to an inspector on it; optionally set
    their second marker. Returns how many cases were allocated."""
    standing = acting(by, inspection)
    if standing is not None:
        require_manage(standing, "allocate cases")
    check_not_published(inspection)
    roles = dict(inspection.memberships.values_list("user_id", "role"))
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
    fields: dict[str, object] = {"inspector": inspector}
    if set_second_marker:
        fields["second_marker"] = second_marker
    references = sorted(c.reference for c in cases)
    changed = cases.update(**fields, version=F("version") + 1)
    who = (inspector.get_full_name() or inspector.get_username()) if inspector else "nobody"
    marker = ""
    if set_second_marker:
        marker = (
            f", second marker {second_marker.get_full_name() or second_marker.get_username()}"
            if second_marker
            else ", second marker the lead"
        )
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.CASES,
        summary=f"{changed} case{'s' if changed != 1 else ''} allocated to {who}{marker}.",
        by=by,
        data={
            "cases": references[:200],
            "inspector": inspector.get_username() if inspector else None,
        },
    )
    return changed


@dataclass(frozen=True)
class Verdict:
    """A moderator's verdict on one key question: agrees (None: not given), their own judgement
    and comment when they disagree, and the answer version they were shown (None: not known,
    e.g. a program that read nothing first; then nothing is checked)."""

    question: Question
    agrees: bool | None
    moderator_value: str = ""
    comment: str = ""
    seen_version: int | None = None


def verdict_field(question: Question, field: str) -> str:
    """The name of a verdict's field on the moderation page (and of its errors)."""
    return f"{question.code}-{field}"


def _verdicts_validate(keys: list[Question], given: dict[int, Verdict]) -> None:
    errors: dict[str, list[str]] = {}
    for q in keys:
        verdict = given.get(q.pk)
        if verdict is None or verdict.agrees is None:
            errors[verdict_field(q, "verdict")] = [
                f"Say whether you agree with the judgement on {q.code}"
            ]
            continue
        if len(verdict.comment) > MAX_RATIONALE_LENGTH:
            errors[verdict_field(q, "comment")] = [
                f"Keep the comment on {q.code} under {MAX_RATIONALE_LENGTH:,} characters"
            ]
            continue
        if verdict.agrees:
            continue
        if verdict.moderator_value not in [v for v, _ in allowed_values(q)]:
            errors[verdict_field(q, "value")] = [f"Select your judgement on {q.code}"]
        if not verdict.comment.strip():
            errors[verdict_field(q, "comment")] = [
                f"Enter a comment explaining why you disagree on {q.code}"
            ]

    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_moderate(*, case: Case, by: AnyUser | None, verdicts: list[Verdict]) -> Case:
    """Record a second marker's verdict on every key question of a submitted case.

    All agree: the case is moderated. Any disagreement: the case returns to its inspector
    with the comments. Both judgements are kept in ModerationReview. A verdict on an answer
    that changed after the moderator was shown it is refused (PageStaleError), and nothing is
    recorded: agreement is only ever with what the moderator saw.
    """
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    check_not_published(locked.inspection)
    standing = acting(by, locked.inspection)
    if standing is not None:
        require_moderate(standing, locked)
    elif locked.status != Case.Status.SUBMITTED:
        raise ValidationError(
            f"Case {locked.reference} is {locked.get_status_display().lower()}: only a "
            "submitted case can be moderated."
        )
    keys = [q for q in case_questions(locked) if q.kind == Question.Kind.KEY]
    given = {v.question.pk: v for v in verdicts}
    _verdicts_validate(keys, given)
    answers = {a.question_id: a for a in locked.answers.filter(question__in=keys)}
    unanswered = [q.code for q in keys if q.pk not in answers]
    if unanswered:
        raise ValidationError(
            f"{', '.join(unanswered)} has no answer on case {locked.reference}: it cannot be "
            "moderated until its inspector answers."
        )
    conflicts = [
        Conflict(q, "", "", answers.get(q.pk))
        for q in keys
        if given[q.pk].seen_version is not None
        and given[q.pk].seen_version != answers[q.pk].version
    ]
    if conflicts:
        raise PageStaleError(conflicts)
    last_round = locked.reviews.aggregate(m=Max("round"))["m"] or 0
    reviewer = by if isinstance(by, User) else None
    reviews = []
    for q in keys:
        verdict = given[q.pk]
        inspector_value = answers[q.pk].value
        reviews.append(
            ModerationReview(
                case=locked,
                question=q,
                reviewer=reviewer,
                marker_id=locked.inspector_id,
                agrees=bool(verdict.agrees),
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


__all__ = [
    "IncompleteCaseError",
    "Verdict",
    "case_moderate",
    "case_submit",
    "cases_allocate",
    "verdict_field",
]
