"""The optional read replica (core/db_router.py): the answers export reads from it when one is
configured, everything else stays on the primary. The replica here is a second alias on the
same server (config/settings/test.py), so committed rows are visible through both."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.tests.factories import CaseFactory
from cases.tests.helpers import answer_all
from core.db_router import PrimaryReplicaRouter, read_alias
from inspections.models import Membership
from inspections.tests.factories import InspectionFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _case_reads(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if '"cases_case"' in q["sql"]]


def _export(framework, path: str) -> tuple[bytes, CaptureQueriesContext, CaptureQueriesContext]:
    inspection = InspectionFactory(framework=framework)
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    case = CaseFactory(inspection=inspection, reference="REP-0001", inspector=lead)
    answer_all(case, lead)
    client = APIClient()
    client.force_authenticate(lead)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(f"/api/v1/inspections/{inspection.slug}/exports/{path}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
    return body, replica, primary


def test_the_answers_export_reads_its_rows_from_the_replica(framework, settings):
    settings.READ_REPLICA = "replica"
    assert read_alias() == "replica"
    body, replica, primary = _export(framework, "answers.csv")
    assert b"REP-0001" in body
    assert _case_reads(replica), "the cases were read from the replica"
    assert not _case_reads(primary), "and not from the primary"


def test_without_a_replica_every_read_is_on_the_primary(framework, settings):
    settings.READ_REPLICA = None
    assert read_alias() == "default"
    body, replica, primary = _export(framework, "answers.csv")
    assert b"REP-0001" in body
    assert not replica.captured_queries
    assert _case_reads(primary)


def test_a_replica_named_but_not_configured_falls_back_to_the_primary(settings):
    settings.READ_REPLICA = "elsewhere"
    assert read_alias() == "default"


def test_writes_and_migrations_go_to_the_primary_only():
    router = PrimaryReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) is None  # unqualified reads: the primary
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False
