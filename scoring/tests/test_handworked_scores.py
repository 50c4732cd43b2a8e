"""Every figure of the hand-worked inspection, counted by hand from the table in
scoring/tests/handworked.py (not computed by the code under test).

Each tuple is (yes, no, not applicable, unanswered) of one question in one group, where
"not applicable" is the explicit N/A answers plus the group's cases the question does not
apply to (other question set, or the supplementary question's flag not set), as the pages show.
Cases are named by number (01 = HW-001).
"""

from __future__ import annotations

import pytest

from scoring.presenters import base_text, breakdown_tables, interval_text, score_sentence
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def counts(score):
    return (score.yes, score.no, score.not_applicable, score.unanswered)


def test_overall_figures_are_the_hand_counts(handworked):
    scores = inspection_scores(handworked.inspection)

    assert scores.cases == 12
    expected = {
        # core cases 01 02 03 05 06 08 09 10 12 (9); adjusted 04 07 11 (3) are N/A.
        # yes 01 03 05 08 09 10 = 6; no 02 06 = 2; unanswered 12 = 1. 6 of 8 = 75%.
        "K1": ((6, 2, 3, 1), 75),
        # yes 01 09 10 = 3; no 03 06 = 2; explicit N/A 02 08 = 2 (+3 adjusted = 5);
        # unanswered 05 12 = 2. 3 of 5 = 60% (N/A counted as No would give 3 of 7 = 43%).
        "K1a": ((3, 2, 5, 2), 60),
        # adjusted 04 07 11: yes 04 11, no 07; 9 core cases N/A. 2 of 3 = 66.7% -> 67%.
        "A1": ((2, 1, 9, 0), 67),
        # yes 11, no 07, explicit N/A 04 (+9 core = 10). 1 of 2 = 50%.
        "A1a": ((1, 1, 10, 0), 50),
        # court work now 01 03 06 09 11 (5; 08's Yes is out of scope): yes 01 09, no 06,
        # explicit N/A 03 (+7 without court work = 8), unanswered 11. 2 of 3 = 67%.
        "S1": ((2, 1, 8, 1), 67),
        # every case: no 03 07 10 = 3, unanswered 05 = 1, yes the other 8. 8 of 11 = 72.7% -> 73%.
        "S2": ((8, 3, 0, 1), 73),
    }
    assert {q.code: (counts(q), q.percent) for q in scores.questions} == expected


def test_the_exact_percentages_are_the_hand_shares(handworked):
    scores = inspection_scores(handworked.inspection)

    exact = {q.code: q.exact for q in scores.questions}
    # 6/8, 3/5, 2/3, 1/2, 2/3, 8/11 as percentages before rounding.
    assert exact == {
        "K1": 75.0,
        "K1a": 60.0,
        "A1": pytest.approx(66.6667, abs=1e-4),
        "A1a": 50.0,
        "S1": pytest.approx(66.6667, abs=1e-4),
        "S2": pytest.approx(72.7273, abs=1e-4),
    }
    # Northam A1a has no relevant case (04 said N/A): no figure at all, not 0.
    northam = next(g for g in scores.breakdowns["pdu"] if g.group == "NM")
    assert (northam.question("A1a").exact, northam.question("A1a").interval) == (None, None)


