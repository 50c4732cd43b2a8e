"""Gwet's AC1 against hand-worked tables, and the properties that make it worth showing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.arithmetic import cohen_kappa, gwet_ac1, percent_agreement


def _table(yy: int, yn: int, ny: int, nn: int) -> list[tuple[str, str]]:
    """Pairs from a 2x2 table: first marker's answer, then the second's."""
    return [("yes", "yes")] * yy + [("yes", "no")] * yn + [("no", "yes")] * ny + [("no", "no")] * nn


def test_ac1_on_a_hand_worked_table_where_kappa_collapses():
    # 50 double-marked judgements, nearly all Yes:
    #                 second Yes  second No
    #   first Yes         40          5       45
    #   first No           3          2        5
    #                     43          7       50
    # Agreement p_a = 42/50 = 0.84.
    # AC1: pi_yes = (45 + 43) / 100 = 0.88, pi_no = 0.12;
    #      p_e = (0.88 * 0.12 + 0.12 * 0.88) / (2 - 1) = 0.2112;
    #      AC1 = (0.84 - 0.2112) / (1 - 0.2112) = 0.6288 / 0.7888 = 393/493.
    # Kappa: p_e = 0.90 * 0.86 + 0.10 * 0.14 = 0.788; kappa = 0.052 / 0.212 = 13/53.
    pairs = _table(40, 5, 3, 2)
    assert percent_agreement(pairs) == pytest.approx(84)
    assert gwet_ac1(pairs) == pytest.approx(393 / 493)  # 0.797
    assert cohen_kappa(pairs) == pytest.approx(13 / 53)  # 0.245


def test_ac1_on_a_balanced_table_is_close_to_kappa():
    # 10 pairs, 8 agree, each marker 6 Yes 4 No (the kappa worked example):
    # pi_yes = 0.6, p_e = 2 * 0.6 * 0.4 = 0.48, AC1 = (0.8 - 0.48) / 0.52 = 8/13;
    # kappa = 0.28 / 0.48 = 7/12.
    pairs = _table(5, 1, 1, 3)
    assert gwet_ac1(pairs) == pytest.approx(8 / 13)
    assert cohen_kappa(pairs) == pytest.approx(7 / 12)


def test_ac1_with_three_categories_divides_chance_by_q_minus_one():
    # 6 pairs over yes / no / na: 4 agree.
    pairs = [
        ("yes", "yes"),
        ("yes", "yes"),
        ("no", "no"),
        ("na", "na"),
        ("yes", "no"),
        ("na", "yes"),
    ]
    # First marker: yes 3, no 1, na 2; second: yes 3, no 2, na 1. Of the 12 judgements:
    # yes 6/12, no 3/12, na 3/12.
    # p_e = (1/2 * 1/2 + 1/4 * 3/4 + 1/4 * 3/4) / 2 = (1/4 + 3/8) / 2 = 5/16.
    # AC1 = (4/6 - 5/16) / (1 - 5/16) = (17/48) / (11/16) = 17/33.
    assert gwet_ac1(pairs) == pytest.approx(17 / 33)


def test_when_both_markers_always_agree_on_one_answer_ac1_is_one_and_kappa_undefined():
    pairs = _table(12, 0, 0, 0)
    assert cohen_kappa(pairs) is None
    # With the scale named (Yes / No), AC1 is defined: perfect agreement.
    assert gwet_ac1(pairs, categories=("yes", "no")) == 1.0
    # Without it only one category is known, and there is no scale to correct against.
    assert gwet_ac1(pairs) is None


def test_ac1_is_undefined_without_pairs():
    assert gwet_ac1([]) is None


tables = st.tuples(*(st.integers(min_value=0, max_value=60) for _ in range(4))).filter(
    lambda t: sum(t) > 0
)


@given(tables)
def test_ac1_is_at_most_one_and_one_only_for_full_agreement(t):
    pairs = _table(*t)
    ac1 = gwet_ac1(pairs, categories=("yes", "no"))
    assert ac1 is not None
    assert ac1 <= 1 + 1e-12
    assert (ac1 == pytest.approx(1)) == (t[1] == t[2] == 0)


@given(tables)
def test_ac1_does_not_depend_on_which_marker_is_first_or_on_the_labels(t):
    pairs = _table(*t)
    swapped = [(b, a) for a, b in pairs]
    relabelled = [({"yes": "no", "no": "yes"}[a], {"yes": "no", "no": "yes"}[b]) for a, b in pairs]
    ac1 = gwet_ac1(pairs, categories=("yes", "no"))
    assert gwet_ac1(swapped, categories=("yes", "no")) == pytest.approx(ac1)
    assert gwet_ac1(relabelled, categories=("yes", "no")) == pytest.approx(ac1)
