"""Streaming CSV and XLSX responses from rows, with flat memory (docs/adr/0005).

Rows are any iterator of sequences (the header first). CSV streams as it is generated; XLSX is
a zip, written by xlsxwriter in constant-memory mode to a temporary file which is then streamed.
Text a spreadsheet would run as a formula is defused.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
