"""Exports: case-level answers and the scores table, as CSV and XLSX, for the lead's browser
session and for API clients."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cases.models import Answer
from cases.tests.factories import CaseFactory
from inspections.models import PDU, Membership
from tests.api_helpers import role_clients

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/inspections/south-west-2025/exports"


def csv_rows(response) -> list[list[str]]:
    assert response.streaming, "CSV is streamed"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM, so spreadsheets read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_answers_csv_has_one_row_per_case_and_a_column_per_question(demo):
    response = role_clients(demo)["lead"].get(f"{EXPORTS}/answers.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="south-west-2025-answers.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    codes = list(demo.framework.questions.order_by("order").values_list("code", flat=True))
    assert header[: header.index("status") + 1][:3] == ["reference", "pdu_code", "pdu"]
    assert header[-len(codes) :] == codes
    assert [r[0] for r in rows] == sorted(demo.cases.values_list("reference", flat=True))
    stored = {
        (a.case.reference, a.question.code): a.value
        for a in Answer.objects.filter(case__inspection=demo).select_related("case", "question")
    }
    exported = {
        (row[0], code): value
        for row in rows
        for code, value in zip(codes, row[-len(codes) :], strict=True)
        if value
    }
    assert exported == stored
    by_ref = {c.reference: c for c in demo.cases.select_related("pdu")}
    for row in rows:
        case = by_ref[row[0]]
        profile = dict(zip(header, row, strict=True))
        assert profile["pdu"] == case.pdu.name
        assert profile["rosh"] == case.rosh
        assert profile["mappa_eligible"] == ("true" if case.mappa_eligible else "false")
        assert profile["mappa_level"] == ("" if case.mappa_level is None else str(case.mappa_level))


def test_the_answers_xlsx_holds_the_same_table_as_the_csv(demo):
    lead = role_clients(demo)["lead"]
    from_csv = csv_rows(lead.get(f"{EXPORTS}/answers.csv"))
    response = lead.get(f"{EXPORTS}/answers.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from_xlsx = xlsx_rows(response)
    assert len(from_xlsx) == len(from_csv) == 65

    def as_text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if hasattr(value, "date"):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    assert [[as_text(v) for v in row] for row in from_xlsx] == from_csv


def test_the_scores_exports_are_the_hand_counts(handworked):
    """The hand-worked inspection (counts in scoring/tests/test_handworked_scores.py)."""
    exports = "/api/v1/inspections/handworked-2025/exports"
    lead = role_clients(handworked.inspection)["lead"]
    response = lead.get(f"{exports}/scores.csv")
    assert 'filename="handworked-2025-scores.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    # Overall plus 3 PDUs, 5 MAPPA groups and 4 RoSH groups, for each of the 6 questions.
    assert len(rows) == (1 + 3 + 5 + 4) * 6
    table = {(r[0], r[1], r[4]): dict(zip(header, r, strict=True)) for r in rows}
    fields = ("label", "group_cases", "yes", "no", "not_applicable", "unanswered", "percent")

    def figures(breakdown: str, group: str, code: str) -> tuple[str, ...]:
        return tuple(table[(breakdown, group, code)][f] for f in fields)

    # K1a: yes 01 09 10, no 03 06, explicit N/A 02 08 + 3 adjusted, unanswered 05 12.
    assert figures("all", "all", "K1a") == ("All cases", "12", "3", "2", "5", "2", "60")
    assert table[("all", "all", "K1a")]["ci_low"] == "23.07"
    assert table[("all", "all", "K1a")]["ci_high"] == "88.24"
    # Each PDU row carries its own PDU's counts (S2: 06 08 09 yes, 07 no; 01 02 04 yes, 03 no,
    # 05 unanswered; 11 12 yes, 10 no).
    assert figures("pdu", "EL", "S2") == ("Eastleigh", "4", "3", "1", "0", "0", "75")
    assert figures("pdu", "NM", "S2") == ("Northam", "5", "3", "1", "0", "1", "75")
    assert figures("pdu", "WB", "S2") == ("Westbury", "3", "2", "1", "0", "0", "67")
    # Eastleigh K1a: yes 09, no 06, N/A 08 + 07 adjusted.
    assert figures("pdu", "EL", "K1a") == ("Eastleigh", "4", "1", "1", "2", "0", "50")
    # S1 out of scope for 08 now (its old Yes not counted); N/A 03 + 02 04 05 in Northam.
    assert figures("pdu", "NM", "S1") == ("Northam", "5", "1", "0", "4", "0", "100")
    # MAPPA level 3 is 07 (adjusted): A1 no; RoSH not assessed 04 12: A1 yes 04.
    assert figures("mappa", "level_3", "A1") == ("MAPPA level 3", "1", "0", "1", "0", "0", "0")
    assert figures("rosh", "not_assessed", "A1") == ("Not assessed", "2", "1", "0", "1", "0", "100")
    # A group with no relevant case has no percentage, not 0 (Northam A1a: only 04's N/A).
    assert figures("pdu", "NM", "A1a")[-1] == ""
    xlsx = xlsx_rows(lead.get(f"{exports}/scores.xlsx"))
    assert xlsx[0] == header
    assert len(xlsx) == len(rows) + 1
    by_key = {(r[0], r[1], r[4]): r for r in xlsx[1:]}
    assert by_key[("pdu", "WB", "S2")][8:14] == [2, 1, 0, 0, 3, 67]


def test_the_scores_export_covers_every_demo_group(demo):
    lead = role_clients(demo)["lead"]
    _header, *rows = csv_rows(lead.get(f"{EXPORTS}/scores.csv"))
    questions = demo.framework.questions.count()
    pdus = demo.region.pdus.count()
    assert len(rows) == (1 + pdus + 5 + 4) * questions


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(demo):
    PDU.objects.filter(region=demo.region, code="CIS").update(name="=HYPERLINK(1)")
    lead = role_clients(demo)["lead"]
    header, *rows = csv_rows(lead.get(f"{EXPORTS}/answers.csv"))
    names = {row[header.index("pdu")] for row in rows if row[header.index("pdu_code")] == "CIS"}
    assert names == {"'=HYPERLINK(1)"}


def test_an_api_client_may_export_but_a_client_of_another_inspection_may_not(demo):
    clients = role_clients(demo)
    assert len(csv_rows(clients["client"].get(f"{EXPORTS}/answers.csv"))) == 65
    refused = clients["other_client"].get(f"{EXPORTS}/answers.csv")
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"


def test_answers_folded_by_the_database_match_answers_folded_in_python(demo):
    from cases.api.exports import answers_rows
    from cases.models import Case
    from inspections.access import standing_get

    lead = Membership.objects.get(inspection=demo, role=Membership.Role.LEAD).user
    # A case with no answer yet still has its row, with every question column empty.
    CaseFactory(inspection=demo, reference="DEMO-999", pdu=demo.cases.first().pdu)
    standing = standing_get(lead, demo.slug)
    in_sql = list(answers_rows(standing=standing, fold_in_sql=True))
    in_python = list(answers_rows(standing=standing, fold_in_sql=False))
    assert in_sql == in_python
    assert len(in_sql) == 1 + Case.objects.filter(inspection=demo).count() == 66
    header, last = in_sql[0], in_sql[-1]
    assert last[0] == "DEMO-999"
    assert last[header.index("status") + 1 :] == [""] * (len(header) - header.index("status") - 1)
