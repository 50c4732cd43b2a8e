"""The lead's list of every case: filters, sort, a window of page links, and the queue on the
inspection's page that links into it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import CaseFactory
from cases.tests.helpers import make_world
from inspections.tests.factories import PDUFactory

pytestmark = pytest.mark.django_db


def _refs(response) -> list[str]:
    return [case.reference for case, *_ in response.context["rows"]]


def test_the_list_filters_by_status_inspector_pdu_rosh_mappa_and_reference(client, framework):
    world = make_world(framework)
    north = PDUFactory(region=world.inspection.region, code="NTH", name="North")
    CaseFactory(inspection=world.inspection, pdu=north, reference="FLT-001", rosh="high")
    CaseFactory(
        inspection=world.inspection,
        pdu=north,
        reference="FLT-002",
        rosh="low",
        mappa_eligible=True,
        mappa_category=2,
        mappa_level=1,
        inspector=world.colleague,
    )
    client.force_login(world.lead)
    url = reverse("case-index", args=[world.inspection.slug])
    assert _refs(client.get(url, {"pdu": "NTH"})) == ["FLT-001", "FLT-002"]
    assert _refs(client.get(url, {"rosh": "high"})) == ["FLT-001"]
    assert _refs(client.get(url, {"mappa_eligible": "true"})) == ["FLT-002"]
    assert _refs(client.get(url, {"inspector": world.colleague.username})) == ["FLT-002"]
    assert _refs(client.get(url, {"status": "submitted"})) == ["WEB-0002"]
    assert _refs(client.get(url, {"reference": "web-"})) == ["WEB-0001", "WEB-0002"]
    assert _refs(client.get(url, {"unallocated": "true"})) == ["FLT-001"]
    refused = client.get(url, {"rosh": "purple"})
    assert refused.status_code == 400
    assert "rosh" in refused.content.decode()


def test_the_list_sorts_and_keeps_its_filters_across_pages(client, framework):
    world = make_world(framework)
    pdu = PDUFactory(region=world.inspection.region)
    for i in range(1, 1001):
        CaseFactory(inspection=world.inspection, pdu=pdu, reference=f"PGE-{i:04d}")
    client.force_login(world.lead)
    url = reverse("case-index", args=[world.inspection.slug])
    first = client.get(url, {"sort": "reference"})
    assert _refs(first)[0] == "PGE-0001" and len(_refs(first)) == 100
    page = first.content.decode()
    numbers = re.findall(r'aria-label="Page (\d+)"', page)
    # 11 pages: a window around page 1 and the last page, not every number.
    assert numbers == ["1", "2", "3", "11"]
    assert "&ctdot;" in page or "⋯" in page
    middle = client.get(url, {"sort": "reference", "page": "6"}).content.decode()
    assert re.findall(r'aria-label="Page (\d+)"', middle) == ["1", "4", "5", "6", "7", "8", "11"]
    assert "?sort=reference&amp;page=7" in middle
    by_status = client.get(url, {"sort": "status"})
    assert _refs(by_status)[0].startswith("PGE-")  # not started sorts before submitted


def test_the_lead_page_leads_with_what_needs_them(client, framework):
    world = make_world(framework)
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.RETURNED)
    client.force_login(world.lead)
    page = client.get(reverse("inspection-home", args=[world.inspection.slug])).content.decode()
    assert page.index("What needs you") < page.index("My cases")
    slug = world.inspection.slug
    assert f'href="/inspections/{slug}/cases/?status=returned">Returned to their inspector' in page
    assert f'href="/inspections/{slug}/cases/?status=submitted">Submitted' in page


def test_the_second_marker_column_names_the_lead_one_way(client, framework):
    world = make_world(framework)
    world.lead.first_name, world.lead.last_name = "Lee", "Lead"
    world.lead.save()
    world.case.second_marker = world.lead
    world.case.save()
    client.force_login(world.lead)
    body = client.get(reverse("case-index", args=[world.inspection.slug])).content.decode()
    rows = {
        ref: re.search(rf"{ref}.*?</tr>", body, re.S).group(0)
        for ref in (world.case.reference, world.submitted.reference)
    }
    # Marked by the lead on purpose, or by default: the same words for the same person.
    assert all("The lead" in row for row in rows.values())
    assert "Lee Lead" not in rows[world.case.reference]


def test_the_count_is_scanned_once_per_data_version_and_a_write_shows_at_once(client, framework):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world(framework)
    client.force_login(world.lead)
    url = reverse("case-index", args=[world.inspection.slug])

    def counts(query: dict[str, str]) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query)
        scans = [
            q["sql"] for q in ctx.captured_queries if 'AS "__count" FROM "cases_case"' in q["sql"]
        ]
        return response.context["cases_page"].paginator.count, len(scans)

    total = Case.objects.filter(inspection=world.inspection).count()
    assert counts({}) == (total, 1)  # first read at this version: counted
    assert counts({"page": "1"}) == (total, 0)  # same version, same list: not counted again
    assert counts({"rosh": "high"})[1] == 1  # another filter: its own count
    CaseFactory(inspection=world.inspection, reference="NEW-0001")
    assert counts({}) == (total + 1, 1)  # the write moved the version on: counted afresh
