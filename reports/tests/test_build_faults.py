"""Faults around report builds degrade cleanly and leave nothing stuck.

- The broker (Redis) is unreachable when the lead presses "Build": a clear page (503), a 503
  JSON error in the API, and the build is failed with the reason, so the next "Build" starts a
  new one instead of returning a dead one. Tested with the Celery app pointed at a closed port.
- A build no worker took, or whose worker died (stale heartbeat), has stalled: its page says so
  and the next "Build" replaces it, failing it with the reason.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from reports import services
from reports.models import ReportBuild

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there


def _build_url(demo) -> str:
    return f"/inspections/{demo.slug}/report/builds/"


@pytest.mark.django_db(transaction=True)
def test_build_with_the_broker_down_shows_a_clear_page_and_leaves_nothing_queued(
    lead_client, demo, broker_at
):
    with broker_at(CLOSED_BROKER):
        response = lead_client.post(_build_url(demo))
    assert response.status_code == 503
    text = response.content.decode()
    assert "The report could not be built" in text
    assert "cannot be reached, so nothing was started" in text
    dead = ReportBuild.objects.get(inspection=demo)
    assert dead.status == ReportBuild.Status.FAILED
    assert "could not be queued" in dead.error
    # With the queue back, "Build" starts a new build: the failed one blocks nothing.
    response = lead_client.post(_build_url(demo))
    assert response.status_code == 302
    again = ReportBuild.objects.exclude(pk=dead.pk).get(inspection=demo)
    assert response["Location"].endswith(f"/builds/{again.pk}/")


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_json_when_the_broker_is_down(demo, lead, broker_at):
    client = APIClient()
    client.force_authenticate(lead)
    with broker_at(CLOSED_BROKER):
        response = client.post(f"/api/v1/inspections/{demo.slug}/report/builds/")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert set(body) == {"detail", "code", "errors"}
    assert not ReportBuild.objects.filter(
        inspection=demo, status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING]
    ).exists()


@pytest.mark.django_db
def test_the_api_starts_a_build_for_the_lead_only(demo, lead, inspector, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(
        "reports.tasks.report_build.apply_async", lambda args, **kw: sent.append(args[0])
    )
    client = APIClient()
    client.force_authenticate(inspector)
    assert client.post(f"/api/v1/inspections/{demo.slug}/report/builds/").status_code == 403
    client.force_authenticate(lead)
    response = client.post(f"/api/v1/inspections/{demo.slug}/report/builds/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    again = client.post(f"/api/v1/inspections/{demo.slug}/report/builds/")
    assert again.status_code == 200  # the build already queued
    assert again.json()["id"] == response.json()["id"]


def _queued(demo, lead, **fields) -> ReportBuild:
    build = ReportBuild.objects.create(inspection=demo, requested_by=lead)
    ReportBuild.objects.filter(pk=build.pk).update(**fields)
    build.refresh_from_db()
    return build


@pytest.mark.django_db
def test_a_build_no_worker_took_has_stalled_and_the_next_build_replaces_it(
    lead_client, demo, lead, monkeypatch
):
    monkeypatch.setattr("reports.tasks.report_build.apply_async", lambda *a, **kw: None)
    old = _queued(
        demo,
        lead,
        requested_at=timezone.now() - settings.REPORT_BUILD_QUEUE_TIMEOUT - timedelta(seconds=5),
    )
    page = lead_client.get(f"/inspections/{demo.slug}/report/builds/{old.pk}/")
    assert "This build has stalled" in page.content.decode()
    assert "no build worker took it" in page.content.decode()

    new = services.build_start(inspection=demo, by=lead)
    assert new.pk != old.pk and new.replaces_id == old.pk
    old.refresh_from_db()
    assert old.status == ReportBuild.Status.FAILED
    assert f"Build {new.pk} was started to replace it" in old.error
    assert "no build worker took it" in old.error
    assert (
        "replaces build"
        in lead_client.get(f"/inspections/{demo.slug}/report/builds/{new.pk}/").content.decode()
    )
    failed_page = lead_client.get(f"/inspections/{demo.slug}/report/builds/{old.pk}/")
    assert "This build stalled" in failed_page.content.decode()


@pytest.mark.django_db
def test_a_running_build_whose_heartbeat_stopped_is_replaced(demo, lead, monkeypatch):
    monkeypatch.setattr("reports.tasks.report_build.apply_async", lambda *a, **kw: None)
    stale = timezone.now() - settings.REPORT_BUILD_HEARTBEAT_TIMEOUT - timedelta(seconds=5)
    old = _queued(
        demo, lead, status=ReportBuild.Status.RUNNING, started_at=stale, heartbeat_at=stale
    )
    assert "stopped reporting progress" in (old.stall_reason() or "")
    new = services.build_start(inspection=demo, by=lead)
    assert new.replaces_id == old.pk
    old.refresh_from_db()
    assert old.status == ReportBuild.Status.FAILED


@pytest.mark.django_db
def test_a_running_build_with_a_recent_heartbeat_is_returned_not_replaced(demo, lead):
    recent = timezone.now() - timedelta(seconds=20)
    running = _queued(
        demo,
        lead,
        status=ReportBuild.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=30),
        heartbeat_at=recent,
    )
    assert running.stall_reason() is None
    assert services.build_start(inspection=demo, by=lead).pk == running.pk


@pytest.mark.django_db
def test_a_replaced_builds_late_worker_does_not_bring_it_back(demo, lead):
    build = _queued(demo, lead, status=ReportBuild.Status.FAILED, error="This build stalled: x")
    services._step(build, ReportBuild.Step.DONE, status=ReportBuild.Status.SUCCEEDED)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_builds(demo, lead, settings):
    settings.REPORT_BUILD_HEARTBEAT_SECONDS = 0.05
    long_ago = timezone.now() - timedelta(hours=1)
    build = _queued(
        demo, lead, status=ReportBuild.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    with services._Heartbeat(build.pk):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            build.refresh_from_db()
            if build.heartbeat_at and build.heartbeat_at > long_ago:
                break
            time.sleep(0.05)
    assert build.heartbeat_at > timezone.now() - timedelta(seconds=30)
