from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from inspections.models import PDU, Inspection, Membership, Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-password-123")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class PDUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PDU

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"PDU {n}")


class InspectionFactory(factory.django.DjangoModelFactory):
    """Needs framework=... (the `framework` fixture) since frameworks come from a file."""

    class Meta:
        model = Inspection

    slug = factory.Sequence(lambda n: f"inspection-{n}")
    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Inspection {n}")
    case_window_start = date(2025, 4, 28)
    case_window_end = date(2025, 5, 9)
    status = Inspection.Status.FIELDWORK


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    inspection = factory.SubFactory(InspectionFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.INSPECTOR
