"""scoring.agreement.inspection_agreement on reviews written directly, with every row worked out
by hand: only each case's first review round counts, a withdrawn case counts nowhere, markers
are named by full name, else username, else "No longer allocated", and sorted by username."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import ModerationReview
from cases.tests.factories import CaseFactory
from inspections.models import Question
from inspections.tests.factories import InspectionFactory
from scoring.agreement import AgreementRow, inspection_agreement

pytestmark = pytest.mark.django_db


def review(case, question, marker, round_, first, second):
    agrees = first == second
    ModerationReview.objects.create(
        case=case,
        question=question,
        reviewer=None,
        marker=marker,
        agrees=agrees,
        inspector_value=first,
        moderator_value=second,
        comment="" if agrees else "Why.",
        round=round_,
    )


def summary(row: AgreementRow):
    return (row.key, row.label, row.cases, row.pairs, row.agreed, row.judgements)


def test_agreement_rows_by_question_by_marker_and_overall(framework):
    users = get_user_model()
    ann = users.objects.create_user(username="ann", first_name="Ann", last_name="Smith")
    bob = users.objects.create_user(username="bob")
    inspection = InspectionFactory(framework=framework)
    c1, c2, c3, c4 = Question.objects.filter(framework=framework, kind="key").order_by("order")[:4]
    case1 = CaseFactory(inspection=inspection)
    case2 = CaseFactory(inspection=inspection)
    case3 = CaseFactory(inspection=inspection)
    gone = CaseFactory(inspection=inspection)
    # case 1 (Ann), first round 1: C1 yes/yes, C2 yes/no; its round 2 does not count.
    review(case1, c1, ann, 1, "yes", "yes")
    review(case1, c2, ann, 1, "yes", "no")
    review(case1, c2, ann, 2, "no", "no")
    # case 2 (Bob), first round 2: C1 no/no, C3 no/yes; its round 3 does not count.
    review(case2, c1, bob, 2, "no", "no")
    review(case2, c3, bob, 2, "no", "yes")
    review(case2, c1, bob, 3, "yes", "yes")
    # case 3, its marker since deleted: C1 yes/no.
    review(case3, c1, None, 1, "yes", "no")
    # A withdrawn case counts nowhere.
    review(gone, c1, ann, 1, "no", "no")
    gone.withdrawn_at = timezone.now()
    gone.withdrawn_reason = "Wrong case."
    gone.save()

    agreement = inspection_agreement(inspection)

    assert [summary(r) for r in agreement.by_question] == [
        ("C1", f"C1: {c1.text}", 3, (("yes", "yes"), ("no", "no"), ("yes", "no")), 2, 3),
        ("C2", f"C2: {c2.text}", 1, (("yes", "no"),), 0, 1),
        ("C3", f"C3: {c3.text}", 1, (("no", "yes"),), 0, 1),
        ("C4", f"C4: {c4.text}", 0, (), 0, 0),
    ]
    assert [summary(r) for r in agreement.by_inspector] == [
        ("", "No longer allocated", 1, (("yes", "no"),), 0, 1),
        ("ann", "Ann Smith", 1, (("yes", "yes"), ("yes", "no")), 1, 2),
        ("bob", "bob", 1, (("no", "no"), ("no", "yes")), 1, 2),
    ]
    overall = agreement.overall
    pairs = (("yes", "yes"), ("no", "no"), ("yes", "no"), ("yes", "no"), ("no", "yes"))
    assert summary(overall) == ("all", "All key questions", 3, pairs, 2, 5)
    # 2 of 5 agreed. First marker 3 yes 2 no, second 2 yes 3 no: p_e = 6/25 + 6/25 = 12/25,
    # kappa = (10/25 - 12/25) / (13/25) = -2/13. AC1 on the Yes/No scale: pi_yes = 5/10,
    # chance = 2 * 1/2 * 1/2 = 1/2, AC1 = (2/5 - 1/2) / (1/2) = -1/5.
    assert (overall.percent, overall.percent_published) == (40.0, 40)
    assert overall.kappa == pytest.approx(-2 / 13)
    assert overall.ac1 == pytest.approx(-0.2)
    # One disagreement alone on the Yes/No scale: pi_yes = 1/2, chance 1/2, AC1 = -1.
    assert agreement.by_question[1].ac1 == pytest.approx(-1.0)
    # No pairs: no figures.
    empty = agreement.by_question[3]
    assert (empty.percent, empty.percent_published, empty.kappa, empty.ac1) == (
        None,
        None,
        None,
        None,
    )
    with pytest.raises(AttributeError):
        agreement.overall = empty  # type: ignore[misc]


def test_one_pair_of_agreement_rounds_up_its_published_percent():
    # 1 of 8 agreed is 12.5%: published 13% (halves up).
    row = AgreementRow("k", "K", 8, (("yes", "yes"),) + (("yes", "no"),) * 7)
    assert (row.percent, row.percent_published, row.agreed, row.judgements) == (12.5, 13, 1, 8)


def test_ac1_is_on_the_yes_no_scale_even_when_one_answer_is_used():
    # Both markers always Yes. On the Yes/No scale (q = 2): pi_yes = 1, chance
    # 1 * 0 + 0 * 1 = 0, AC1 = (1 - 0) / 1 = 1. On the categories used alone (q = 1) there
    # would be no AC1 at all.
    row = AgreementRow("k", "K", 3, (("yes", "yes"),) * 3)
    assert row.ac1 == 1.0
    with pytest.raises(AttributeError):
        row.cases = 4  # type: ignore[misc]
