"""Streamed exports: case-level answers (one row per case) and the scores table.

Rows are generated lazily from one server-side cursor (PostgreSQL; chunked reads elsewhere),
so memory stays flat however many cases there are: see docs/adr/0005-streamed-exports.md.
CSV streams as it is generated; XLSX is a zip, written by xlsxwriter in constant-memory mode
to a temporary file which is then streamed.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.db import connection
from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.http import FileResponse, StreamingHttpResponse

from cases.models import Answer, Case
from inspections.models import Inspection, Question
from scoring.selectors import inspection_scores

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The profile columns of the answers export: (header, Case.values_list path).
PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"),
    ("pdu_code", "pdu__code"),
    ("pdu", "pdu__name"),
    ("commenced_on", "commenced_on"),
    ("sentence_type", "sentence_type"),
    ("setting", "setting"),
    ("rosh", "rosh"),
    ("mappa_eligible", "mappa_eligible"),
    ("mappa_category", "mappa_category"),
    ("mappa_level", "mappa_level"),
    ("practitioner_grade", "practitioner_grade"),
    ("adjusted_questions", "adjusted_questions"),
    ("court_work", "court_work"),
    ("curfew_considered", "curfew_considered"),
    ("released_from_custody", "released_from_custody"),
    ("risk_to_children", "risk_to_children"),
    ("oversight_required", "oversight_required"),
    ("practitioner_interviewed", "practitioner_interviewed"),
    ("domestic_abuse", "domestic_abuse"),
    ("child_safeguarding", "child_safeguarding"),
    ("sexual_harm", "sexual_harm"),
    ("violence", "violence"),
    ("inspector", "inspector__username"),
    ("status", "status"),
)

SCORE_COLUMNS: tuple[str, ...] = (
    "breakdown",
    "group",
    "label",
    "group_cases",
    "code",
    "text",
    "kind",
    "parent",
    "yes",
    "no",
    "not_applicable",
    "unanswered",
    "relevant",
    "percent",
    "exact",
    "ci_low",
    "ci_high",
)

# Cases fetched per round trip of the server-side cursor: what bounds the export's memory.
CHUNK = 500


def answers_rows(
    *, inspection: Inspection, user: Any, fold_in_sql: bool | None = None
) -> Iterator[Sequence[Any]]:
    """The header, then one row per case the user may see: its profile, then one column per
    question of the framework (yes / no / na; empty when unanswered). Two queries in all.

    On PostgreSQL each case's answers come folded into one array by the database (one row per
    case crosses the wire); elsewhere (the SQLite demo) they are outer-joined and folded here.
    """
    questions = list(
        Question.objects.filter(framework_id=inspection.framework_id)
        .order_by("order")
        .values_list("pk", "code")
    )
    column_of = {pk: i for i, (pk, _) in enumerate(questions)}
    yield [h for h, _ in PROFILE_COLUMNS] + [code for _, code in questions]
    cases = Case.objects.visible_to(user).filter(inspection=inspection).order_by("reference", "pk")
    if fold_in_sql is None:
        fold_in_sql = connection.vendor == "postgresql"
    if fold_in_sql:
        yield from _rows_folded_in_sql(cases, column_of)
    else:
        yield from _rows_folded_here(cases, column_of)


_PROFILE_PATHS = [p for _, p in PROFILE_COLUMNS]


def _rows_folded_in_sql(cases: Any, column_of: dict[int, int]) -> Iterator[list[Any]]:
    from django.contrib.postgres.expressions import ArraySubquery

    pairs = (
        Answer.objects.filter(case=OuterRef("pk"))
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


def scores_rows(*, inspection: Inspection) -> Iterator[Sequence[Any]]:
    """The scores table: every question overall ("all") and in every breakdown group, from
    the one scoring engine (its query count is fixed, whatever the number of cases)."""
    scores = inspection_scores(inspection)
    yield list(SCORE_COLUMNS)
    groups: list[tuple[str, str, str, int, Any]] = [
        ("all", "all", "All cases", scores.cases, scores.questions)
    ]
    for breakdown, group_scores in scores.breakdowns.items():
        groups.extend((breakdown, g.group, g.label, g.cases, g.questions) for g in group_scores)
    for breakdown, group, label, cases, questions in groups:
        for q in questions:
            yield [
                breakdown,
                group,
                label,
                cases,
                q.code,
                q.text,
                q.kind,
                q.parent or "",
                q.yes,
                q.no,
                q.not_applicable,
                q.unanswered,
                q.relevant,
                q.percent,
                q.exact,
                q.ci_low,
                q.ci_high,
            ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return _cell(value)


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterator[Sequence[Any]], *, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """CSV bytes (UTF-8 with a BOM, so spreadsheets read the accents), a few hundred rows at a
    time so that the response is neither one huge string nor one tiny write per row."""
    writer = csv.writer(_Echo())
    buffer: list[str] = ["\ufeff"]
    for n, row in enumerate(rows, 1):
        buffer.append(writer.writerow([_csv_value(v) for v in row]))
        if n % lines_per_chunk == 0:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def xlsx_write(rows: Iterator[Sequence[Any]], *, out: IO[bytes], sheet: str) -> int:
    """Write rows to an XLSX workbook in `out`, row by row (constant memory). Returns rows."""
    with tempfile.TemporaryDirectory(prefix="dipp-xlsx-") as tmpdir:
        workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "tmpdir": tmpdir,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        worksheet = workbook.add_worksheet(sheet)
        worksheet.freeze_panes(1, 1)
        header_format = workbook.add_format({"bold": True})
        count = 0
        for r, row in enumerate(rows):
            if r == 0:
                worksheet.write_row(0, 0, [str(v) for v in row], header_format)
                continue
            # write() types each cell (numbers, booleans, dates; None and "" stay empty).
            worksheet.write_row(r, 0, [_cell(v) for v in row])
            count = r
        workbook.close()
    return count


def csv_response(rows: Iterator[Sequence[Any]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterator[Sequence[Any]], *, filename: str, sheet: str) -> FileResponse:
    # The temporary file disappears when the response closes it after sending.
    out = tempfile.TemporaryFile(prefix="dipp-export-", suffix=".xlsx")  # noqa: SIM115
    try:
        xlsx_write(rows, out=out, sheet=sheet)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
