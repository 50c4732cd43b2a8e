"""The programme summary report, built for a programme made here: the hand-worked inspection
(scoring/tests/handworked.py) and a second region, both published.

The figures the report must print are counted by hand from the hand-worked table:
K1 hand-worked: Yes on 01 03 05 08 09 10 (6), No on 02 06 (2): 75%; second region: Yes, Yes,
No, No: 50%; pooled 8 of 12 = 66.7%, published as 67%, "two-thirds" in words. A1 is answered
only in the hand-worked inspection (04 y, 07 n, 11 y), so it has no range.
"""

from __future__ import annotations

import io
import math

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.access import programme_standing_get
from inspections.models import Inspection, Membership, Question, Recommendation
from inspections.services import (
    programme_create,
    programme_inspection_add,
    recommendations_replace,
)
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory
from reports.models import BuildState, ProgrammeReportBuild
from reports.programme_services import narrative_save, programme_build_start
from reports.services import StaleEditError, media_path

pytestmark = pytest.mark.django_db

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there

NARRATIVE = (
    "Across the programme, {{percent K1}} of plans were sufficient ({{n_of_m K1}}): "
    "{{phrase K1}} of them. The regions ranged {{range K1}}."
)


def _region(framework, *, slug, name, status, k1=()):
    inspection = InspectionFactory(framework=framework, slug=slug)
    inspection.region.name = name
    inspection.region.save()
    question = Question.objects.get(framework=framework, code="K1")
    for value in k1:
        case = CaseFactory(inspection=inspection)
        answer_record(case=case, question=question, value=value, rationale="Seen.", by=None)
    Inspection.objects.filter(pk=inspection.pk).update(status=status)
    inspection.status = status
    return inspection


@pytest.fixture
def national():
    return UserFactory(username="programme-national-lead")


