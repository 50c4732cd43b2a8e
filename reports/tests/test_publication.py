"""Publication freezes versions; the API lists builds and versions and serves their files."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Answer
from cases.services import InspectionLockedError, answer_record
from inspections.models import Inspection
from inspections.tests.factories import UserFactory
from reports import services
from reports.models import ReportBuild, ReportSection, ReportVersion, Section
from reports.services import media_path

pytestmark = pytest.mark.django_db


def _build(inspection, by) -> ReportBuild:
    """A finished build, run in-process (the worker tests run it through Celery)."""
    build = ReportBuild.objects.create(inspection=inspection, requested_by=by)
    services.build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    return build


def test_publishing_twice_makes_version_two_and_leaves_version_one_byte_for_byte(
    demo, lead, lead_client
):
    _build(demo, lead)
    first = services.report_publish(inspection=demo, by=lead)
    v1_html = media_path(first.html_file).read_bytes()
    v1_pdf = media_path(first.pdf_file).read_bytes()

    # A correction to the narrative, a new build, a second publication.
    section = ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP)
    services.section_save(
        inspection=demo,
        key=Section.FOLLOW_UP,
        body=section.body + "\n\nA correction after publication.",
        expected_version=section.version,
        by=lead,
    )
    _build(demo, lead)
    second = services.report_publish(inspection=demo, by=lead)

    assert (first.number, second.number) == (1, 2)
    assert media_path(first.html_file).read_bytes() == v1_html
    assert media_path(first.pdf_file).read_bytes() == v1_pdf
    assert services.sha256_of(media_path(first.pdf_file)) == first.pdf_sha256
    assert media_path(second.html_file) != media_path(first.html_file)
    assert b"A correction after publication." in media_path(second.html_file).read_bytes()
    assert b"A correction after publication." not in v1_html
    # Served as frozen, through the web page and the API alike.
    web = lead_client.get(reverse("report-version-file", args=[demo.slug, 1, "pdf"]))
    assert b"".join(web.streaming_content) == v1_pdf
    api = lead_client.get(reverse("api-report-version-file", args=[demo.slug, 1, "html"]))
    assert b"".join(api.streaming_content) == v1_html


def test_a_published_version_files_are_read_only_on_disk(demo, lead):
    _build(demo, lead)
    version = services.report_publish(inspection=demo, by=lead)
    for relative in (version.html_file, version.pdf_file):
        assert media_path(relative).stat().st_mode & 0o222 == 0


def test_the_manifest_is_printed_in_the_colophon(demo, lead):
    build = _build(demo, lead)
    html = media_path(build.html_file).read_text(encoding="utf-8")
    footer = html.split('id="colophon"')[1]
    assert "Framework dipp version 1" in footer
    assert build.data_sha256 in footer
    assert build.built_at.strftime("%Y-%m-%d %H:%M:%S UTC") in footer


def test_publishing_locks_the_answers(demo, lead):
    _build(demo, lead)
    services.report_publish(inspection=demo, by=lead)
    demo.refresh_from_db()
    assert demo.status == Inspection.Status.PUBLISHED
    answer = Answer.objects.filter(case__inspection=demo).select_related("case", "question")[0]
    with pytest.raises(InspectionLockedError):
        answer_record(
            case=answer.case,
            question=answer.question,
            value=answer.value,
            rationale="Too late.",
            reason="After publication",
            expected_version=answer.version,
        )


def test_publishing_a_stale_build_is_refused(demo, lead):
    _build(demo, lead)
    answer = Answer.objects.filter(case__inspection=demo, question__code="C1").select_related(
        "case", "question"
    )[0]
    answer_record(
        case=answer.case,
        question=answer.question,
        value=Answer.Value.NO if answer.value == Answer.Value.YES else Answer.Value.YES,
        rationale="Moderated.",
        reason="Moderation",
        expected_version=answer.version,
    )
    with pytest.raises(ValidationError, match="changed after build"):
        services.report_publish(inspection=demo, by=lead)
    assert not ReportVersion.objects.exists()
    demo.refresh_from_db()
    assert demo.status != Inspection.Status.PUBLISHED


def test_publishing_without_a_build_says_so(lead_client, demo):
    response = lead_client.post(reverse("report-publish", args=[demo.slug]))
    assert response.status_code == 400
    assert "Build the report before publishing it." in response.content.decode()


def test_the_publish_page_publishes_and_lists_the_version(lead_client, demo, lead):
    _build(demo, lead)
    response = lead_client.post(reverse("report-publish", args=[demo.slug]), follow=True)
    page = response.content.decode()
    assert "Version 1 of the report is published" in page
    assert reverse("report-version-file", args=[demo.slug, 1, "pdf"]) in page


# -- API -----------------------------------------------------------------------------------------


def test_the_api_lists_builds_and_versions_with_their_manifests(api_client, demo, lead):
    build = _build(demo, lead)
    services.report_publish(inspection=demo, by=lead)
    api_client.force_authenticate(lead)
    builds = api_client.get(reverse("api-report-builds", args=[demo.slug])).json()
    assert [b["id"] for b in builds] == [build.pk]
    assert builds[0]["status"] == "succeeded"
    assert builds[0]["data_sha256"] == build.data_sha256
    assert builds[0]["files"]["pdf"].endswith(f"/report/builds/{build.pk}/report.pdf")
    versions = api_client.get(reverse("api-report-versions", args=[demo.slug])).json()
    assert [v["number"] for v in versions] == [1]
    v1 = versions[0]
    assert v1["build"] == build.pk
    assert v1["framework_slug"] == "dipp" and v1["framework_version"] == 1
    assert v1["pdf_sha256"] == services.sha256_of(media_path(ReportVersion.objects.get().pdf_file))
    pdf = api_client.get(v1["files"]["pdf"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_api_serves_nothing_to_someone_not_on_the_inspection(api_client, demo, lead):
    build = _build(demo, lead)
    services.report_publish(inspection=demo, by=lead)
    api_client.force_authenticate(UserFactory(username="stranger"))
    for url in (
        reverse("api-report-builds", args=[demo.slug]),
        reverse("api-report-build", args=[demo.slug, build.pk]),
        reverse("api-report-build-file", args=[demo.slug, build.pk, "pdf"]),
        reverse("api-report-versions", args=[demo.slug]),
        reverse("api-report-version", args=[demo.slug, 1]),
        reverse("api-report-version-file", args=[demo.slug, 1, "pdf"]),
    ):
        assert api_client.get(url).status_code == 404, url


def test_drafts_are_for_the_lead_but_published_versions_for_everyone_on_the_inspection(
    api_client, demo, lead
):
    from inspections.models import Membership
    from inspections.tests.factories import MembershipFactory

    build = _build(demo, lead)
    services.report_publish(inspection=demo, by=lead)
    inspector = MembershipFactory(inspection=demo, role=Membership.Role.INSPECTOR).user
    api_client.force_authenticate(inspector)
    for url in (
        reverse("api-report-builds", args=[demo.slug]),
        reverse("api-report-build", args=[demo.slug, build.pk]),
        reverse("api-report-build-file", args=[demo.slug, build.pk, "html"]),
    ):
        # Forbidden, not hidden: they are on the inspection (docs/adr/0008).
        assert api_client.get(url).status_code == 403, url
    for url in (
        reverse("api-report-versions", args=[demo.slug]),
        reverse("api-report-version", args=[demo.slug, 1]),
        reverse("api-report-version-file", args=[demo.slug, 1, "pdf"]),
    ):
        assert api_client.get(url).status_code == 200, url


def test_the_api_needs_authentication(api_client, demo):
    response = api_client.get(reverse("api-report-versions", args=[demo.slug]))
    assert response.status_code in (401, 403)


def test_the_api_lists_use_a_fixed_number_of_queries(api_client, demo, lead):
    api_client.force_authenticate(lead)
    build = _build(demo, lead)
    services.report_publish(inspection=demo, by=lead)
    urls = [
        reverse("api-report-builds", args=[demo.slug]),
        reverse("api-report-versions", args=[demo.slug]),
    ]
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        few.append(len(ctx))
    for _ in range(5):
        ReportBuild.objects.create(inspection=demo, requested_by=lead)
    # More versions of the same build (a version row is what the list reads).
    for number in range(2, 6):
        version = ReportVersion.objects.get(number=1)
        version.pk, version.number = None, number
        version.save()
    assert build.versions.count() == 5
    for url, before in zip(urls, few, strict=True):
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        assert len(ctx) == before, url


def test_an_edit_saved_while_a_build_runs_stops_that_build_being_published(demo, lead, monkeypatch):
    from reports import rendering

    section = ReportSection.objects.get(inspection=demo, key=Section.FOLLOW_UP)
    real_html_to_pdf = rendering.html_to_pdf

    def edit_then_render(source: str) -> bytes:
        # The lead saves a section while the worker is rendering the PDF.
        services.section_save(
            inspection=demo,
            key=Section.FOLLOW_UP,
            body=section.body + "\n\nSaved during the build.",
            expected_version=section.version,
            by=lead,
        )
        return real_html_to_pdf(source)

    monkeypatch.setattr(rendering, "html_to_pdf", edit_then_render)
    build = _build(demo, lead)
    assert b"Saved during the build." not in media_path(build.html_file).read_bytes()
    with pytest.raises(ValidationError):
        services.report_publish(inspection=demo, by=lead)
    assert not ReportVersion.objects.filter(inspection=demo).exists()
