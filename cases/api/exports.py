"""The case-level answers export: one row per case the user may see, its profile then one
column per question.

Rows are generated lazily from one server-side cursor (PostgreSQL; chunked reads elsewhere),
so memory stays flat however many cases there are: see docs/adr/0005-streamed-exports.md. The
CSV and XLSX responses are core.exports'.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Concat

from cases.access import cases_visible
from cases.models import CASES_COUNTED, Answer, Case
from inspections.access import Standing
from inspections.models import Question
from inspections.selectors import data_etag, inspection_data_version

# The profile columns of the answers export: (header, Case.values_list path). The header names
# are a contract (clients read them): the profile attributes keep the model's names.
PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"),
    ("pdu_code", "pdu__code"),
    ("pdu", "pdu__name"),
    *((name, name) for name in Case.PROFILE_ATTRIBUTES),
    ("inspector", "inspector__username"),
    ("status", "status"),
)


def answers_etag(*, standing: Standing, kind: str, using: str = "default") -> str:
    """The export's ETag: the data version (from the database the rows come from), and whose
    view it is (which cases one may see depends on the person and their role)."""
    viewer = f"u{getattr(standing.user, 'pk', None) or 0}-{standing.role or 'none'}"
    version = inspection_data_version(standing.inspection, using=using)
    return data_etag(standing.inspection, version, what=f"answers-{kind}-{viewer}")


# Cases fetched per round trip of the server-side cursor: what bounds the export's memory.
CHUNK = 500


def answers_rows(
    *, standing: Standing, fold_in_sql: bool | None = None, using: str = "default"
) -> Iterator[Sequence[Any]]:
    """The header, then one row per case the user may see: its profile, then one column per
    question of the framework (yes / no / na; empty when unanswered). Two queries in all.

    On PostgreSQL each case's answers come folded into one array by the database (one row per
    case crosses the wire); elsewhere (the SQLite demo) they are outer-joined and folded here.
    """
    questions = list(
        Question.objects.using(using)
        .filter(framework_id=standing.inspection.framework_id)
        .order_by("order")
        .values_list("pk", "code")
    )
    column_of = {pk: i for i, (pk, _) in enumerate(questions)}
    yield [h for h, _ in PROFILE_COLUMNS] + [code for _, code in questions]
    # A withdrawn case is out of every figure, so out of the export that recomputes them.
    cases = cases_visible(standing).using(using).filter(CASES_COUNTED).order_by("reference", "pk")
    if fold_in_sql is None:
        fold_in_sql = connections[using].vendor == "postgresql"
    # Inside a transaction, PostgreSQL's server-side cursor sends rows as the query produces
    # them; outside one (autocommit) Django declares it WITH HOLD, which runs the whole query
    # to completion before the first row (issue 11). A download stopped half-way ends the
    # generator, and with it the (read-only) transaction.
    with transaction.atomic(using=using, savepoint=False):
        if fold_in_sql:
            yield from _rows_folded_in_sql(cases, column_of)
        else:
            yield from _rows_folded_here(cases, column_of)


_PROFILE_PATHS = [p for _, p in PROFILE_COLUMNS]


def _rows_folded_in_sql(cases: Any, column_of: dict[int, int]) -> Iterator[list[Any]]:
    from django.contrib.postgres.expressions import ArraySubquery

    # No ordering: the Answer model's default (by case, inspection, question order) would join
    # three tables and sort inside the subquery once per case: six times slower (issue 11).
    pairs = (
        Answer.objects.filter(case=OuterRef("pk"))
        .order_by()
        .annotate(
            pair=Concat(
                Cast("question_id", CharField()), Value(":"), "value", output_field=CharField()
            )
        )
        .values("pair")
    )
    rows = (
        cases.annotate(answer_pairs=ArraySubquery(pairs))
        .values_list(*_PROFILE_PATHS, "answer_pairs")
        .iterator(chunk_size=CHUNK)
    )
    width = len(column_of)
    for *profile, answer_pairs in rows:
        answers = [""] * width
        for pair in answer_pairs:
            question_id, _, value = pair.partition(":")
            column = column_of.get(int(question_id))
            if column is not None:
                answers[column] = value
        yield profile + answers


def _rows_folded_here(cases: Any, column_of: dict[int, int]) -> Iterator[list[Any]]:
    # One row per (case, answer), cases in order, answers outer-joined (a case with no answer
    # yet still has its row); grouped back into one row per case as they stream past.
    rows = cases.values_list("pk", *_PROFILE_PATHS, "answers__question", "answers__value").iterator(
        chunk_size=CHUNK
    )
    width = len(PROFILE_COLUMNS)
    current_pk: int | None = None
    profile: list[Any] = []
    answers: list[str] = [""] * len(column_of)
    for row in rows:
        if row[0] != current_pk:
            if current_pk is not None:
                yield profile + answers
            current_pk = row[0]
            profile = list(row[1 : 1 + width])
            answers = [""] * len(column_of)
        question_id, value = row[1 + width], row[2 + width]
        if question_id is not None and question_id in column_of:
            answers[column_of[question_id]] = value
    if current_pk is not None:
        yield profile + answers
