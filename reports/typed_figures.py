"""Figures typed into the narrative instead of written as data references.

A typed "over three-quarters" beside a 45% figure is exactly what the references exist to
prevent, so every typed percentage, "N out of M", number-word count of cases and proportion
phrase outside a reference is listed, each with the references whose value would produce it
(if any does), and with a warning where a typed phrase contradicts a reference to a question in
the same sentence. Nothing here refuses a save: the lead decides.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from reports.references import ReferenceScanner, number_words
from scoring.arithmetic import percent_published, proportion_phrase
from scoring.selectors import InspectionScores

_NUMBER = r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine)"
_WORD_VALUES = {number_words(n): n for n in range(1, 10)}
# The rule's phrases (scoring.arithmetic.proportion_phrase), longest first, hyphen or space.
_BENCHMARKS = ("a quarter", "a third", "half", "two-thirds", "three-quarters")
_PHRASES = sorted(
    [
        *(
            f"{lead} {b}"
            for lead in ("fewer than", "almost", "just over", "over")
            for b in _BENCHMARKS
        ),
        *_BENCHMARKS,
        "almost all",
        "under half",
        "more than half",
    ],
    key=len,
    reverse=True,
)
_PHRASE_PATTERN = "|".join(
    re.escape(p).replace(r"\-", "[- ]").replace(r"\ ", r"\s+") for p in _PHRASES
)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b)", re.I)),
    ("n_of_m", re.compile(rf"\b({_NUMBER})\s+out\s+of\s+({_NUMBER})\b", re.I)),
    (
        "count",
        re.compile(
            rf"\b({_NUMBER})\s+(?:of\s+)?(?:these\s+|the\s+|our\s+)?(?:relevant\s+|inspected\s+)?cases\b",
            re.I,
        ),
    ),
    ("phrase", re.compile(rf"\b({_PHRASE_PATTERN})\b", re.I)),
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
MAX_SUGGESTIONS = 4


@dataclass(frozen=True)
class TypedFigure:
    text: str
    kind: str  # percent, n_of_m, count or phrase
    line: int
    section: str
    suggestions: tuple[str, ...]  # references that would produce it
    warning: str = ""

    def __str__(self) -> str:
        where = f"{self.section}, line {self.line}" if self.section else f"line {self.line}"
        use = f" – use {' or '.join(self.suggestions)}" if self.suggestions else ""
        return f"{where}: “{self.text}” is typed{use}"


def _value(word: str) -> int:
    word = word.lower().replace(",", "")
    return _WORD_VALUES[word] if word in _WORD_VALUES else int(word)


def _normal(phrase: str) -> str:
    words = " ".join(phrase.lower().split())
    for b in ("two thirds", "three quarters"):
        words = words.replace(b, b.replace(" ", "-"))
    return words


def _suggest(kind: str, groups: tuple[str, ...], scores: InspectionScores) -> list[str]:
    found: list[str] = []
    rows = [r for table in scores.profile.values() for r in table]
    tables = {id(r): t for t, table in scores.profile.items() for r in table}
    if kind == "percent":
        if "." in groups[0]:
            return []
        value = int(groups[0])
        for q in scores.questions:
            if q.relevant and percent_published(q.yes, q.relevant) == value:
                found.append(f"{{{{percent {q.code}}}}}")
            if q.relevant and percent_published(q.no, q.relevant) == value:
                found.append(f"{{{{percent {q.code} no}}}}")
        for r in rows:
            if r.total and r.percent == value:
                found.append(f"{{{{share profile.{tables[id(r)]}.{r.group}}}}}")
    elif kind == "n_of_m":
        part, whole = _value(groups[0]), _value(groups[1])
        for q in scores.questions:
            if (q.yes, q.relevant) == (part, whole):
                found.append(f"{{{{n_of_m {q.code}}}}}")
            if (q.no, q.relevant) == (part, whole):
                found.append(f"{{{{n_of_m {q.code} no}}}}")
    elif kind == "count":
        value = _value(groups[0])
        if scores.cases == value:
            found.append("{{count cases}}")
        for q in scores.questions:
            if q.relevant and q.yes == value:
                found.append(f"{{{{count {q.code}}}}}")
        for r in rows:
            if r.cases == value:
                found.append(f"{{{{count profile.{tables[id(r)]}.{r.group}}}}}")
    else:
        phrase = _normal(groups[0])
        for q in scores.questions:
            if q.relevant and proportion_phrase(q.yes, q.relevant) == phrase:
                found.append(f"{{{{phrase {q.code}}}}}")
            if q.relevant and proportion_phrase(q.no, q.relevant) == phrase:
                found.append(f"{{{{phrase {q.code} no}}}}")
        for r in rows:
            if r.total and proportion_phrase(r.cases, r.total) == phrase:
                found.append(f"{{{{phrase profile.{tables[id(r)]}.{r.group}}}}}")
    return found[:MAX_SUGGESTIONS]


def _referenced_phrases(inner: str, scores: InspectionScores) -> tuple[str, str] | None:
    """(the reference, the phrase its value reads as) for a reference to a question's share."""
    words = inner.split()
    if len(words) < 2 or words[0] not in ("percent", "n_of_m", "phrase"):
        return None
    try:
        q = scores.question(words[1])
    except KeyError:
        return None
    if not q.relevant:
        return None
    part = q.no if "no" in words[2:] else q.yes
    return inner, proportion_phrase(part, q.relevant)


def typed_figures(text: str, scores: InspectionScores, *, section: str = "") -> list[TypedFigure]:
    """Every figure typed outside a reference, in order, with suggestions and warnings."""
    references = list(ReferenceScanner(text))
    masked = list(text)
    for ref in references:
        masked[ref.start : ref.end] = " " * (ref.end - ref.start)
    plain = "".join(masked)
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]

    def sentence_of(position: int) -> tuple[int, int]:
        start = 0
        for end in ends:
            if position < end:
                return start, end
            start = end
        return start, len(text)

    found: list[tuple[int, TypedFigure]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(plain):
            if kind == "count" and any(
                s <= match.start() < e for s, e, k in _spans(found) if k == "n_of_m"
            ):
                continue
            warning = ""
            if kind == "phrase":
                typed = _normal(match.group(1))
                start, end = sentence_of(match.start())
                for ref in references:
                    if not start <= ref.start < end:
                        continue
                    read = _referenced_phrases(ref.inner, scores)
                    if read is not None and read[1] != typed:
                        warning = (
                            f"“{match.group(1)}” contradicts {{{{{read[0]}}}}} in the same "
                            f"sentence, whose value reads “{read[1]}”"
                        )
                        break
            found.append(
                (
                    match.start(),
                    TypedFigure(
                        text=match.group(0),
                        kind=kind,
                        line=text.count("\n", 0, match.start()) + 1,
                        section=section,
                        suggestions=tuple(_suggest(kind, match.groups(), scores)),
                        warning=warning,
                    ),
                )
            )
    found.sort(key=lambda item: item[0])
    return [figure for _, figure in found]


def _spans(found: list[tuple[int, TypedFigure]]) -> list[tuple[int, int, str]]:
    return [(start, start + len(f.text), f.kind) for start, f in found]


def typed_digest(figures: list[TypedFigure]) -> str:
    """What an acknowledgement covers: each typed figure, where it is and any contradiction
    (not the suggestions, which follow the data). Empty when nothing is typed."""
    if not figures:
        return ""
    lines = "\n".join(f"{f.kind}|{f.line}|{f.text}|{f.warning}" for f in figures)
    return hashlib.sha256(lines.encode()).hexdigest()
