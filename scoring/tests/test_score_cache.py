"""Scores served from the data version (docs/adr/0014): every kind of write is seen by the
next read, unchanged data is a 304 or a cache hit, and a cache that is down costs only time."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Answer, Case
from cases.services import (
    PageAnswer,
    answer_record,
    answers_bulk_create,
    case_answers_save,
    case_create,
    case_submit,
    case_update_profile,
    cases_allocate,
    cases_import_csv,
)
from cases.services.csv_import import csv_import_start
from cases.tests.factories import CaseFactory
from cases.tests.helpers import answer_all
from inspections.models import PDU, Inspection, Membership, Question
from inspections.selectors import inspection_data_version
from inspections.tests.factories import InspectionFactory, MembershipFactory, PDUFactory
from scoring.selectors import inspection_scores, inspection_scores_compute

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


class World:
    def __init__(self, framework: Any) -> None:
        self.inspection: Inspection = InspectionFactory(framework=framework)
        self.pdu = PDUFactory(region=self.inspection.region, code="AAA", name="Avon")
        self.lead = MembershipFactory(inspection=self.inspection, role=Membership.Role.LEAD).user
        self.inspector = MembershipFactory(inspection=self.inspection).user
        self.answered = CaseFactory(
            inspection=self.inspection, pdu=self.pdu, inspector=self.inspector, rosh="low"
        )
        answer_all(self.answered, self.inspector)
        self.blank = CaseFactory(
            inspection=self.inspection, pdu=self.pdu, inspector=self.inspector, rosh="low"
        )
        self.c1a = Question.objects.get(framework=framework, code="C1a")


@pytest.fixture
def world(framework) -> World:
    cache.clear()
    return World(framework)


def warm(world: World) -> Any:
    """Read the scores twice: the second read is the cache's (one query: the version)."""
    inspection_scores(world.inspection)
    with CaptureQueriesContext(connection) as ctx:
        scores = inspection_scores(world.inspection)
    assert len(ctx.captured_queries) == 1, "the second read comes from the cache"
    return scores


def test_unchanged_data_is_read_from_the_cache_in_one_query(world):
    scores = warm(world)
    assert scores.cases == 2
    assert scores.question("C1a").yes == 1
    assert scores.inspection is world.inspection


def test_a_stale_inspection_instance_still_reads_the_figures_after_a_write(world):
    stale = Inspection.objects.get(pk=world.inspection.pk)
    warm(world)
    answer_record(case=world.blank, question=world.c1a, value="no", by=world.inspector)
    assert inspection_scores(stale).question("C1a").no == 1


def _answer(world: World) -> None:
    answer_record(case=world.blank, question=world.c1a, value="no", by=world.inspector)


def _section(world: World) -> None:
    case_answers_save(
        case=world.blank,
        answers=[PageAnswer(world.c1a, "no", "Not seen.", 0)],
        by=world.inspector,
    )


def _bulk(world: World) -> None:
    answers_bulk_create(rows=[(world.blank, world.c1a, "no", "", None)], source="test")


def _orm_delete_then_no(world: World) -> None:
    # A write that goes round the services (the admin, a fix in a shell) is seen too.
    Answer.objects.create(case=world.blank, question=world.c1a, value="no")


@pytest.mark.parametrize(
    "write",
    [_answer, _section, _bulk, _orm_delete_then_no],
    ids=["answer", "section-save", "bulk-copy", "direct-orm"],
)
def test_a_read_after_an_answer_write_sees_it(world, write):
    assert warm(world).question("C1a").no == 0
    write(world)
    scores = inspection_scores(world.inspection)
    assert scores.question("C1a").no == 1
    assert scores.question("C1a").yes == 1


def test_a_read_after_an_answer_is_deleted_sees_it(world):
    warm(world)
    Answer.objects.filter(case=world.answered, question=world.c1a).delete()
    assert inspection_scores(world.inspection).question("C1a").yes == 0


def test_a_read_after_a_profile_change_sees_the_case_move_group(world):
    before = warm(world)
    assert before.profile_row("rosh", "high_very_high").cases == 0
    case_update_profile(case=world.answered, by=world.lead, rosh=Case.Rosh.HIGH)
    after = inspection_scores(world.inspection)
    assert after.profile_row("rosh", "high_very_high").cases == 1
    assert after.profile_row("rosh", "low").cases == 1


