from __future__ import annotations

import factory

from cases.models import Case
from inspections.tests.factories import PDUFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """Pass inspection=...; the PDU defaults to a new one in the inspection's region."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"TST-{n:04d}")
    pdu = factory.LazyAttribute(lambda o: PDUFactory(region=o.inspection.region))
    sentence_type = Case.SentenceType.COMMUNITY_ORDER
    setting = Case.Setting.COMMUNITY
    rosh = Case.Rosh.MEDIUM
    practitioner_grade = Case.Grade.PO
