"""Moderation sampling: every inspector moderated, strata kept, the draw reproducible from its
seed, second markers who are never the case's own inspector."""

from __future__ import annotations

import math
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from cases.models import Case, SampledCase
from cases.services import moderation_sample_draw
from cases.services.sampling import sample_plan, stratum_of
from cases.tests.factories import CaseFactory
from cases.tests.helpers import make_world
from inspections.models import InspectionEvent
from inspections.tests.factories import MembershipFactory, PDUFactory

ROSH = ["low", "medium", "high", "very_high"]


def _fake(reference: str, inspector: int, rosh: str, mappa: bool) -> SimpleNamespace:
    return SimpleNamespace(
        reference=reference,
        inspector_id=inspector,
        rosh=rosh,
        mappa_eligible=mappa,
        get_rosh_display=lambda r=rosh: r.replace("_", " ").capitalize(),
    )


cases_strategy = st.lists(
    st.tuples(st.integers(1, 4), st.sampled_from(ROSH), st.booleans()), min_size=1, max_size=40
)


@given(cases=cases_strategy, share=st.integers(1, 100), seed=st.integers(1, 10**9))
@settings(max_examples=200, deadline=None)
def test_every_inspector_gets_their_share_rounded_up_split_across_their_strata(cases, share, seed):
    fakes = [_fake(f"S-{i:03d}", insp, rosh, mappa) for i, (insp, rosh, mappa) in enumerate(cases)]
    plan = sample_plan(cases=fakes, share=share, seed=seed)  # type: ignore[arg-type]
    drawn = Counter(case.inspector_id for case, _ in plan.picks)
    own = Counter(c.inspector_id for c in fakes)
    for inspector, n in own.items():
        # Every inspector with cases is moderated; the quota is the share, rounded up.
        assert drawn[inspector] == max(1, math.ceil(n * share / 100))
        strata = Counter(stratum_of(c) for c in fakes if c.inspector_id == inspector)  # type: ignore[arg-type]
        picked = Counter(s for c, s in plan.picks if c.inspector_id == inspector)
        for stratum, size in strata.items():
            # Proportional to the stratum's size, within one case of the exact share.
            exact = drawn[inspector] * size / n
            assert math.floor(exact) <= picked[stratum] <= math.ceil(exact)
            assert picked[stratum] <= size
    assert len({c.reference for c, _ in plan.picks}) == len(plan.picks)
    # The same seed draws the same cases.
    again = sample_plan(cases=list(reversed(fakes)), share=share, seed=seed)  # type: ignore[arg-type]
    assert [c.reference for c, _ in again.picks] == [c.reference for c, _ in plan.picks]


def test_a_hand_worked_draw():
    # Inspector 1: 4 cases (3 medium not MAPPA, 1 high MAPPA); 50% -> 2 cases, one per stratum
    # (exact shares 1.5 and 0.5: the larger remainder ties, broken by stratum name).
    fakes = [
        _fake("A-001", 1, "medium", False),
        _fake("A-002", 1, "medium", False),
        _fake("A-003", 1, "medium", False),
        _fake("A-004", 1, "high", True),
        _fake("B-001", 2, "low", False),
    ]
    plan = sample_plan(cases=fakes, share=50, seed=1)  # type: ignore[arg-type]
    strata = Counter(s for _, s in plan.picks)
    assert strata == {
        "high/very high RoSH, MAPPA": 1,
        "medium RoSH, not MAPPA": 1,
        "low RoSH, not MAPPA": 1,
    }


@pytest.mark.django_db
def test_a_draw_assigns_second_markers_who_are_not_the_inspector_and_records_the_seed(framework):
    world = make_world(framework)
    pdu = PDUFactory(region=world.inspection.region)
    other = MembershipFactory(inspection=world.inspection).user
    for i, inspector in enumerate([world.inspector] * 3 + [other] * 3):
        CaseFactory(
            inspection=world.inspection,
            pdu=pdu,
            inspector=inspector,
            reference=f"SMP-{i:03d}",
            status=Case.Status.SUBMITTED,
        )
    sample = moderation_sample_draw(inspection=world.inspection, share=34, seed=99, by=world.lead)
    drawn = list(SampledCase.objects.filter(sample=sample).select_related("case"))
    # WEB-0002 (submitted, the inspector's) joins their three: 4 -> 2; the other's 3 -> 2.
    assert len(drawn) == 4
    for entry in drawn:
        entry.case.refresh_from_db()
        assert entry.case.second_marker_id not in (None, entry.case.inspector_id)
    assert (sample.seed, sample.share) == (99, 34)
    assert sample.record["second_markers"]
    assert (
        InspectionEvent.objects.get(inspection=world.inspection, kind="sample").data["seed"] == 99
    )
    # A second draw takes only cases not drawn before.
    second = moderation_sample_draw(inspection=world.inspection, share=100, seed=5, by=world.lead)
    assert second.cases.count() == 7 - 4
    with pytest.raises(ValidationError, match="No submitted case is waiting"):
        moderation_sample_draw(inspection=world.inspection, share=50, by=world.lead)


@pytest.mark.django_db
def test_the_same_seed_on_the_same_cases_draws_the_same_sample(framework):
    drawn = []
    for _ in range(2):
        world = make_world(framework)
        for i in range(8):
            CaseFactory(
                inspection=world.inspection,
                inspector=world.inspector,
                reference=f"RPT-{i:03d}",
                rosh=ROSH[i % 4],
                status=Case.Status.SUBMITTED,
            )
        sample = moderation_sample_draw(
            inspection=world.inspection, share=25, seed=7, by=world.lead
        )
        drawn.append(sorted(s.case.reference for s in sample.cases.select_related("case")))
    assert drawn[0] == drawn[1]


@pytest.mark.django_db
def test_sampling_through_the_api_and_the_queue_that_follows(client, framework):
    world = make_world(framework)
    api = APIClient()
    api.force_login(world.lead)
    base = f"/api/v1/inspections/{world.inspection.slug}/moderation-samples/"
    assert api.post(base, {"share": 0}).status_code == 400
    created = api.post(base, {"share": 100, "seed": 3})
    assert created.status_code == 201
    assert created.json()["cases"] == ["WEB-0002"]
    assert api.get(base).json()[0]["seed"] == 3
    client.force_login(world.lead)
    home = client.get(f"/inspections/{world.inspection.slug}/").content.decode()
    assert f"/inspections/{world.inspection.slug}/cases/?moderation=awaiting" in home
    listed = client.get(f"/inspections/{world.inspection.slug}/cases/?moderation=awaiting")
    assert [c.reference for c, *_ in listed.context["rows"]] == ["WEB-0002"]
