"""A programme's figures: pooled = the sum of the regions, funnel limits checked against an
independent exact computation, who sees which inspections, and a fixed query count."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.access import programme_standing_get
from inspections.models import Inspection, Membership, Programme, Question
from inspections.services import (
    programme_create,
    programme_inspection_add,
    programme_inspection_remove,
)
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory
from scoring.arithmetic import FUNNEL_95, FUNNEL_998, binomial_funnel_limits
from scoring.programme import programme_scores

pytestmark = pytest.mark.django_db


def _second_region(framework, *, slug="second-2025", status=Inspection.Status.PUBLISHED, k1=()):
    """Another region's inspection on the same framework: one core case per K1 answer given."""
    inspection = InspectionFactory(framework=framework, slug=slug)
    k1_question = Question.objects.get(framework=framework, code="K1")
    for value in k1:
        case = CaseFactory(inspection=inspection)
        answer_record(case=case, question=k1_question, value=value, rationale="Seen.", by=None)
    Inspection.objects.filter(pk=inspection.pk).update(status=status)
    inspection.status = status
    return inspection


@pytest.fixture
def national():
    return UserFactory(username="national-lead", is_superuser=False)


@pytest.fixture
def two_regions(handworked, national):
    """The hand-worked inspection (published) and a second region (published) in a programme."""
    cache.clear()
    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    programme = programme_create(name="DIPP test programme", framework=hw.framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _second_region(hw.framework, k1=("yes", "yes", "no", "no"))
    for inspection in (hw, second):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    return programme, hw, second


def test_pooled_figures_are_the_sum_of_the_regions(two_regions, national):
    programme, hw, second = two_regions
    scores = programme_scores(programme_standing_get(national, programme.slug))
    k1 = scores.question("K1")
    # Hand-worked inspection K1 (core cases): yes 01 03 05 08 09 10 = 6... plus none: see
    # handworked.py: y on 01, 03, 05, 08, 09, 10 (6), n on 02, 06 (2), 12 unanswered.
    assert (k1.region(hw).score.yes, k1.region(hw).score.no) == (6, 2)
    assert (k1.region(second).score.yes, k1.region(second).score.no) == (2, 2)
    # Pooled: 6 + 2 = 8 Yes of 8 + 4 = 12 relevant: 67% (66.7 rounds up).
    assert (k1.pooled.yes, k1.pooled.relevant, k1.pooled.percent) == (8, 12, 67)
    assert k1.pooled.unanswered == 1
    assert scores.cases == 12 + 4
    # The range: the second region (50%) lowest, the hand-worked one (75%) highest.
    low, high = k1.range
    assert (low.inspection, high.inspection) == (second, hw)


def test_only_published_inspections_count_unless_provisional_is_asked(two_regions, national):
    programme, hw, _ = two_regions
    in_progress = _second_region(
        hw.framework, slug="third-2025", status=Inspection.Status.FIELDWORK, k1=("no",) * 3
    )
    standing = programme_standing_get(national, programme.slug)
    programme_inspection_add(standing=standing, inspection=in_progress, by=national)
    published_only = programme_scores(standing)
    assert in_progress not in published_only.counted
    assert published_only.question("K1").pooled.relevant == 12
    with_provisional = programme_scores(standing, provisional=True)
    assert in_progress in with_provisional.counted and with_provisional.any_provisional
    assert with_provisional.question("K1").pooled.relevant == 15


def test_a_regional_lead_sees_published_figures_and_their_own(two_regions, national):
    programme, hw, _ = two_regions
    mine = _second_region(hw.framework, slug="mine-2025", status=Inspection.Status.FIELDWORK)
    theirs = _second_region(hw.framework, slug="theirs-2025", status=Inspection.Status.FIELDWORK)
    standing = programme_standing_get(national, programme.slug)
    for inspection in (mine, theirs):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    regional = MembershipFactory(inspection=mine, role=Membership.Role.LEAD).user
    seen = programme_scores(programme_standing_get(regional, programme.slug), provisional=True)
    assert mine in seen.counted and theirs not in seen.counted and hw in seen.counted
    national_view = programme_scores(standing, provisional=True)
    assert theirs in national_view.counted
    # An inspector (not a lead) and an outsider do not see the programme at all.
    inspector = MembershipFactory(inspection=mine).user
    for user in (inspector, UserFactory()):
        with pytest.raises(Http404):
            programme_standing_get(user, programme.slug)


def test_only_national_leads_manage_the_programme(two_regions, national):
    programme, hw, _ = two_regions
    regional = MembershipFactory(inspection=hw, role=Membership.Role.LEAD).user
    with pytest.raises(PermissionDenied):
        programme_inspection_remove(
            standing=programme_standing_get(regional, programme.slug), inspection=hw, by=regional
        )
    with pytest.raises(PermissionDenied):
        programme_create(name="Another", framework=hw.framework, by=regional)


def test_an_inspection_on_another_framework_cannot_join(two_regions, national, framework):
    programme, _, _ = two_regions
    other = InspectionFactory(framework=framework)
    with pytest.raises(ValidationError, match="different framework"):
        programme_inspection_add(
            standing=programme_standing_get(national, programme.slug), inspection=other, by=national
        )
    # The database refuses it too, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Inspection.objects.filter(pk=other.pk).update(programme=programme)


def _exact_limit(rate: Fraction, n: int, p: Fraction) -> float:
    """Spiegelhalter's interpolated binomial limit worked in exact fractions (no logs, no
    floats until the end): a second computation to check the engine's against."""
    cdf = Fraction(0)
    previous = Fraction(0)
    for r in range(n + 1):
        cdf += comb(n, r) * rate**r * (1 - rate) ** (n - r)
        if cdf >= p:
            alpha = (cdf - p) / (cdf - previous)
            # Interpolating below r = 0 would give a negative rate: a limit is 0% at least.
            return max(0.0, float(100 * (r - alpha) / n))
        previous = cdf
    return 100.0


@pytest.mark.parametrize("yes, relevant", [(29, 64), (8, 12), (40, 84), (1, 20)])
@pytest.mark.parametrize("n", [5, 12, 56, 84])
def test_funnel_limits_match_an_exact_computation(yes, relevant, n):
    rate = Fraction(yes, relevant)
    for levels in (FUNNEL_95, FUNNEL_998):
        low, high = binomial_funnel_limits(yes / relevant, n, levels)
        exact_levels = [Fraction(str(level)) for level in levels]
        assert low == pytest.approx(_exact_limit(rate, n, exact_levels[0]), abs=1e-9)
        assert high == pytest.approx(_exact_limit(rate, n, exact_levels[1]), abs=1e-9)


def test_funnel_known_value():
    # 50% of 10: Binomial(10, 1/2) has F(1) = 11/1024, F(2) = 56/1024. For p = 0.025 (25.6/1024)
    # r = 2 and alpha = (56 - 25.6) / 45 = 0.67556, so the limit is (2 - 0.67556) / 10 = 13.24%.
    low, _ = binomial_funnel_limits(0.5, 10, FUNNEL_95)
    assert low == pytest.approx(13.2444, abs=1e-4)


def test_funnel_points_and_words(two_regions, national):
    programme, hw, second = two_regions
    scores = programme_scores(programme_standing_get(national, programme.slug))
    funnel = next(f for f in scores.region_funnels if f.code == "K1")
    assert [(r.label, r.yes, r.relevant) for r in funnel.rows] == sorted(
        [(hw.region.name, 6, 8), (second.region.name, 2, 4)]
    )
    assert funnel.pooled_rate == pytest.approx(100 * 8 / 12)
    assert not funnel.outside and funnel.words()[0].startswith("All regions are within")
    # One funnel per key question, in the framework's order, though a prompt comes between.
    assert [f.code for f in scores.region_funnels] == ["K1", "A1"]
    assert [f.code for f in scores.pdu_funnels] == ["K1", "A1"]
    assert {f.what for f in scores.region_funnels} == {"region"}
    pdu = next(f for f in scores.pdu_funnels if f.code == "K1")
    assert pdu.what == "pdu"
    assert f"{hw.slug}/NM" in {r.key for r in pdu.rows}  # inspection / PDU code
    # Hand-worked PDUs: Northam 3 of 4 (01 y, 02 n, 03 y, 05 y), Eastleigh 2 of 3, Westbury 1 of 1
    # (12 unanswered); the second region's cases each have their own PDU (1 of 1 or 0 of 1).
    by_label = {r.label: (r.yes, r.relevant) for r in pdu.rows}
    assert by_label[f"Northam ({hw.region.name})"] == (3, 4)
    assert by_label[f"Eastleigh ({hw.region.name})"] == (2, 3)
    assert by_label[f"Westbury ({hw.region.name})"] == (1, 1)
    assert sum(r.relevant for r in pdu.rows) == 12


def _programme_of(n: int, framework, national) -> Programme:
    programme = programme_create(name=f"Programme of {n}", framework=framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    for i in range(n):
        inspection = _second_region(framework, slug=f"p{n}-{i}", k1=("yes", "no"))
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    return programme


def test_query_count_is_the_same_for_2_and_12_inspections(handworked, national):
    framework = handworked.inspection.framework
    counts = []
    for n in (2, 12):
        programme = _programme_of(n, framework, national)
        standing = programme_standing_get(national, programme.slug)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            scores = programme_scores(standing, provisional=True)
        assert scores.question("K1").pooled.relevant == 2 * n
        # Each counted inspection carries the data version its figures were read at (the
        # exports' ETags are made of them).
        for inspection in scores.counted:
            assert inspection.data_version == (
                Inspection.objects.values_list("data_version", flat=True).get(pk=inspection.pk)
            )
        with CaptureQueriesContext(connection) as warm:
            programme_scores(standing, provisional=True)
        counts.append((len(cold), len(warm)))
    # Cold: inspections, versions, questions, PDUs, cases, answers. Warm: the first two.
    assert counts == [(6, 2), (6, 2)]


def test_a_programme_never_takes_a_short_name_its_pages_use(handworked):
    made = programme_create(name="New", framework=handworked.inspection.framework, by=None)
    assert made.slug == "new-programme"
    with pytest.raises(ValidationError, match="reserved"):
        programme_create(
            name="Other", slug="new", framework=handworked.inspection.framework, by=None
        )


def test_nothing_to_count_asks_the_database_nothing(handworked, django_assert_num_queries):
    from scoring.selectors import _answer_counts, inspections_scores

    questions = list(Question.objects.filter(framework=handworked.inspection.framework))
    with django_assert_num_queries(0):
        assert inspections_scores([]) == {}
        assert _answer_counts([], questions) == []
        assert _answer_counts([handworked.inspection.pk], []) == []