@pytest.fixture
def world(handworked, national):
    cache.clear()
    hw = handworked.inspection
    hw.region.name = "Handworked Region"
    hw.region.save()
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    programme = programme_create(name="DIPP report test", framework=hw.framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _region(
        hw.framework,
        slug="second-2025",
        name="Second Region",
        status=Inspection.Status.PUBLISHED,
        k1=("yes", "yes", "no", "no"),
    )
    for inspection in (hw, second):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    recommendations_replace(
        inspection=hw,
        addressee=Recommendation.Addressee.REGION,
        texts=["Handworked: review every plan within ten days."],
    )
    recommendations_replace(
        inspection=second,
        addressee=Recommendation.Addressee.HMPPS,
        texts=["Second: fund the missing posts."],
    )
    regional = MembershipFactory(inspection=hw, role=Membership.Role.LEAD).user
    return programme, hw, second, regional


def _wilson(yes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's score interval, written out here from the formula (not the engine's code)."""
    p = yes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - spread) / (1 + z * z / n), 100 * (centre + spread) / (1 + z * z / n)


def _build(client, programme, django_capture_on_commit_callbacks, *, provisional=False):
    data = {"provisional": "yes"} if provisional else {}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/programmes/{programme.slug}/report/builds/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    build = ProgrammeReportBuild.objects.filter(programme=programme).latest("pk")
    assert response["Location"] == f"/programmes/{programme.slug}/report/builds/{build.pk}/"
    build.refresh_from_db()
    assert build.status == BuildState.Status.SUCCEEDED, build.error
    return build


def test_the_built_report_prints_the_pooled_figures_and_the_range_counted_by_hand(
    client, world, national, django_capture_on_commit_callbacks
):
    programme, hw, second, _ = world
    narrative_save(
        standing=programme_standing_get(national, programme.slug),
        body=NARRATIVE,
        expected_version=0,
        by=national,
    )
    client.force_login(national)
    build = _build(client, programme, django_capture_on_commit_callbacks)
    assert not build.provisional
    assert sorted(e["slug"] for e in build.counted) == sorted([hw.slug, second.slug])

    html = media_path(build.html_file).read_text()
    # The narrative, filled: pooled 8 of 12, the range between the two regions.
    assert "Across the programme, 67 per cent of plans were sufficient (eight out of 12)" in html
    assert "two-thirds of them" in html
    assert "ranged from 50 per cent in Second Region to 75 per cent in Handworked Region." in html
    # The national table: each region and the pooled figure with its 95% Wilson interval.
    low, high = _wilson(8, 12)
    pooled_ci = f"95% CI {math.floor(low + 0.5)}–{math.floor(high + 0.5)}%"
    assert pooled_ci == "95% CI 39–86%"
    national_k1 = html[html.index('id="national-K1"') :]
    national_k1 = national_k1[: national_k1.index("</table>")]
    assert "75% (6 of 8)" in national_k1 and "50% (2 of 4)" in national_k1
    assert "67% (8 of 12)" in national_k1 and pooled_ci in national_k1
    # A funnel plot per key question, with its table and its words.
    assert 'id="funnel-region-K1"' in html and "<svg" in html
    assert "within the 99.8% limits" in html
    # Each region's recommendations under the region.
    recs = html[html.index('id="recommendations"') :]
    assert recs.index("Handworked Region") < recs.index("review every plan within ten days")
    assert recs.index("Second Region") < recs.index("Second: fund the missing posts.")
    # Published figures only: no provisional banner, no synthetic notice.
    assert "Provisional: includes inspections in progress" not in html
    assert "Synthetic data" not in html

    pdf = media_path(build.pdf_file).read_bytes()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "67 per cent of plans were sufficient" in text
    assert "from 50 per cent in Second Region to 75 per cent in Handworked Region" in text
    assert "Programme summary report" in text or "programme summary report" in text

    # Anyone who sees the programme downloads it: the regional lead too.
    for kind, marker in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF")):
        response = client.get(f"/programmes/{programme.slug}/report/latest/report.{kind}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(marker)


def test_a_provisional_build_counts_inspections_in_progress_and_says_so(
    client, world, national, django_capture_on_commit_callbacks
):
    programme, hw, _, regional = world
    third = _region(
        hw.framework,
        slug="third-2025",
        name="Third Region",
        status=Inspection.Status.FIELDWORK,
        k1=("no", "no", "no"),
    )
    Inspection.objects.filter(pk=third.pk).update(synthetic=True)
    programme_inspection_add(
        standing=programme_standing_get(national, programme.slug), inspection=third, by=national
    )
    client.force_login(national)
    build = _build(client, programme, django_capture_on_commit_callbacks, provisional=True)
    assert build.provisional and len(build.counted) == 3
    html = media_path(build.html_file).read_text()
    assert "Provisional: includes inspections in progress" in html
    assert "Synthetic data" in html
    # Pooled with the third region: 8 + 0 of 12 + 3.
    assert "53% (8 of 15)" in html
    assert "Third Region (provisional)" in html
    response = client.get(f"/programmes/{programme.slug}/report/provisional/report.html")
    assert response.status_code == 200
    # Nothing published-only was built: that download is missing, not the provisional one.
    assert client.get(f"/programmes/{programme.slug}/report/latest/report.html").status_code == 404
    # A regional lead may not read the provisional report, nor build or write.
    client.force_login(regional)
    assert (
        client.get(f"/programmes/{programme.slug}/report/provisional/report.pdf").status_code == 403
    )
    assert client.post(f"/programmes/{programme.slug}/report/builds/").status_code == 403
    assert client.get(f"/programmes/{programme.slug}/report/narrative/").status_code == 403
    page = client.get(f"/programmes/{programme.slug}/report/")
    assert page.status_code == 200
    assert "Build the report" not in page.content.decode()


def test_references_are_checked_on_save(world, national):
    programme, *_ = world
    standing = programme_standing_get(national, programme.slug)
    with pytest.raises(ValidationError) as refused:
        narrative_save(standing=standing, body="{{percent Z9}}", expected_version=0, by=national)
    assert "there is no question Z9" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        narrative_save(standing=standing, body="{{share K1}}", expected_version=0, by=national)
    assert "unknown kind 'share'" in " ".join(refused.value.messages)
    # A1 has relevant cases in one region only: saved, but it waits for data (no crash).
    narrative, waiting = narrative_save(
        standing=standing, body="A1 ranged {{range A1}}.", expected_version=0, by=national
    )
    assert narrative.version == 1
    assert [p.awaiting_data for p in waiting] == [True]
    assert "at least two regions with relevant cases" in str(waiting[0])
    # ... and the build is refused, saying why.
    with pytest.raises(ValidationError) as refused:
        programme_build_start(standing=standing, provisional=False, by=national)
    assert "at least two regions" in " ".join(refused.value.messages)
    assert not ProgrammeReportBuild.objects.exists()
    # A save from a stale version is refused.
    with pytest.raises(StaleEditError):
        narrative_save(standing=standing, body="Other.", expected_version=0, by=national)


def test_the_narrative_page_saves_and_refuses_unknown_codes(client, world, national):
    programme, *_ = world
    client.force_login(national)
    url = f"/programmes/{programme.slug}/report/narrative/"
    response = client.post(url, {"body": "{{percent Q7}}", "version": "0", "action": "save"})
    assert response.status_code == 400
    assert "there is no question Q7" in response.content.decode()
    response = client.post(
        url, {"body": "Pooled {{percent K1}}.", "version": "0", "action": "save"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Pooled 67 per cent." in page  # the preview, filled


def test_only_national_leads_write_and_build(world):
    programme, *_, regional = world
    standing = programme_standing_get(regional, programme.slug)
    with pytest.raises(PermissionDenied):
        narrative_save(standing=standing, body="Text.", expected_version=0, by=regional)
    with pytest.raises(PermissionDenied):
        programme_build_start(standing=standing, provisional=False, by=regional)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_build_page_says_so_and_nothing_is_left_queued(
    client, world, national, broker_at
):
    programme, *_ = world
    client.force_login(national)
    with broker_at(CLOSED_BROKER):
        response = client.post(f"/programmes/{programme.slug}/report/builds/")
    assert response.status_code == 503
    assert "cannot be reached, so nothing was started" in response.content.decode()
    dead = ProgrammeReportBuild.objects.get(programme=programme)
    assert dead.status == BuildState.Status.FAILED and "could not be queued" in dead.error


def test_a_build_in_progress_answers_202_and_refreshes_without_script(client, world, national):
    programme, *_ = world
    build = ProgrammeReportBuild.objects.create(programme=programme)
    client.force_login(national)
    response = client.get(f"/programmes/{programme.slug}/report/builds/{build.pk}/")
    assert response.status_code == 202
    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "<script>" not in page


def test_the_report_page_reads_a_fixed_number_of_queries(
    client, world, national, django_assert_num_queries
):
    programme, *_ = world
    for _ in range(3):
        ProgrammeReportBuild.objects.create(programme=programme, requested_by=national)
    client.force_login(national)
    url = f"/programmes/{programme.slug}/report/"
    client.get(url)
    # Session and user; the programme standing (the programme, whether the user is an API
    # client, the inspections they lead); the latest of each kind; the recent builds; the
    # narrative.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    for _ in range(5):
        ProgrammeReportBuild.objects.create(programme=programme, requested_by=national)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_people_outside_the_programme_do_not_see_the_report(client, world):
    programme, hw, *_ = world
    inspector = MembershipFactory(inspection=hw).user
    for user in (inspector, UserFactory()):
        client.force_login(user)
        assert client.get(f"/programmes/{programme.slug}/report/").status_code == 404
        assert (
            client.get(f"/programmes/{programme.slug}/report/latest/report.pdf").status_code == 404
        )


def test_the_programme_pdf_is_tagged_and_passes_the_pdf_ua_checker(world, tmp_path):
    """Rendered in-process as a build does, then read back as test_pdf_accessibility reads the
    regional report: the checker, and each funnel plot a Figure whose alternative text names
    every region's figure."""
    import pikepdf

    from reports.programme_rendering import programme_document, programme_report_html
    from reports.programme_services import build_scores
    from reports.rendering import html_to_pdf
    from reports.tests.test_pdf_accessibility import BUILT_AT, _checker_problems, _role, _tree

    programme, *_ = world
    document = programme_document(
        programme=programme,
        scores=build_scores(programme, provisional=False),
        narrative="Pooled: {{percent K1}}.",
        built_at=BUILT_AT,
    )
    path = tmp_path / "programme.pdf"
    path.write_bytes(html_to_pdf(programme_report_html(document)))
    assert _checker_problems(path) == []
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        alternatives = [str(e.Alt) for e in _tree(pdf) if _role(e) == "/Figure"]
    k1 = next(a for a in alternatives if a.startswith("Regions – K1 (Was the plan sufficient)"))
    assert "Second Region: 50% Yes of 4 relevant cases" in k1
    assert "Handworked Region: 75% Yes of 8 relevant cases" in k1


def test_a_stalled_build_is_replaced_and_a_running_one_returned(
    world, national, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    programme, *_ = world
    standing = programme_standing_get(national, programme.slug)
    running = ProgrammeReportBuild.objects.create(
        programme=programme, status=BuildState.Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert programme_build_start(standing=standing, provisional=False, by=national) == running
    # A provisional build is another kind: it does not wait for the published-only one.
    with django_capture_on_commit_callbacks(execute=True):
        other = programme_build_start(standing=standing, provisional=True, by=national)
    assert other != running
    stale = timezone.now() - settings.REPORT_BUILD_HEARTBEAT_TIMEOUT - timedelta(seconds=5)
    ProgrammeReportBuild.objects.filter(pk=running.pk).update(heartbeat_at=stale)
    with django_capture_on_commit_callbacks(execute=True):
        new = programme_build_start(standing=standing, provisional=False, by=national)
    running.refresh_from_db()
    assert running.status == BuildState.Status.FAILED
    assert "This build stalled: its worker stopped reporting progress" in running.error
    assert f"Build {new.pk} was started to replace it." in running.error
    new.refresh_from_db()
    assert new.replaces_id == running.pk and new.status == BuildState.Status.SUCCEEDED
