"""Every API error is JSON in the documented shape, including the limits (body too large, JSON too
deep, URL too long, bad pagination), and the API and pages keep working when the cache is down.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from api.parsers import json_depth
from cases.tests.factories import CaseFactory
from inspections.models import Inspection, Membership
from inspections.tests.factories import InspectionFactory, MembershipFactory, PDUFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def inspection(framework) -> Inspection:
    inspection = InspectionFactory(framework=framework)
    CaseFactory(
        inspection=inspection, pdu=PDUFactory(region=inspection.region), reference="LIM-001"
    )
    return inspection


@pytest.fixture
def lead(inspection):
    return MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user


@pytest.fixture
def lead_api(lead) -> APIClient:
    client = APIClient()
    client.force_authenticate(lead)
    return client


def _is_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code, body
    return body


def _answer_url(inspection: Inspection) -> str:
    return f"/api/v1/inspections/{inspection.slug}/cases/LIM-001/answers/C1/"


def test_a_deeply_nested_json_body_is_a_400_not_a_recursion_error(inspection, lead_api):
    body = "[" * 1000 + "]" * 1000
    response = lead_api.put(_answer_url(inspection), body, content_type="application/json")
    assert "nested too deeply" in _is_error(response, 400, "too_deep")["detail"]


def test_json_nested_within_the_limit_is_parsed_as_usual(inspection, lead_api):
    body = json.dumps({"value": "yes", "rationale": "Seen.", "extra": [[[[1]]]]})
    response = lead_api.put(_answer_url(inspection), body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_depth_scan_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', limit=3) == 1
    assert json_depth("[" * 40 + "]" * 40, limit=32) == 33  # stops counting past the limit
    assert json_depth('[{"a": ["\\"["]}]', limit=1) == 2


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_limit_is_a_413(inspection, lead_api):
    body = json.dumps({"value": "yes", "rationale": "x" * 2000})
    response = lead_api.put(_answer_url(inspection), body, content_type="application/json")
    _is_error(response, 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_form_body_over_the_limit_is_a_json_413(inspection, lead_api):
    response = lead_api.put(
        _answer_url(inspection),
        "value=yes&rationale=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )
    _is_error(response, 413, "request_too_large")


@override_settings(MAX_REQUEST_BODY_BYTES=5000)
def test_a_declared_body_over_the_request_limit_is_refused_before_it_is_read(inspection, lead_api):
    body = json.dumps({"value": "yes", "rationale": "x" * 6000})
    response = lead_api.put(_answer_url(inspection), body, content_type="application/json")
    assert "at most" in _is_error(response, 413, "request_too_large")["detail"]


def test_a_url_over_the_limit_is_a_json_414_under_the_api(inspection, lead_api):
    response = lead_api.get(f"/api/v1/inspections/{inspection.slug}/cases/?pdu=" + "x" * 5000)
    _is_error(response, 414, "uri_too_long")


def test_a_url_over_the_limit_is_a_page_elsewhere(client):
    response = client.get("/accounts/login/?next=" + "x" * 5000)
    assert response.status_code == 414
    assert "The address is too long" in response.content.decode()


def test_an_unexpected_error_under_the_api_is_json(inspection, lead_api, monkeypatch):
    from cases.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "case_get", broken)
    lead_api.raise_request_exception = False
    response = lead_api.get(f"/api/v1/inspections/{inspection.slug}/cases/LIM-001/")
    _is_error(response, 500, "server_error")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=1&page=2", "page"),
        ("page=%D9%A3", "page"),  # an Arabic-Indic three: a digit, but not one we accept
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=null", "page_size"),
        ("page_size=10&page_size=20", "page_size"),
    ],
)
def test_pagination_parameters_are_validated(inspection, lead_api, query, parameter):
    response = lead_api.get(f"/api/v1/inspections/{inspection.slug}/cases/?{query}")
    body = _is_error(response, 400, "invalid")
    assert list(body["errors"]) == [parameter]


def test_valid_pagination_parameters_are_accepted(inspection, lead_api):
    response = lead_api.get(f"/api/v1/inspections/{inspection.slug}/cases/?page=1&page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_schema_types_filters_and_pagination_as_they_are_parsed(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/inspections/{slug}/cases/"]["get"]["parameters"]
    }
    assert parameters["mappa_eligible"] == {"type": "boolean"}
    assert parameters["unallocated"] == {"type": "boolean"}
    assert parameters["mappa_level"] == {"type": "integer", "enum": [1, 2, 3]}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_the_api_keeps_answering_when_the_cache_is_unreachable(inspection, lead, caplog):
    with pytest.raises(RedisError):  # the cache really is unreachable
        caches["default"].get("anything")
    client = APIClient()
    client.force_login(lead)  # a session: sessions are in the database, not the cache
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        response = client.get(f"/api/v1/inspections/{inspection.slug}/cases/")
        assert response.status_code == 200
        assert response.json()["count"] == 1
    assert "throttling is off" in caplog.text


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_pages_and_sign_in_work_when_the_cache_is_unreachable(inspection, lead):
    from inspections.tests.factories import UserFactory

    UserFactory(username="cacheless")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "cacheless", "password": "test-password-123"}
    )
    assert response.status_code == 302
    lead_client = Client()
    lead_client.force_login(lead)
    assert lead_client.get(f"/inspections/{inspection.slug}/").status_code == 200


def test_every_page_has_a_content_security_policy_without_inline_script(inspection, lead):
    client = Client()
    client.force_login(lead)
    for url in ("/accounts/login/", "/", f"/inspections/{inspection.slug}/", "/api/v1/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy
        html = response.content.decode()
        # Scripts are files (src=...) or JSON data blocks; none has inline code.
        for tag in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.DOTALL):
            attributes, code = tag
            assert "src=" in attributes or "application/json" in attributes or not code.strip(), (
                url,
                tag,
            )


@pytest.mark.django_db
def test_a_nul_character_on_any_page_is_a_clear_400_and_nothing_is_saved(client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("nul-admin", "a@example.org", "x")
    client.force_login(admin)
    # A search box (GET) and a form (POST): refused before any view, as a page.
    search = client.get("/data-requests/?reference=%00")
    assert search.status_code == 400
    assert "NUL character" in search.content.decode()
    posted = client.post("/inspections/new/", {"title": "A\x00B"})
    assert posted.status_code == 400
    assert "NUL character" in posted.content.decode()
    assert not Inspection.objects.filter(title__startswith="A").exists()
