"""Moving an inspection through its lifecycle: set-up -> fieldwork -> moderation -> reporting
(publishing is reports.services.report_publish). The transitions are the model's (django-fsm-2);
the guards depend on the cases, so they are checked here, where the cases are visible. A step
back needs a reason. Every move is in the inspection's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_fsm import can_proceed

from cases.selectors import Blocker, lifecycle_blockers
from core.typing import AnyUser
from inspections.access import require_manage, standing_of
from inspections.models import Inspection, InspectionEvent
from inspections.services import inspection_event

FORWARD: dict[str, str] = {
    Inspection.Status.SETUP: Inspection.Status.FIELDWORK,
    Inspection.Status.FIELDWORK: Inspection.Status.MODERATION,
    Inspection.Status.MODERATION: Inspection.Status.REPORTING,
}
BACKWARD: dict[str, str] = {
    Inspection.Status.FIELDWORK: Inspection.Status.SETUP,
    Inspection.Status.MODERATION: Inspection.Status.FIELDWORK,
    Inspection.Status.REPORTING: Inspection.Status.MODERATION,
}
_METHOD: dict[tuple[str, str], str] = {
    (Inspection.Status.SETUP, Inspection.Status.FIELDWORK): "start_fieldwork",
    (Inspection.Status.FIELDWORK, Inspection.Status.MODERATION): "start_moderation",
    (Inspection.Status.MODERATION, Inspection.Status.REPORTING): "start_reporting",
    (Inspection.Status.FIELDWORK, Inspection.Status.SETUP): "back_to_setup",
    (Inspection.Status.MODERATION, Inspection.Status.FIELDWORK): "back_to_fieldwork",
    (Inspection.Status.REPORTING, Inspection.Status.MODERATION): "back_to_moderation",
}


class StepBlockedError(ValidationError):
    """The step cannot be taken yet; `blockers` say what to do first."""

    def __init__(self, target: str, blockers: list[Blocker]) -> None:
        label = Inspection.Status(target).label.lower()
        super().__init__(
            [f"The inspection cannot move to {label} yet: " + b.message for b in blockers]
        )
        self.target = target
        self.blockers = blockers


@transaction.atomic
def inspection_move(
    *, inspection: Inspection, to: str, by: AnyUser | None, reason: str = ""
) -> Inspection:
    """Move the inspection one step on (guards checked) or one step back (with a reason)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if by is not None:
        require_manage(standing_of(by, locked), "move the inspection on")
    current = locked.status
    if to not in Inspection.Status.values:
        raise ValidationError({"status": [f"There is no status {to!r}."]})
    if to == current:
        return locked  # already there: a repeated click changes nothing
    method_name = _METHOD.get((current, to))
    if method_name is None:
        if to == Inspection.Status.PUBLISHED:
            raise ValidationError(
                {"status": ["Publish from the report's publication page, once it is ready."]}
            )
        raise ValidationError(
            {
                "status": [
                    f"An inspection in {Inspection.Status(current).label.lower()} cannot move "
                    f"to {Inspection.Status(to).label.lower()}: it moves one step at a time."
                ]
            }
        )
    backward = BACKWARD.get(current) == to
    if backward and not reason.strip():
        raise ValidationError({"reason": ["Say why the inspection is going back a step."]})
    if not backward:
        blockers = lifecycle_blockers(locked, to)
        if blockers:
            raise StepBlockedError(to, blockers)
    method = getattr(locked, method_name)
    assert can_proceed(method)
    method()
    locked.save(update_fields=["status"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.STATUS,
        summary=(
            f"{'Back to' if backward else 'Moved on to'} "
            f"{Inspection.Status(to).label.lower()} (from "
            f"{Inspection.Status(current).label.lower()})."
        ),
        reason=reason,
        by=by,
        data={"from": current, "to": to},
    )
    inspection.status = locked.status
    return locked
