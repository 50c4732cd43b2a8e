"""Data references: how a figure is written in the report's narrative.

A figure is never typed into the narrative. The author writes a reference that every build fills
from the scoring engine (scoring.selectors.inspection_scores), so the prose cannot drift from the
case data. Syntax, one reference between double braces::

    {{percent C2}}                  59 per cent   share of relevant cases answered Yes
    {{percent S4 no}}               41 per cent   ... answered No
    {{n_of_m S3}}                   15 out of 18  Yes answers out of relevant cases
    {{n_of_m S4 no}}                seven out of 17
    {{count S6}}                    eight         Yes answers (also: no, relevant)
    {{count cases}}                 64            cases inspected
    {{count profile.mappa.eligible}}    22        cases in a profile group
    {{share profile.rosh.medium}}   63 per cent   a profile group's share of all cases
    {{phrase C1}}                   fewer than half   the Yes share in words
    {{phrase S8 no}}                over three-quarters   ... the No share in words
    {{phrase profile.mappa.eligible}}   just over a third   a profile group's share in words
    {{change C3}}   up from 22 per cent to 30 per cent (no clear change)   against the baseline

Options after the target, in any order: `yes` (the default) / `no` / `relevant` choose what is
counted; `numerals` keeps one to nine as digits; `capital` capitalises the first letter (for a
figure that opens a sentence); `symbol` writes a percentage as "59%" instead of "59 per cent".
`phrase` takes `yes` / `no` and `capital` only: its words follow
scoring.arithmetic.proportion_phrase ("almost all", "just over two-thirds", ...).

House style, as the published reports: whole numbers one to nine in words ("seven out of 17"),
10 and above in numerals; percentages rounded as published (halves up).

Profile tables and groups are those of InspectionScores.profile: rosh (low, medium,
high_very_high, not_assessed) and mappa (not_eligible, eligible, level_1, level_2, level_3).

An unknown kind, target, option, or a percentage of a question with no relevant cases is a
ReferenceProblem: the author sees it when saving or previewing, and a build refuses to start.

References are found by ReferenceScanner, in one left-to-right pass over the text (no regular
expression: the lazy `{{(.*?)}}` pattern took quadratic time on a run of `{{` without `}}`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from scoring.arithmetic import percent_published, proportion_phrase
from scoring.presenters import change_phrase
from scoring.selectors import InspectionScores, QuestionScore

OPEN, CLOSE = "{{", "}}"
# What references are filled from: an inspection's scores, or a programme's.
S = TypeVar("S")

KINDS = ("percent", "n_of_m", "count", "share", "phrase", "change")
COUNT_OPTIONS = ("yes", "no", "relevant")
STYLE_OPTIONS = ("numerals", "capital", "symbol")

# Shown beside the editor (reference, what it gives).
REFERENCE_HELP: tuple[tuple[str, str], ...] = (
    ("{{percent C2}}", "share of relevant cases answered Yes: “59 per cent”"),
    ("{{percent C2 symbol}}", "the same as “59%”"),
    ("{{percent S4 no}}", "share answered No"),
    ("{{n_of_m S3}}", "Yes answers of relevant cases: “15 out of 18”"),
    ("{{n_of_m S4 no}}", "No answers of relevant cases: “seven out of 17”"),
    ("{{count S6}}", "number of Yes answers (also no, relevant): “eight”"),
    ("{{count cases}}", "number of cases inspected: “64”"),
    ("{{count profile.mappa.eligible}}", "cases in a profile group: “22”"),
    ("{{share profile.rosh.medium}}", "a profile group's share of all cases: “63 per cent”"),
    ("{{phrase C1}}", "the Yes share in words: “fewer than half”"),
    ("{{phrase S8 no}}", "the No share in words: “over three-quarters”"),
    ("{{phrase profile.mappa.eligible}}", "a profile group's share in words"),
    (
        "{{change C3}}",
        "against the baseline: “up from 22 per cent to 30 per cent (no clear change)”",
    ),
    ("… numerals / capital", "keep one to nine as digits / capitalise the first letter"),
)

_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
}


def number_words(n: int, *, numerals: bool = False) -> str:
    """One to nine in words, everything else in numerals (house style)."""
    if not numerals and n in _WORDS:
        return _WORDS[n]
    return f"{n:,}"


@dataclass(frozen=True)
class ReferenceProblem:
    """A reference that cannot be filled; `line` counts from 1 within its section."""

    reference: str
    message: str
    line: int = 0
    section: str = ""
    # True when the reference is well formed but the data cannot fill it yet (no relevant
    # cases): the text may be saved, but the report cannot be built until the data is there.
    awaiting_data: bool = False

    def __str__(self) -> str:
        where = f"{self.section}, line {self.line}: " if self.section else ""
        return f"{where}{{{{{self.reference}}}}} – {self.message}"


class Unfillable(Exception):
    """A reference cannot be filled: the message says why (raised by a resolver)."""

    def __init__(self, message: str, *, awaiting_data: bool = False) -> None:
        super().__init__(message)
        self.awaiting_data = awaiting_data


_Problem = Unfillable


def _question(scores: InspectionScores, code: str) -> QuestionScore:
    try:
        return scores.question(code)
    except KeyError:
        known = ", ".join(q.code for q in scores.questions)
        raise _Problem(f"there is no question {code} in this framework (known: {known})") from None


def _profile(scores: InspectionScores, target: str) -> tuple[int, int]:
    parts = target.split(".")
    if len(parts) != 3:
        raise _Problem("a profile reference is profile.TABLE.GROUP, e.g. profile.rosh.medium")
    _, table, group = parts
    if table not in scores.profile:
        raise _Problem(
            f"there is no profile table {table!r} (known: {', '.join(sorted(scores.profile))})"
        )
    for row in scores.profile[table]:
        if row.group == group:
            return row.cases, row.total
    known = ", ".join(r.group for r in scores.profile[table])
    raise _Problem(f"there is no group {group!r} in profile.{table} (known: {known})")


def _percent(part: int, whole: int) -> int:
    value = percent_published(part, whole)
    assert value is not None  # callers have checked that the whole is not zero
    return value


def _percent_text(value: int, *, symbol: bool) -> str:
    return f"{value}%" if symbol else f"{value} per cent"


def resolve(reference: str, scores: InspectionScores) -> str:
    """The text a reference stands for, or raise _Problem saying why it cannot be filled."""
    words = reference.split()
    if len(words) < 2:
        raise _Problem(
            "a reference is a kind and a target, e.g. {{percent C2}} or {{n_of_m S3}}; "
            f"kinds: {', '.join(KINDS)}"
        )
    kind, target, *options = words
    if kind not in KINDS:
        raise _Problem(f"unknown kind {kind!r} (use one of: {', '.join(KINDS)})")
    for option in options:
        if option not in COUNT_OPTIONS + STYLE_OPTIONS:
            raise _Problem(
                f"unknown option {option!r} (use: {', '.join(COUNT_OPTIONS + STYLE_OPTIONS)})"
            )
    counted = [o for o in options if o in COUNT_OPTIONS]
    if len(counted) > 1:
        raise _Problem(f"choose one of {', '.join(COUNT_OPTIONS)}, not {' and '.join(counted)}")
    what = counted[0] if counted else "yes"
    if kind == "phrase":
        for option in ("numerals", "symbol"):
            if option in options:
                raise _Problem(f"phrase gives words, so {option} does not apply")
    numerals = "numerals" in options
    symbol = "symbol" in options
    if kind == "change":
        text = _change(target, symbol=symbol, scores=scores)
    else:
        text = _resolve(kind, target, what, numerals=numerals, symbol=symbol, scores=scores)
    if "capital" in options:
        text = text[:1].upper() + text[1:]
    return text


def _change(target: str, *, symbol: bool, scores: InspectionScores) -> str:
    question = _question(scores, target)
    if scores.baseline is None:
        raise _Problem("this inspection has no baseline to compare with: set one first")
    comparison = scores.baseline.get(question.code)
    if comparison is None:
        if question.kind != "key":
            raise _Problem(f"only key questions are compared with the baseline, not {target}")
        raise _Problem(
            f"the baseline has no figure for {target}, or {target} has no relevant cases yet",
            awaiting_data=question.relevant == 0,
        )
    return change_phrase(comparison, symbol=symbol)


def _resolve(
    kind: str, target: str, what: str, *, numerals: bool, symbol: bool, scores: InspectionScores
) -> str:
    num: Callable[[int], str] = lambda n: number_words(n, numerals=numerals)  # noqa: E731
    if target.startswith("profile."):
        cases, total = _profile(scores, target)
        if kind == "count":
            return num(cases)
        if kind in ("share", "phrase"):
            if total == 0:
                raise _Problem(
                    "there are no cases yet, so there is no share to give", awaiting_data=True
                )
            if kind == "phrase":
                return proportion_phrase(cases, total)
            return _percent_text(_percent(cases, total), symbol=symbol)
        raise _Problem(f"{kind} needs a question; a profile group takes count, share or phrase")
    if target == "cases":
        if kind != "count":
            raise _Problem("the target cases takes only count, e.g. {{count cases}}")
        return num(scores.cases)
    if kind == "share":
        raise _Problem("share is for profile groups, e.g. {{share profile.rosh.medium}}")
    question = _question(scores, target)
    if kind == "count":
        return num({"yes": question.yes, "no": question.no, "relevant": question.relevant}[what])
    if question.relevant == 0:
        raise _Problem(
            f"{target} has no relevant cases yet, so there is no figure to give",
            awaiting_data=True,
        )
    if what == "relevant":
        raise _Problem(f"{kind} counts yes or no answers, not relevant")
    part = question.yes if what == "yes" else question.no
    if kind == "phrase":
        return proportion_phrase(part, question.relevant)
    if kind == "percent":
        return _percent_text(_percent(part, question.relevant), symbol=symbol)
    return f"{num(part)} out of {num(question.relevant)}"


@dataclass(frozen=True)
class ReferenceMatch:
    """One `{{ ... }}` in a text: where it is, what is inside (trimmed), on which line."""

    start: int
    end: int  # just past the closing braces
    inner: str
    line: int


class ReferenceScanner:
    r"""Every `{{ ... }}` of a text, left to right, in linear time.

    A reference runs from a `{{` to the first `}}` after it (as the regular expression
    `{{\s*(.*?)\s*}}` matched, with what is inside trimmed). Each character is examined a
    bounded number of times: the search for `{{` resumes where the last reference ended, and
    once no `}}` follows a `{{` there can be no further reference, so the scan stops rather than
    trying every later `{{`. `steps` counts the characters the searches passed over, so a test
    can check the work done without a clock.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.steps = 0

    def __iter__(self) -> Iterator[ReferenceMatch]:
        text = self.text
        position = 0
        line, counted_to = 1, 0
        while True:
            start = text.find(OPEN, position)
            end = text.find(CLOSE, start + len(OPEN)) if start >= 0 else -1
            if end < 0:
                self.steps += len(text) - position
                return
            self.steps += end + len(CLOSE) - position
            line += text.count("\n", counted_to, start)
            counted_to = start
            yield ReferenceMatch(
                start=start,
                end=end + len(CLOSE),
                inner=text[start + len(OPEN) : end].strip(),
                line=line,
            )
            position = end + len(CLOSE)


def fill(
    text: str,
    scores: S,
    *,
    section: str = "",
    resolver: Callable[[str, S], str] = resolve,  # type: ignore[assignment]
) -> tuple[str, list[ReferenceProblem]]:
    """The text with every reference filled, and the problems of those that could not be.

    A reference that cannot be filled is left as written, so a preview shows where it is.
    `resolver` fills one reference: an inspection's (resolve, the default) or a programme's
    (reports.programme_references.programme_resolve).
    """
    problems: list[ReferenceProblem] = []
    pieces: list[str] = []
    copied_to = 0
    for match in ReferenceScanner(text):
        pieces.append(text[copied_to : match.start])
        try:
            pieces.append(resolver(match.inner, scores))
        except Unfillable as exc:
            problems.append(
                ReferenceProblem(
                    reference=match.inner,
                    message=str(exc),
                    line=match.line,
                    section=section,
                    awaiting_data=exc.awaiting_data,
                )
            )
            pieces.append(text[match.start : match.end])
        copied_to = match.end
    pieces.append(text[copied_to:])
    return "".join(pieces), problems


def problems_in(
    text: str, scores: InspectionScores, *, section: str = ""
) -> list[ReferenceProblem]:
    return fill(text, scores, section=section)[1]
