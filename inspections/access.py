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
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from core.typing import AnyUser, person_id
from inspections.models import Inspection, InspectionQuerySet, Membership, Programme

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


# -- programmes (issue 14): several inspections read side by side -----------------------------

NATIONAL_LEAD_GROUP = "National leads"
PROGRAMME_NOT_FOUND = "No such programme."


def can_create_programme(user: AnyUser) -> bool:
    """Administrators and people an administrator made national leads (the "National leads"
    group: permission inspections.add_programme). API client tokens never."""
    if person_id(user) is None or _client_account(user):
        return False
    return is_admin(user) or bool(user.has_perm("inspections.add_programme"))


def _client_account(user: AnyUser) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return getattr(user, "api_client", None) is not None
    except ObjectDoesNotExist:
        return False


def programmes_visible(user: AnyUser) -> QuerySet[Programme]:
    """The programmes the user may see: administrators all; a programme's national leads; the
    lead of an inspection in it; an API client granted it (a client scoped only to one of its
    inspections reads that inspection, not the programme)."""
    person = person_id(user)
    if person is None:
        return Programme.objects.none()
    if is_admin(user):
        return Programme.objects.all()
    national = Programme.national_leads.through.objects.filter(user_id=person).values(
        "programme_id"
    )
    leads = Membership.objects.filter(
        user_id=person, role=Membership.Role.LEAD, inspection__programme__isnull=False
    ).values("inspection__programme_id")
    granted = Programme.api_clients.through.objects.filter(
        apiclient__user_id=person, apiclient__revoked_at__isnull=True
    ).values("programme_id")
    return Programme.objects.filter(Q(pk__in=national) | Q(pk__in=leads) | Q(pk__in=granted))


@dataclass(frozen=True)
class ProgrammeStanding:
    """A user's standing on a programme: what they may see of it and do to it."""

    programme: Programme
    user: AnyUser
    is_national_lead: bool  # named by the programme, or an administrator
    is_client: bool  # an API client token granted the programme
    own: frozenset[int]  # inspections in the programme this user leads or is scoped to

    @property
    def is_admin(self) -> bool:
        return is_admin(self.user)

    @property
    def sees_all(self) -> bool:
        """National leads and administrators see every inspection's figures, in progress too."""
        return self.is_national_lead

    @property
    def can_manage(self) -> bool:
        return self.is_national_lead and not self.is_client

    def counts(self, inspection: Inspection, *, provisional: bool) -> bool:
        """Whether the inspection's figures are in what this user sees of the programme:
        published inspections by default; with `provisional`, also those in progress that the
        user may see (a national lead all; a regional lead their own)."""
        if inspection.is_published:
            return True
        if not provisional:
            return False
        return self.sees_all or inspection.pk in self.own


def programme_standing_get(user: AnyUser, slug: str) -> ProgrammeStanding:
    """The user's standing on the programme with this slug; 404 if they may not see it.
    Three queries: the programme (with whether the user is a national lead of it), whether the
    user is an API client's account, and the inspections in it that the user leads or is an
    API client of."""
    person = person_id(user)
    if person is None:
        raise Http404(PROGRAMME_NOT_FOUND)
    national = Programme.national_leads.through.objects.filter(
        programme_id=OuterRef("pk"), user_id=person
    )
    programme = (
        programmes_visible(user)
        .select_related("framework")
        .annotate(i_lead=Exists(national))
        .filter(slug=slug)
        .first()
    )
    if programme is None:
        raise Http404(PROGRAMME_NOT_FOUND)
    client = _client_account(user)
    own_inspections = Inspection.objects.filter(programme=programme)
    if client:
        own_inspections = own_inspections.filter(
            api_clients__user_id=person, api_clients__revoked_at__isnull=True
        )
    else:
        own_inspections = own_inspections.filter(
            memberships__user_id=person, memberships__role=Membership.Role.LEAD
        )
    own = frozenset(int(pk) for pk in own_inspections.values_list("pk", flat=True))
    return ProgrammeStanding(
        programme=programme,
        user=user,
        is_national_lead=not client
        and (is_admin(user) or bool(getattr(programme, "i_lead", False))),
        is_client=client,
        own=own,
    )


def require_programme_manage(standing: ProgrammeStanding, action: str = "do this") -> None:
    """403 unless a national lead of the programme or an administrator (a person)."""
    if standing.is_client:
        raise PermissionDenied("API client tokens are read-only.")
    if not standing.can_manage:
        raise PermissionDenied(f"Only the programme's national leads can {action}.")
