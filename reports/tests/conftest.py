"""Fixtures of the report's tests."""

from __future__ import annotations

import pytest

from inspections.models import Membership
from inspections.tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every report test writes its files under its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lead(demo):
    return Membership.objects.get(inspection=demo, role=Membership.Role.LEAD).user


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def inspector(demo):
    return MembershipFactory(inspection=demo, user=UserFactory(username="report-inspector")).user
