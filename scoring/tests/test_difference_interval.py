"""difference_interval: Newcombe's hybrid score interval (method 10) for p2 - p1.

Checked against the worked examples in Newcombe's paper (Statistics in Medicine 1998;
17:873-890, Table II, method 10), which give p1 - p2 for "56/70 - 48/80" etc.: here the earlier
inspection is the first pair of counts, so the published (a - b) is our (now - then).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.arithmetic import difference_interval


@pytest.mark.parametrize(
    ("now", "then", "low", "high"),
    [
        ((56, 70), (48, 80), 0.0524, 0.3339),  # (a)
        ((9, 10), (3, 10), 0.1705, 0.8090),  # (b)
        ((5, 56), (0, 29), -0.0381, 0.1926),  # (d)
        ((0, 10), (0, 20), -0.1611, 0.2775),  # (e)
        ((0, 10), (0, 10), -0.2775, 0.2775),  # (f)
        ((10, 10), (0, 20), 0.6791, 1.0000),  # (g)
        ((10, 10), (0, 10), 0.6075, 1.0000),  # (h)
    ],
)
def test_it_reproduces_newcombes_published_method_10_intervals(now, then, low, high):
    got_low, got_high = difference_interval(then[0], then[1], now[0], now[1])
    # The paper prints proportions to four decimals; ours are percentage points.
    assert got_low / 100 == pytest.approx(low, abs=0.00005)
    assert got_high / 100 == pytest.approx(high, abs=0.00005)


def test_it_needs_a_base_on_both_sides():
    with pytest.raises(ValueError, match="need a base"):
        difference_interval(0, 0, 3, 10)
    with pytest.raises(ValueError, match="need a base"):
        difference_interval(3, 10, 0, 0)


@st.composite
def two_counts(draw):
    n1 = draw(st.integers(min_value=1, max_value=500))
    n2 = draw(st.integers(min_value=1, max_value=500))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


@given(two_counts())
def test_the_interval_holds_the_observed_difference_and_stays_in_range(c):
    x1, n1, x2, n2 = c
    low, high = difference_interval(x1, n1, x2, n2)
    d = 100 * x2 / n2 - 100 * x1 / n1
    assert -100 <= low <= d + 1e-9
    assert d - 1e-9 <= high <= 100


@given(two_counts())
def test_swapping_then_and_now_mirrors_the_interval(c):
    x1, n1, x2, n2 = c
    low, high = difference_interval(x1, n1, x2, n2)
    back_low, back_high = difference_interval(x2, n2, x1, n1)
    assert low == pytest.approx(-back_high, abs=1e-9)
    assert high == pytest.approx(-back_low, abs=1e-9)


@pytest.mark.parametrize(
    ("then", "now", "words"),
    [
        ((14, 64), (19, 64), "no clear change"),  # 22% to 30%: the interval spans zero
        ((48, 80), (56, 70), "improved"),  # Newcombe's (a): 0.05 to 0.33
        ((56, 70), (48, 80), "declined"),
        ((0, 10), (0, 10), "no clear change"),
    ],
)
def test_the_words_follow_the_interval(then, now, words):
    from scoring.arithmetic import change_words

    assert change_words(*difference_interval(*then, *now)) == words