def _one_case(world: World) -> None:
    case_create(
        inspection=world.inspection,
        by=world.lead,
        reference="NEW-0001",
        pdu=world.pdu,
        sentence_type=Case.SentenceType.COMMUNITY_ORDER,
        setting=Case.Setting.COMMUNITY,
        rosh=Case.Rosh.LOW,
        practitioner_grade=Case.Grade.PO,
        commenced_on=world.inspection.case_window_start,
    )


CSV = (
    "reference,pdu,sentence_type,setting,rosh,practitioner_grade,commenced_on\n"
    "IMP-00001,AAA,community_order,community,low,po,{when}\n"
)


def _csv(world: World) -> None:
    when = world.inspection.case_window_start.isoformat()
    cases_import_csv(inspection=world.inspection, raw=CSV.format(when=when).encode(), by=world.lead)


def test_a_read_after_a_case_is_added_sees_it(world):
    assert warm(world).cases == 2
    _one_case(world)
    assert inspection_scores(world.inspection).cases == 3


def test_a_read_after_a_csv_import_sees_its_cases(world):
    assert warm(world).cases == 2
    _csv(world)
    assert inspection_scores(world.inspection).cases == 3


def test_a_read_after_a_background_csv_import_sees_its_cases(
    world, django_capture_on_commit_callbacks
):
    assert warm(world).cases == 2
    when = world.inspection.case_window_start.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        job = csv_import_start(
            inspection=world.inspection, raw=CSV.format(when=when).encode(), by=world.lead
        )
    job.refresh_from_db()
    assert job.status == job.Status.SUCCEEDED, job.error
    assert inspection_scores(world.inspection).cases == 3


def test_a_read_after_a_pdu_is_renamed_sees_the_new_name(world):
    warm(world)
    PDU.objects.filter(pk=world.pdu.pk).update(name="Avon and Somerset")
    labels = [g.label for g in inspection_scores(world.inspection).breakdowns["pdu"]]
    assert "Avon and Somerset" in labels


@pytest.mark.parametrize("step", ["submit", "allocate"])
def test_workflow_writes_move_the_data_version_on(world, step):
    before = inspection_data_version(world.inspection)
    if step == "submit":
        case_submit(case=world.answered, by=world.inspector)
    else:
        cases_allocate(
            inspection=world.inspection,
            case_ids=[world.blank.pk],
            inspector=world.lead,
            by=world.lead,
        )
    assert inspection_data_version(world.inspection) > before


def test_a_failed_write_leaves_the_version_and_the_figures_as_they_were(world):
    warm(world)
    before = inspection_data_version(world.inspection)
    with pytest.raises(ValidationError):
        answer_record(case=world.blank, question=world.c1a, value="maybe", by=world.inspector)
    assert inspection_data_version(world.inspection) == before


def test_a_full_save_of_an_old_instance_never_moves_the_version_back(world):
    old = Inspection.objects.get(pk=world.inspection.pk)
    _answer(world)
    newer = inspection_data_version(world.inspection)
    old.title = "Renamed"
    old.save()
    assert inspection_data_version(world.inspection) == newer


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_with_the_cache_down_the_scores_are_computed_as_before(world, caplog):
    scores = inspection_scores(world.inspection)
    assert scores.question("C1a").yes == 1
    _answer(world)
    assert inspection_scores(world.inspection).question("C1a").no == 1


def test_the_cached_figures_equal_the_computed_ones(world):
    _answer(world)
    assert warm(world) == inspection_scores_compute(world.inspection)


# -- the API: ETag and If-None-Match --------------------------------------------------------------


def _lead_api(world: World, api_client: Any) -> Any:
    api_client.force_authenticate(world.lead)
    return api_client


SCORE_URLS = ["api-inspection-scores", "api-export-scores-csv", "api-export-scores-xlsx"]
ALL_URLS = [*SCORE_URLS, "api-export-answers-csv", "api-export-answers-xlsx"]


@pytest.mark.parametrize("name", ALL_URLS)
def test_an_unchanged_resource_is_a_304_and_a_write_makes_it_a_200_again(world, api_client, name):
    client = _lead_api(world, api_client)
    url = reverse(name, args=[world.inspection.slug])
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again["ETag"] == tag
    assert not again.content
    _answer(world)
    after = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert after.status_code == 200
    assert after["ETag"] != tag


