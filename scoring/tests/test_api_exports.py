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
from scoring.selectors import inspection_scores
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


def test_the_scores_exports_are_the_scoring_engines_figures(demo):
    lead = role_clients(demo)["lead"]
    header, *rows = csv_rows(lead.get(f"{EXPORTS}/scores.csv"))
    scores = inspection_scores(demo)
    table = {(r[0], r[1], r[4]): dict(zip(header, r, strict=True)) for r in rows}
    groups = 1 + sum(len(groups) for groups in scores.breakdowns.values())
    assert len(rows) == groups * len(scores.questions)
    for q in scores.questions:
        row = table[("all", "all", q.code)]
        assert (int(row["yes"]), int(row["relevant"])) == (q.yes, q.relevant)
        assert row["percent"] == ("" if q.percent is None else str(q.percent))
    high = next(g for g in scores.breakdowns["rosh"] if g.group == "high_very_high")
    c1 = table[("rosh", "high_very_high", "C1")]
    assert int(c1["yes"]) == high.question("C1").yes
    xlsx = xlsx_rows(lead.get(f"{EXPORTS}/scores.xlsx"))
    assert xlsx[0] == header
    assert len(xlsx) == len(rows) + 1


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
