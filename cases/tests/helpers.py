"""Builders shared by the web-page tests: an inspection with a lead, inspectors and cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.models import Case
from cases.selectors import case_questions
from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.models import Inspection, Membership
from inspections.tests.factories import (
    InspectionFactory,
    MembershipFactory,
    PDUFactory,
    UserFactory,
)


@dataclass
class World:
    inspection: Inspection
    lead: Any
    inspector: Any  # allocated the case
    colleague: Any  # on the inspection, not allocated the case
    outsider: Any  # an inspector on another inspection only
    other_lead: Any  # the lead of another inspection
    case: Case
    submitted: Case


def answer_all(
    case: Case, by: Any, *, value: str = "yes", rationale: str = "Seen in records."
) -> None:
    for question in case_questions(case):
        answer_record(case=case, question=question, value=value, rationale=rationale, by=by)


def make_world(framework: Any) -> World:
    inspection = InspectionFactory(framework=framework)
    pdu = PDUFactory(region=inspection.region)
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    inspector = MembershipFactory(inspection=inspection, user=UserFactory(first_name="Ann")).user
    colleague = MembershipFactory(inspection=inspection).user
    other = InspectionFactory(framework=framework)
    outsider = MembershipFactory(inspection=other).user
    other_lead = MembershipFactory(inspection=other, role=Membership.Role.LEAD).user
    case = CaseFactory(inspection=inspection, pdu=pdu, inspector=inspector, reference="WEB-0001")
    submitted = CaseFactory(
        inspection=inspection, pdu=pdu, inspector=inspector, reference="WEB-0002"
    )
    answer_all(submitted, inspector)
    submitted.status = Case.Status.SUBMITTED
    submitted.save()
    return World(inspection, lead, inspector, colleague, outsider, other_lead, case, submitted)


def many_cases(inspection: Inspection, n: int, inspector: Any, *, answered_by: Any = None) -> None:
    pdus = list(inspection.region.pdus.all()) or [PDUFactory(region=inspection.region)]
    for i in range(n):
        case = CaseFactory(
            inspection=inspection,
            pdu=pdus[i % len(pdus)],
            inspector=inspector,
            rosh=[Case.Rosh.LOW, Case.Rosh.HIGH][i % 2],
        )
        if answered_by is not None:
            answer_all(case, answered_by, value=["yes", "no"][i % 2])
