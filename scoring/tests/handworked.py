"""A small inspection whose every figure is worked out by hand (not the demo).

Twelve cases in three PDUs, on a six-question test framework that has an adjusted question
set, prompts that allow an explicit "Not applicable", a supplementary question that applies
only where there was court work and one that applies to every case. The cases cover every
RoSH classification, MAPPA not eligible and levels 1-3, and leave some questions unanswered.
One case has an answer to a question that no longer applies to it (its profile changed after
the answer was recorded): the engine keeps it but must not count it.

The table below is the whole data set; the expected figures are written out by hand in
scoring/tests/test_handworked_scores.py with the count behind each one. The PDUs are created
in an order (Westbury, Northam, Eastleigh) that is neither their name order nor their code
order, so a breakdown that pairs a PDU with another PDU's figures shows.

    #   PDU        RoSH          MAPPA  set       court  K1  K1a  A1  A1a  S1   S2
    01  Northam    low           -      core      yes    y   y    .   .    y    y
    02  Northam    medium        -      core      no     n   na   .   .    .    y
    03  Northam    high          L1     core      yes    y   n    .   .    na   n
    04  Northam    not assessed  -      adjusted  no     .   .    y   na   .    y
    05  Northam    low           -      core      no     y   -    .   .    .    -
    06  Eastleigh  medium        L2     core      yes    n   n    .   .    n    y
    07  Eastleigh  very high     L3     adjusted  no     .   .    n   n    .    n
    08  Eastleigh  medium        -      core      no*    y   na   .   .    (y)  y
    09  Eastleigh  low           -      core      yes    y   y    .   .    y    y
    10  Westbury   high          L1     core      no     y   y    .   .    .    n
    11  Westbury   medium        -      adjusted  yes    .   .    y   y    -    y
    12  Westbury   not assessed  -      core      no     -   -    .   .    .    y

    y yes, n no, na explicit not applicable, - in scope but unanswered, . out of scope.
    * case 08 (HW-008) had court work when S1 was answered Yes; court work was then taken off its
      profile, so its S1 answer (y) stays in the database but is out of scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cases.models import Case
from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.models import PDU, Framework, Inspection, Membership, Question, Region
from inspections.services import framework_load
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory

HANDWORKED_FRAMEWORK: dict[str, Any] = {
    "slug": "handworked-test",
    "version": 1,
    "title": "Hand-worked test framework",
    "key_questions": [
        {
            "code": "K1",
            "text": "Was the plan sufficient?",
            "na_allowed": False,
            "prompts": [
                {"code": "K1a", "text": "Did the plan address risk?", "na_allowed": True},
            ],
        },
        {
            "code": "A1",
            "text": "Was contact resumed safely?",
            "question_set": "adjusted",
            "na_allowed": False,
            "prompts": [
                {"code": "A1a", "text": "Was the victim consulted?", "na_allowed": True},
            ],
        },
    ],
    "supplementary_questions": [
        {
            "code": "S1",
            "text": "Was the court report accurate?",
            "na_allowed": True,
            "applies_when": "court_work",
        },
        {
            "code": "S2",
            "text": "Was the record up to date?",
            "na_allowed": False,
            "applies_when": "",
        },
    ],
}

CODES = ("K1", "K1a", "A1", "A1a", "S1", "S2")

# (created in this order) code, name
PDUS = (("WB", "Westbury"), ("NM", "Northam"), ("EL", "Eastleigh"))

_R = Case.Rosh
# reference, PDU code, RoSH, MAPPA level (None: not eligible), adjusted, court work, answers
CASES: tuple[tuple[str, str, str, int | None, bool, bool, dict[str, str]], ...] = (
    ("HW-001", "NM", _R.LOW, None, False, True, {"K1": "yes", "K1a": "yes", "S1": "yes", "S2": "yes"}),
    ("HW-002", "NM", _R.MEDIUM, None, False, False, {"K1": "no", "K1a": "na", "S2": "yes"}),
    ("HW-003", "NM", _R.HIGH, 1, False, True, {"K1": "yes", "K1a": "no", "S1": "na", "S2": "no"}),
    ("HW-004", "NM", _R.NOT_ASSESSED, None, True, False, {"A1": "yes", "A1a": "na", "S2": "yes"}),
    ("HW-005", "NM", _R.LOW, None, False, False, {"K1": "yes"}),
    ("HW-006", "EL", _R.MEDIUM, 2, False, True, {"K1": "no", "K1a": "no", "S1": "no", "S2": "yes"}),
    ("HW-007", "EL", _R.VERY_HIGH, 3, True, False, {"A1": "no", "A1a": "no", "S2": "no"}),
    # Court work is taken off after S1 is answered (see build): the S1 answer is out of scope.
    ("HW-008", "EL", _R.MEDIUM, None, False, True, {"K1": "yes", "K1a": "na", "S1": "yes", "S2": "yes"}),
    ("HW-009", "EL", _R.LOW, None, False, True, {"K1": "yes", "K1a": "yes", "S1": "yes", "S2": "yes"}),
    ("HW-010", "WB", _R.HIGH, 1, False, False, {"K1": "yes", "K1a": "yes", "S2": "no"}),
    ("HW-011", "WB", _R.MEDIUM, None, True, True, {"A1": "yes", "A1a": "yes", "S2": "yes"}),
    ("HW-012", "WB", _R.NOT_ASSESSED, None, False, False, {"S2": "yes"}),
)  # fmt: skip


@dataclass
class Handworked:
    inspection: Inspection
    lead: Any
    inspector: Any
    pdus: dict[str, PDU]


def handworked_framework() -> Framework:
    return framework_load(raw=json.dumps(HANDWORKED_FRAMEWORK).encode()).framework


def handworked_build(*, slug: str = "handworked-2025") -> Handworked:
    """Create the hand-worked inspection (its own region, PDUs, framework, lead and inspector)."""
    framework = handworked_framework()
    region = Region.objects.create(name="Handworked region", slug="handworked")
    pdus = {code: PDU.objects.create(region=region, code=code, name=name) for code, name in PDUS}
    inspection = InspectionFactory(
        framework=framework, region=region, slug=slug, title="Hand-worked inspection 2025"
    )
    lead = MembershipFactory(
        inspection=inspection, role=Membership.Role.LEAD, user=UserFactory(username="hw-lead")
    ).user
    inspector = MembershipFactory(
        inspection=inspection, user=UserFactory(username="hw-inspector", first_name="Hana")
    ).user
    questions = {q.code: q for q in Question.objects.filter(framework=framework)}
    for reference, pdu, rosh, level, adjusted, court, answers in CASES:
        case = CaseFactory(
            inspection=inspection,
            reference=reference,
            pdu=pdus[pdu],
            rosh=rosh,
            mappa_eligible=level is not None,
            mappa_category=None if level is None else 1,
            mappa_level=level,
            adjusted_questions=adjusted,
            court_work=court,
            inspector=inspector,
        )
        for code, value in answers.items():
            answer_record(
                case=case, question=questions[code], value=value, rationale="Seen.", by=None
            )
    # The profile changed after the answers were recorded: S1 no longer applies to HW-008.
    Case.objects.filter(inspection=inspection, reference="HW-008").update(court_work=False)
    return Handworked(inspection=inspection, lead=lead, inspector=inspector, pdus=pdus)
