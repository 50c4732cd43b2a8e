"""/healthz/ and /readyz/: the probes load balancers and docker-compose use (core/health.py)."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_lists_each_check_and_is_200_when_all_answer(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_readyz_is_a_503_naming_the_cache_when_the_cache_is_down(client):
    response = client.get("/readyz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_a_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_readyz_is_a_503_not_a_500_when_the_database_is_down(client, monkeypatch):
    from core import health

    def refused() -> None:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "OSError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


@pytest.mark.parametrize("path", ["/healthz/", "/readyz/"])
def test_probes_answer_over_plain_http_under_any_host_header(client, settings, path):
    # Production redirects to HTTPS and checks the Host header; a probe from inside the
    # container has neither, and must still be answered.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["dipp.example.gov.uk"]
    response = client.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_other_pages_still_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accessibility/")
    assert response.status_code == 301
