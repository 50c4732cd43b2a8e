"""The accessibility statement: public, in the GOV.UK pattern, linked from every page's footer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.views.defaults import server_error

from inspections.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FOOTER_LINK = re.compile(
    r'<footer class="govuk-footer">.*<a class="govuk-footer__link" href="/accessibility/">'
    r"Accessibility statement</a>",
    re.DOTALL,
)


def test_the_statement_is_public_and_says_how_to_report_a_problem(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "report-a-problem@dipp.example"
    response = client.get(reverse("accessibility-statement"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Accessibility statement for DIPP case inspection" in page
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h" in page, heading
    assert "WCAG" in page and "2.2" in page
    assert page.count('href="mailto:report-a-problem@dipp.example"') == 2


def test_the_statement_url_is_the_one_the_footers_write():
    assert reverse("accessibility-statement") == "/accessibility/"


def test_a_signed_in_page_links_the_statement_in_its_footer(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert FOOTER_LINK.search(response.content.decode())


def test_the_sign_in_page_links_the_statement_in_its_footer(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert FOOTER_LINK.search(response.content.decode())


def test_the_not_found_page_links_the_statement_in_its_footer(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert FOOTER_LINK.search(page)


def test_the_statement_page_itself_links_the_statement_in_its_footer(client):
    assert FOOTER_LINK.search(client.get(reverse("accessibility-statement")).content.decode())


def test_the_server_error_page_links_the_statement(rf):
    """The 500 page is plain HTML (nothing in it may fail), so its link is written out."""
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<a href="{reverse("accessibility-statement")}">Accessibility statement</a>' in page


PRIVACY_LINK = re.compile(
    r'<footer class="govuk-footer">.*<a class="govuk-footer__link" href="/privacy/">Privacy</a>',
    re.DOTALL,
)


def test_the_privacy_notice_is_public_and_says_who_why_how_long_and_whom_to_ask(client, settings):
    settings.DATA_CONTROLLER = "The Test Inspectorate"
    settings.DATA_PROTECTION_CONTACT_EMAIL = "dpo@test.example"
    settings.RETENTION_MONTHS_AFTER_PUBLICATION = 18
    response = client.get(reverse("privacy-notice"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Who is responsible for your data", "What we hold", "Why we hold it"):
        assert f">{heading}</h2>" in page, heading
    assert "The Test Inspectorate" in page
    assert 'href="mailto:dpo@test.example"' in page
    assert "18 months after the inspection" in page


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/", "/privacy/"])
def test_every_page_links_the_privacy_notice_in_its_footer(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    assert PRIVACY_LINK.search(response.content.decode())


def test_the_server_error_page_links_the_privacy_notice(rf):
    page = server_error(rf.get("/")).content.decode()
    assert f'<a href="{reverse("privacy-notice")}">Privacy</a>' in page
