"""The CSV import at real sizes: checked in bulk without a lock, inserted briefly; Excel's dates
and every line ending; large files as a background job with a progress page, all or nothing."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseImport
from cases.services import CsvImportError, cases_import_csv
from cases.services.csv_import import csv_check, csv_date
from inspections.models import Inspection, Membership
from inspections.tests.factories import InspectionFactory, MembershipFactory, PDUFactory

HEADER = "reference,pdu,sentence_type,setting,rosh,practitioner_grade,commenced_on\n"


def lines(n: int, *, start: int = 1, when: str = "28/04/2025") -> str:
    return "".join(
        f"IMP-{i:05d},AAA,community_order,community,low,po,{when}\n"
        for i in range(start, start + n)
    )


@pytest.fixture
def inspection(framework) -> Inspection:
    inspection = InspectionFactory(framework=framework)
    PDUFactory(region=inspection.region, code="AAA")
    return inspection


@pytest.fixture
def lead(inspection):
    return MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-04-28", date(2025, 4, 28)),
        ("28/04/2025", date(2025, 4, 28)),
        ("1/4/2025", date(2025, 4, 1)),
        (" 01/12/2024 ", date(2024, 12, 1)),
    ],
)
def test_dates_are_read_day_first_as_excel_writes_them_or_iso(raw, expected):
    assert csv_date(raw) == expected


@pytest.mark.parametrize("raw", ["04/28/2025", "28/04/25", "20250428", "2025-W18-1", "28-04-2025"])
def test_other_date_forms_are_refused(raw):
    with pytest.raises(ValueError):
        csv_date(raw)


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending_imports_the_same_cases(inspection, ending):
    text = (HEADER + lines(3)).replace("\n", ending)
    created = cases_import_csv(inspection=inspection, raw=text.encode())
    assert [c.reference for c in created] == ["IMP-00001", "IMP-00002", "IMP-00003"]
    assert {c.commenced_on for c in created} == {date(2025, 4, 28)}


@pytest.mark.django_db
def test_a_bad_date_names_its_line_and_both_accepted_forms(inspection):
    text = HEADER + lines(1) + "IMP-00002,AAA,community_order,community,low,po,31/02/2025\n"
    with pytest.raises(CsvImportError) as caught:
        cases_import_csv(inspection=inspection, raw=text.encode())
    assert caught.value.problems == [
        (3, "commenced_on: '31/02/2025' is not a date like 2025-04-28 or 28/04/2025")
    ]
    assert not inspection.cases.exists()


@pytest.mark.django_db
def test_checking_makes_the_same_few_queries_for_ten_lines_as_for_a_thousand(inspection):
    with CaptureQueriesContext(connection) as few:
        csv_check(inspection=inspection, raw=(HEADER + lines(10)).encode())
    with CaptureQueriesContext(connection) as many:
        csv_check(inspection=inspection, raw=(HEADER + lines(1000)).encode())
    assert len(few) == len(many) <= 5


@pytest.mark.django_db
def test_the_insert_makes_the_same_number_of_queries_whatever_the_size(inspection):
    with CaptureQueriesContext(connection) as few:
        cases_import_csv(inspection=inspection, raw=(HEADER + lines(10)).encode())
    with CaptureQueriesContext(connection) as many:
        cases_import_csv(inspection=inspection, raw=(HEADER + lines(1000, start=11)).encode())
    assert len(few) == len(many) <= 12
    assert inspection.cases.count() == 1010


@pytest.mark.django_db(transaction=True)
def test_answer_writes_are_not_blocked_while_an_import_runs(inspection):
    """An answer write locks the inspection row (cases.services.answers locks the case joined to
    it). While 3,000 lines are checked and imported, another connection keeps trying that lock
    without waiting (NOWAIT): the import holds it only for its short insert, so the writer gets
    it while the import runs. Counted, not timed: a busy machine cannot make this flaky."""
    raw = (HEADER + lines(3000)).encode()
    outcomes: list[bool] = []
    done = threading.Event()

    def writer() -> None:
        conn = connections.create_connection("default")
        try:
            while not done.is_set():
                with conn.cursor() as cursor:
                    cursor.execute("BEGIN")
                    try:
                        cursor.execute(
                            "SELECT id FROM inspections_inspection WHERE id = %s FOR UPDATE NOWAIT",
                            [inspection.pk],
                        )
                        outcomes.append(not done.is_set())
                    except OperationalError:
                        outcomes.append(False)
                    cursor.execute("ROLLBACK")
                time.sleep(0.005)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        created = cases_import_csv(inspection=inspection, raw=raw)
    finally:
        done.set()
        thread.join(timeout=30)
    assert len(created) == 3000
    assert len(outcomes) > 5  # the writer ran throughout the import
    assert any(outcomes)  # and took the lock while the import was running


@pytest.mark.django_db(transaction=True)
def test_nothing_is_locked_while_the_file_is_checked(inspection):
    seen_free: list[bool] = []

    def progress(done: int, total: int) -> None:
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM inspections_inspection WHERE id = %s FOR UPDATE NOWAIT",
                    [inspection.pk],
                )
                seen_free.append(True)
                cursor.execute("ROLLBACK")
        finally:
            conn.close()

    cases_import_csv(inspection=inspection, raw=(HEADER + lines(600)).encode(), progress=progress)
    assert seen_free and all(seen_free)


# -- background imports --------------------------------------------------------------------------


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("cases.csv", text.encode(), content_type="text/csv")}


@pytest.mark.django_db
def test_a_large_file_imports_as_a_background_job_with_a_progress_page(
    client, inspection, lead, settings, django_capture_on_commit_callbacks
):
    settings.CSV_IMPORT_BACKGROUND_LINES = 50
    client.force_login(lead)
    url = reverse("case-import", args=[inspection.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, _upload(HEADER + lines(120)))
    job = CaseImport.objects.get(inspection=inspection)
    assert response.status_code == 302
    assert response["Location"] == reverse("case-import-job", args=[inspection.slug, job.pk])
    waiting = client.get(response["Location"])
    assert '<meta http-equiv="refresh" content="2">' in waiting.content.decode()
    assert "0 of 120 lines checked" in waiting.content.decode()
    assert not inspection.cases.exists()
    for callback in callbacks:  # the worker takes the job (here: in-process, eagerly)
        callback()
    job.refresh_from_db()
    assert (job.status, job.created, job.lines_done, job.raw) == ("succeeded", 120, 120, b"")
    assert job.started_by == lead
    done = client.get(response["Location"]).content.decode()
    assert "120 cases imported" in done and "http-equiv" not in done
    assert inspection.cases.count() == 120


@pytest.mark.django_db
def test_a_large_file_with_problems_imports_nothing_and_lists_them(
    client, inspection, lead, settings, django_capture_on_commit_callbacks
):
    settings.CSV_IMPORT_BACKGROUND_LINES = 50
    client.force_login(lead)
    bad = HEADER + lines(100) + "IMP-00001,ZZZ,community_order,community,low,po,\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case-import", args=[inspection.slug]), _upload(bad))
    job = CaseImport.objects.get(inspection=inspection)
    assert job.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page and "is also on line 2" in page
    assert "is not a PDU code" in page
    assert not inspection.cases.exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_file_with_the_broker_down_is_refused_clearly_and_nothing_is_imported(
    client, inspection, lead, settings, broker_at
):
    settings.CSV_IMPORT_BACKGROUND_LINES = 50
    client.force_login(lead)
    with broker_at("redis://127.0.0.1:1/0"):
        response = client.post(
            reverse("case-import", args=[inspection.slug]), _upload(HEADER + lines(120))
        )
    assert response.status_code == 503
    assert "The file was not imported" in response.content.decode()
    job = CaseImport.objects.get(inspection=inspection)
    assert job.status == "failed" and "could not be queued" in job.error
    assert not Case.objects.filter(inspection=inspection).exists()


def test_a_yes_no_column_left_out_is_no_for_every_case(inspection):
    # The import page says blank is no; a missing column is blank on every line. The model's
    # default for oversight_required is True, which would make S8 relevant to every case.
    created = cases_import_csv(inspection=inspection, raw=(HEADER + lines(3)).encode())
    assert len(created) == 3
    flags = Case.objects.filter(inspection=inspection).values_list(
        "oversight_required", "mappa_eligible", "court_work"
    )
    assert set(flags) == {(False, False, False)}
    with_column = (
        HEADER.strip()
        + ",oversight_required\n"
        + "IMP-09999,AAA,community_order,community,low,po,28/04/2025,yes\n"
    )
    cases_import_csv(inspection=inspection, raw=with_column.encode())
    assert Case.objects.get(reference="IMP-09999").oversight_required is True


def test_a_seed_beyond_what_the_database_holds_is_refused_clearly(inspection, lead):
    from django.core.exceptions import ValidationError

    from cases.services import moderation_sample_draw

    with pytest.raises(ValidationError) as refused:
        moderation_sample_draw(inspection=inspection, share=50, by=lead, seed=10**23)
    assert "seed" in refused.value.message_dict


@pytest.mark.django_db
def test_a_large_file_through_the_api_is_a_background_job_followed_at_its_address(
    inspection, lead, settings, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    settings.CSV_IMPORT_BACKGROUND_LINES = 50
    api = APIClient()
    api.force_authenticate(lead)
    url = reverse("api-case-import", args=[inspection.slug])
    bad = HEADER + lines(80) + "IMP-00001,AAA,community_order,community,low,po,28/04/2025\n"
    with django_capture_on_commit_callbacks(execute=True):
        refused = api.post(url, bad.encode(), content_type="text/csv")
    assert refused.status_code == 202
    job = api.get(refused["Location"]).json()
    assert job["status"] == "failed"
    assert {"line": 82, "message": "case IMP-00001 is also on line 2"} in job["problems"]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post(url, (HEADER + lines(120)).encode(), content_type="text/csv")
    assert accepted.status_code == 202 and accepted.json()["status"] == "queued"
    done = api.get(accepted["Location"]).json()
    assert (done["status"], done["created"], done["lines_total"]) == ("succeeded", 120, 120)
    assert inspection.cases.count() == 120


@pytest.mark.django_db(transaction=True)
def test_a_large_file_through_the_api_with_the_broker_down_is_a_clear_503(
    inspection, lead, settings, broker_at
):
    from rest_framework.test import APIClient

    settings.CSV_IMPORT_BACKGROUND_LINES = 50
    api = APIClient()
    api.force_authenticate(lead)
    with broker_at("redis://127.0.0.1:1/0"):
        response = api.post(
            reverse("api-case-import", args=[inspection.slug]),
            (HEADER + lines(120)).encode(),
            content_type="text/csv",
        )
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert not Case.objects.filter(inspection=inspection).exists()
