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


@pytest.fixture
def demo(demo):
    """The demo, ready to publish: the lead has entered the dates the published report does not
    give (test dates, not the region's)."""
    from datetime import date

    from inspections.models import Inspection

    Inspection.objects.filter(pk=demo.pk).update(
        fieldwork_start=date(2026, 1, 5),
        fieldwork_end=date(2026, 1, 16),
        publication_date=date(2026, 3, 2),
    )
    demo.refresh_from_db()
    return demo
