"""What every case service shares: who is acting, and the published-inspection lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.typing import AnyUser
from inspections.access import Standing, standing_of
from inspections.models import Inspection


class InspectionLockedError(ValidationError):
    """The inspection is published: its cases and answers are read-only."""


def check_not_published(inspection: Inspection) -> None:
    if inspection.is_published:
        raise InspectionLockedError(
            "This inspection has been published: its cases and answers are read-only."
        )


def acting(by: AnyUser | None, inspection: Inspection) -> Standing | None:
    """The standing of whoever acts, to check against the access policy; None for a system
    write (a loader or management command: no person, nothing to check)."""
    if by is None:
        return None
    return standing_of(by, inspection)
