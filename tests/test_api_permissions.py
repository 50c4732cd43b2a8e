"""API permissions on the demo beyond the matrix (tests/test_permission_matrix.py): what each
role's lists contain, and writes to moderated cases."""

from __future__ import annotations

import pytest

from tests.api_helpers import ROLES, role_clients

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inspections/south-west-2025"
# The inspector in role_clients is allocated the demo's first case, DEMO-001.
CASE = f"{BASE}/cases/DEMO-001"


def test_the_inspection_list_shows_each_role_only_its_inspections(demo):
    clients = role_clients(demo)
    slugs = {}
    for role in ROLES:
        response = clients[role].get("/api/v1/inspections/")
        slugs[role] = (
            response.status_code,
            [i["slug"] for i in response.json().get("results", [])],
        )
    assert slugs == {
        "anonymous": (401, []),
        "other_client": (200, ["elsewhere-2025"]),
        "client": (200, ["south-west-2025"]),
        "revoked_client": (401, []),
        "inspector": (200, ["south-west-2025"]),
        # The demo lead also leads the synthetic earlier inspection (the baseline, issue 13).
        "lead": (200, ["south-west-2025", "south-west-earlier-synthetic"]),
    }


def test_an_inspector_sees_only_the_cases_allocated_to_them(demo):
    clients = role_clients(demo)
    inspector = clients["inspector"]
    listed = inspector.get(f"{BASE}/cases/").json()
    assert [c["reference"] for c in listed["results"]] == ["DEMO-001"]
    assert inspector.get(f"{BASE}/cases/DEMO-002/").status_code == 404
    assert inspector.get(f"{BASE}/cases/DEMO-002/answers/C1/").status_code == 404
    body = inspector.get(f"{BASE}/exports/answers.csv")
    lines = b"".join(body.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["DEMO-001"]


def test_the_lead_and_a_scoped_client_see_every_case(demo):
    clients = role_clients(demo)
    for role in ("lead", "client"):
        assert clients[role].get(f"{BASE}/cases/").json()["count"] == 64


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("other_client", 403),
        ("client", 403),
        ("revoked_client", 401),
        # The demo's cases are moderated: after submission only the lead changes an answer.
        ("inspector", 403),
        ("lead", 200),
    ],
)
def test_answer_writes_after_moderation_are_for_the_lead_only(demo, role, expected):
    clients = role_clients(demo)
    before = clients["lead"].get(f"{CASE}/answers/C1/")
    etag = before["ETag"]
    new_value = "yes" if before.json()["value"] == "no" else "no"
    response = clients[role].put(
        f"{CASE}/answers/C1/",
        {"value": new_value, "rationale": "Changed through the API.", "reason": "Moderation."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == expected, response.content
    after = clients["lead"].get(f"{CASE}/answers/C1/").json()
    assert (after["value"] == new_value) is (expected == 200)
    assert set(response.json()) >= ({"detail", "code", "errors"} if expected >= 400 else {"etag"})


def test_an_inspector_cannot_write_to_a_case_allocated_to_someone_else(demo):
    clients = role_clients(demo)
    response = clients["inspector"].put(
        f"{BASE}/cases/DEMO-002/answers/C1/", {"value": "yes"}, format="json"
    )
    assert response.status_code == 404


def test_the_schema_and_its_documentation_are_public(demo):
    clients = role_clients(demo)
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        assert clients["anonymous"].get(url).status_code == 200
