"""Data references in the narrative: syntax, house style, and the errors an author sees."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.references import fill, number_words, problems_in, resolve
from scoring.selectors import InspectionScores, ProfileRow, QuestionScore


def _q(code: str, yes: int, no: int, na: int = 0) -> QuestionScore:
    return QuestionScore(
        code=code,
        text=code,
        kind="key",
        parent=None,
        yes=yes,
        no=no,
        not_applicable=na,
        unanswered=0,
    )


@pytest.fixture
def scores() -> InspectionScores:
    # Counts shaped like the South West figures, built by hand so each test can vary one.
    return InspectionScores(
        inspection=None,  # type: ignore[arg-type]
        cases=64,
        questions=[
            _q("C2", 38, 26),
            _q("S3", 15, 3, 46),
            _q("S4", 10, 7, 47),
            _q("S6", 8, 14, 42),
            _q("S9", 0, 0, 64),
        ],
        breakdowns={},
        profile={
            "rosh": [ProfileRow("low", "Low", 3, 64), ProfileRow("medium", "Medium", 40, 64)],
            "mappa": [
                ProfileRow("eligible", "MAPPA eligible", 22, 64),
                ProfileRow("level_1", "Level 1", 20, 64),
            ],
        },
    )


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("percent C2", "59 per cent"),
        ("percent C2 symbol", "59%"),
        ("percent S4 no", "41 per cent"),
        ("n_of_m S3", "15 out of 18"),
        ("n_of_m S4 no", "seven out of 17"),
        ("n_of_m S4 no numerals", "7 out of 17"),
        ("count S6", "eight"),
        ("count S6 capital", "Eight"),
        ("count S6 no", "14"),
        ("count S6 relevant", "22"),
        ("count cases", "64"),
        ("count profile.mappa.eligible", "22"),
        ("count profile.mappa.level_1", "20"),
        ("count profile.rosh.low", "three"),
        ("share profile.rosh.low symbol", "5%"),
        # 40 of 64 is 62.5%: published rounding takes halves up.
        ("share profile.rosh.medium", "63 per cent"),
        # Proportions in words (scoring.arithmetic.proportion_phrase): 38 of 64 is 59%.
        ("phrase C2", "over half"),
        ("phrase C2 capital", "Over half"),
        ("phrase C2 no", "fewer than half"),  # 26 of 64
        ("phrase S3", "over three-quarters"),  # 15 of 18, N/A left out of the base
        ("phrase S4 no", "fewer than half"),  # 7 of 17
        ("phrase profile.mappa.eligible", "just over a third"),  # 22 of 64
        ("phrase profile.mappa.level_1 capital", "Almost a third"),  # 20 of 64
        ("phrase profile.rosh.low", "fewer than a quarter"),  # 3 of 64
    ],
)
def test_each_reference_kind_renders_in_house_style(scores, reference, expected):
    assert resolve(reference, scores) == expected


def test_fill_replaces_every_reference_in_prose(scores):
    text, problems = fill(
        "In {{ n_of_m S4 no }} relevant cases; planning met the standard in {{percent C2}}.", scores
    )
    assert problems == []
    assert text == "In seven out of 17 relevant cases; planning met the standard in 59 per cent."


@pytest.mark.parametrize(
    ("reference", "message_part"),
    [
        ("percent Z9", "there is no question Z9"),
        ("ratio C2", "unknown kind 'ratio'"),
        ("percent", "a reference is a kind and a target"),
        ("percent C2 loudly", "unknown option 'loudly'"),
        ("percent C2 yes no", "choose one of"),
        ("count profile.rosh.purple", "no group 'purple'"),
        ("count profile.colour.red", "no profile table 'colour'"),
        ("share C2", "share is for profile groups"),
        ("percent profile.rosh.low", "a profile group takes count, share or phrase"),
        ("percent cases", "takes only count"),
        ("phrase cases", "takes only count"),
        ("phrase C2 relevant", "counts yes or no answers"),
        ("phrase C2 symbol", "phrase gives words, so symbol does not apply"),
        ("phrase C2 numerals", "phrase gives words, so numerals does not apply"),
    ],
)
def test_an_unknown_or_malformed_reference_is_a_blocking_problem(scores, reference, message_part):
    problems = problems_in(f"Line one.\nSee {{{{{reference}}}}} here.", scores, section="Context")
    assert len(problems) == 1
    problem = problems[0]
    assert message_part in problem.message
    assert problem.line == 2
    assert not problem.awaiting_data
    assert str(problem).startswith("Context, line 2: {{")


def test_a_question_with_no_relevant_cases_is_a_problem_awaiting_data(scores):
    text, problems = fill("Staff said so ({{percent S9}}).", scores)
    assert [p.awaiting_data for p in problems] == [True]
    assert "S9 has no relevant cases" in problems[0].message
    # Left as written, so a preview shows the author where it is.
    assert "{{percent S9}}" in text


def test_a_phrase_for_a_question_with_no_relevant_cases_awaits_data(scores):
    problems = problems_in("Almost all staff ({{phrase S9}}).", scores)
    assert [p.awaiting_data for p in problems] == [True]


def test_counting_a_question_with_no_relevant_cases_is_allowed(scores):
    assert resolve("count S9", scores) == "0"


@given(st.integers(min_value=0, max_value=10_000_000))
def test_numbers_from_ten_up_and_zero_are_numerals(n):
    text = number_words(n)
    if 1 <= n <= 9:
        assert text.isalpha()
    else:
        assert text.replace(",", "") == str(n)
    assert number_words(n, numerals=True).replace(",", "") == str(n)


# -- scanning: linear time, same matches as the old regular expression --------------------------

OLD_PATTERN = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


@pytest.mark.parametrize(
    ("text", "compare"),
    [
        ("{{" * 100_000, False),  # the regular expression took 11 s on 40,000 of these
        ("{{" * 50_000 + "}}", False),
        ("{ {" * 40_000, False),
        ("{{x}}" * 20_000, True),
        ("}}{{" * 25_000, True),
    ],
)
def test_scanning_a_hundred_thousand_characters_of_braces_does_linear_work(text, compare):
    from reports.references import ReferenceScanner

    scanner = ReferenceScanner(text)
    matches = list(scanner)
    assert scanner.steps <= len(text)
    if compare:  # the same matches as the regular expression, where it is quick enough to ask
        assert [m.inner for m in matches] == OLD_PATTERN.findall(text)


def test_filling_a_section_full_of_unclosed_braces_is_quick_and_finds_nothing(scores):
    filled, problems = fill("{{" * 100_000, scores)
    assert problems == [] and filled == "{{" * 100_000


def test_many_bad_references_are_each_reported_with_their_line(scores):
    text = "{{bad x}}\n" * 5_000
    problems = problems_in(text, scores)
    assert len(problems) == 5_000
    assert [p.line for p in problems[:3]] == [1, 2, 3] and problems[-1].line == 5_000


@given(st.text(alphabet="{} ab\n%", max_size=60))
def test_the_scanner_finds_what_the_regular_expression_found(text):
    from reports.references import ReferenceScanner

    found = [(m.start, m.end, m.inner) for m in ReferenceScanner(text)]
    expected = [(m.start(), m.end(), m.group(1)) for m in OLD_PATTERN.finditer(text)]
    assert found == expected


def test_markdown_that_would_take_minutes_is_refused_and_never_rendered():
    from reports.rendering import (
        MAX_SQUARE_BRACKETS,
        markdown_limits_problem,
        markdown_to_safe_html,
    )

    brackets = "[" * 100_000
    assert "square brackets" in (markdown_limits_problem(brackets) or "")
    assert "levels deep" in (markdown_limits_problem(">" * 100_000) or "")
    assert markdown_limits_problem("[a](https://example.org) " * MAX_SQUARE_BRACKETS) is None
    # Shown as text, escaped, not handed to the Markdown parser (which would take minutes).
    assert markdown_to_safe_html(brackets).startswith("<p>[[[")
    assert markdown_to_safe_html(">" * 100_000).startswith("<p>&gt;")


def _compared(scores: InspectionScores, then: tuple[int, int], now_code: str = "C2"):
    from dataclasses import replace

    from scoring.arithmetic import change_words, difference_interval, percent_published
    from scoring.baseline import BaselineComparison, Comparison

    now = scores.question(now_code)
    low, high = difference_interval(*then, now.yes, now.relevant)
    then_percent = percent_published(*then)
    comparison = Comparison(
        code=now_code,
        then_yes=then[0],
        then_relevant=then[1],
        then_percent=then_percent,
        now_yes=now.yes,
        now_relevant=now.relevant,
        now_percent=now.percent,
        change=now.percent - then_percent,
        low=low,
        high=high,
        words=change_words(low, high),
    )
    return replace(
        scores,
        baseline=BaselineComparison("Earlier", "", None, {now_code: comparison}),
    )


@pytest.mark.parametrize(
    ("then", "reference", "expected"),
    [
        # C2 is 38 of 64 (59%).
        ((33, 64), "change C2", "up from 52 per cent to 59 per cent (no clear change)"),
        ((12, 64), "change C2 symbol", "up from 19% to 59% (improved)"),
        ((60, 64), "change C2 capital", "Down from 94 per cent to 59 per cent (declined)"),
        ((38, 64), "change C2", "unchanged at 59 per cent (no clear change)"),
    ],
)
def test_a_change_reference_words_then_now_and_what_the_interval_allows(
    scores, then, reference, expected
):
    assert resolve(reference, _compared(scores, then)) == expected


def test_a_change_reference_needs_a_baseline_with_that_question(scores):
    problems = problems_in("{{change C2}}", scores)
    assert "no baseline" in problems[0].message
    problems = problems_in("{{change S3}}", _compared(scores, (30, 64)))
    assert "no figure for S3" in problems[0].message
