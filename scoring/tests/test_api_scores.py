from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Inspection, Membership
from inspections.tests.factories import MembershipFactory, UserFactory
from tests.api_helpers import role_clients

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
    "small_base",
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


def test_the_scores_of_the_handworked_inspection_are_its_hand_counts(handworked):
    """Counts by hand in scoring/tests/test_handworked_scores.py (cases named 01-12 there)."""
    client = role_clients(handworked.inspection)["client"]
    body = client.get(url("handworked-2025")).json()
    assert (body["inspection"], body["cases"]) == ("handworked-2025", 12)
    questions = {q["code"]: q for q in body["questions"]}
    fields = ("yes", "no", "not_applicable", "unanswered", "relevant", "percent")
    # K1: yes 01 03 05 08 09 10, no 02 06, adjusted 04 07 11, unanswered 12. 6 of 8.
    assert tuple(questions["K1"][f] for f in fields) == (6, 2, 3, 1, 8, 75)
    # Wilson 95% for 6 of 8: 40.92747-92.85210 (R binom.confint(6, 8, method = "wilson")).
    assert (questions["K1"]["exact"], questions["K1"]["ci_low"], questions["K1"]["ci_high"]) == (
        75.0,
        40.93,
        92.85,
    )
    # K1a: yes 01 09 10, no 03 06, explicit N/A 02 08 (+3 adjusted), unanswered 05 12. 3 of 5;
    # Wilson 23.07240-88.23794.
    assert tuple(questions["K1a"][f] for f in fields) == (3, 2, 5, 2, 5, 60)
    assert (questions["K1a"]["ci_low"], questions["K1a"]["ci_high"]) == (23.07, 88.24)
    # No relevant case in a group: null, not zero (Northam: A1a's only answer is N/A, 04).
    northam = next(g for g in body["breakdowns"]["pdu"] if g["group"] == "NM")
    a1a = next(q for q in northam["questions"] if q["code"] == "A1a")
    assert (a1a["relevant"], a1a["percent"], a1a["ci_low"]) == (0, None, None)
    # PDU rows by name, each with its own figures (K1a: 09 of 06 09; 01 of 01 03; 10 of 10).
    pdu_rows = [
        (g["group"], g["label"], g["cases"], k1a["yes"], k1a["relevant"])
        for g in body["breakdowns"]["pdu"]
        for k1a in g["questions"]
        if k1a["code"] == "K1a"
    ]
    assert pdu_rows == [
        ("EL", "Eastleigh", 4, 1, 2),
        ("NM", "Northam", 5, 1, 2),
        ("WB", "Westbury", 3, 1, 1),
    ]
    mappa = {r["group"]: (r["cases"], r["percent"]) for r in body["profile"]["mappa"]}
    assert mappa == {
        "not_eligible": (8, 67),
        "eligible": (4, 33),
        "level_1": (2, 17),
        "level_2": (1, 8),
        "level_3": (1, 8),
    }


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
        assert q["small_base"] is False  # no percentage, nothing to warn about


def test_every_figure_says_whether_its_base_is_under_ten_cases(demo, api_client):
    api_client.force_authenticate(Membership.objects.get(inspection=demo, role="lead").user)
    body = api_client.get(url(demo.slug)).json()
    figures = list(body["questions"]) + [
        q for groups in body["breakdowns"].values() for g in groups for q in g["questions"]
    ]
    assert {q["small_base"] for q in figures} == {True, False}, "the demo has both kinds"
    for q in figures:
        assert q["small_base"] == (1 <= q["yes"] + q["no"] <= 9), q


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
    from django.core.cache import cache

    cache.clear()  # cold: the count of a first read after a write
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
    # The fixed number: the inspection with its data version (the cache's key: nothing cached
    # yet), questions, PDUs, one grouped scan of cases, one read of the answer tallies, and
    # whether there is a baseline.
    assert big == 6
    # With one: its figures, and the earlier inspection's five (version, questions, PDUs, the
    # cases, the tallies), whatever its size.
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


def test_a_question_score_serialises_as_drfs_generic_walk_would(handworked, demo):
    """QuestionScoreSerializer reads its fields straight off the score (the hot path): the same
    keys, values and types as DRF's own walk over the declared fields, for every score of two
    inspections (null percentages, small bases and prompts with parents among them)."""
    from rest_framework import serializers

    from scoring.api.serializers import QuestionScoreSerializer, ScoredQuestionSerializer
    from scoring.selectors import inspection_scores

    seen = 0
    for inspection in (handworked.inspection, demo):
        scores = inspection_scores(inspection)
        every = list(scores.questions)
        for groups in scores.breakdowns.values():
            for group in groups:
                every += group.questions
        for score in every:
            for cls in (QuestionScoreSerializer, ScoredQuestionSerializer):
                field = cls()
                fast = field.to_representation(score)
                generic = serializers.Serializer.to_representation(field, score)
                assert list(fast) == list(generic)
                assert {k: (v, type(v)) for k, v in fast.items()} == {
                    k: (v, type(v)) for k, v in generic.items()
                }
            seen += 1
    assert seen > 500
