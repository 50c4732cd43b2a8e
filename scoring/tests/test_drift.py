"""Inspector drift: funnel limits, the per-inspector rates, the API and the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Answer
from inspections.models import Membership
from scoring.arithmetic import Z_95, Z_998, funnel_limits
from scoring.drift import DriftRow


def test_funnel_limits_on_a_worked_example():
    # Team rate 50%, 100 judgements: 0.5 +- 1.96 * sqrt(0.25 / 100) = 0.5 +- 0.098.
    low, high = funnel_limits(0.5, 100, Z_95)
    assert (low, high) == (pytest.approx(40.2, abs=0.01), pytest.approx(59.8, abs=0.01))
    # 99.8%: 0.5 +- 3.09 * 0.05 = 0.5 +- 0.1545.
    low, high = funnel_limits(0.5, 100, Z_998)
    assert (low, high) == (pytest.approx(34.55, abs=0.01), pytest.approx(65.45, abs=0.01))
    with pytest.raises(ValueError):
        funnel_limits(0.5, 0)


@given(st.floats(min_value=0, max_value=1), st.integers(min_value=1, max_value=5000))
def test_the_funnel_holds_the_team_rate_and_narrows_with_more_judgements(rate, n):
    low, high = funnel_limits(rate, n)
    wide_low, wide_high = funnel_limits(rate, n, Z_998)
    assert 0 <= wide_low <= low <= 100 * rate + 1e-9
    assert 100 * rate - 1e-9 <= high <= wide_high <= 100
    more_low, more_high = funnel_limits(rate, n + 1)
    assert more_high - more_low <= high - low + 1e-9


def _row(rate: float) -> DriftRow:
    return DriftRow("a", "A", 100, round(rate), rate, 40.2, 59.8, 34.55, 65.45)


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        (50, "Within the limits."),
        (62, "Outside the 95% limits only"),
        (70, "Says Yes more often than the team beyond the 99.8% limits: look at a sample"),
        (30, "Says Yes less often than the team beyond the 99.8% limits"),
    ],
)
def test_only_a_point_outside_the_outer_limits_asks_the_lead_to_look(rate, words):
    assert words in _row(rate).note


@pytest.mark.django_db
def test_the_api_gives_each_inspectors_rate_against_the_team_to_the_lead_only(
    demo, api_client, django_assert_num_queries
):
    lead = Membership.objects.get(inspection=demo, role="lead").user
    api_client.force_authenticate(lead)
    url = reverse("api-inspection-drift", args=[demo.slug])
    # The standing (with the data version), one grouped count; then the cache's.
    with django_assert_num_queries(2):
        body = api_client.get(url).json()
    with django_assert_num_queries(1):  # unchanged data: the drift from the cache
        assert api_client.get(url).json() == body
    key_answers = Answer.objects.filter(
        case__inspection=demo, question__kind="key", value__in=["yes", "no"]
    )
    assert body["team_judgements"] == key_answers.count() == 256
    assert body["team_yes"] == key_answers.filter(value="yes").count()
    assert sum(r["judgements"] for r in body["rows"]) == 256
    for row in body["rows"]:
        mine = key_answers.filter(case__inspector__username=row["key"])
        assert (row["judgements"], row["yes"]) == (mine.count(), mine.filter(value="yes").count())
        assert row["low_998"] <= row["low_95"] <= row["high_95"] <= row["high_998"]
    assert "not random" in body["caveat"]
    inspector = Membership.objects.filter(inspection=demo, role="inspector").first().user
    api_client.force_authenticate(inspector)
    assert api_client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_dashboard_shows_the_funnel_plot_with_its_table(demo, client):
    client.force_login(Membership.objects.get(inspection=demo, role="lead").user)
    body = client.get(reverse("scores-dashboard", args=[demo.slug])).content.decode()
    assert 'id="drift"' in body and 'id="drift-table"' in body
    assert 'aria-labelledby="funnel-title funnel-desc"' in body
    assert "Allocation is not random" in body
    assert body.count("<circle") >= 2
