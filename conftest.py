"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from demo.loader import FRAMEWORK_FILE, demo_load
from inspections.models import Framework
from inspections.services import framework_load_file
from scoring.tests.handworked import Handworked, handworked_build

ROOT = Path(__file__).resolve().parent
# CI lays shared/ beside the clone; DIPP_SHARED_DIR points elsewhere when it is not.
SHARED = Path(os.environ.get("DIPP_SHARED_DIR", ROOT.parent / "shared"))
SEED_REPORT = SHARED / "seed" / "dipp-south-west-2025.txt"


@contextmanager
def _broker_at(url: str) -> Iterator[None]:
    """Send tasks to a real broker URL (here: one that is down) instead of running them
    in-process, then put the test settings back."""
    from kombu import pools as kombu_pools

    from config.celery import app as celery_app

    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    conf.update(broker_url=url, task_always_eager=False)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        conf.update(saved)


@pytest.fixture
def broker_at():
    """`with broker_at("redis://127.0.0.1:1/0"): ...` sends tasks to that broker."""
    return _broker_at


@pytest.fixture
def framework(db) -> Framework:
    return framework_load_file(path=FRAMEWORK_FILE).framework


@pytest.fixture
def demo(db):
    """The South West 2025 demo inspection, loaded exactly as `manage.py load_demo` does."""
    return demo_load().inspection


@pytest.fixture
def handworked(db) -> Handworked:
    """The hand-worked inspection (scoring/tests/handworked.py): twelve cases, every figure
    worked out by hand in scoring/tests/test_handworked_scores.py."""
    return handworked_build()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def report_text() -> str:
    if not SEED_REPORT.exists():
        pytest.fail(
            f"The published report is missing: {SEED_REPORT} (shared/ belongs beside the "
            "repository; set DIPP_SHARED_DIR if it is elsewhere)"
        )
    return SEED_REPORT.read_text(encoding="utf-8")
