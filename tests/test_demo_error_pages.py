"""The demo (bin/demo) runs with DEBUG off, so a visitor sees the service's own error pages,
never Django's technical 404 with every URL pattern of the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_script_turns_debug_off_unless_told_otherwise():
    script = (ROOT / "bin" / "demo").read_text()
    assert re.search(r'^export DEBUG="\$\{DEBUG:-false\}"$', script, re.M)
    # Before runserver, so the server starts with it.
    assert script.index("export DEBUG") < script.index("runserver")


@pytest.mark.django_db
def test_with_debug_off_an_unknown_address_gets_the_services_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "govuk-template" in body
    assert "URLconf" not in body and "urlpatterns" not in body
