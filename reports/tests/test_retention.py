"""Retention (cases.services.retention): past its retention date a published inspection's case
data is anonymised; its figures recompute equal, its data hash is unchanged, its published
files stay byte for byte, and no free text remains."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cases.models import Answer, AnswerChange, Case, ModerationReview
from cases.services.retention import REMOVED, retention_change, retention_date
from cases.tasks import retention_sweep_run
from inspections.models import Inspection, InspectionEvent
from reports import services
from reports.models import ReportBuild
from reports.selectors import case_data_sha256
from reports.services import media_path
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def _publish(demo, lead):
    build = ReportBuild.objects.create(inspection=demo, requested_by=lead)
    services.build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    version = services.report_publish(inspection=demo, by=lead)
    demo.refresh_from_db()
    return version


def test_after_the_retention_task_the_figures_and_files_are_as_published(demo, lead, settings):
    version = _publish(demo, lead)
    html = media_path(version.html_file).read_bytes()
    pdf = media_path(version.pdf_file).read_bytes()
    published = inspection_scores(demo)
    answers = Answer.objects.filter(case__inspection=demo)
    assert answers.exclude(rationale="").exists()  # the demo has rationales to remove
    references = set(Case.objects.filter(inspection=demo).values_list("reference", flat=True))

    # Published on 2 March 2026; a one-month period has long passed.
    settings.RETENTION_MONTHS_AFTER_PUBLICATION = 1
    assert retention_date(demo) == date(2026, 4, 2)
    lines = retention_sweep_run.delay().get()
    assert lines and lines[0].startswith(f"Anonymised {demo.slug}")

    demo.refresh_from_db()
    assert demo.anonymised_at is not None
    assert inspection_scores(demo) == published
    assert case_data_sha256(demo) == version.data_sha256
    assert media_path(version.html_file).read_bytes() == html
    assert media_path(version.pdf_file).read_bytes() == pdf
    assert not answers.exclude(rationale="").exists()
    changes = AnswerChange.objects.filter(case__inspection=demo)
    assert not changes.exclude(old_rationale="", new_rationale="", reason="").exists()
    comments = set(
        ModerationReview.objects.filter(case__inspection=demo).values_list("comment", flat=True)
    )
    assert comments <= {"", REMOVED}
    now = set(Case.objects.filter(inspection=demo).values_list("reference", flat=True))
    assert len(now) == len(references) and not now & references
    assert all(r.startswith("ANON-") for r in now)
    assert InspectionEvent.objects.filter(
        inspection=demo, kind=InspectionEvent.Kind.ANONYMISED
    ).exists()
    # Run again: nothing left to do.
    assert retention_sweep_run.delay().get() == []


def test_a_dry_run_lists_what_would_change_and_changes_nothing(demo, lead, capsys):
    _publish(demo, lead)
    before = list(Answer.objects.filter(case__inspection=demo).values_list("rationale", flat=True))
    call_command("retention_anonymise", "--dry-run", "--inspection", demo.slug)
    out = capsys.readouterr().out
    n = Case.objects.filter(inspection=demo).count()
    assert f"Would anonymise {demo.slug}: {n} case references replaced" in out
    after = list(Answer.objects.filter(case__inspection=demo).values_list("rationale", flat=True))
    assert after == before
    demo.refresh_from_db()
    assert demo.anonymised_at is None


def test_nothing_is_due_before_the_retention_date(demo, lead):
    _publish(demo, lead)
    # Default: 12 months after 2 March 2026.
    assert retention_date(demo) == date(2027, 3, 2)
    call_command("retention_anonymise", "--today", "2027-03-02")
    demo.refresh_from_db()
    assert demo.anonymised_at is None


def test_an_administrator_changes_the_retention_date_with_a_reason(demo, lead):
    admin = get_user_model().objects.create_superuser("retention-admin", password="x-Pass-9")
    with pytest.raises(ValidationError):
        retention_change(inspection=demo, until=date(2030, 1, 1), reason="Longer.", by=lead)
    with pytest.raises(ValidationError):
        retention_change(inspection=demo, until=date(2030, 1, 1), reason=" ", by=admin)
    retention_change(
        inspection=demo, until=date(2030, 1, 1), reason="A complaint is open.", by=admin
    )
    demo = Inspection.objects.get(pk=demo.pk)
    assert retention_date(demo) == date(2030, 1, 1)
    event = InspectionEvent.objects.get(inspection=demo, kind=InspectionEvent.Kind.RETENTION)
    assert event.reason == "A complaint is open." and event.by == admin


def test_erasing_one_case_after_publication_anonymises_it_alone(demo, lead):
    version = _publish(demo, lead)
    published = inspection_scores(demo)
    case, other = Case.objects.filter(inspection=demo).order_by("pk")[:2]
    others_rationales = list(other.answers.values_list("rationale", flat=True))
    assert case.answers.exclude(rationale="").exists()
    old_reference = case.reference

    call_command("case_erase", demo.slug, case.reference, "--reason", "Request 2026/17.")

    case.refresh_from_db()
    assert case.reference == "ERASED-000001"
    assert not case.answers.exclude(rationale="").exists()
    assert not Case.objects.filter(inspection=demo, reference=old_reference).exists()
    assert list(other.answers.values_list("rationale", flat=True)) == others_rationales
    assert inspection_scores(demo) == published
    assert case_data_sha256(demo) == version.data_sha256
    event = InspectionEvent.objects.get(inspection=demo, kind=InspectionEvent.Kind.ANONYMISED)
    assert event.reason == "Request 2026/17." and old_reference not in event.summary


def test_erasure_before_publication_is_refused(demo):
    case = Case.objects.filter(inspection=demo).first()
    with pytest.raises(CommandError, match="withdraw the case"):
        call_command("case_erase", demo.slug, case.reference, "--reason", "Too early.")


def test_the_retention_page_lets_an_administrator_set_another_date(client, demo, lead):
    admin = get_user_model().objects.create_superuser("retention-page", password="x-Pass-9")
    url = f"/inspections/{demo.slug}/retention/"
    client.force_login(lead)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert b"set when the report is published" in page.content  # the demo is not published
    date_fields = {"until-day": "2", "until-month": "3", "until-year": "2028"}
    refused = client.post(url, date_fields | {"reason": ""})
    assert refused.status_code == 400
    assert b"Enter why the retention date changes" in refused.content
    done = client.post(url, date_fields | {"reason": "Litigation hold."})
    assert done.status_code == 302
    assert b"2 March 2028" in client.get(url).content
    assert (
        InspectionEvent.objects.get(inspection=demo, kind=InspectionEvent.Kind.RETENTION).reason
        == "Litigation hold."
    )


def test_an_inspection_not_yet_published_is_never_anonymised(demo):
    rationales = Answer.objects.filter(case__inspection=demo).exclude(rationale="").count()
    assert rationales > 0
    with pytest.raises(CommandError, match="not published"):
        call_command("retention_anonymise", "--inspection", demo.slug)
    assert Answer.objects.filter(case__inspection=demo).exclude(rationale="").count() == rationales
    assert Case.objects.filter(inspection=demo, reference__startswith="DEMO-").exists()
