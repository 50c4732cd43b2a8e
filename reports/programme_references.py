"""Data references at programme level: the programme report's narrative.

The same syntax as the regional report (reports.references), filled from the programme's
figures (scoring.programme.programme_scores) instead of one inspection's::

    {{percent C1}}      67 per cent         the pooled share of relevant cases answered Yes
    {{percent C1 no}}   33 per cent         ... answered No
    {{n_of_m C1}}       eight out of 12     pooled Yes answers out of relevant cases
    {{count C1}}        eight               pooled Yes answers (also: no, relevant)
    {{count cases}}     16                  cases counted, all regions
    {{count regions}}   two                 inspections counted
    {{phrase C1}}       just over two-thirds   the pooled Yes share in words
    {{range C1}}        from 50 per cent in North to 75 per cent in South
                                            the lowest and the highest region

Options as the regional references: `yes` / `no` / `relevant`, `numerals`, `capital`, `symbol`
(`range` takes `symbol` and `capital` only). A question no counted inspection has, a kind the
programme has no figure for, or a range with fewer than two regions with relevant cases is a
ReferenceProblem: an unknown code is refused on save; a missing figure waits for data and stops
a build.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.references import (
    COUNT_OPTIONS,
    STYLE_OPTIONS,
    ReferenceProblem,
    Unfillable,
    fill,
    number_words,
)
from scoring.arithmetic import percent_published, proportion_phrase
from scoring.programme import ProgrammeQuestion, ProgrammeScores

KINDS = ("percent", "n_of_m", "count", "phrase", "range")

REFERENCE_HELP: tuple[tuple[str, str], ...] = (
    ("{{percent C1}}", "the pooled share answered Yes, all counted regions: “67 per cent”"),
    ("{{percent C1 no}}", "the pooled share answered No"),
    ("{{n_of_m C1}}", "pooled Yes answers of relevant cases: “eight out of 12”"),
    ("{{count C1}}", "pooled Yes answers (also no, relevant)"),
    ("{{count cases}}", "cases counted in all regions"),
    ("{{count regions}}", "inspections counted"),
    ("{{phrase C1}}", "the pooled Yes share in words: “just over two-thirds”"),
    ("{{range C1}}", "“from 50 per cent in North to 75 per cent in South”"),
    ("… numerals / capital / symbol", "digits for one to nine / capital first letter / “67%”"),
)


def _question(scores: ProgrammeScores, code: str) -> ProgrammeQuestion:
    try:
        return scores.question(code)
    except KeyError:
        if not scores.questions:
            raise Unfillable(
                "no inspection is counted in the programme's figures yet, so there are no "
                "questions to refer to",
                awaiting_data=True,
            ) from None
        known = ", ".join(q.code for q in scores.questions)
        raise Unfillable(
            f"there is no question {code} in the programme's framework (known: {known})"
        ) from None


def _percent_text(part: int, whole: int, *, symbol: bool) -> str:
    value = percent_published(part, whole)
    assert value is not None  # callers have checked that the whole is not zero
    return f"{value}%" if symbol else f"{value} per cent"


def programme_resolve(reference: str, scores: ProgrammeScores) -> str:
    """The text a programme reference stands for, or raise Unfillable saying why not."""
    words = reference.split()
    if len(words) < 2:
        raise Unfillable(
            "a reference is a kind and a target, e.g. {{percent C1}} or {{range C1}}; "
            f"kinds: {', '.join(KINDS)}"
        )
    kind, target, *options = words
    if kind not in KINDS:
        raise Unfillable(
            f"unknown kind {kind!r} in the programme report (use one of: {', '.join(KINDS)})"
        )
    for option in options:
        if option not in COUNT_OPTIONS + STYLE_OPTIONS:
            raise Unfillable(
                f"unknown option {option!r} (use: {', '.join(COUNT_OPTIONS + STYLE_OPTIONS)})"
            )
    counted = [o for o in options if o in COUNT_OPTIONS]
    if len(counted) > 1:
        raise Unfillable(f"choose one of {', '.join(COUNT_OPTIONS)}, not {' and '.join(counted)}")
    what = counted[0] if counted else "yes"
    numerals, symbol = "numerals" in options, "symbol" in options
    if kind in ("phrase", "range"):
        for option in ("numerals", "symbol") if kind == "phrase" else ("numerals", *counted):
            if option in options:
                raise Unfillable(f"{kind} does not take {option}")
    num: Callable[[int], str] = lambda n: number_words(n, numerals=numerals)  # noqa: E731
    if target in ("cases", "regions"):
        if kind != "count":
            raise Unfillable(f"the target {target} takes only count, e.g. {{{{count {target}}}}}")
        text = num(scores.cases if target == "cases" else len(scores.scores))
    else:
        text = _question_text(kind, _question(scores, target), what, num=num, symbol=symbol)
    if "capital" in options:
        text = text[:1].upper() + text[1:]
    return text


def _question_text(
    kind: str, question: ProgrammeQuestion, what: str, *, num: Callable[[int], str], symbol: bool
) -> str:
    pooled = question.pooled
    if kind == "count":
        return num({"yes": pooled.yes, "no": pooled.no, "relevant": pooled.relevant}[what])
    if kind == "range":
        ends = question.range
        if ends is None:
            based = sum(1 for r in question.regions if r.score.relevant)
            raise Unfillable(
                f"a range needs at least two regions with relevant cases for {question.code}; "
                f"{num(based) if based else 'none'} counted "
                f"{'has' if based == 1 else 'have'} any",
                awaiting_data=True,
            )
        low, high = ends
        return (
            f"from {_percent_text(low.score.yes, low.score.relevant, symbol=symbol)} in "
            f"{low.inspection.region.name} to "
            f"{_percent_text(high.score.yes, high.score.relevant, symbol=symbol)} in "
            f"{high.inspection.region.name}"
        )
    if pooled.relevant == 0:
        raise Unfillable(
            f"{question.code} has no relevant cases in the counted inspections yet, so there is "
            "no figure to give",
            awaiting_data=True,
        )
    if what == "relevant":
        raise Unfillable(f"{kind} counts yes or no answers, not relevant")
    part = pooled.yes if what == "yes" else pooled.no
    if kind == "phrase":
        return proportion_phrase(part, pooled.relevant)
    if kind == "percent":
        return _percent_text(part, pooled.relevant, symbol=symbol)
    return f"{num(part)} out of {num(pooled.relevant)}"


def programme_fill(text: str, scores: ProgrammeScores) -> tuple[str, list[ReferenceProblem]]:
    """The narrative with every programme reference filled, and the problems of the rest."""
    return fill(text, scores, section="Narrative", resolver=programme_resolve)
