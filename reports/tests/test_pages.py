"""The lead's report pages: who may see them, authoring, builds and their progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import CaseFactory
from inspections.models import Recommendation
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory
from reports import services
from reports.models import ReportBuild, ReportSection, Section
from reports.services import media_path

pytestmark = pytest.mark.django_db


def _url(name, inspection, *args):
    return reverse(name, args=[inspection.slug, *args])


# -- access ------------------------------------------------------------------------------------


def test_the_lead_sees_the_report_overview(lead_client, demo):
    response = lead_client.get(_url("report-overview", demo))
    assert response.status_code == 200
    body = response.content.decode()
    for label in Section.labels:
        assert label.replace("’", "&#x27;") in body or label in body
    assert "Build the report" in body


@pytest.mark.parametrize(
    "name,args",
    [
        ("report-overview", []),
        ("report-section", ["context"]),
        ("report-recommendations", ["region"]),
        ("report-publish", []),
    ],
)
def test_an_inspector_on_the_inspection_is_refused_with_403(client, demo, inspector, name, args):
    # They can see the inspection, so the page says "not allowed" rather than "not found"
    # (docs/adr/0008).
    client.force_login(inspector)
    assert client.get(_url(name, demo, *args)).status_code == 403


def test_the_lead_of_another_inspection_gets_404(client, demo, framework):
    other = InspectionFactory(framework=framework)
    someone = UserFactory(username="other-lead")
    MembershipFactory(inspection=other, user=someone, role="lead")
    client.force_login(someone)
    assert client.get(_url("report-overview", demo)).status_code == 404
    assert client.get(_url("report-overview", other)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo):
    response = client.get(_url("report-overview", demo))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_administrator_may_author_any_report(client, demo):
    admin = UserFactory(username="report-admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(_url("report-overview", demo)).status_code == 200


# -- narrative ---------------------------------------------------------------------------------


def test_saving_a_section_with_a_reference_fills_it_in_the_preview(lead_client, demo):
    section = ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP)
    url = _url("report-section", demo, "follow_up")
    body = "Planning met the standard in {{percent C2}} of cases."
    response = lead_client.post(
        url, {"body": body, "version": section.version, "action": "save"}, follow=True
    )
    assert response.status_code == 200
    section.refresh_from_db()
    assert section.body == body
    assert section.version == 2
    assert "Planning met the standard in 59 per cent of cases." in response.content.decode()


def test_an_unknown_reference_is_refused_on_save_and_the_text_is_kept(lead_client, demo):
    section = ReportSection.objects.get(inspection=demo, key=Section.CONTEXT)
    before = section.body
    body = "A figure: {{percent Q42}}."
    response = lead_client.post(
        _url("report-section", demo, "context"),
        {"body": body, "version": section.version, "action": "save"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "there is no question Q42" in page
    assert "A figure: {{percent Q42}}." in page
    section.refresh_from_db()
    assert section.body == before


def test_preview_shows_the_error_without_saving(lead_client, demo):
    section = ReportSection.objects.get(inspection=demo, key=Section.CONTEXT)
    response = lead_client.post(
        _url("report-section", demo, "context"),
        {"body": "{{n_of_m S3 sideways}}", "version": section.version, "action": "preview"},
    )
    assert "unknown option &#x27;sideways&#x27;" in response.content.decode()
    section.refresh_from_db()
    assert "sideways" not in section.body


def test_a_stale_save_is_refused_and_loses_nothing(lead_client, demo, lead):
    section = ReportSection.objects.get(inspection=demo, key=Section.CONTEXT)
    opened_at = section.version
    services.section_save(
        inspection=demo, key="context", body="Theirs.", expected_version=opened_at, by=lead
    )
    response = lead_client.post(
        _url("report-section", demo, "context"),
        {"body": "Mine.", "version": opened_at, "action": "save"},
    )
    assert response.status_code == 400
    assert "Someone else saved this section" in response.content.decode()
    assert "Mine." in response.content.decode()
    section.refresh_from_db()
    assert section.body == "Theirs."


def test_a_reference_awaiting_data_is_saved_but_blocks_the_build(
    client, framework, django_capture_on_commit_callbacks
):
    lead = UserFactory(username="new-lead")
    inspection = InspectionFactory(framework=framework)
    MembershipFactory(inspection=inspection, user=lead, role="lead")
    client.force_login(lead)
    response = client.post(
        _url("report-section", inspection, "commentary"),
        {"body": "Assessment: {{percent C1}}.", "version": 0, "action": "save"},
        follow=True,
    )
    assert "wait for data" in response.content.decode()
    assert ReportSection.objects.get(inspection=inspection, key="commentary").version == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("report-build-start", inspection))
    assert response.status_code == 400
    assert "C1 has no relevant cases yet" in response.content.decode()
    assert not ReportBuild.objects.filter(inspection=inspection).exists()


# -- recommendations ---------------------------------------------------------------------------


def test_the_lead_edits_and_renumbers_recommendations(lead_client, demo):
    url = _url("report-recommendations", demo, "hmpps")
    page = lead_client.get(url).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    response = lead_client.post(
        url, {"texts": "Second becomes first.\r\n\r\nA new  second\none.", "token": token}
    )
    assert response.status_code == 302
    recs = list(
        demo.recommendations.filter(addressee=Recommendation.Addressee.HMPPS).order_by("number")
    )
    assert [(r.number, r.text) for r in recs] == [
        (1, "Second becomes first."),
        (2, "A new second one."),
    ]
    # The region's recommendations are untouched.
    assert demo.recommendations.filter(addressee="region").count() == 3


def test_a_stale_recommendations_save_is_refused(lead_client, demo):
    response = lead_client.post(
        _url("report-recommendations", demo, "region"),
        {"texts": "Only this.", "token": "not-the-current-one"},
    )
    assert response.status_code == 400
    assert "Someone else changed these recommendations" in response.content.decode()
    assert demo.recommendations.filter(addressee="region").count() == 3


# -- builds --------------------------------------------------------------------------------------


def test_building_in_process_produces_html_and_pdf(
    lead_client, demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(_url("report-build-start", demo))
    build = ReportBuild.objects.get(inspection=demo)
    assert response.status_code == 302
    assert response["Location"] == _url("report-build", demo, build.pk)
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    assert build.attempts == 1
    page = lead_client.get(response["Location"]).content.decode()
    assert "The report is ready" in page
    assert 'http-equiv="refresh"' not in page
    pdf = lead_client.get(_url("report-build-file", demo, build.pk, "pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    html = lead_client.get(_url("report-build-file", demo, build.pk, "html"))
    assert "sandbox" in html["Content-Security-Policy"]
    text = b"".join(html.streaming_content).decode()
    assert build.data_sha256 in text
    # No temporary file is left beside the finished ones.
    folder = media_path(build.html_file).parent
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.pdf"]


def test_a_build_in_progress_refreshes_until_ready(lead_client, demo, lead):
    build = ReportBuild.objects.create(
        inspection=demo,
        requested_by=lead,
        status=ReportBuild.Status.RUNNING,
        step=ReportBuild.Step.PDF,
    )
    page = lead_client.get(_url("report-build", demo, build.pk)).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "Writing the PDF report" in page


def test_a_failed_build_says_why(
    lead_client, demo, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(source):
        raise OSError("No space left on device")

    monkeypatch.setattr("reports.rendering.html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(_url("report-build-start", demo))
    build = ReportBuild.objects.get(inspection=demo)
    assert build.status == ReportBuild.Status.FAILED
    assert build.pdf_file == ""
    page = lead_client.get(response["Location"]).content.decode()
    assert "The build failed" in page
    assert "OSError: No space left on device" in page
    assert 'http-equiv="refresh"' not in page


def test_a_second_request_while_building_returns_the_same_build(demo, lead):
    first = services.build_start(inspection=demo, by=lead)
    second = services.build_start(inspection=demo, by=lead)
    assert first.pk == second.pk


def test_a_build_interrupted_too_often_is_failed_not_retried(demo, lead):
    build = ReportBuild.objects.create(
        inspection=demo, status=ReportBuild.Status.RUNNING, attempts=services.MAX_BUILD_ATTEMPTS
    )
    assert services.build_run(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert "interrupted 3 times" in build.error


def test_the_overview_query_count_does_not_grow_with_builds_or_cases(lead_client, demo, lead):
    url = _url("report-overview", demo)
    from django.core.cache import cache

    ReportBuild.objects.create(inspection=demo, requested_by=lead)
    cache.clear()  # both counts cold: nothing of the scores cached (ADR 14)
    with CaptureQueriesContext(connection) as few:
        assert lead_client.get(url).status_code == 200
    for _ in range(12):
        ReportBuild.objects.create(inspection=demo, requested_by=lead)
    for _ in range(3):
        CaseFactory(inspection=demo)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert lead_client.get(url).status_code == 200
    assert len(many) == len(few)
    # The demo is compared with a baseline (its earlier inspection's scores: a fixed number),
    # and each inspection's scores read its data version first (ADR 14).
    assert len(few) <= 23


def test_a_build_nobody_picks_up_says_a_worker_may_be_missing(lead_client, demo, lead):
    build = ReportBuild.objects.create(inspection=demo, requested_by=lead)
    url = _url("report-build", demo, build.pk)
    assert "No build worker has picked this up" not in lead_client.get(url).content.decode()
    ReportBuild.objects.filter(pk=build.pk).update(
        requested_at=timezone.now() - timedelta(minutes=2)
    )
    page = lead_client.get(url).content.decode()
    assert "No build worker has picked this up" in page
    assert 'http-equiv="refresh"' in page
