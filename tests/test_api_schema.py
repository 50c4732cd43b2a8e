"""The OpenAPI 3 schema: valid, complete, and documented without the internet."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns every drf-spectacular warning (an undescribed field or view) into
    # a failure; --validate checks the document against the OpenAPI 3 specification.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


CUSTOM_ERRORS = {("cases_import", "400"): "/CaseImportErrors"}


def test_every_operation_describes_its_errors_and_parameters(schema):
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert len(operations) >= 16
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("description") or op.get("summary"), where
        codes = set(op["responses"])
        assert {"401", "403", "404", "429"} <= codes, where
        assert any(code.startswith("2") for code in codes), where
        if method != "get":
            # Every write says how it refuses input or a stale or premature request.
            assert codes & {"400", "409", "412", "428"}, where
        for code, response in op["responses"].items():
            assert response.get("description"), f"{where} {code}"
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                # The case import's 400 lists problems by line: its documented contract.
                expected = CUSTOM_ERRORS.get((op.get("operationId"), code), "/Error")
                assert ref.endswith(expected), f"{where} {code}"
        for name in re.findall(r"{(\w+)}", path):
            assert any(p["name"] == name and p["in"] == "path" for p in op["parameters"]), where


def test_the_scores_contract_is_kept_in_the_schema(schema):
    scores = schema["components"]["schemas"]["InspectionScores"]
    assert {"inspection", "cases", "questions", "breakdowns", "profile"} <= set(
        scores["properties"]
    )


def test_the_programme_scores_contract_is_in_the_schema(schema):
    scores = schema["components"]["schemas"]["ProgrammeScores"]["properties"]
    assert {"programme", "provisional", "provisional_inspections", "questions", "funnels"} <= set(
        scores
    )
    pooled = schema["components"]["schemas"]["PooledFigure"]["properties"]
    assert {"yes", "relevant", "percent", "ci_low", "ci_high", "provisional", "synthetic"} <= set(
        pooled
    )
    assert any(
        p["name"] == "provisional"
        for p in schema["paths"]["/api/v1/programmes/{programme}/scores/"]["get"]["parameters"]
    )


@pytest.mark.parametrize("url", ["/api/v1/docs/"])
def test_the_interactive_documentation_uses_only_local_assets(client, url):
    page = client.get(url).content.decode()
    # Its start-up script is a separate response (no inline script: the CSP forbids it).
    script = client.get(url + "?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
    assert "<script>" not in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the page loads its scripts and styles"
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


def test_the_answer_operations_document_their_etag_header(schema):
    answer = schema["paths"]["/api/v1/inspections/{slug}/cases/{reference}/answers/{code}/"]
    assert answer["get"]["responses"]["200"]["headers"]["ETag"]["required"] is True
    for code in ("200", "201"):
        assert answer["put"]["responses"][code]["headers"]["ETag"]["required"] is True
    assert "ETag" in answer["put"]["responses"]["412"]["headers"]
    assert any(p["name"] == "If-Match" for p in answer["put"]["parameters"])