# group -> question -> (yes, no, not applicable, unanswered), counted from the table.
BREAKDOWNS = {
    "pdu": {
        # Eastleigh 06 07 08 09: core 06 08 09, adjusted 07, court work 06 09.
        "EL": {
            "K1": (2, 1, 1, 0),  # yes 08 09, no 06, 07 adjusted
            "K1a": (1, 1, 2, 0),  # yes 09, no 06, N/A 08 + 07
            "A1": (0, 1, 3, 0),  # no 07
            "A1a": (0, 1, 3, 0),  # no 07
            "S1": (1, 1, 2, 0),  # yes 09, no 06; 07 08 no court work
            "S2": (3, 1, 0, 0),  # yes 06 08 09, no 07
        },
        # Northam 01-05: core 01 02 03 05, adjusted 04, court work 01 03.
        "NM": {
            "K1": (3, 1, 1, 0),  # yes 01 03 05, no 02, 04 adjusted
            "K1a": (1, 1, 2, 1),  # yes 01, no 03, N/A 02 + 04, unanswered 05
            "A1": (1, 0, 4, 0),  # yes 04
            "A1a": (0, 0, 5, 0),  # explicit N/A 04 + four core cases
            "S1": (1, 0, 4, 0),  # yes 01, N/A 03 + 02 04 05 without court work
            "S2": (3, 1, 0, 1),  # yes 01 02 04, no 03, unanswered 05
        },
        # Westbury 10 11 12: core 10 12, adjusted 11, court work 11.
        "WB": {
            "K1": (1, 0, 1, 1),  # yes 10, 11 adjusted, unanswered 12
            "K1a": (1, 0, 1, 1),  # yes 10, 11 adjusted, unanswered 12
            "A1": (1, 0, 2, 0),  # yes 11
            "A1a": (1, 0, 2, 0),  # yes 11
            "S1": (0, 0, 2, 1),  # unanswered 11; 10 12 no court work
            "S2": (2, 1, 0, 0),  # yes 11 12, no 10
        },
    },
    "mappa": {
        # not eligible 01 02 04 05 08 09 11 12: core 01 02 05 08 09 12, adjusted 04 11,
        # court work 01 09 11.
        "not_eligible": {
            "K1": (4, 1, 2, 1),  # yes 01 05 08 09, no 02, 04 11 adjusted, unanswered 12
            "K1a": (2, 0, 4, 2),  # yes 01 09, N/A 02 08 + 04 11, unanswered 05 12
            "A1": (2, 0, 6, 0),  # yes 04 11
            "A1a": (1, 0, 7, 0),  # yes 11, N/A 04 + six core cases
            "S1": (2, 0, 5, 1),  # yes 01 09, unanswered 11; five without court work
            "S2": (7, 0, 0, 1),  # unanswered 05, yes the other seven
        },
        # eligible 03 06 07 10: core 03 06 10, adjusted 07, court work 03 06.
        "eligible": {
            "K1": (2, 1, 1, 0),  # yes 03 10, no 06
            "K1a": (1, 2, 1, 0),  # yes 10, no 03 06
            "A1": (0, 1, 3, 0),  # no 07
            "A1a": (0, 1, 3, 0),  # no 07
            "S1": (0, 1, 3, 0),  # no 06, N/A 03 + 07 10 without court work
            "S2": (1, 3, 0, 0),  # yes 06, no 03 07 10
        },
        "level_1": {  # 03 10, both core; court work 03
            "K1": (2, 0, 0, 0),
            "K1a": (1, 1, 0, 0),  # yes 10, no 03
            "A1": (0, 0, 2, 0),
            "A1a": (0, 0, 2, 0),
            "S1": (0, 0, 2, 0),  # N/A 03 + 10 without court work
            "S2": (0, 2, 0, 0),
        },
        "level_2": {  # 06, core, court work
            "K1": (0, 1, 0, 0),
            "K1a": (0, 1, 0, 0),
            "A1": (0, 0, 1, 0),
            "A1a": (0, 0, 1, 0),
            "S1": (0, 1, 0, 0),
            "S2": (1, 0, 0, 0),
        },
        "level_3": {  # 07, adjusted, no court work
            "K1": (0, 0, 1, 0),
            "K1a": (0, 0, 1, 0),
            "A1": (0, 1, 0, 0),
            "A1a": (0, 1, 0, 0),
            "S1": (0, 0, 1, 0),
            "S2": (0, 1, 0, 0),
        },
    },
    "rosh": {
        "low": {  # 01 05 09, all core; court work 01 09
            "K1": (3, 0, 0, 0),
            "K1a": (2, 0, 0, 1),  # yes 01 09, unanswered 05
            "A1": (0, 0, 3, 0),
            "A1a": (0, 0, 3, 0),
            "S1": (2, 0, 1, 0),  # yes 01 09; 05 no court work
            "S2": (2, 0, 0, 1),  # yes 01 09, unanswered 05
        },
        "medium": {  # 02 06 08 11: core 02 06 08, adjusted 11; court work 06 11
            "K1": (1, 2, 1, 0),  # yes 08, no 02 06
            "K1a": (0, 1, 3, 0),  # no 06, N/A 02 08 + 11
            "A1": (1, 0, 3, 0),
            "A1a": (1, 0, 3, 0),
            "S1": (0, 1, 2, 1),  # no 06, unanswered 11; 02 08 no court work
            "S2": (4, 0, 0, 0),
        },
        "high_very_high": {  # 03 (high) 10 (high) 07 (very high, adjusted); court work 03
            "K1": (2, 0, 1, 0),
            "K1a": (1, 1, 1, 0),  # yes 10, no 03
            "A1": (0, 1, 2, 0),
            "A1a": (0, 1, 2, 0),
            "S1": (0, 0, 3, 0),  # N/A 03 + 07 10
            "S2": (0, 3, 0, 0),
        },
        "not_assessed": {  # 04 (adjusted) 12 (core); no court work
            "K1": (0, 0, 1, 1),  # unanswered 12
            "K1a": (0, 0, 1, 1),
            "A1": (1, 0, 1, 0),  # yes 04
            "A1a": (0, 0, 2, 0),  # explicit N/A 04 + 12
            "S1": (0, 0, 2, 0),
            "S2": (2, 0, 0, 0),
        },
    },
}

