"""Browser-test support: the Chromium Playwright drives (Debian's), a visitor that checks every
page it lands on with axe (WCAG 2.2 A/AA), and small helpers the journeys share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PASSWORD = "test-password-123"  # UserFactory's


def launch():
    """A generator for the `browser` fixture (tests/conftest.py)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/system-packages (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the tests
    # here) refuses to run under one unless told it is safe, which it is for tests. Only while
    # the browser runs: the variable must not leak into other tests (check --deploy fails on it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visitor:
    """One person's browser session; checks every page it lands on with axe."""

    def __init__(self, browser, base_url: str, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.axe = Axe()
        self.checked: list[str] = []

    def check(self, shot: str | None = None) -> None:
        results = self.axe.run(
            self.page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = [
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]
        ]
        assert violations == [], f"axe on {self.page.url}: {violations}"
        self.checked.append(self.page.url)
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)

    def go(self, path: str, shot: str | None = None) -> None:
        self.page.goto(self.base_url + path)
        self.check(shot)

    def sign_in(self, username: str, shot: str | None = None) -> None:
        self.go("/accounts/login/", shot)
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.check()


def answer_section(page, *, skip_key_rationale: bool = False) -> None:
    """Yes to every question on the page, with a rationale for the key question."""
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    key = page.locator("textarea[id$='-rationale']").last
    if page.get_by_role("heading", name="Key question").count() and not skip_key_rationale:
        key.fill("The plan addresses the risks found in assessment.")
