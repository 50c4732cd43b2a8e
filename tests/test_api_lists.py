"""API lists: filters, ordering, pagination, and query counts that do not grow with cases."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.services import api_client_issue
from tests.api_helpers import role_clients, token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inspections/south-west-2025"


def test_cases_filter_by_pdu_mappa_rosh_status_and_inspector(demo):
    lead = role_clients(demo)["lead"]

    def refs(query: str) -> set[str]:
        body = lead.get(f"{BASE}/cases/?page_size=500&{query}").json()
        assert body["count"] == len(body["results"])
        return {c["reference"] for c in body["results"]}

    cases = {c.reference: c for c in demo.cases.select_related("pdu", "inspector")}
    assert refs("rosh=high") == {r for r, c in cases.items() if c.rosh == "high"}
    assert refs("mappa_eligible=true") == {r for r, c in cases.items() if c.mappa_eligible}
    assert refs("mappa_level=2") == {r for r, c in cases.items() if c.mappa_level == 2}
    pdu = next(iter(cases.values())).pdu.code
    assert refs(f"pdu={pdu}") == {r for r, c in cases.items() if c.pdu.code == pdu}
    assert refs("status=in_progress") == {r for r, c in cases.items() if c.status == "in_progress"}
    inspector = next(c.inspector for c in cases.values() if c.inspector is not None)
    assert refs(f"inspector={inspector.username}") == {
        r for r, c in cases.items() if c.inspector_id == inspector.pk
    }
    assert refs("unallocated=true") == {r for r, c in cases.items() if c.inspector is None}
    assert refs("rosh=high&mappa_eligible=true") == {
        r for r, c in cases.items() if c.rosh == "high" and c.mappa_eligible
    }


def test_cases_are_paginated_and_ordered(demo):
    lead = role_clients(demo)["lead"]
    first = lead.get(f"{BASE}/cases/?page_size=10").json()
    assert first["count"] == 64
    assert [c["reference"] for c in first["results"]] == [f"DEMO-{n:03d}" for n in range(1, 11)]
    assert first["next"].endswith("page=2&page_size=10")
    last = lead.get(f"{BASE}/cases/?page_size=10&page=7").json()
    assert len(last["results"]) == 4
    reverse = lead.get(f"{BASE}/cases/?ordering=-reference&page_size=3").json()
    assert [c["reference"] for c in reverse["results"]] == ["DEMO-064", "DEMO-063", "DEMO-062"]


@pytest.mark.parametrize("query", ["rosh=purple", "mappa_level=9", "mappa_eligible=perhaps"])
def test_an_invalid_filter_gets_400_naming_the_parameter(demo, query):
    lead = role_clients(demo)["lead"]
    response = lead.get(f"{BASE}/cases/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_a_page_past_the_end_is_a_json_404(demo):
    lead = role_clients(demo)["lead"]
    response = lead.get(f"{BASE}/cases/?page=99")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


LIST_URLS = [
    "/api/v1/inspections/",
    "/api/v1/inspections/{slug}/cases/",
    "/api/v1/inspections/{slug}/cases/?rosh=medium&ordering=-commenced_on",
    "/api/v1/inspections/{slug}/cases/SYN-000001/answers/",
    "/api/v1/inspections/{slug}/pdus/",
    "/api/v1/inspections/{slug}/framework/",
    "/api/v1/inspections/{slug}/recommendations/",
    "/api/v1/inspections/{slug}/context-facts/",
    "/api/v1/inspections/{slug}/exports/answers.csv",
    "/api/v1/inspections/{slug}/exports/answers.xlsx",
    "/api/v1/inspections/{slug}/exports/scores.csv",
    "/api/v1/inspections/{slug}/exports/scores.xlsx",
]

# Pinned: token lookup, then the inspection, then what each resource reads.
# A read of case data adds one row to the access log whatever the size of the list: its INSERT
# inside a savepoint (three statements in a test's transaction; one INSERT in production).
LOG = 3
EXPECTED_QUERIES = {
    "/api/v1/inspections/": 3,  # token, count, page
    "/api/v1/inspections/{slug}/cases/": 4 + LOG,  # token, inspection, count, page
    "/api/v1/inspections/{slug}/cases/?rosh=medium&ordering=-commenced_on": 4 + LOG,
    "/api/v1/inspections/{slug}/cases/SYN-000001/answers/": 4
    + LOG,  # token, inspection, case, answers
    "/api/v1/inspections/{slug}/pdus/": 3,
    "/api/v1/inspections/{slug}/framework/": 4,  # token, inspection, framework, questions
    "/api/v1/inspections/{slug}/recommendations/": 3,
    "/api/v1/inspections/{slug}/context-facts/": 3,
    # token, inspection, data version (the ETag), questions, rows
    "/api/v1/inspections/{slug}/exports/answers.csv": 5 + LOG,
    "/api/v1/inspections/{slug}/exports/answers.xlsx": 5 + LOG,
    # token, the inspection with its data version, the scoring engine (nothing cached yet:
    # ADR 14; questions, PDUs, cases, answer tallies: ADR 21)
    "/api/v1/inspections/{slug}/exports/scores.csv": 6 + LOG,
    "/api/v1/inspections/{slug}/exports/scores.xlsx": 6 + LOG,
}


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_endpoints_make_the_same_number_of_queries_for_few_and_many_cases(db, url):
    call_command("generate_synthetic", slug="small", cases=3, seed=1)
    call_command("generate_synthetic", slug="large", cases=300, seed=2)
    from inspections.models import Inspection

    client = token_client(
        api_client_issue(name="Counting", inspections=Inspection.objects.all()).key
    )
    small = _count(client, url.format(slug="small"))
    large = _count(client, url.format(slug="large"))
    assert small == large == EXPECTED_QUERIES[url]
