"""Model-based property test: for small random inspections, every figure of the engine equals a
deliberately naive count written here (loop over the cases, decide scope, count).

The naive model shares nothing with the engine: scope is decided from the question's fields and
the case's fields directly (not cases.scoring_columns), groups from the case's fields (not the
generated `cell`). Answers are also written to questions that do not apply to their case (a
profile changed after answering): the model must ignore them, as the engine must.
"""

from __future__ import annotations

import os
from collections import Counter
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Answer
from cases.tests.factories import CaseFactory
from inspections.models import PDU, Question, Region
from inspections.tests.factories import InspectionFactory
from scoring import selectors
from scoring.selectors import _answer_counts, inspection_scores, inspections_scores_compute
from scoring.tests.handworked import handworked_framework

pytestmark = pytest.mark.django_db

PDU_NAMES = ("Ash", "Birch", "Cedar")
ROSH = ("low", "medium", "high", "very_high", "not_assessed")
ROSH_GROUP = {
    "low": "low",
    "medium": "medium",
    "high": "high_very_high",
    "very_high": "high_very_high",
    "not_assessed": "not_assessed",
}
CODES = ("K1", "K1a", "A1", "A1a", "S1", "S2")
NA_ALLOWED = {"K1": False, "K1a": True, "A1": False, "A1a": True, "S1": True, "S2": False}

a_case = st.fixed_dictionaries(
    {
        "pdu": st.sampled_from(PDU_NAMES),
        "rosh": st.sampled_from(ROSH),
        "level": st.sampled_from([None, 1, 2, 3]),
        "adjusted": st.booleans(),
        "court_work": st.booleans(),
        # None: unanswered. Every question may get an answer, in scope or not.
        "answers": st.fixed_dictionaries(
            {
                code: st.sampled_from(
                    [None, "yes", "no", "na"] if NA_ALLOWED[code] else [None, "yes", "no"]
                )
                for code in CODES
            }
        ),
    }
)


def naive_applies(question: Question, case: dict) -> bool:
    if question.kind == "supplementary":
        # The only flag the test framework uses: S1 needs court work, S2 applies to every case.
        return case["court_work"] if question.applies_when == "court_work" else True
    return (question.question_set == "adjusted") == case["adjusted"]


def naive_groups(case: dict) -> list[tuple[str, str]]:
    groups = [("pdu", case["pdu"]), ("rosh", ROSH_GROUP[case["rosh"]])]
    if case["level"] is None:
        groups.append(("mappa", "not_eligible"))
    else:
        groups += [("mappa", "eligible"), ("mappa", f"level_{case['level']}")]
    return groups


def naive_figures(
    cases: list[dict], questions: list[Question]
) -> dict[tuple[str, str], dict[str, tuple[int, int, int, int]]]:
    """(yes, no, not applicable incl. out of scope, unanswered) per group and question."""
    tallies: dict[tuple[str, str], dict[str, Counter[str]]] = {}
    for case in cases:
        for group in [("all", "all"), *naive_groups(case)]:
            per_question = tallies.setdefault(group, {q.code: Counter() for q in questions})
            for question in questions:
                value = case["answers"][question.code]
                if not naive_applies(question, case):
                    per_question[question.code]["na"] += 1
                elif value is None:
                    per_question[question.code]["unanswered"] += 1
                else:
                    per_question[question.code][value] += 1
    return {
        group: {
            code: (c["yes"], c["no"], c["na"], c["unanswered"]) for code, c in per_question.items()
        }
        for group, per_question in tallies.items()
    }


def percent_by_hand(yes: int, no: int) -> int | None:
    # Whole percent, halves up, by exact integer comparison.
    if yes + no == 0:
        return None
    return next(p for p in range(101) if 2 * (100 * yes) < (2 * p + 1) * (yes + no))


