"""Property-based tests of the whole API against its own live OpenAPI schema (Schemathesis).

A live server runs the application with the demo loaded. For every operation in the schema,
Schemathesis generates requests from the schema (path and query parameters, headers, bodies),
sends them over HTTP with a token, and checks each response: never a server error, and the
status code, content type, headers and body all conform to the schema. Path parameters are
steered towards real records half the time, so that successful responses are checked too,
not only 404s.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import api_client_issue
from inspections.models import Inspection, Membership, Programme

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MINIMUM_REQUESTS = 500

# Real values for path parameters, mixed with whatever Schemathesis generates.
REAL = {
    "slug": ["south-west-2025"],
    "reference": ["DEMO-001", "DEMO-017", "DEMO-064"],
    "code": ["C1", "C2", "S1", "P1.1"],
    "build_id": [1],
    "number": [1],
    "kind": ["html", "pdf"],
}


def steered(operation):
    def choose(case, draw_real):
        for name in list(case.path_parameters or {}):
            if name in REAL and draw_real[0]:
                case.path_parameters[name] = REAL[name][draw_real[1] % len(REAL[name])]
        return case

    return st.tuples(operation.as_strategy(), st.tuples(st.booleans(), st.integers(0, 10))).map(
        lambda pair: choose(*pair)
    )


def run_operations(
    schema, headers: dict[str, str], *, methods: set[str], examples: int, statuses: Counter
) -> int:
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.lower() not in methods:
            continue

        @given(case=steered(operation))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            nonlocal sent
            response = case.call(headers=headers)
            sent += 1
            statuses[(case.method.upper(), response.status_code)] += 1
            case.validate_response(response, checks=CHECKS)

        check()
    return sent


@pytest.fixture
def live_schema(live_server, demo, settings, monkeypatch):
    # Throttling is tested elsewhere; here hundreds of requests arrive within a minute.
    settings.API_THROTTLE_RATES = {"api_client": None, "person": None}
    # "Build the report" queues a task; tasks would run in-process here, a PDF per request. The
    # first build stays queued (no worker), so later requests answer with it.
    monkeypatch.setattr("reports.tasks.report_build.apply_async", lambda *args, **kwargs: None)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")


def programme_of(demo: Inspection) -> Programme:
    """The demo inspection's programme (issue 14), made here if the demo has none."""
    existing = Programme.objects.filter(inspections=demo).first()
    if existing is not None:
        return existing
    programme = Programme.objects.create(
        slug="schemathesis-programme", name="Schemathesis programme", framework=demo.framework
    )
    Inspection.objects.filter(pk=demo.pk).update(programme=programme)
    return programme


def test_generated_requests_get_no_server_error_and_conform_to_the_schema(
    live_schema, demo, monkeypatch
):
    # The programme routes read a real programme half the time too.
    monkeypatch.setitem(REAL, "programme", [programme_of(demo).slug])
    lead = Membership.objects.get(inspection=demo, role=Membership.Role.LEAD).user
    lead_token = Token.objects.create(user=lead).key
    client_key = api_client_issue(name="Schemathesis", inspections=[demo]).key
    operations = [r.ok() for r in live_schema.get_all_operations()]
    gets = [op for op in operations if op.method.lower() == "get"]
    # The lead reads and writes everything; a scoped API client reads (and is refused writes).
    per_operation = math.ceil(MINIMUM_REQUESTS / len(operations)) + 5
    statuses: Counter = Counter()
    sent = run_operations(
        live_schema,
        {"Authorization": f"Token {lead_token}"},
        methods={"get", "put", "post", "patch", "delete"},
        examples=per_operation,
        statuses=statuses,
    )
    sent += run_operations(
        live_schema,
        {"Authorization": f"Token {client_key}"},
        methods={"get", "put"},
        examples=max(5, per_operation // 3),
        statuses=statuses,
    )
    assert len(gets) >= 15
    assert sent >= MINIMUM_REQUESTS, sent
    # Not only refusals were checked: real records were read, and the client's writes refused.
    assert statuses[("GET", 200)] >= 100, statuses
    assert statuses[("PUT", 403)] >= 1, statuses
    assert sum(n for (_, code), n in statuses.items() if code >= 500) == 0
