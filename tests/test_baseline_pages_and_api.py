"""Setting the baseline through the page and the API: the lead's, validated by the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.models import Baseline, Membership

pytestmark = pytest.mark.django_db


def _lead(inspection):
    return Membership.objects.get(inspection=inspection, role=Membership.Role.LEAD).user


def test_the_lead_enters_a_reports_figures_on_the_page_and_the_scores_compare_with_them(
    demo, client, api_client
):
    client.force_login(_lead(demo))
    url = reverse("inspection-baseline", args=[demo.slug])
    page = client.get(url).content.decode()
    assert "SYNTHETIC earlier inspection" in page  # the current baseline, labelled as such
    response = client.post(
        url,
        {
            "title": "Regional report (made up for this test)",
            "year": "2023",
            "source": "Test source",
            "figures": "C3 14 64\nC1 22% 50\n",
        },
    )
    assert response.status_code == 302
    baseline = Baseline.objects.get(inspection=demo)
    assert baseline.previous is None
    assert sorted(baseline.figures.values_list("question_code", "yes", "relevant")) == [
        ("C1", 11, 50),
        ("C3", 14, 64),
    ]
    api_client.force_authenticate(_lead(demo))
    scores = api_client.get(reverse("api-inspection-scores", args=[demo.slug])).json()
    c3 = next(q for q in scores["questions"] if q["code"] == "C3")
    assert c3["baseline"]["then_percent"] == 22 and c3["baseline"]["change"] == 8


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ("C3 fourteen 64", "must be whole numbers"),
        ("C3 14", "write a code, a figure and the relevant cases"),
        ("S1 3 10", "is not a key question"),
        ("C3 70 64", "between 0 and the relevant cases"),
        ("C3 5 99999999999999999999", "relevant cases must be between 1 and 1,000,000"),
    ],
)
def test_a_bad_figure_is_refused_with_the_reason_and_nothing_changes(
    demo, client, figures, message
):
    client.force_login(_lead(demo))
    before = Baseline.objects.get(inspection=demo).previous_id
    response = client.post(
        reverse("inspection-baseline", args=[demo.slug]),
        {"title": "T", "source": "S", "figures": figures},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Baseline.objects.get(inspection=demo).previous_id == before


def test_the_api_sets_reads_and_removes_the_baseline(demo, api_client):
    lead = _lead(demo)
    api_client.force_authenticate(lead)
    url = reverse("api-inspection-baseline", args=[demo.slug])
    body = api_client.get(url).json()["baseline"]
    assert body["previous_title"].startswith("SYNTHETIC")
    response = api_client.put(
        url,
        {
            "title": "A report",
            "year": 2023,
            "source": "Somewhere",
            "figures": [{"question_code": "C2", "relevant": 40, "yes": 20}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()["baseline"]
    assert body["previous"] is None
    assert body["figures"] == [
        {"question_code": "C2", "yes": 20, "relevant": 40, "published_percent": None}
    ]
    bad = api_client.put(url, {"previous": demo.slug}, format="json")
    assert bad.status_code == 400
    assert api_client.delete(url).status_code == 204
    assert api_client.get(url).json() == {"baseline": None}
    assert api_client.delete(url).status_code == 409


def test_an_inspector_may_read_but_not_set_the_baseline(demo, api_client):
    inspector = Membership.objects.filter(inspection=demo, role="inspector").first().user
    api_client.force_authenticate(inspector)
    url = reverse("api-inspection-baseline", args=[demo.slug])
    assert api_client.get(url).status_code == 200
    assert api_client.put(url, {"previous": ""}, format="json").status_code == 403
    assert api_client.delete(url).status_code == 403
    assert Baseline.objects.filter(inspection=demo).exists()
