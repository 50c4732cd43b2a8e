"""Streaming CSV and XLSX responses from rows, with flat memory (docs/adr/0005).

Rows are any iterator of sequences (the header first). Both stream as they are generated: CSV
a few hundred rows at a time, XLSX as a zip whose entries are compressed and sent as they are
written. Text a spreadsheet would run as a formula is defused.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.http import StreamingHttpResponse

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


# -- XLSX, streamed while it is written (docs/adr/0005, amended by issue 11) ---------------------
#
# An XLSX file is a zip of XML parts. The worksheet is written row by row into a zip entry that
# is compressed as it goes; Python's zipfile writes to a sink that cannot seek by putting each
# entry's sizes after its data (a data descriptor), so every compressed chunk can be sent as
# soon as it exists. Memory holds one chunk; nothing touches the disk. Strings are inline
# (no shared-strings table to hold in memory); dates carry a yyyy-mm-dd format.

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk folded in)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: normal; 1: a date (yyyy-mm-dd); 2: bold (the header).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
    'activePane="bottomRight" state="frozen"/></sheetView></sheetViews><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _column_letters(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xml_text(value: str) -> str:
    return xml_escape(_XML_ILLEGAL.sub("", value))


@functools.lru_cache(maxsize=4096)
def _string_tail(value: str, style: int) -> str:
    """Everything of a text cell after its reference. Cached: an export repeats a few values
    (yes, no, na, PDU names, ...) across thousands of rows, and escaping was most of its time."""
    s = f' s="{style}"' if style else ""
    text = _xml_text(str(_cell(value)))
    return f' t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_cell(ref: str, value: Any, *, style: int = 0) -> str:
    """One cell's XML ("" for an empty cell), typed as XlsxWriter's write() typed it."""
    if value is None or value == "":
        return ""
    if type(value) is str:  # the common case first (a subclass takes the general path)
        return f'<c r="{ref}"{_string_tail(value, style)}'
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    text = _xml_text(str(_cell(value)))
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


class _Chunks:
    """A write-only sink for zipfile: it keeps what was written until it is taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts = []
        return out


def xlsx_chunks(
    rows: Iterator[Sequence[Any]], *, sheet: str, rows_per_chunk: int = 200
) -> Iterator[bytes]:
    """An XLSX workbook of one sheet (the first row bold, frozen with the first column), as
    bytes sent while the rows are read. Memory stays flat: one chunk of rows at a time."""
    sink = _Chunks()
    sheet_name = _xml_text(sheet)[:31] or "Sheet1"
    # Level 1: half the time of level 6 for a file half as large again (4.8 MB against 3.2 MB
    # for 20,000 cases): the server's CPU is dearer than the bytes (issue 11).
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(sheet=sheet_name))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        yield sink.take()
        letters: list[str] = []
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(_SHEET_START.encode())
            buffer: list[str] = []
            for r, row in enumerate(rows, 1):
                while len(letters) < len(row):
                    letters.append(_column_letters(len(letters)))
                if r == 1:
                    cells = "".join(
                        _xlsx_cell(f"{letters[c]}1", str(v), style=2) for c, v in enumerate(row)
                    )
                else:
                    cells = "".join(_xlsx_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row))
                buffer.append(f'<row r="{r}">{cells}</row>')
                if r % rows_per_chunk == 0:
                    part.write("".join(buffer).encode())
                    buffer = []
                    chunk = sink.take()
                    if chunk:
                        yield chunk
            part.write(("".join(buffer) + _SHEET_END).encode())
    yield sink.take()


def csv_response(rows: Iterator[Sequence[Any]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    rows: Iterator[Sequence[Any]], *, filename: str, sheet: str
) -> StreamingHttpResponse:
    """The workbook sent while it is written: the first bytes leave at once (issue 11)."""
    response = StreamingHttpResponse(xlsx_chunks(rows, sheet=sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
