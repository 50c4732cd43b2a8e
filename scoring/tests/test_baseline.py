"""The comparison with a baseline: the scores API gains `baseline` per key question, the
dashboard shows the change with its interval and words, and the demo's baseline is synthetic."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.models import Baseline, Membership
from inspections.services import BaselineFigureInput, baseline_clear, baseline_set
from scoring.arithmetic import difference_interval
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def _lead(inspection):
    return Membership.objects.get(inspection=inspection, role=Membership.Role.LEAD).user


def test_the_demo_is_compared_with_a_synthetic_earlier_inspection_and_keeps_its_figures(
    demo, api_client
):
    baseline = Baseline.objects.get(inspection=demo)
    assert baseline.previous is not None
    assert baseline.previous.title.startswith("SYNTHETIC")
    api_client.force_authenticate(_lead(demo))
    body = api_client.get(reverse("api-inspection-scores", args=[demo.slug])).json()
    by_code = {q["code"]: q for q in body["questions"]}
    # The South West's own figures are as published.
    assert [by_code[c]["percent"] for c in ("C1", "C2", "C3", "C4")] == [45, 59, 30, 39]
    then = inspection_scores(baseline.previous)
    for code in ("C1", "C2", "C3", "C4"):
        compared = by_code[code]["baseline"]
        earlier = then.question(code)
        assert (compared["then_yes"], compared["then_relevant"]) == (
            earlier.yes,
            earlier.relevant,
        )
        assert compared["change"] == by_code[code]["percent"] - compared["then_percent"]
        assert compared["source"].startswith("SYNTHETIC")
        assert compared["words"] in ("improved", "declined", "no clear change")
        assert (compared["words"] == "improved") == (compared["low"] > 0)
    # Prompts and supplementary questions are not compared.
    assert "baseline" not in by_code["S1"]


def test_hand_entered_figures_with_their_source_are_compared(demo, api_client):
    lead = _lead(demo)
    baseline_set(
        inspection=demo,
        by=lead,
        title="Regional inspection report",
        year=2023,
        source="An earlier published report (made up for this test)",
        figures=[
            BaselineFigureInput("C3", relevant=64, yes=14),
            BaselineFigureInput("c1", relevant=50, percent=22),
        ],
    )
    api_client.force_authenticate(lead)
    body = api_client.get(reverse("api-inspection-scores", args=[demo.slug])).json()
    by_code = {q["code"]: q for q in body["questions"]}
    c3 = by_code["C3"]["baseline"]
    low, high = difference_interval(14, 64, 19, 64)
    assert (c3["then_percent"], c3["change"]) == (22, 8)
    assert (c3["low"], c3["high"]) == (pytest.approx(low), pytest.approx(high))
    assert c3["words"] == "no clear change"
    assert c3["source"] == "Regional inspection report (2023)"
    # A published percentage of a base: 22% of 50 is 11 Yes; the percentage stays as printed.
    c1 = by_code["C1"]["baseline"]
    assert (c1["then_yes"], c1["then_relevant"], c1["then_percent"]) == (11, 50, 22)
    assert "baseline" not in by_code["C2"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "previous"),
        ({"previous_slug": "no-such-inspection"}, "previous"),
        ({"figures": [BaselineFigureInput("C3", relevant=64, yes=14)]}, "source"),
        (
            {
                "title": "T",
                "source": "S",
                "figures": [BaselineFigureInput("S1", relevant=10, yes=1)],
            },
            "figures",
        ),
        (
            {
                "title": "T",
                "source": "S",
                "figures": [BaselineFigureInput("C3", relevant=10, yes=11)],
            },
            "figures",
        ),
        (
            {
                "title": "T",
                "source": "S",
                "figures": [BaselineFigureInput("C3", relevant=10, yes=1, percent=10)],
            },
            "figures",
        ),
        (
            {
                "title": "T",
                "source": "S",
                "year": 23,
                "figures": [BaselineFigureInput("C3", 10, 1)],
            },
            "year",
        ),
    ],
)
def test_the_service_refuses_a_baseline_it_cannot_compare(demo, kwargs, field):
    before = Baseline.objects.get(inspection=demo).previous_id
    with pytest.raises(ValidationError) as error:
        baseline_set(inspection=demo, by=_lead(demo), **kwargs)
    assert field in error.value.message_dict
    assert Baseline.objects.get(inspection=demo).previous_id == before  # nothing written


def test_an_inspection_cannot_be_its_own_baseline(demo):
    with pytest.raises(ValidationError) as error:
        baseline_set(inspection=demo, by=_lead(demo), previous_slug=demo.slug)
    assert "its own baseline" in str(error.value)


def test_only_the_lead_sets_the_baseline(demo):
    from django.core.exceptions import PermissionDenied

    inspector = Membership.objects.filter(inspection=demo, role="inspector").first().user
    with pytest.raises(PermissionDenied):
        baseline_clear(inspection=demo, by=inspector)
    assert Baseline.objects.filter(inspection=demo).exists()
    baseline_clear(inspection=demo, by=_lead(demo))
    assert not Baseline.objects.filter(inspection=demo).exists()


def test_the_dashboard_shows_the_change_with_its_interval_and_words(demo, client):
    client.force_login(_lead(demo))
    body = client.get(reverse("scores-dashboard", args=[demo.slug])).content.decode()
    assert 'id="then-and-now"' in body
    assert "SYNTHETIC earlier inspection" in body
    assert "points (95% CI" in body
    assert f'href="/inspections/{demo.slug}/baseline/"' in body
