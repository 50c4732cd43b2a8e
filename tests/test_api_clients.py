"""API clients: tokens issued by an administrator, scoped, read-only, revocable, throttled."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from rest_framework.test import APIClient

from api.models import ApiClient
from api.services import api_client_issue, api_client_revoke, api_key_hash
from inspections.tests.factories import InspectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_only_a_hash_of_the_key_is_stored(framework):
    issued = api_client_issue(name="Analysts", inspections=[InspectionFactory(framework=framework)])
    stored = ApiClient.objects.get(pk=issued.client.pk)
    assert stored.key_hash == api_key_hash(issued.key)
    assert issued.key not in {stored.key_hash, stored.key_prefix}
    assert not stored.user.has_usable_password()


def test_issuing_needs_a_name_and_an_inspection(framework):
    with pytest.raises(ValidationError) as exc:
        api_client_issue(name=" ", inspections=[])
    assert set(exc.value.message_dict) == {"name", "inspections"}


def test_an_unknown_token_is_refused(framework):
    response = token("not-a-real-key").get("/api/v1/inspections/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_is_refused_from_then_on(framework):
    inspection = InspectionFactory(framework=framework)
    issued = api_client_issue(name="Analysts", inspections=[inspection])
    client = token(issued.key)
    assert client.get(f"/api/v1/inspections/{inspection.slug}/").status_code == 200
    api_client_revoke(client=issued.client)
    response = client.get(f"/api/v1/inspections/{inspection.slug}/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token has been revoked."


def test_the_administrator_issues_a_token_shown_once_and_revokes_it(framework):
    inspection = InspectionFactory(framework=framework)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        "/admin/api/apiclient/add/",
        {"name": "Regional analysts", "inspections": [inspection.pk]},
        follow=True,
    )
    assert response.status_code == 200
    client_row = ApiClient.objects.get(name="Regional analysts")
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split("The token of Regional analysts is: ")[1].split(" ")[0] for m in shown)
    assert api_key_hash(key) == client_row.key_hash
    assert list(client_row.inspections.all()) == [inspection]
    # Shown once: the change page does not show it again.
    page = browser.get(f"/admin/api/apiclient/{client_row.pk}/change/")
    assert key not in page.content.decode()
    assert token(key).get(f"/api/v1/inspections/{inspection.slug}/").status_code == 200

    browser.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [client_row.pk]},
    )
    client_row.refresh_from_db()
    assert client_row.revoked_at is not None
    assert token(key).get(f"/api/v1/inspections/{inspection.slug}/").status_code == 401


@override_settings(API_THROTTLE_RATES={"api_client": "3/minute", "person": "1000/minute"})
def test_requests_are_throttled_per_token(framework):
    cache.clear()
    inspection = InspectionFactory(framework=framework)
    first = token(api_client_issue(name="First", inspections=[inspection]).key)
    second = token(api_client_issue(name="Second", inspections=[inspection]).key)
    url = f"/api/v1/inspections/{inspection.slug}/"
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
    throttled = first.get(url)
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    # Another token has its own allowance.
    assert second.get(url).status_code == 200
    cache.clear()
