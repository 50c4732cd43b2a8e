"""The XLSX writer streams: bytes leave while rows are still being read, and the workbook is
a real one (typed cells, bold frozen header, formulas defused) that a spreadsheet library opens.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection

from core.exports import xlsx_chunks


def counted(rows: list[list[Any]], seen: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        seen[0] += 1
        yield row


def test_the_first_bytes_leave_before_the_rows_are_all_read():
    rows = [["n", "text"]] + [[i, f"row {i}"] for i in range(5000)]
    seen = [0]
    chunks = xlsx_chunks(counted(rows, seen), sheet="Rows")
    first = next(chunks)
    assert first.startswith(b"PK"), "a zip archive starts at once"
    sent = [next(chunks)]
    # The worksheet's first compressed chunk is sent after a few hundred rows, not at the end.
    while not sent[-1]:
        sent.append(next(chunks))
    assert seen[0] < len(rows) / 2
    rest = b"".join(chunks)
    assert seen[0] == len(rows)
    workbook = openpyxl.load_workbook(io.BytesIO(first + b"".join(sent) + rest))
    sheet = workbook["Rows"]
    assert sheet.max_row == len(rows)
    assert [c.value for c in sheet[5001]] == [4999, "row 4999"]


def test_cells_keep_their_types_and_formulas_are_defused():
    rows: list[list[Any]] = [
        ["reference", "when", "count", "share", "flag", "empty", "note"],
        ["A-1", date(2025, 4, 28), 3, 0.5, True, None, "=HYPERLINK(1)"],
        ["A-2", date(2024, 12, 1), 0, 12.25, False, "", "ok \x07 & <fine>"],
    ]
    data = b"".join(xlsx_chunks(iter(rows), sheet="Answers"))
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Answers"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b is True
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert values[1][0] == "A-1"
    assert values[1][1].date() == date(2025, 4, 28)
    assert sheet["B2"].number_format == "yyyy\\-mm\\-dd"
    assert values[1][2:6] == [3, 0.5, True, None]
    assert values[1][6] == "'=HYPERLINK(1)"
    assert values[2][4:6] == [False, None]
    assert values[2][6] == "ok  & <fine>"  # the control character XML cannot hold is dropped


def test_a_header_only_table_is_a_valid_workbook():
    data = b"".join(xlsx_chunks(iter([["a", "b"]]), sheet="Empty"))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Empty"]
    assert [c.value for c in sheet[1]] == ["a", "b"]
    assert sheet.max_row == 1


@pytest.mark.django_db(transaction=True)
def test_the_answers_rows_stream_inside_a_transaction_that_ends_with_the_download(framework):
    # Outside a transaction Django declares the server-side cursor WITH HOLD, and PostgreSQL
    # runs the whole query before the first row; inside one, rows come as they are produced.
    from cases.api.exports import answers_rows
    from cases.tests.factories import CaseFactory
    from inspections.access import standing_of
    from inspections.models import Membership
    from inspections.tests.factories import InspectionFactory, MembershipFactory

    inspection = InspectionFactory(framework=framework)
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    for n in range(3):
        CaseFactory(inspection=inspection, reference=f"STR-{n:04d}")
    rows = answers_rows(standing=standing_of(lead, inspection))
    assert not connection.in_atomic_block
    header = next(rows)
    assert header[0] == "reference"
    assert next(rows)[0] == "STR-0000"
    assert connection.in_atomic_block, "the cursor is read inside a transaction"
    rows.close()  # the client went away half-way
    assert not connection.in_atomic_block, "and the transaction ends with the download"
