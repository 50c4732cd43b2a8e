from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.arithmetic import (
    cohen_kappa,
    is_small_base,
    percent_agreement,
    percent_exact,
    percent_published,
    proportion_exact,
    wilson_interval,
)


@st.composite
def counts(draw, max_whole: int = 5000) -> tuple[int, int]:
    whole = draw(st.integers(min_value=0, max_value=max_whole))
    part = draw(st.integers(min_value=0, max_value=whole))
    return part, whole


@pytest.mark.parametrize(
    ("part", "whole", "published"),
    [
        (29, 64, 45),  # 45.3125
        (38, 64, 59),  # 59.375
        (19, 64, 30),  # 29.6875
        (25, 64, 39),  # 39.0625
        (40, 64, 63),  # 62.5 exactly: the report publishes 63 (halves round up)
        (3, 64, 5),  # 4.6875
        (45, 48, 94),  # 93.75
        (1, 8, 13),  # 12.5 exactly
        (0, 17, 0),
        (17, 17, 100),
    ],
)
def test_it_publishes_whole_percentages_rounding_halves_up(part, whole, published):
    assert percent_published(part, whole) == published


def test_it_has_no_percentage_without_relevant_cases():
    assert percent_published(0, 0) is None
    assert percent_exact(0, 0) is None
    assert proportion_exact(0, 0) is None
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (4, 3), (0, -1)])
@pytest.mark.parametrize("figure", [percent_published, percent_exact, wilson_interval])
def test_it_refuses_impossible_counts(part, whole, figure):
    with pytest.raises(ValueError, match="0 <= part <= whole"):
        figure(part, whole)


@pytest.mark.parametrize(
    ("part", "whole", "exact"),
    [(29, 64, 45.3125), (1, 8, 12.5), (2, 3, 66.66666666666667), (0, 5, 0.0), (5, 5, 100.0)],
)
def test_it_gives_the_percentage_before_rounding(part, whole, exact):
    assert percent_exact(part, whole) == exact


def test_the_proportion_is_an_exact_fraction():
    assert proportion_exact(3, 8) == Fraction(3, 8)
    assert proportion_exact(2, 6) == Fraction(1, 3)


def test_wilson_interval_matches_a_worked_example():
    # 29 of 64: Wilson 95% interval 33.7% to 57.4% (computed independently).
    low, high = wilson_interval(29, 64)
    assert low == pytest.approx(33.73, abs=0.01)
    assert high == pytest.approx(57.43, abs=0.01)


def test_wilson_interval_reaches_the_bounds_exactly_at_the_extremes():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 100.0
    assert wilson_interval(0, 10)[1] > 0
    assert wilson_interval(10, 10)[0] < 100


@given(counts())
def test_published_percent_is_the_exact_value_rounded_half_up(c):
    part, whole = c
    published = percent_published(part, whole)
    if whole == 0:
        assert published is None
        return
    exact = Fraction(100 * part, whole)
    assert abs(exact - published) <= Fraction(1, 2)
    # A tie goes up, never down.
    if exact - math.floor(exact) == Fraction(1, 2):
        assert published == math.floor(exact) + 1
    assert 0 <= published <= 100


@given(counts())
def test_published_percent_never_decreases_as_yes_grows(c):
    part, whole = c
    if whole == 0 or part == whole:
        return
    assert percent_published(part + 1, whole) >= percent_published(part, whole)


@given(counts())
def test_wilson_interval_contains_the_observed_share_and_stays_in_range(c):
    part, whole = c
    interval = wilson_interval(part, whole)
    if whole == 0:
        assert interval is None
        return
    low, high = interval
    share = 100 * part / whole
    assert 0.0 <= low <= share + 1e-9
    assert share - 1e-9 <= high <= 100.0


@given(counts(max_whole=2000))
def test_wilson_interval_is_symmetric_between_yes_and_no(c):
    part, whole = c
    if whole == 0:
        return
    low, high = wilson_interval(part, whole)
    mirror_low, mirror_high = wilson_interval(whole - part, whole)
    assert low == pytest.approx(100 - mirror_high, abs=1e-9)
    assert high == pytest.approx(100 - mirror_low, abs=1e-9)


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=50))
def test_wilson_interval_narrows_as_the_base_grows(whole, factor):
    part = whole // 3
    small = wilson_interval(part, whole)
    big = wilson_interval(part * (factor + 1), whole * (factor + 1))
    assert (big[1] - big[0]) <= (small[1] - small[0]) + 1e-9


def test_agreement_statistics_on_a_worked_example():
    # 10 pairs: 8 agree. Marker A: 6 yes 4 no; marker B: 6 yes 4 no.
    pairs = [("yes", "yes")] * 5 + [("no", "no")] * 3 + [("yes", "no"), ("no", "yes")]
    assert percent_agreement(pairs) == 80
    # p_o = 0.8, p_e = 0.6*0.6 + 0.4*0.4 = 0.52, kappa = 0.28 / 0.48
    assert cohen_kappa(pairs) == pytest.approx(0.28 / 0.48)


def test_kappa_is_undefined_when_both_markers_use_one_category():
    assert cohen_kappa([("yes", "yes")] * 4) is None
    assert cohen_kappa([]) is None
    assert percent_agreement([]) is None


answers = st.sampled_from(["yes", "no", "na"])


@given(st.lists(st.tuples(answers, answers), min_size=1, max_size=200))
def test_kappa_is_at_most_one_and_one_only_for_perfect_agreement(pairs):
    kappa = cohen_kappa(pairs)
    agreement = percent_agreement(pairs)
    assert 0 <= agreement <= 100
    if kappa is None:
        return
    assert -1 - 1e-9 <= kappa <= 1 + 1e-9
    if agreement == 100:
        assert kappa == pytest.approx(1)


@given(st.lists(st.tuples(answers, answers), min_size=1, max_size=100))
def test_kappa_does_not_depend_on_which_marker_is_first(pairs):
    swapped = [(b, a) for a, b in pairs]
    first, second = cohen_kappa(pairs), cohen_kappa(swapped)
    assert (first is None) == (second is None)
    if first is not None:
        assert first == pytest.approx(second)


@pytest.mark.parametrize(
    ("value", "whole"), [(12.5, 13), (33.5, 34), (57.43, 57), (0.49, 0), (99.5, 100), (2.5, 3)]
)
def test_whole_percent_rounds_halves_up_like_the_published_figures(value, whole):
    from scoring.arithmetic import whole_percent

    assert whole_percent(value) == whole


@given(counts())
def test_whole_percent_of_the_exact_share_is_the_published_percent(c):
    from scoring.arithmetic import whole_percent

    part, whole = c
    if whole == 0:
        return
    # A float can sit a hair under an exact half: ties are percent_published's job.
    if (200 * part) % (2 * whole) == whole:
        return
    assert whole_percent(100 * part / whole) == percent_published(part, whole)


@pytest.mark.parametrize(
    ("whole", "small"),
    [(0, False), (1, True), (9, True), (10, False), (64, False)],
)
def test_a_base_of_one_to_nine_cases_is_small(whole, small):
    assert is_small_base(whole) is small


@given(st.integers(min_value=1, max_value=5000))
def test_a_small_base_moves_its_percentage_by_ten_points_or_more_per_case(whole):
    # Why the threshold is 10: below it one case more Yes shifts the figure by over 10 points.
    one_case = 100 / whole
    assert is_small_base(whole) == (one_case > 10)


def test_is_small_base_refuses_a_negative_base():
    with pytest.raises(ValueError):
        is_small_base(-1)
