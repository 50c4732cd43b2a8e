"""Shared set-up of the API tests: the roles of the permission matrix, as authenticated
clients of any inspection that has a lead and at least one case (the demo, the hand-worked
inspection, ...)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from api.services import api_client_issue, api_client_revoke
from cases.models import Case
from inspections.models import Inspection, Membership
from inspections.tests.factories import InspectionFactory, MembershipFactory

ROLES = ("anonymous", "other_client", "client", "revoked_client", "inspector", "lead")


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def other_inspection(inspection: Inspection) -> Inspection:
    return InspectionFactory(
        framework=inspection.framework, region=inspection.region, slug="elsewhere-2025"
    )


def role_clients(inspection: Inspection) -> dict[str, APIClient]:
    """One HTTP client per role of `inspection`. The inspector is allocated its first case
    only (by reference)."""
    elsewhere = other_inspection(inspection)
    lead = Membership.objects.get(inspection=inspection, role=Membership.Role.LEAD).user
    inspector = MembershipFactory(inspection=inspection, role=Membership.Role.INSPECTOR).user
    first = inspection.cases.order_by("reference").first()
    assert first is not None
    Case.objects.filter(pk=first.pk).update(inspector=inspector)
    scoped = api_client_issue(name="Analysts", inspections=[inspection])
    other = api_client_issue(name="Another region", inspections=[elsewhere])
    revoked = api_client_issue(name="Old system", inspections=[inspection])
    api_client_revoke(client=revoked.client)
    return {
        "anonymous": APIClient(),
        "other_client": token_client(other.key),
        "client": token_client(scoped.key),
        "revoked_client": token_client(revoked.key),
        "inspector": session_client(inspector),
        "lead": session_client(lead),
    }
