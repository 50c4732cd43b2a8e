"""Who may see an inspection and who may do what on it: the one place these rules are written.

Web pages, API views and services all ask here (cases/access.py adds the rules about cases and
answers on top of these). Refusals take one of two forms, decided once (docs/adr/0008):

- **404 Not found** (`Http404`) when the user may not see the thing at all: an inspection they
  are not on, a case not theirs. Nothing tells them it exists.
- **403 Forbidden** (`PermissionDenied`, with a sentence saying why) when they can see it but
  may not do this: an inspector on a lead's page, a write to a published inspection, an API
  client token trying to write.

Both exceptions are Django's, so pages render 404.html/403.html and the API answers the same
statuses with its JSON error body.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from core.typing import AnyUser, person_id
from inspections.models import Inspection, InspectionQuerySet, Membership

NOT_FOUND = "No such inspection."


def is_admin(user: AnyUser) -> bool:
    """Administrators (superusers) see every inspection and act as its lead."""
    return bool(getattr(user, "is_superuser", False))


@dataclass(frozen=True)
class Standing:
    """A user's standing on one inspection: what every other rule is decided from."""

    inspection: Inspection
    user: AnyUser
    role: str | None  # Membership.Role value, or None (administrator, API client, outsider)
    is_client: bool = False  # a read-only API client token scoped to this inspection

    @property
    def is_admin(self) -> bool:
        return is_admin(self.user)

    @property
    def is_lead(self) -> bool:
        """The inspection's lead inspector, or an administrator (who acts as one)."""
        return self.role == Membership.Role.LEAD or self.is_admin

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def visible(self) -> bool:
        return self.is_member or self.is_admin or self.is_client

    @property
    def sees_every_case(self) -> bool:
        """The lead, administrators and API clients see every case; inspectors their own."""
        return self.is_lead or self.is_client

    @property
    def read_only(self) -> bool:
        """A published inspection is read-only for everyone."""
        return self.inspection.is_published

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


def inspections_visible(user: AnyUser) -> InspectionQuerySet:
    """The inspections the user may see: administrators all; members theirs; an API client the
    inspections its token was issued for; anyone else none."""
    return Inspection.objects.visible_to(user)


def inspections_led(user: AnyUser) -> InspectionQuerySet:
    """The inspections the user leads (administrators: all)."""
    return Inspection.objects.led_by(user)


def _role(user: AnyUser, inspection: Inspection) -> str | None:
    person = person_id(user)
    if person is None:
        return None
    role: str | None = (
        Membership.objects.filter(inspection=inspection, user_id=person)
        .values_list("role", flat=True)
        .first()
    )
    return role


def _is_client_of(user: AnyUser, inspection: Inspection) -> bool:
    person = person_id(user)
    if person is None:
        return False
    return Inspection.api_clients.through.objects.filter(
        inspection_id=inspection.pk,
        apiclient__user_id=person,
        apiclient__revoked_at__isnull=True,
    ).exists()


def standing_of(user: AnyUser, inspection: Inspection) -> Standing:
    """The user's standing on an inspection already in hand (services use this). One query for
    a member or an administrator; an API client's scope costs a second."""
    role = _role(user, inspection)
    client = role is None and not is_admin(user) and _is_client_of(user, inspection)
    return Standing(inspection=inspection, user=user, role=role, is_client=client)


def standing_get(user: AnyUser, slug: str) -> Standing:
    """The user's standing on the inspection with this slug; 404 if they may not see it.
    One query: the inspection, its region and framework, and the user's role on it."""
    person = person_id(user)
    if person is None:
        raise Http404(NOT_FOUND)
    my_role = Membership.objects.filter(inspection=OuterRef("pk"), user_id=person).values("role")
    inspection = (
        inspections_visible(user)
        .select_related("region", "framework")
        .annotate(my_role=Subquery(my_role[:1]))
        .filter(slug=slug)
        .first()
    )
    if inspection is None:
        raise Http404(NOT_FOUND)
    role: str | None = getattr(inspection, "my_role", None)
    # Visible, not a member, not an administrator: only an API client's scope makes it so.
    client = role is None and not is_admin(user)
    return Standing(inspection=inspection, user=user, role=role, is_client=client)


def require_admin(user: AnyUser, action: str = "do this") -> None:
    """403 unless an administrator (a person: an API client's account never is one)."""
    if not is_admin(user):
        raise PermissionDenied(f"Only an administrator can {action}.")


def require_visible(standing: Standing) -> None:
    if not standing.visible:
        raise Http404(NOT_FOUND)


def require_lead(standing: Standing, action: str = "do this") -> None:
    """403 unless the user leads the inspection (or is an administrator)."""
    require_visible(standing)
    if not standing.is_lead:
        raise PermissionDenied(f"Only the lead inspector can {action}.")


def require_person(standing: Standing) -> None:
    """403 for an API client token: they are read-only, whatever else they may see."""
    if standing.is_client:
        raise PermissionDenied("API client tokens are read-only.")


def require_writable(standing: Standing) -> None:
    """403 once the inspection is published: nothing in it changes any more."""
    if standing.read_only:
        raise PermissionDenied("This inspection has been published: it is read-only.")


def require_manage(standing: Standing, action: str = "do this") -> None:
    """The lead's set-up and management writes: lead, a person, not published."""
    require_person(standing)
    require_lead(standing, action)
    require_writable(standing)


def can_manage(standing: Standing) -> bool:
    return standing.is_lead and not standing.is_client and not standing.read_only


LEAD_GROUP = "Lead inspectors"


def can_create_inspection(user: AnyUser) -> bool:
    """Administrators, people an administrator made lead inspectors (the "Lead inspectors"
    group: permission inspections.add_inspection), and anyone who leads an inspection."""
    person = person_id(user)
    if person is None:
        return False
    if is_admin(user) or user.has_perm("inspections.add_inspection"):
        return True
    return Membership.objects.filter(user_id=person, role=Membership.Role.LEAD).exists()