def test_the_scores_after_a_write_through_the_api_show_the_write(world, api_client):
    client = _lead_api(world, api_client)
    url = reverse("api-inspection-scores", args=[world.inspection.slug])

    def c1a_no() -> int:
        body = client.get(url).json()
        return next(q["no"] for q in body["questions"] if q["code"] == "C1a")

    assert c1a_no() == 0
    api_client.force_authenticate(world.inspector)
    answer_url = (
        f"/api/v1/inspections/{world.inspection.slug}/cases/{world.blank.reference}/answers/C1a/"
    )
    put = api_client.put(answer_url, {"value": "no"}, format="json", HTTP_IF_MATCH='"v0"')
    assert put.status_code in (200, 201), put.content
    api_client.force_authenticate(world.lead)
    assert c1a_no() == 1


def test_a_304_counts_nothing(world, api_client):
    client = _lead_api(world, api_client)
    url = reverse("api-inspection-scores", args=[world.inspection.slug])
    tag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, HTTP_IF_NONE_MATCH=f'W/{tag}, "other"').status_code == 304
    scans = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert not scans


def test_a_warm_scores_request_makes_a_fixed_small_number_of_queries(
    world, api_client, django_assert_num_queries
):
    client = _lead_api(world, api_client)
    url = reverse("api-inspection-scores", args=[world.inspection.slug])
    client.get(url)
    # The standing (inspection, its data version and the role) and whether there is a baseline
    # (its figures are part of the ETag); nothing is counted.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_someone_elses_answers_export_has_another_etag(world, api_client):
    url = reverse("api-export-answers-csv", args=[world.inspection.slug])
    api_client.force_authenticate(world.lead)
    lead_tag = api_client.get(url)["ETag"]
    api_client.force_authenticate(world.inspector)
    response = api_client.get(url, HTTP_IF_NONE_MATCH=lead_tag)
    assert response.status_code == 200


def test_the_dashboards_progress_and_drift_come_from_the_cache_until_a_write(client, world):
    from cases.selectors import inspection_progress
    from scoring.drift import inspection_drift

    client.force_login(world.lead)
    url = reverse("scores-dashboard", args=[world.inspection.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    cold = queries()
    # Unchanged data: the scores (questions, PDUs, the two scans), the progress and the drift
    # all come from the cache: six queries fewer.
    assert queries() == cold - 6

    def submitted(inspection: Inspection) -> list[int]:
        return [n for key, _, n in inspection_progress(inspection).by_status if key == "submitted"]

    assert submitted(world.inspection) == [0]
    judgements = inspection_drift(world.inspection).team_judgements
    Case.objects.filter(pk=world.answered.pk).update(status=Case.Status.SUBMITTED)
    answer_record(case=world.blank, question=world.c1a, value="no", by=world.inspector)
    assert queries() == cold  # the write moved the version on: all counted afresh
    # A stale instance still reads the new figures: the version is read afresh.
    stale = Inspection.objects.get(pk=world.inspection.pk)
    assert submitted(stale) == [1]
    assert inspection_drift(stale).team_judgements == judgements  # C1a is a prompt, not key


def test_the_leads_status_counts_follow_a_submission_and_a_sample_draw(world, client):
    """The inspection page's counts are cached under the data version: a submission (a case
    write) and a sample draw (rows of cases_sampledcase only, when no second marker is set)
    each move the version on, so the page counts afresh and shows them."""
    from cases.models import SampledCase
    from cases.selectors import status_counts
    from cases.services import moderation_sample_draw

    client.force_login(world.lead)
    url = reverse("inspection-home", args=[world.inspection.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def counts() -> dict[str, int]:
        return status_counts(world.inspection, version=inspection_data_version(world.inspection))

    cold = queries()
    assert queries() == cold - 1, "unchanged data: the counts come from the cache"
    assert counts()["submitted"] == 0
    case_submit(case=world.answered, by=world.inspector)
    assert counts()["submitted"] == 1
    assert counts()["awaiting_moderation"] == 0
    moderation_sample_draw(inspection=world.inspection, share=100, by=world.lead, seed=1)
    assert SampledCase.objects.filter(case=world.answered).exists()
    assert counts()["awaiting_moderation"] == 1
    before = inspection_data_version(world.inspection)
    SampledCase.objects.filter(case=world.answered).delete()
    assert inspection_data_version(world.inspection) > before
    assert counts()["awaiting_moderation"] == 0
