"""The read-access log (cases/services/access_log.py): every route that shows case data writes
one row per request, on every channel; the database refuses to change or delete a row; a log
that cannot be written does not fail the request; the lead sees who opened a case; an
administrator downloads the log as CSV."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import AccessRecord
from cases.services.access_log import LOGGED_ROUTES
from cases.tests.factories import CaseFactory
from tests.test_permission_matrix import MATRIX, World, _client, _path, make_world

pytestmark = pytest.mark.django_db


def _named_routes(patterns=None, prefix: str = "") -> dict[str, str]:
    """URL name -> route, for every named route of the URLconf."""
    out: dict[str, str] = {}
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            out |= _named_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            out[p.name] = prefix + str(p.pattern)
    return out


def _shows_case_data(route: str) -> bool:
    """A route about one case, a case list, an export, or a draft report file of an inspection.
    A programme's figures, exports and report hold only counts per region and PDU (no case,
    reference, profile or rationale): not case data (docs/data-protection.md)."""
    if route.startswith(("programmes/", "api/v1/programmes/")):
        return False
    return (
        "<str:reference>" in route
        or "<slug:reference>" in route
        or route.endswith("/cases/")
        or "/exports/" in route
        or "/builds/<int:build_id>/report." in route
    )


ROUTES = _named_routes()
CASE_DATA_READS = sorted(
    name
    for name, route in ROUTES.items()
    if _shows_case_data(route) and any(row.method == "get" for row in MATRIX.get(route, []))
)


def test_the_walk_finds_every_kind_of_case_data_route():
    # A guard on the walk itself: if the URLconf changes so that it finds none of a kind, the
    # test below would pass for the wrong reason.
    assert {"case-detail", "case-section", "api-case-answer", "api-export-answers-csv"} <= set(
        CASE_DATA_READS
    )
    assert "report-build-file" in CASE_DATA_READS


def test_every_route_that_shows_case_data_is_in_the_log_table():
    missing = sorted(set(CASE_DATA_READS) - set(LOGGED_ROUTES))
    assert not missing, f"routes that show case data but are not logged: {missing}"


@pytest.mark.parametrize("name", CASE_DATA_READS)
def test_each_read_of_case_data_leaves_one_entry_naming_who_what_and_how(
    framework, tmp_path, settings, name
):
    world = make_world(framework, tmp_path, settings)
    route = ROUTES[name]
    row = next(r for r in MATRIX[route] if r.method == "get")
    api = route.startswith("api/")
    # The lead sees every case and every lead page; on the API, as an API client's token too;
    # an administrator what only administrators see.
    role = next(r for r in ("client", "lead", "admin") if row.expected[r] == 200)
    if role == "client" and not api:
        role = "lead"
    client = _client(world, role, api=api)
    path = _path(route, world, row)
    before = AccessRecord.objects.count()
    response = client.get(path)
    assert response.status_code == 200, path
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert AccessRecord.objects.count() == before + 1
    record = AccessRecord.objects.latest("pk")
    assert record.route == name
    assert record.channel == LOGGED_ROUTES[name]
    assert record.path == path
    assert record.inspection_slug == (world.inspection.slug if "<slug:slug>" in route else "")
    assert record.user_id == world.users[role].pk
    assert record.actor == world.users[role].username
    assert record.api_client == ("Matrix analysts" if role == "client" else "")
    case = world.submitted if row.case == "submitted" else world.case
    expected_reference = case.reference if "reference>" in route else ""
    assert record.case_reference == expected_reference


def test_a_refused_read_and_a_write_are_not_logged_as_reads(framework, tmp_path, settings):
    world = make_world(framework, tmp_path, settings)
    url = f"/inspections/{world.inspection.slug}/cases/{world.case.reference}/"
    assert _client(world, "colleague", api=False).get(url).status_code == 404
    assert _client(world, "other_lead", api=False).get(url).status_code == 404
    assert not AccessRecord.objects.exists()


def test_a_list_is_one_entry_whatever_the_number_of_cases(framework, tmp_path, settings):
    world = make_world(framework, tmp_path, settings)
    CaseFactory.create_batch(
        5, inspection=world.inspection, pdu=world.case.pdu, inspector=world.case.inspector
    )
    client = _client(world, "client", api=True)
    assert client.get(f"/api/v1/inspections/{world.inspection.slug}/cases/").status_code == 200
    assert AccessRecord.objects.count() == 1


def test_the_database_refuses_to_change_or_delete_an_entry(framework, tmp_path, settings):
    world = make_world(framework, tmp_path, settings)
    _client(world, "lead", api=False).get(
        f"/inspections/{world.inspection.slug}/cases/{world.case.reference}/"
    )
    record = AccessRecord.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(actor="someone-else")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    record.refresh_from_db()
    assert record.actor == world.users["lead"].username


def test_a_log_that_cannot_be_written_does_not_fail_the_read(
    framework, tmp_path, settings, monkeypatch, caplog
):
    world = make_world(framework, tmp_path, settings)

    def broken(*args, **kwargs):
        raise DatabaseError("the log table is unavailable")

    monkeypatch.setattr(AccessRecord.objects, "create", broken)
    url = f"/inspections/{world.inspection.slug}/cases/{world.case.reference}/"
    with caplog.at_level(logging.ERROR, logger="cases.services.access_log"):
        response = _client(world, "lead", api=False).get(url)
    assert response.status_code == 200
    assert "Could not write the access log" in caplog.text


def _case_page(world: World, role: str) -> str:
    url = f"/inspections/{world.inspection.slug}/cases/{world.case.reference}/"
    response = _client(world, role, api=False).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_lead_sees_who_opened_the_case_and_an_inspector_does_not(framework, tmp_path, settings):
    world = make_world(framework, tmp_path, settings)
    inspector = world.users["inspector"]
    page = _case_page(world, "inspector")
    assert "Who opened this case" not in page
    api = _client(world, "client", api=True)
    api.get(f"/api/v1/inspections/{world.inspection.slug}/cases/{world.case.reference}/answers/")
    page = _case_page(world, "lead")
    assert "Who opened this case" in page
    log = page.split('id="access-log"')[1]
    assert inspector.username in log
    assert "API client Matrix analysts" in log
    # Another case's reads are not this case's.
    _client(world, "lead", api=False).get(
        f"/inspections/{world.inspection.slug}/cases/{world.submitted.reference}/"
    )
    log = _case_page(world, "lead").split('id="access-log"')[1]
    assert f"/cases/{world.submitted.reference}/" not in log


def test_an_administrator_downloads_the_log_as_csv(framework, tmp_path, settings):
    world = make_world(framework, tmp_path, settings)
    _case_page(world, "inspector")
    _case_page(world, "lead")
    admin = _client(world, "admin", api=False)
    ids = [str(pk) for pk in AccessRecord.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/cases/accessrecord/",
        {"action": "download_csv", "_selected_action": ids},
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("at,actor,user_id,api_client,channel")
    assert len(lines) == 3
    assert world.users["inspector"].username in lines[1]
    assert world.users["lead"].username in lines[2]
    # The list filters by channel and reference; nobody edits an entry.
    listing = admin.get(
        "/admin/cases/accessrecord/", {"channel": "page", "q": world.case.reference}
    )
    assert listing.status_code == 200
    change = admin.get(f"/admin/cases/accessrecord/{ids[0]}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