GROUP_CASES = {
    "pdu": {"EL": 4, "NM": 5, "WB": 3},
    "mappa": {"not_eligible": 8, "eligible": 4, "level_1": 2, "level_2": 1, "level_3": 1},
    "rosh": {"low": 3, "medium": 4, "high_very_high": 3, "not_assessed": 2},
}


@pytest.mark.parametrize("dimension", ["pdu", "mappa", "rosh"])
def test_every_breakdown_row_is_the_hand_count(handworked, dimension):
    scores = inspection_scores(handworked.inspection)
    groups = scores.breakdowns[dimension]

    assert {g.group: g.cases for g in groups} == GROUP_CASES[dimension]
    assert {g.group: {q.code: counts(q) for q in g.questions} for g in groups} == BREAKDOWNS[
        dimension
    ]


def test_pdu_rows_carry_their_own_pdu_name_and_figures(handworked):
    scores = inspection_scores(handworked.inspection)

    # Listed by name; each label beside its own figures (K1: Eastleigh 2 of 3 = 67%,
    # Northam 3 of 4 = 75%, Westbury 1 of 1 = 100%).
    rows = [(g.group, g.label, g.cases, g.question("K1").percent) for g in scores.breakdowns["pdu"]]
    assert rows == [
        ("EL", "Eastleigh", 4, 67),
        ("NM", "Northam", 5, 75),
        ("WB", "Westbury", 3, 100),
    ]
    table = next(t for t in breakdown_tables(scores, ["K1a"]) if t.dimension == "pdu")
    assert table.groups == [("Eastleigh", 4), ("Northam", 5), ("Westbury", 3)]
    # K1a: Eastleigh yes 09 of 06 09; Northam yes 01 of 01 03; Westbury yes 10 of 10.
    cells = [(c.percent, c.base, c.interval, c.small_base) for c in table.rows[0][2]]
    # Wilson 95% for 1 of 2 is 9.5-90.5%; for 1 of 1, 20.7-100%. Bases under 10 are small.
    assert cells == [
        ("50%", "1 of 2", "95% CI 9–91%", True),
        ("50%", "1 of 2", "95% CI 9–91%", True),
        ("100%", "1 of 1", "95% CI 21–100%", True),
    ]


def test_the_case_profile_is_the_hand_count(handworked):
    scores = inspection_scores(handworked.inspection)

    rosh = {r.group: (r.cases, r.percent) for r in scores.profile["rosh"]}
    # of 12: low 01 05 09 = 25%; medium 02 06 08 11 = 33.3%; high/very high 03 07 10 = 25%;
    # not assessed 04 12 = 16.7% -> 17%.
    assert rosh == {
        "low": (3, 25),
        "medium": (4, 33),
        "high_very_high": (3, 25),
        "not_assessed": (2, 17),
    }
    mappa = {r.group: (r.cases, r.percent) for r in scores.profile["mappa"]}
    # not eligible 8 of 12 = 66.7% -> 67%; eligible 03 06 07 10 = 33%; level 1 03 10 = 17%;
    # level 2 06 = 8.3% -> 8%; level 3 07 = 8%.
    assert mappa == {
        "not_eligible": (8, 67),
        "eligible": (4, 33),
        "level_1": (2, 17),
        "level_2": (1, 8),
        "level_3": (1, 8),
    }


