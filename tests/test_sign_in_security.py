"""Sign-in resists guessing (django-axes) on every sign-in form, and sessions end as designed.

Lockout is by username and, separately, by address, after AXES_FAILURE_LIMIT failures; the
page says when to try again; an administrator unlocks in the admin.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.authtoken.models import Token

from core.middleware import SIGNED_IN_AT
from inspections.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"  # UserFactory's
SIGN_IN_FORMS = {
    "site": "/accounts/login/",
    "admin": "/admin/login/",
    "browsable API": "/api-auth/login/",
}


def _post(client: Client, url: str, username: str, password: str, **extra: str):
    return client.post(url, {"username": username, "password": password, "next": "/"}, **extra)


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.parametrize("form", SIGN_IN_FORMS.values(), ids=SIGN_IN_FORMS.keys())
def test_twenty_wrong_passwords_then_the_right_one_does_not_sign_in(form):
    UserFactory(username="victim", is_staff=True)
    client = Client()
    for _ in range(20):
        response = _post(client, form, "victim", "wrong-guess")
        assert not _signed_in(client)
    response = _post(client, form, "victim", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    text = response.content.decode()
    assert "You cannot sign in at the moment" in text
    assert re.search(r"Try again after <strong>\d\d:\d\d</strong>", text)
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_a_username_is_locked_whatever_address_the_guesses_come_from():
    UserFactory(username="victim")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "/accounts/login/", "victim", "guess")
    client = Client(REMOTE_ADDR="10.0.1.1")
    assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_an_address_is_locked_whatever_usernames_it_tries():
    UserFactory(username="bystander")
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post(attacker, "/accounts/login/", f"someone{n}", "guess")
    assert _post(attacker, "/accounts/login/", "bystander", PASSWORD).status_code == 429
    # The same person from elsewhere is not locked.
    elsewhere = Client(REMOTE_ADDR="10.9.9.10")
    assert _post(elsewhere, "/accounts/login/", "bystander", PASSWORD).status_code == 302
    assert _signed_in(elsewhere)


def test_a_forwarded_for_header_does_not_dodge_the_address_lockout():
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post(
            attacker, "/accounts/login/", f"someone{n}", "guess", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        )
    UserFactory(username="other")
    response = _post(
        attacker, "/accounts/login/", "other", PASSWORD, HTTP_X_FORWARDED_FOR="5.6.7.8"
    )
    assert response.status_code == 429


def test_fewer_failures_than_the_limit_still_sign_in():
    UserFactory(username="typist")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, "/accounts/login/", "typist", "typo").status_code == 200
    assert _post(client, "/accounts/login/", "typist", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_lockout_ends_after_the_cool_off():
    UserFactory(username="victim")
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post(client, "/accounts/login/", "victim", "guess")
        assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 429
    later = settings.AXES_COOLOFF_TIME.total_seconds() + 60
    with time_machine.travel(f"2026-03-02 09:{int(later // 60):02d} +00:00", tick=False):
        assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin():
    UserFactory(username="victim")
    admin = UserFactory(username="the-admin", is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(), "/accounts/login/", "victim", "guess")
    assert _post(Client(), "/accounts/login/", "victim", PASSWORD).status_code == 429
    attempts = AccessAttempt.objects.filter(username="victim")
    assert attempts.exists()
    browser = Client()
    browser.force_login(admin)
    listing = browser.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "victim" in listing.content.decode()
    response = browser.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="victim").exists()
    client = Client()
    assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_a_session_ends_after_the_idle_timeout():
    user = UserFactory()
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False):
        _post(client, "/accounts/login/", user.username, PASSWORD)
        assert client.get("/").status_code == 200
    # Activity keeps it going: a request an hour later renews the idle expiry.
    with time_machine.travel("2026-03-02 10:00 +00:00", tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel("2026-03-02 11:30 +00:00", tick=False):
        assert client.get("/").status_code == 200
    # Idle for longer than the timeout: signed out.
    with time_machine.travel("2026-03-02 13:45 +00:00", tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_session_ends_a_working_day_after_sign_in_however_busy():
    user = UserFactory()
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +00:00", tick=False):
        _post(client, "/accounts/login/", user.username, PASSWORD)
        assert isinstance(client.session[SIGNED_IN_AT], float)
    for hour in range(9, 18):
        with time_machine.travel(f"2026-03-02 {hour:02d}:00 +00:00", tick=False):
            assert client.get("/").status_code == 200, hour
    with time_machine.travel("2026-03-02 18:01 +00:00", tick=False):
        assert client.get("/").status_code == 302
        assert not _signed_in(client)


def test_a_password_change_signs_out_every_other_session_and_deletes_api_tokens():
    user = UserFactory()
    laptop, phone = Client(), Client()
    _post(laptop, "/accounts/login/", user.username, PASSWORD)
    _post(phone, "/accounts/login/", user.username, PASSWORD)
    token = Token.objects.create(user=user)
    response = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it stays
    assert phone.get("/").status_code == 302  # every other one is signed out
    assert not Token.objects.filter(pk=token.pk).exists()


def test_saving_a_user_without_changing_the_password_keeps_their_tokens():
    user = UserFactory()
    token = Token.objects.create(user=user)
    user.first_name = "Renamed"
    user.save()
    assert Token.objects.filter(pk=token.pk).exists()
