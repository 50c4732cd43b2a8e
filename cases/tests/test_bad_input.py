"""Bad input is refused with a clear message, and nothing is half-written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Answer, AnswerChange, Case
from cases.services import (
    StaleWriteError,
    answer_record,
    case_create,
    cases_bulk_create,
)
from cases.tests.factories import CaseFactory
from inspections.models import Inspection
from inspections.services import framework_load
from inspections.tests.factories import InspectionFactory, PDUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(framework) -> Inspection:
    return InspectionFactory(framework=framework)


@pytest.fixture
def case(inspection) -> Case:
    return CaseFactory(inspection=inspection)


def profile(inspection: Inspection, **overrides) -> dict:
    values = {
        "pdu": PDUFactory(region=inspection.region),
        "reference": "TST-001",
        "sentence_type": Case.SentenceType.COMMUNITY_ORDER,
        "setting": Case.Setting.COMMUNITY,
        "rosh": Case.Rosh.HIGH,
        "practitioner_grade": Case.Grade.PSO,
        "commenced_on": date(2025, 5, 1),
    }
    values.update(overrides)
    return values


def test_it_rejects_an_answer_outside_its_options(case, framework):
    question = framework.questions.get(code="C1")
    with pytest.raises(ValidationError) as excinfo:
        answer_record(case=case, question=question, value="maybe")
    assert "'maybe' is not an answer" in str(excinfo.value)
    assert not Answer.objects.exists()


def test_it_rejects_na_where_question_requires_an_answer(case, framework):
    question = framework.questions.get(code="C1")
    with pytest.raises(ValidationError, match="cannot be not applicable"):
        answer_record(case=case, question=question, value="na")
    assert not Answer.objects.exists() and not AnswerChange.objects.exists()


def test_it_accepts_na_where_the_question_allows_it(case, framework):
    answer = answer_record(case=case, question=framework.questions.get(code="C1c"), value="na")
    assert answer.value == "na"


def test_the_database_refuses_na_where_not_allowed_even_bypassing_services(case, framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(case=case, question=framework.questions.get(code="C2"), value="na")


def test_the_database_refuses_an_answer_value_outside_the_options(case, framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(case=case, question=framework.questions.get(code="C2"), value="ok")


def test_it_rejects_a_duplicate_case_reference(inspection):
    case_create(inspection=inspection, **profile(inspection))
    with pytest.raises(ValidationError, match="already"):
        case_create(inspection=inspection, **profile(inspection))
    assert inspection.cases.count() == 1


def test_the_same_reference_may_be_used_in_another_inspection(inspection, framework):
    other = InspectionFactory(framework=framework)
    case_create(inspection=inspection, **profile(inspection))
    case_create(inspection=other, **profile(other))
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    "reference", ["X123456", "demo-001", "DEMO001", "DEMO-1", "A-000001", "DEMO-001 "]
)
def test_it_rejects_a_reference_outside_the_pseudonymous_format(inspection, reference):
    with pytest.raises(ValidationError, match="pseudonymous reference"):
        case_create(inspection=inspection, **profile(inspection, reference=reference))
    assert not Case.objects.exists()


def test_it_rejects_a_pdu_from_another_region(inspection):
    foreign = PDUFactory(name="Elsewhere PDU")
    with pytest.raises(ValidationError, match="Elsewhere PDU is not a PDU of"):
        case_create(inspection=inspection, **profile(inspection, pdu=foreign))
    assert not Case.objects.exists()


def test_the_database_refuses_a_pdu_from_another_region(inspection):
    foreign = PDUFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(inspection=inspection, **profile(inspection, pdu=foreign))


def test_it_rejects_mappa_details_on_a_case_that_is_not_eligible(inspection):
    with pytest.raises(ValidationError, match="Only a MAPPA-eligible case"):
        case_create(inspection=inspection, **profile(inspection, mappa_level=1))
    with pytest.raises(ValidationError, match="needs its MAPPA category and level"):
        case_create(inspection=inspection, **profile(inspection, mappa_eligible=True))
    assert not Case.objects.exists()


def test_it_rejects_an_answer_on_a_case_of_another_frameworks_inspection(case, framework):
    import json

    from inspections.services import DEFAULT_FRAMEWORK_FILE as FRAMEWORK_FILE

    data = json.loads(FRAMEWORK_FILE.read_text())
    data["version"] = 2
    other_framework = framework_load(raw=json.dumps(data).encode()).framework
    question = other_framework.questions.get(code="C1")
    with pytest.raises(ValidationError, match="not to this inspection's framework"):
        answer_record(case=case, question=question, value="yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(case=case, question=question, value="yes")
    assert not Answer.objects.exists()


def test_it_rejects_a_supplementary_question_that_does_not_apply(case, framework):
    assert case.court_work is False
    with pytest.raises(ValidationError, match="does not apply"):
        answer_record(case=case, question=framework.questions.get(code="S1"), value="yes")


def test_a_bulk_load_with_one_bad_case_writes_nothing(inspection):
    good = profile(inspection, reference="TST-001")
    bad = profile(inspection, reference="TST-002", pdu=PDUFactory(name="Far PDU"))
    with pytest.raises(ValidationError) as excinfo:
        cases_bulk_create(inspection=inspection, profiles=[good, bad])
    assert "TST-002: Far PDU is not a PDU" in str(excinfo.value)
    assert not Case.objects.exists()


def test_a_stale_answer_write_is_refused_and_changes_nothing(case, framework):
    question = framework.questions.get(code="C1")
    first = answer_record(case=case, question=question, value="yes", rationale="Good.")
    answer_record(
        case=case,
        question=question,
        value="no",
        rationale="Missed police checks.",
        expected_version=first.version,
    )
    with pytest.raises(StaleWriteError):
        answer_record(
            case=case,
            question=question,
            value="yes",
            rationale="Stale page.",
            expected_version=first.version,
        )
    stored = Answer.objects.get(case=case, question=question)
    assert (stored.value, stored.rationale, stored.version) == ("no", "Missed police checks.", 2)
    assert AnswerChange.objects.filter(case=case).count() == 2


def test_answers_of_a_published_inspection_are_read_only(case, framework, inspection):
    inspection.status = Inspection.Status.PUBLISHED
    inspection.save()
    with pytest.raises(ValidationError, match="published"):
        answer_record(case=case, question=framework.questions.get(code="C1"), value="yes")


def test_it_rejects_a_case_without_a_reference(inspection):
    with pytest.raises(ValidationError, match="cannot be blank"):
        case_create(inspection=inspection, **profile(inspection, reference=""))
    assert not Case.objects.exists()
