"""The inspection's team: who is on it and as what. Here rather than in `inspections` because
removing someone depends on the case work they hold (a rule about cases)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cases.selectors import member_open_work
from core.typing import AnyUser, User
from inspections.access import require_manage, standing_of
from inspections.models import Inspection, InspectionEvent, Membership
from inspections.services import inspection_event

ROLE_VALUES = tuple(Membership.Role.values)


def _manage(inspection: Inspection, by: AnyUser | None) -> None:
    if by is not None:
        require_manage(standing_of(by, inspection), "change the team")


def user_find(identifier: str) -> User:
    """A registered person by username or email address (either, case-insensitive)."""
    identifier = identifier.strip()
    if not identifier:
        raise ValidationError({"username": ["Enter their username or email address."]})
    matches = list(
        User.objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
        ).exclude(api_client__isnull=False)[:2]
    )
    if not matches:
        raise ValidationError(
            {
                "username": [
                    f"No one is registered as {identifier!r}: check the spelling, or ask an "
                    "administrator to create their account."
                ]
            }
        )
    if len(matches) > 1:
        raise ValidationError(
            {"username": [f"More than one account has the email {identifier!r}: use a username."]}
        )
    return matches[0]


def _role_check(role: str) -> None:
    if role not in ROLE_VALUES:
        raise ValidationError(
            {"role": [f"Choose a role: {', '.join(Membership.Role.labels).lower()}."]}
        )


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def member_add(
    *, inspection: Inspection, identifier: str, role: str, by: AnyUser | None
) -> Membership:
    """Put someone already registered on the team as lead or inspector."""
    _manage(inspection, by)
    _role_check(role)
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    user = user_find(identifier)
    existing = Membership.objects.filter(inspection=inspection, user=user).first()
    if existing is not None:
        raise ValidationError(
            {
                "username": [
                    f"{_name(user)} is already on this inspection, as "
                    f"{existing.get_role_display().lower()}."
                ]
            }
        )
    membership = Membership.objects.create(inspection=inspection, user=user, role=role)
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.MEMBER_ADDED,
        summary=f"{_name(user)} joined the team as {membership.get_role_display().lower()}.",
        by=by,
        data={"username": user.get_username(), "role": role},
    )
    return membership


def _leads_left(inspection: Inspection, without: User) -> int:
    return (
        Membership.objects.filter(inspection=inspection, role=Membership.Role.LEAD)
        .exclude(user=without)
        .count()
    )


@transaction.atomic
def member_change_role(
    *, inspection: Inspection, user: User, role: str, by: AnyUser | None
) -> Membership:
    _manage(inspection, by)
    _role_check(role)
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    membership = Membership.objects.filter(inspection=inspection, user=user).first()
    if membership is None:
        raise ValidationError({"username": [f"{_name(user)} is not on this inspection."]})
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.LEAD and not _leads_left(inspection, user):
        raise ValidationError(
            {"role": [f"{_name(user)} is the only lead: make someone else lead first."]}
        )
    old = membership.get_role_display().lower()
    membership.role = role
    membership.save(update_fields=["role"])
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.MEMBER_ROLE,
        summary=f"{_name(user)} is now {membership.get_role_display().lower()} (was {old}).",
        by=by,
        data={"username": user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def member_remove(*, inspection: Inspection, user: User, by: AnyUser | None) -> None:
    """Take someone off the team: refused while they hold unfinished cases (allocated, or to
    second-mark) or are the only lead."""
    _manage(inspection, by)
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    membership = Membership.objects.filter(inspection=inspection, user=user).first()
    if membership is None:
        raise ValidationError({"username": [f"{_name(user)} is not on this inspection."]})
    if membership.role == Membership.Role.LEAD and not _leads_left(inspection, user):
        raise ValidationError(
            {"username": [f"{_name(user)} is the only lead: make someone else lead first."]}
        )
    work = member_open_work(inspection, user)
    if work:
        raise ValidationError(
            {
                "username": [
                    f"{_name(user)} still holds cases that are not finished "
                    f"({', '.join(work)}): allocate them to someone else first."
                ]
            }
        )
    membership.delete()
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.MEMBER_REMOVED,
        summary=f"{_name(user)} left the team.",
        by=by,
        data={"username": user.get_username()},
    )
