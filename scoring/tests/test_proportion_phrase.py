"""proportion_phrase: the words for a share, at every benchmark and every 1/40 edge.

Each boundary is written as an exact fraction and fed in as counts (numerator of denominator),
so the tests exercise the boundaries themselves, not a float near them.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.arithmetic import proportion_phrase

F = Fraction
NAMES = {
    F(1, 4): "a quarter",
    F(1, 3): "a third",
    F(1, 2): "half",
    F(2, 3): "two-thirds",
    F(3, 4): "three-quarters",
}
EDGE = F(1, 40)
# A step far smaller than any gap between the boundaries: just either side of an edge.
TINY = F(1, 100_000)


def phrase_of(p: Fraction) -> str:
    return proportion_phrase(p.numerator, p.denominator)


@pytest.mark.parametrize(("benchmark", "name"), list(NAMES.items()))
def test_a_share_equal_to_a_benchmark_is_named(benchmark, name):
    assert phrase_of(benchmark) == name
    # The same share out of a larger base (2 of 8, 32 of 64) is still the benchmark.
    assert proportion_phrase(benchmark.numerator * 16, benchmark.denominator * 16) == name


@pytest.mark.parametrize(("benchmark", "name"), list(NAMES.items()))
def test_just_over_runs_to_the_fortieth_above_inclusive(benchmark, name):
    assert phrase_of(benchmark + TINY) == f"just over {name}"
    assert phrase_of(benchmark + EDGE) == f"just over {name}"
    beyond = phrase_of(benchmark + EDGE + TINY)
    assert not beyond.startswith("just over"), beyond


@pytest.mark.parametrize(("benchmark", "name"), list(NAMES.items()))
def test_almost_runs_from_the_fortieth_below_inclusive(benchmark, name):
    assert phrase_of(benchmark - TINY) == f"almost {name}"
    assert phrase_of(benchmark - EDGE) == f"almost {name}"
    short = phrase_of(benchmark - EDGE - TINY)
    assert not short.startswith("almost"), short


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # Outside every 1/40 band: below a half, "fewer than" the next benchmark up ...
        (F(1, 4) - EDGE - TINY, "fewer than a quarter"),
        (F(1, 4) + EDGE + TINY, "fewer than a third"),
        (F(1, 3) - EDGE - TINY, "fewer than a third"),
        (F(1, 3) + EDGE + TINY, "fewer than half"),
        (F(1, 2) - EDGE - TINY, "fewer than half"),
        # ... above a half, "over" the benchmark below.
        (F(1, 2) + EDGE + TINY, "over half"),
        (F(2, 3) - EDGE - TINY, "over half"),
        (F(2, 3) + EDGE + TINY, "over two-thirds"),
        (F(3, 4) - EDGE - TINY, "over two-thirds"),
        (F(3, 4) + EDGE + TINY, "over three-quarters"),
        (F(9, 10) - TINY, "over three-quarters"),
        (F(9, 10), "almost all"),
        (F(1) - TINY, "almost all"),
        (F(1, 100), "fewer than a quarter"),
    ],
)
def test_between_the_bands_it_says_fewer_than_or_over(p, expected):
    assert phrase_of(p) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(0, 1, "none"), (0, 64, "none"), (64, 64, "all"), (1, 1, "all")]
)
def test_none_and_all(part, whole, expected):
    assert proportion_phrase(part, whole) == expected


@pytest.mark.parametrize(
    ("part", "whole", "published"),
    [
        (29, 64, "fewer than half"),  # C1, 45%: "fewer than half of cases"
        (19, 64, "fewer than a third"),  # C3, 30%: "Fewer than a third of all cases"
        (30, 44, "just over two-thirds"),  # S2: "just over two-thirds of relevant cases"
        (50, 64, "over three-quarters"),  # S8 No: "in over three-quarters of inspected cases"
        (45, 48, "almost all"),  # S9, 94%: "almost all staff"
    ],
)
def test_it_words_the_published_reports_own_usages(part, whole, published):
    assert proportion_phrase(part, whole) == published


def test_it_has_no_words_for_a_share_of_nothing():
    with pytest.raises(ValueError, match="whole is zero"):
        proportion_phrase(0, 0)


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (4, 3)])
def test_it_refuses_impossible_counts(part, whole):
    with pytest.raises(ValueError, match="0 <= part <= whole"):
        proportion_phrase(part, whole)


# An independent reading of the words back into the interval of shares they stand for.
def _interval(words: str) -> tuple[Fraction, bool, Fraction, bool]:
    """(low, low included, high, high included) for a phrase."""
    if words == "none":
        return F(0), True, F(0), True
    if words == "all":
        return F(1), True, F(1), True
    if words == "almost all":
        return F(9, 10), True, F(1), False
    for value, name in NAMES.items():
        if words == name:
            return value, True, value, True
        if words == f"just over {name}":
            return value, False, value + EDGE, True
        if words == f"almost {name}":
            return value - EDGE, True, value, False
        if words == f"fewer than {name}":
            return F(0), False, value, False
        if words == f"over {name}":
            return value, False, F(9, 10), False
    raise AssertionError(f"unexpected words {words!r}")


@given(
    st.integers(min_value=1, max_value=2000).flatmap(
        lambda w: st.tuples(st.integers(0, w), st.just(w))
    )
)
def test_the_words_always_contain_the_share(counts):
    part, whole = counts
    p = F(part, whole)
    low, low_in, high, high_in = _interval(proportion_phrase(part, whole))
    assert (low <= p if low_in else low < p) and (p <= high if high_in else p < high)


ORDER = [
    "none",
    "fewer than a quarter", "almost a quarter", "a quarter", "just over a quarter",
    "fewer than a third", "almost a third", "a third", "just over a third",
    "fewer than half", "almost half", "half", "just over half", "over half",
    "almost two-thirds", "two-thirds", "just over two-thirds", "over two-thirds",
    "almost three-quarters", "three-quarters", "just over three-quarters", "over three-quarters",
    "almost all", "all",
]  # fmt: skip


@given(
    st.integers(min_value=1, max_value=400).flatmap(
        lambda w: st.tuples(st.integers(0, w - 1), st.just(w))
    )
)
def test_more_never_reads_as_less(counts):
    part, whole = counts
    assert ORDER.index(proportion_phrase(part + 1, whole)) >= ORDER.index(
        proportion_phrase(part, whole)
    )
