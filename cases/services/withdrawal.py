"""Withdrawing a case from an inspection before publication (docs/data-protection.md).

The case, its answers and their history stay (the history says it was withdrawn, by whom and
why), but it leaves every figure (scoring.selectors), the report's data hash, the lifecycle's
guards, the moderation sample and the team's open work: each of those reads cases through
`cases.models.CASES_COUNTED` (`withdrawn_at IS NULL`). Only the lead, a person,
before publication; the inspection's history records it in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import MAX_REASON_LENGTH, Case
from cases.services.common import check_not_published
from core.typing import AnyUser, User
from inspections.access import require_manage, standing_of
from inspections.models import InspectionEvent
from inspections.services import inspection_event


@transaction.atomic
def case_withdraw(*, case: Case, reason: str, by: AnyUser) -> Case:
    """Withdraw `case` from its inspection, saying why. Refused once published (use erasure),
    and for anyone but the inspection's lead."""
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    check_not_published(locked.inspection)
    require_manage(standing_of(by, locked.inspection), "withdraw a case")
    reason = reason.strip()
    if locked.withdrawn_at is not None:
        raise ValidationError(
            {"reason": f"Case {locked.reference} has already been withdrawn."}, code="withdrawn"
        )
    if not reason:
        raise ValidationError(
            {"reason": "Enter why the case is withdrawn from the inspection."}, code="required"
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {MAX_REASON_LENGTH:,} characters or fewer."},
            code="max_length",
        )
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_reason = reason
    locked.withdrawn_by = by if isinstance(by, User) else None
    locked.version += 1
    locked.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by", "version"])
    inspection_event(
        inspection=locked.inspection,
        kind=InspectionEvent.Kind.CASE_WITHDRAWN,
        summary=f"Case {locked.reference} withdrawn from the inspection: its answers no longer "
        "count in the figures.",
        by=by,
        reason=reason,
        data={
            "case": locked.reference,
            "status": locked.status,
            "answers": locked.answers.count(),
        },
    )
    return locked
