"""The answers' counts (scoring.selectors._answer_counts) from both sources, the tallies and a
scan of the answers, each with both ways of testing scope: arrays indexed by question id on
PostgreSQL, the VALUES join past SCOPE_ARRAY_SPAN (and on SQLite). All four must give the same
counts, and none may count an answer to a question outside those asked for or out of scope for
its case. The figures themselves are checked by hand in
test_handworked_scores.py and against a naive model in test_scores_model_based.py."""

from __future__ import annotations

from unittest import mock

import pytest

from inspections.models import Question
from scoring import selectors
from scoring.selectors import _answer_counts, inspections_scores_compute
from scoring.tests.handworked import handworked_build

pytestmark = pytest.mark.django_db


def _both(inspection_ids, questions):
    """The counts with arrays and with the VALUES join, each the same from both sources."""
    arrays = sorted(_answer_counts(inspection_ids, questions, source="scan"))
    assert sorted(_answer_counts(inspection_ids, questions, source="tally")) == arrays
    with mock.patch.object(selectors, "SCOPE_ARRAY_SPAN", 0):
        values = sorted(_answer_counts(inspection_ids, questions, source="scan"))
        assert sorted(_answer_counts(inspection_ids, questions, source="tally")) == values
    return arrays, values


def _totals(rows, question):
    yes = sum(r[3] for r in rows if r[1] == question.pk)
    no = sum(r[4] for r in rows if r[1] == question.pk)
    na = sum(r[5] for r in rows if r[1] == question.pk)
    return yes, no, na


def test_arrays_and_values_give_the_same_counts_by_hand():
    hw = handworked_build()
    questions = list(Question.objects.filter(framework=hw.inspection.framework).order_by("pk"))
    arrays, values = _both([hw.inspection.pk], questions)
    assert arrays == values
    by_code = {q.code: q for q in questions}
    # From the table in scoring/tests/handworked.py. K1: HW-001, 003, 005, 008, 009, 010 Yes;
    # 002, 006 No. S1 where court work is on the profile now: 001, 009 Yes; 006 No; 003 N/A
    # (HW-008's Yes is out of scope). A1a: 011 Yes, 007 No, 004 N/A.
    assert _totals(arrays, by_code["K1"]) == (6, 2, 0)
    assert _totals(arrays, by_code["S1"]) == (2, 1, 1)
    assert _totals(arrays, by_code["A1a"]) == (1, 1, 1)


def test_a_question_left_out_of_the_middle_is_counted_by_neither():
    hw = handworked_build()
    questions = list(Question.objects.filter(framework=hw.inspection.framework).order_by("pk"))
    left_out = questions[len(questions) // 2]
    asked = [q for q in questions if q != left_out]
    # Its id lies inside the arrays' span: it must read as never in scope.
    assert min(q.pk for q in asked) < left_out.pk < max(q.pk for q in asked)
    arrays, values = _both([hw.inspection.pk], asked)
    assert arrays == values
    assert all(yes == no == na == 0 for _, q, _, yes, no, na in arrays if q == left_out.pk)
    full, _ = _both([hw.inspection.pk], questions)
    assert _totals(full, left_out) != (0, 0, 0)


def test_the_whole_computation_is_the_same_either_way():
    hw = handworked_build()
    arrays = inspections_scores_compute([hw.inspection])[hw.inspection.pk]
    with mock.patch.object(selectors, "SCOPE_ARRAY_SPAN", 0):
        values = inspections_scores_compute([hw.inspection])[hw.inspection.pk]
    assert arrays == values
    assert arrays.question("K1").yes == 6
