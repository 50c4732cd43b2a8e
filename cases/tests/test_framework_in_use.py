"""A framework version that answers use never changes: refused by the loader, and by the
database for a change behind its back."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.models import Question
from inspections.services import DEFAULT_FRAMEWORK_FILE, FrameworkFileError, framework_load
from inspections.tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db


def framework_data() -> dict:
    return json.loads(DEFAULT_FRAMEWORK_FILE.read_text())


def dump(data: dict) -> bytes:
    return json.dumps(data).encode()


def test_a_version_in_use_is_never_changed(framework):
    assert not framework.in_use
    inspection = InspectionFactory(framework=framework)
    case = CaseFactory(inspection=inspection)
    answer_record(case=case, question=framework.questions.get(code="C1"), value="yes")
    assert framework.in_use
    changed = framework_data()
    changed["key_questions"][0]["text"] = "A reworded key question?"
    with pytest.raises(FrameworkFileError, match="in use"):
        framework_load(raw=dump(changed))
    assert framework.questions.get(code="C1").text.startswith("Does assessment")


def test_the_database_refuses_changes_to_an_answered_question(framework):
    inspection = InspectionFactory(framework=framework)
    case = CaseFactory(inspection=inspection)
    question = framework.questions.get(code="C2")
    answer_record(case=case, question=question, value="no", rationale="Weak planning.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(text="Changed behind our back?")
