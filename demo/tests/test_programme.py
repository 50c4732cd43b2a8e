"""The demo programme: the South West beside synthetic regions, labelled synthetic everywhere."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse

from cases.models import Answer
from demo.loader import demo_load
from demo.programme import PROGRAMME_NAME, PROGRAMME_SLUG, REGIONS
from inspections.access import NATIONAL_LEAD_GROUP, programme_standing_get
from inspections.models import Inspection, Programme
from reports.rendering import report_document, report_html
from reports.selectors import report_scores
from scoring.programme import programme_scores

pytestmark = pytest.mark.django_db

NOTICE = "generated for demonstration, not a published inspection"


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _synthetic(name: str) -> Inspection:
    return Inspection.objects.get(programme__slug=PROGRAMME_SLUG, region__name=name)


def test_the_demo_programme_has_the_south_west_and_the_synthetic_regions(demo):
    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    assert programme.name == PROGRAMME_NAME
    assert programme.framework_id == demo.framework_id
    inspections = {i.region.name: i for i in programme.inspections.select_related("region")}
    assert set(inspections) == {"South West"} | {r.name for r in REGIONS}
    assert inspections["South West"].pk == demo.pk
    assert not inspections["South West"].synthetic
    for spec in REGIONS:
        inspection = inspections[spec.name]
        assert inspection.synthetic, spec.name
        assert inspection.status == spec.status, spec.name
        assert inspection.cases.count() == spec.cases, spec.name
        assert inspection.region.pdus.count() == len(spec.pdus), spec.name
        assert 1 <= inspection.recommendations.count() <= 3, spec.name
    statuses = [r.status for r in REGIONS]
    assert statuses.count(Inspection.Status.PUBLISHED) >= len(REGIONS) - 2
    assert {Inspection.Status.FIELDWORK, Inspection.Status.REPORTING} <= set(statuses)
    # The South West's earlier inspection (its baseline) is generated too, and says so.
    assert Inspection.objects.get(slug="south-west-earlier-synthetic").synthetic


def test_the_national_lead_sees_every_inspection_and_the_demo_lead_is_a_regional_lead(demo):
    national = _user("national")
    assert national.check_password("national-demo-2025")
    assert national.groups.filter(name=NATIONAL_LEAD_GROUP).exists()
    standing = programme_standing_get(national, PROGRAMME_SLUG)
    assert standing.sees_all and standing.can_manage
    lead = programme_standing_get(_user("lead"), PROGRAMME_SLUG)
    assert not lead.sees_all and not lead.can_manage
    assert lead.own == {demo.pk}


def _key_counts(code: str) -> dict[str, tuple[int, int]]:
    """(Yes, relevant) per region on a key question, counted from the stored answers."""
    rows = (
        Answer.objects.filter(
            case__inspection__programme__slug=PROGRAMME_SLUG,
            case__withdrawn_at__isnull=True,
            question__code=code,
        )
        .exclude(value="na")
        .values("case__inspection__region__name")
        .annotate(yes=Count("pk", filter=Q(value="yes")), relevant=Count("pk"))
    )
    return {r["case__inspection__region__name"]: (r["yes"], r["relevant"]) for r in rows}


def test_each_synthetic_region_has_the_yes_rate_it_was_generated_with(demo):
    for code in ("C1", "C2", "C3", "C4"):
        counts = _key_counts(code)
        for spec in REGIONS:
            # Key questions are never N/A: every case is relevant.
            assert counts[spec.name] == (round(spec.cases * spec.key_rates[code]), spec.cases)


def test_the_region_far_below_the_others_on_assessment_is_named_in_plain_words(demo):
    scores = programme_scores(programme_standing_get(_user("national"), PROGRAMME_SLUG))
    counted = {i.region.name for i in scores.counted}
    assert counted == {r.name for r in REGIONS if r.status == Inspection.Status.PUBLISHED}
    counts = {name: c for name, c in _key_counts("C1").items() if name in counted}
    pooled = sum(y for y, _ in counts.values()) / sum(n for _, n in counts.values())
    yes, relevant = counts["Kent, Surrey and Sussex"]
    # Far outside by a normal approximation too (its 99.8% limits are 3.09 standard errors
    # either side): more than 3.5 standard errors below.
    assert yes / relevant < pooled - 3.5 * (pooled * (1 - pooled) / relevant) ** 0.5
    funnel = next(f for f in scores.region_funnels if f.code == "C1")
    assert funnel.words() == [
        f"Kent, Surrey and Sussex: {round(100 * yes / relevant)}% ({yes} of {relevant} relevant "
        f"cases) is below the 99.8% limit for assessment ({round(100 * pooled)}% across the "
        "programme): a difference this size would happen by chance less than once in 500."
    ]
    # The other key questions show spread (a region beyond the 95% limits), but no region
    # outside the 99.8% limits.
    others = [f for f in scores.region_funnels if f.code != "C1"]
    for other in others:
        assert other.words()[0].startswith("All regions are within"), other.code
    assert {r.position for f in others for r in f.rows} - {"within"}


PAGES = [
    ("inspection-home", {}),
    ("case-index", {}),
    ("team", {}),
    ("inspection-status", {}),
    ("inspection-details", {}),
    ("context-facts", {}),
    ("inspection-baseline", {}),
    ("inspection-history", {}),
    ("scores-dashboard", {}),
    ("agreement", {}),
    ("report-overview", {}),
    ("report-recommendations", {"addressee": "region"}),
    ("case-detail", {"reference": "{prefix}-001"}),
    ("case-profile", {"reference": "{prefix}-001"}),
]


@pytest.mark.parametrize(("name", "extra"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_of_a_synthetic_inspection_says_so_and_the_south_wests_do_not(
    client, demo, name, extra
):
    client.force_login(_user("admin"))
    spec = next(r for r in REGIONS if r.status == Inspection.Status.REPORTING)
    for inspection, synthetic in ((_synthetic(spec.name), True), (demo, False)):
        prefix = spec.prefix if synthetic else "DEMO"
        kwargs = {k: v.format(prefix=prefix) for k, v in extra.items()}
        response = client.get(reverse(name, kwargs={"slug": inspection.slug, **kwargs}))
        assert response.status_code == 200, (name, inspection.slug)
        assert (NOTICE in response.content.decode()) == synthetic, (name, inspection.slug)


def test_a_synthetic_inspections_report_says_so_on_its_cover_and_every_pdf_page(demo):
    for inspection, synthetic in ((_synthetic("London"), True), (demo, False)):
        html = report_html(
            report_document(
                inspection=inspection, scores=report_scores(inspection), data_sha256="0" * 64
            )
        )
        assert html.count(NOTICE) == (2 if synthetic else 0), inspection.slug
        assert ("@top-center" in html) == synthetic


def test_the_inspection_list_tags_each_synthetic_inspection(client, demo):
    tag = 'govuk-tag--orange">Synthetic data</strong>'
    client.force_login(_user("admin"))
    page = client.get(reverse("home")).content.decode()
    # Every synthetic inspection: the seven regions and the South West's earlier inspection.
    assert page.count(tag) == Inspection.objects.filter(synthetic=True).count() == len(REGIONS) + 1
    client.force_login(_user("lead"))
    page = client.get(reverse("home")).content.decode()
    assert page.count(tag) == 1  # the South West's synthetic baseline, which the lead leads
    assert NOTICE not in page


def test_loading_again_after_the_programme_was_deleted_makes_it_again_from_the_same_inspections(
    demo,
):
    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    before = set(programme.inspections.values_list("pk", flat=True))
    programme.inspections.update(programme=None)
    programme.delete()
    result = demo_load()
    assert not result.created and result.programme_created
    assert set(result.programme.inspections.values_list("pk", flat=True)) == before
    assert demo_load().programme_created is False
