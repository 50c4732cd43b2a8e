from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Inspection, Membership
from inspections.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = {
    "code",
    "text",
    "yes",
    "no",
    "not_applicable",
    "unanswered",
    "relevant",
    "percent",
    "ci_low",
    "ci_high",
}


def url(slug: str) -> str:
    return reverse("api-inspection-scores", args=[slug])


def test_the_response_keeps_the_published_contract(demo, api_client):
    api_client.force_authenticate(Membership.objects.get(inspection=demo, role="lead").user)
    body = api_client.get(url(demo.slug)).json()
    assert {"inspection", "cases", "questions", "breakdowns", "profile"} <= set(body)
    assert body["inspection"] == "south-west-2025"
    assert all(set(q) >= QUESTION_FIELDS for q in body["questions"])
    assert set(body["breakdowns"]) >= {"pdu", "mappa", "rosh"}
    for groups in body["breakdowns"].values():
        for g in groups:
            assert {"group", "cases", "questions"} <= set(g)
            assert all(set(q) >= QUESTION_FIELDS for q in g["questions"])
    for rows in body["profile"].values():
        assert all({"group", "cases", "percent"} <= set(r) for r in rows)
    c1 = next(q for q in body["questions"] if q["code"] == "C1")
    assert c1["ci_low"] < c1["percent"] < c1["ci_high"]


def test_an_inspection_without_cases_scores_null_not_zero(framework, api_client):
    from inspections.tests.factories import InspectionFactory

    inspection = InspectionFactory(framework=framework)
    lead = MembershipFactory(inspection=inspection, role=Membership.Role.LEAD).user
    api_client.force_authenticate(lead)
    body = api_client.get(url(inspection.slug)).json()
    assert body["cases"] == 0
    assert body["questions"], "every question of the framework is listed"
    for q in body["questions"]:
        assert (q["relevant"], q["percent"], q["ci_low"], q["ci_high"]) == (0, None, None, None)


def test_anonymous_users_are_refused(demo, api_client):
    assert api_client.get(url(demo.slug)).status_code in (401, 403)


def test_a_user_not_on_the_inspection_cannot_tell_it_exists(demo, api_client):
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url(demo.slug)).status_code == 404
    assert api_client.get(url("no-such-inspection")).status_code == 404


def test_an_inspector_on_the_inspection_may_read_its_scores(demo, api_client):
    inspector = MembershipFactory(inspection=demo, role=Membership.Role.INSPECTOR).user
    api_client.force_authenticate(inspector)
    assert api_client.get(url(demo.slug)).status_code == 200


def test_token_authentication_works(demo, api_client):
    from rest_framework.authtoken.models import Token

    lead = Membership.objects.get(inspection=demo, role="lead").user
    token = Token.objects.create(user=lead)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(url(demo.slug)).status_code == 200


def _queries_for(slug: str, api_client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(url(slug))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_cases(demo, api_client):
    from inspections.models import Baseline

    call_command("generate_synthetic", slug="big", cases=2000, seed=7)
    admin = UserFactory(username="root", is_superuser=True)
    api_client.force_authenticate(admin)
    with_baseline = _queries_for(demo.slug, api_client)
    Baseline.objects.filter(inspection=demo).delete()
    small = _queries_for(demo.slug, api_client)
    big = _queries_for("big", api_client)
    assert Inspection.objects.get(slug="big").cases.count() == 2000
    assert small == big
    # The fixed number: inspection, questions, PDUs, one grouped scan of cases, one of answers,
    # and whether there is a baseline.
    assert big == 6
    # With one: its figures, and the earlier inspection's five (whatever its size).
    assert with_baseline == 6 + 1 + 5


def test_agreement_gives_kappa_and_ac1_per_question_and_inspector_to_the_lead(
    demo, api_client, django_assert_num_queries
):
    from cases.models import ModerationReview

    lead = Membership.objects.get(inspection=demo, role="lead").user
    api_client.force_authenticate(lead)
    agreement_url = reverse("api-inspection-agreement", args=[demo.slug])
    with django_assert_num_queries(4):  # the standing, then three for every case at once
        body = api_client.get(agreement_url).json()
    assert [row["key"] for row in body["by_question"]] == ["C1", "C2", "C3", "C4"]
    assert body["by_inspector"], "the demo's double-marked cases have markers"
    # Worked from the moderation rows directly (the demo moderates each case once).
    pairs = list(
        ModerationReview.objects.filter(case__inspection=demo).values_list(
            "inspector_value", "moderator_value"
        )
    )
    n = len(pairs)
    agreed = sum(1 for a, b in pairs if a == b)
    yes_share = sum((a == "yes") + (b == "yes") for a, b in pairs) / (2 * n)
    chance = 2 * yes_share * (1 - yes_share)
    overall = body["overall"]
    assert (overall["judgements"], overall["agreed"]) == (n, agreed) == (64, 61)
    assert overall["percent"] == 95  # 61 of 64 is 95.3%
    assert overall["ac1"] == pytest.approx((agreed / n - chance) / (1 - chance))
    assert -1 <= overall["kappa"] <= 1
    for row in body["by_question"] + body["by_inspector"]:
        assert {"key", "label", "cases", "judgements", "agreed", "percent", "kappa", "ac1"} <= set(
            row
        )


def test_agreement_is_the_leads_alone(demo, api_client):
    inspector = Membership.objects.filter(inspection=demo, role="inspector").first().user
    api_client.force_authenticate(inspector)
    response = api_client.get(reverse("api-inspection-agreement", args=[demo.slug]))
    assert response.status_code == 403