def test_two_intervals_have_the_known_wilson_ends(handworked):
    scores = inspection_scores(handworked.inspection)

    # 6 of 8 and 3 of 5: 95% Wilson score interval (no continuity correction), as published
    # in tables of it, e.g. R's binom::binom.confint(6, 8, method = "wilson"):
    # 0.4092747-0.9285210; binom.confint(3, 5, method = "wilson"): 0.2307240-0.8823794.
    k1 = scores.question("K1")
    assert k1.interval == pytest.approx((40.92747, 92.85210), abs=1e-4)
    assert (k1.ci_low, k1.ci_high) == (40.93, 92.85)
    assert score_sentence(k1) == "75% (6 of 8; 95% CI 41–93%)"
    k1a = scores.question("K1a")
    assert k1a.interval == pytest.approx((23.07240, 88.23794), abs=1e-4)
    assert interval_text(k1a) == "23–88%"
    assert base_text(k1a) == "3 of 5 relevant cases"


def test_every_group_and_question_is_labelled_and_looked_up(handworked):
    scores = inspection_scores(handworked.inspection)

    labels = {d: [(g.group, g.label) for g in groups] for d, groups in scores.breakdowns.items()}
    assert labels == {
        "pdu": [("EL", "Eastleigh"), ("NM", "Northam"), ("WB", "Westbury")],
        "mappa": [
            ("not_eligible", "Not MAPPA eligible"),
            ("eligible", "MAPPA eligible (all levels)"),
            ("level_1", "MAPPA level 1"),
            ("level_2", "MAPPA level 2"),
            ("level_3", "MAPPA level 3"),
        ],
        "rosh": [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high_very_high", "High/very high"),
            ("not_assessed", "Not assessed"),
        ],
    }
    assert [r.label for r in scores.profile["rosh"]] == [label for _, label in labels["rosh"]]
    assert [r.label for r in scores.profile["mappa"]] == [label for _, label in labels["mappa"]]
    # In framework order, with the framework's wording; prompts name their key question.
    assert [(q.code, q.kind, q.parent, q.text) for q in scores.questions] == [
        ("K1", "key", None, "Was the plan sufficient?"),
        ("K1a", "prompt", "K1", "Did the plan address risk?"),
        ("A1", "key", None, "Was contact resumed safely?"),
        ("A1a", "prompt", "A1", "Was the victim consulted?"),
        ("S1", "supplementary", None, "Was the court report accurate?"),
        ("S2", "supplementary", None, "Was the record up to date?"),
    ]
    assert [q.code for q in scores.key_questions] == ["K1", "A1"]
    # Every question accounts for every case of the group, one way or another.
    assert {q.cases for q in scores.questions} == {12}
    assert {q.cases for q in scores.breakdowns["pdu"][1].questions} == {5}  # Northam
    assert scores.question("K1a").relevant == 5
    assert scores.breakdowns["rosh"][3].question("A1").yes == 1  # not assessed: 04
    assert scores.profile_row("mappa", "level_2").cases == 1  # 06
    assert scores.profile_row("rosh", "medium").cases == 4  # 02 06 08 11
    with pytest.raises(KeyError):
        scores.question("C1")
    with pytest.raises(KeyError):
        scores.profile_row("rosh", "extreme")


def test_an_inspection_without_answers_counts_every_applicable_case_unanswered(handworked):
    from cases.models import Answer

    Answer.objects.filter(case__inspection=handworked.inspection).delete()
    scores = inspection_scores(handworked.inspection)

    # 9 core cases, 3 adjusted, 5 with court work now (01 03 06 09 11), 12 in all.
    assert {q.code: counts(q) for q in scores.questions} == {
        "K1": (0, 0, 3, 9),
        "K1a": (0, 0, 3, 9),
        "A1": (0, 0, 9, 3),
        "A1a": (0, 0, 9, 3),
        "S1": (0, 0, 7, 5),
        "S2": (0, 0, 0, 12),
    }
    assert {q.percent for q in scores.questions} == {None}


def test_the_figures_cannot_be_changed_after_the_count(handworked):
    """Presenters and templates place the figures; none may alter one on its way to a page."""
    import dataclasses

    scores = inspection_scores(handworked.inspection)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.question("K1").yes = 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.breakdowns["pdu"][0].cases = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.profile["rosh"][0].cases = 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.cases = 13
