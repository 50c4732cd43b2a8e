"""The deployment, tested as deployed: production settings, collectstatic, check --deploy, and
gunicorn serving every kind of page over its own socket.

gunicorn runs `config.settings.production` (a strong random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1)
on a free loopback port, against this test's database (transactional, so it sees the demo), with
the static files collected into a temporary STATIC_ROOT. Requests say they came through a TLS
proxy (X-Forwarded-Proto: https), as in a deployment, so the production redirect to https and the
Secure cookies stay on. Fails if collectstatic, the deploy checks, or any page breaks.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
SLUG = "south-west-2025"
PASSWORD = "smoke-test-password-2025"
FAR_FUTURE = 365 * 24 * 3600


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _production_env(tmp_path: Path) -> dict[str, str]:
    drop = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CELERY_BROKER_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": _database_url(),
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "CACHE_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class Site:
    """A browser of sorts: cookies kept by hand (the session and CSRF cookies are Secure, and
    the socket is plain HTTP behind the pretend proxy), every request marked as proxied TLS."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, **kwargs: object) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.base.removeprefix('http://')}{path}",
            **kwargs.pop("headers", {}),  # type: ignore[dict-item]
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def sign_in(self, username: str, password: str) -> requests.Response:
        form = self.get("/accounts/login/")
        assert form.status_code == 200, form.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "the sign-in form has no CSRF token"
        return self.request(
            "POST",
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        )


@pytest.fixture
def gunicorn(tmp_path: Path, demo: object) -> Iterator[Site]:
    env = _production_env(tmp_path)
    collected = _manage(env, "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    checked = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = Site(base=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                site.get("/accounts/login/")
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.3)
        site.cookies.clear()
        yield site
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")


def test_production_serves_every_page_kind_static_files_and_the_api(gunicorn: Site) -> None:
    site = gunicorn
    admin = User.objects.get(username="admin")
    # The demo's hashes use the tests' fast hasher, which production does not accept.
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "smoketestsalt", iterations=1000)
    admin.save(update_fields=["password"])

    # Plain HTTP is sent to HTTPS, as a proxy-less request would be.
    plain = requests.get(site.base + "/accounts/login/", allow_redirects=False, timeout=30)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")

    # The health probes answer plain HTTP under any Host: a load balancer's, the container's own.
    for probe in ("/healthz/", "/readyz/"):
        answer = requests.get(
            site.base + probe, headers={"Host": "10.0.0.9:8000"}, allow_redirects=False, timeout=30
        )
        assert answer.status_code == 200, (probe, answer.status_code, answer.text[:300])
        assert answer.json()["status"] == "ok"

    signed_in = site.sign_in("admin", PASSWORD)
    assert signed_in.status_code == 302, signed_in.text[:1000]
    assert "sessionid" in site.cookies

    pages = {
        "home": "/",
        "inspection": f"/inspections/{SLUG}/",
        "case list": f"/inspections/{SLUG}/cases/",
        "case": f"/inspections/{SLUG}/cases/DEMO-001/",
        "question": f"/inspections/{SLUG}/cases/DEMO-001/questions/C1/",
        "scores": f"/inspections/{SLUG}/scores/",
        "agreement": f"/inspections/{SLUG}/agreement/",
        "report": f"/inspections/{SLUG}/report/",
        "case import": f"/inspections/{SLUG}/cases/import/",
        "admin": "/admin/",
        "admin list": "/admin/auth/user/",
        "API docs": "/api/v1/docs/",
        "API docs script": "/api/v1/docs/?script=",
        "API schema": "/api/v1/schema/",
        "browsable API": f"/api/v1/inspections/{SLUG}/",
    }
    assets: set[str] = set()
    for name, path in pages.items():
        response = site.get(path)
        assert response.status_code == 200, f"{name} ({path}): {response.status_code}"
        assert "Content-Security-Policy" in response.headers, name
        assert (
            "max-age=31536000; includeSubDomains" in response.headers["Strict-Transport-Security"]
        ), name
        if response.headers["Content-Type"].startswith("text/html"):
            assert "script-src 'self'" in response.headers["Content-Security-Policy"], name
            assets.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text))

    # Every static file a page names is served, fingerprinted, with a far-future lifetime.
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    govuk = [a for a in assets if "govuk-frontend" in a]
    assert govuk and all(re.search(r"\.[0-9a-f]{12}\.", a) for a in govuk), govuk
    for asset in sorted(assets):
        response = site.get(asset)
        assert response.status_code == 200, asset
        max_age = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
        assert max_age and int(max_age[1]) >= FAR_FUTURE, (asset, response.headers)

    # The API with a token, as a program calls it.
    key = Token.objects.create(user=admin).key
    api = requests.get(
        f"{site.base}/api/v1/inspections/{SLUG}/scores/",
        headers={"Authorization": f"Token {key}", "X-Forwarded-Proto": "https"},
        timeout=60,
    )
    assert api.status_code == 200, api.text[:500]
    assert api.json()["cases"] == 64

    # An API error from production is the JSON error shape, not a page.
    missing = requests.get(
        f"{site.base}/api/v1/inspections/no-such-inspection/",
        headers={"Authorization": f"Token {key}", "X-Forwarded-Proto": "https"},
        timeout=60,
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"

    # Signing out ends the session.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', site.get("/").text)
    assert token
    out = site.request("POST", "/accounts/logout/", data={"csrfmiddlewaretoken": token[1]})
    assert out.status_code == 302
    assert site.get("/").status_code == 302