@settings(
    # scripts/mutation.sh runs fewer: it runs this test once per mutant.
    max_examples=int(os.environ.get("DIPP_MODEL_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    cases=st.lists(a_case, min_size=0, max_size=9),
    pdu_order=st.permutations(PDU_NAMES),
)
def test_engine_figures_equal_a_naive_count(cases, pdu_order):
    with transaction.atomic():
        framework = handworked_framework()
        questions = list(Question.objects.filter(framework=framework).order_by("order"))
        region = Region.objects.create(name="Model region", slug="model-region")
        # Created in a random order, so creation order and name order differ in most examples.
        pdus = {
            name: PDU.objects.create(region=region, code=name.lower(), name=name)
            for name in pdu_order
        }
        inspection = InspectionFactory(framework=framework, region=region)
        answers = []
        for i, case in enumerate(cases):
            made = CaseFactory(
                inspection=inspection,
                reference=f"MB-{i:03d}",
                pdu=pdus[case["pdu"]],
                rosh=case["rosh"],
                mappa_eligible=case["level"] is not None,
                mappa_category=None if case["level"] is None else 2,
                mappa_level=case["level"],
                adjusted_questions=case["adjusted"],
                court_work=case["court_work"],
            )
            answers += [
                Answer(case=made, question=q, value=case["answers"][q.code])
                for q in questions
                if case["answers"][q.code] is not None
            ]
        Answer.objects.bulk_create(answers)

        scores = inspection_scores(inspection)
        expected = naive_figures(cases, questions)
        # The counts read from the tallies (scores above) equal a scan of the answers, and the
        # other way of testing scope (a VALUES join) agrees with the arrays.
        questions_asked = list(Question.objects.filter(framework=framework))
        assert sorted(_answer_counts([inspection.pk], questions_asked)) == sorted(
            _answer_counts([inspection.pk], questions_asked, source="scan")
        )
        with mock.patch.object(selectors, "SCOPE_ARRAY_SPAN", 0):
            assert inspections_scores_compute([inspection])[inspection.pk] == scores
        empty = {q.code: (0, 0, 0, 0) for q in questions}

        def engine(group_scores):
            return {
                q.code: (q.yes, q.no, q.not_applicable, q.unanswered)
                for q in group_scores.questions
            }

        assert scores.cases == len(cases)
        assert engine(scores) == expected.get(("all", "all"), empty)
        for q in scores.questions:
            assert q.percent == percent_by_hand(q.yes, q.no)
        for dimension, groups in scores.breakdowns.items():
            for group in groups:
                key = group.label if dimension == "pdu" else group.group
                if dimension == "pdu":
                    assert group.group == pdus[group.label].code
                members = [c for c in cases if (dimension, key) in naive_groups(c)]
                assert group.cases == len(members), (dimension, key)
                assert engine(group) == expected.get((dimension, key), empty), (dimension, key)
        assert [g.label for g in scores.breakdowns["pdu"]] == sorted(PDU_NAMES)
        for table, rows in scores.profile.items():
            for row in rows:
                members = [c for c in cases if (table, row.group) in naive_groups(c)]
                assert (row.cases, row.total) == (len(members), len(cases)), (table, row.group)
                assert row.percent == percent_by_hand(len(members), len(cases) - len(members))
        transaction.set_rollback(True)


def test_the_naive_model_counts_the_handworked_table():
    """The model above, run on the hand-worked table, gives the hand counts (a check of the
    checker: a model that counted wrongly would make the property test meaningless)."""
    from scoring.tests.handworked import CASES

    class Q:
        def __init__(self, code, kind, question_set, applies_when):
            self.code, self.kind = code, kind
            self.question_set, self.applies_when = question_set, applies_when

    questions = [
        Q("K1", "key", "core", ""),
        Q("K1a", "prompt", "core", ""),
        Q("A1", "key", "adjusted", ""),
        Q("A1a", "prompt", "adjusted", ""),
        Q("S1", "supplementary", "core", "court_work"),
        Q("S2", "supplementary", "core", ""),
    ]
    cases = [
        {
            "pdu": pdu,
            "rosh": str(rosh),
            "level": level,
            "adjusted": adjusted,
            # HW-008's court work was taken off after answering.
            "court_work": court and ref != "HW-008",
            "answers": {code: answers.get(code) for code in CODES},
        }
        for ref, pdu, rosh, level, adjusted, court, answers in CASES
    ]
    figures = naive_figures(cases, questions)
    assert figures[("all", "all")]["K1a"] == (3, 2, 5, 2)
    assert figures[("pdu", "NM")]["S1"] == (1, 0, 4, 0)
    assert figures[("mappa", "not_eligible")]["A1a"] == (1, 0, 7, 0)
    assert percent_by_hand(2, 1) == 67
    assert percent_by_hand(1, 7) == 13  # 12.5 -> 13, halves up
    assert percent_by_hand(3, 5) == 38  # 37.5 -> 38
