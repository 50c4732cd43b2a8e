"""The edges of scoring.arithmetic that the worked examples do not reach: the exact error
messages (a reader sees them in a 400 or a log), the funnel's accepted range, and the change
words exactly at zero. Pure functions, no database."""

from __future__ import annotations

import re

import pytest

from scoring.arithmetic import (
    Z_95,
    change_words,
    difference_interval,
    funnel_limits,
    percent_published,
    proportion_phrase,
)


def whole(message: str) -> str:
    """A pattern that matches exactly this message, no more."""
    return f"^{re.escape(message)}$"


def test_impossible_counts_are_named_in_the_message():
    with pytest.raises(
        ValueError, match=whole("Counts must satisfy 0 <= part <= whole (got 5 of 4).")
    ):
        percent_published(5, 4)


def test_the_other_messages_in_full():
    with pytest.raises(
        ValueError, match=whole("There is no proportion of nothing (the whole is zero).")
    ):
        proportion_phrase(0, 0)
    with pytest.raises(
        ValueError, match=whole("Both proportions need a base (relevant cases) for a difference.")
    ):
        difference_interval(0, 0, 1, 2)
    with pytest.raises(ValueError, match=whole("A funnel needs at least one judgement.")):
        funnel_limits(0.5, 0)
    with pytest.raises(ValueError, match=whole("The team's rate is a proportion, 0 to 1.")):
        funnel_limits(1.01, 10)
    with pytest.raises(ValueError, match=whole("The team's rate is a proportion, 0 to 1.")):
        funnel_limits(-0.01, 10)


def test_the_funnel_takes_one_judgement_and_rates_of_none_and_all():
    # 0.5 +- 1.96 * sqrt(0.25 / 1) = 0.5 +- 0.98: clamped to 0% and 100%.
    assert funnel_limits(0.5, 1, Z_95) == (0.0, 100.0)
    # A team that always (or never) says Yes: no spread at all.
    assert funnel_limits(1.0, 7) == (100.0, 100.0)
    assert funnel_limits(0.0, 7) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("low", "high", "words"),
    [
        (0.0, 12.0, "no clear change"),  # an end on zero does not exclude it
        (-12.0, 0.0, "no clear change"),
        (0.1, 12.0, "improved"),
        (-12.0, -0.1, "declined"),
    ],
)
def test_a_change_needs_an_interval_clear_of_zero(low, high, words):
    assert change_words(low, high) == words
