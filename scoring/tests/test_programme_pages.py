"""The programme pages: the list, creating a programme, a programme's page (its inspections,
the national table, the funnel plots, the provisional switch) and its management page, for each
kind of reader; with a fixed number of queries whatever the number of inspections.

The figures expected here are counted by hand from the hand-worked inspection
(scoring/tests/handworked.py: K1 Yes on cases 01, 03, 05, 08, 09, 10, No on 02 and 06) and from
the answers each test gives its second region; intervals are worked with the Wilson formula
written out below, not the engine's function."""

from __future__ import annotations

import math
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.access import NATIONAL_LEAD_GROUP, programme_standing_get
from inspections.models import Inspection, Membership, Programme, Question
from inspections.services import programme_create, programme_inspection_add
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _wilson(yes: int, n: int) -> str:
    """'95% CI a-b%' (en dash) worked from the textbook formula, halves rounded up."""
    z = 1.959963984540054
    p = yes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = (math.floor(100 * v + 0.5) for v in (centre - half, centre + half))
    return f"95% CI {low}–{high}%"


def _region(framework, *, slug, status=Inspection.Status.PUBLISHED, k1=(), synthetic=False):
    """Another region's inspection on the framework: one core case per K1 answer given."""
    inspection = InspectionFactory(framework=framework, slug=slug, synthetic=synthetic)
    k1_question = Question.objects.get(framework=framework, code="K1")
    for value in k1:
        case = CaseFactory(inspection=inspection)
        answer_record(case=case, question=k1_question, value=value, rationale="Seen.", by=None)
    Inspection.objects.filter(pk=inspection.pk).update(status=status)
    inspection.status = status
    return inspection


@pytest.fixture
def national():
    return UserFactory(username="national-lead")


@pytest.fixture
def world(handworked, national):
    """The hand-worked inspection (published), a second region (published: K1 2 Yes of 4) and
    a third in progress (K1 0 Yes of 3), all in a programme led by `national`."""
    cache.clear()
    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    hw.refresh_from_db()
    programme = programme_create(name="DIPP pages test", framework=hw.framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _region(hw.framework, slug="second-2025", k1=("yes", "yes", "no", "no"))
    third = _region(
        hw.framework, slug="third-2025", status=Inspection.Status.FIELDWORK, k1=("no",) * 3
    )
    for inspection in (hw, second, third):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    return programme, hw, second, third


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _pooled_cell(html: str, code: str) -> str:
    match = re.search(rf'data-pooled="{code}">(.*?)</td>', html)
    assert match, f"no pooled cell for {code}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


# -- the programme page ----------------------------------------------------------------------


def test_the_national_table_shows_each_region_and_the_pooled_figure(world, national):
    programme, hw, second, third = world
    html = _text(_as(national).get(f"/programmes/{programme.slug}/"))
    # K1: hand-worked 6 of 8, second 2 of 4; pooled 8 of 12 (the third is in progress).
    assert "75% (6 of 8)" in html and _wilson(6, 8) in html
    assert "50% (2 of 4)" in html and _wilson(2, 4) in html
    pooled = _pooled_cell(html, "K1")
    assert "67% (8 of 12)" in pooled and _wilson(8, 12) in pooled
    assert "Small base" not in pooled  # 12 relevant cases
    # Both regions rest on fewer than 10 relevant cases for K1.
    row = re.search(r'data-code="K1">(.*?)</tr>', html).group(1)
    assert row.count("Small base") == 2
    # Key questions first: K1's row comes before S1's in the page.
    assert html.index('data-code="K1"') < html.index('data-code="S1"')
    # Every inspection is listed with its status; the one in progress is not counted.
    for inspection in (hw, second, third):
        assert f'data-inspection="{inspection.slug}"' in html
    assert "Not in the figures: in progress" in html
    assert "provisional-banner" not in html


def test_the_funnel_plot_and_its_table_and_words(world, national):
    programme, hw, second, _ = world
    html = _text(_as(national).get(f"/programmes/{programme.slug}/"))
    section = html[html.index('id="region-funnel-K1"') :]
    section = section[: section.index("</section>")]
    assert section.count("<circle") == 2  # two regions with relevant K1 cases
    assert hw.region.name in section and second.region.name in section
    assert "75% (6 of 8)" in section and "50% (2 of 4)" in section
    assert "All regions are within the 99.8% limits" in section
    assert "National rate: 67% (8 of 12)" in section
    # The PDUs' funnel sits in a details element, with the hand-worked PDUs: Northam 3 of 4.
    pdus = html[html.index('id="pdu-funnel-K1-details"') :]
    assert "<details" in html and f"Northam ({hw.region.name})" in pdus
    assert "75% (3 of 4)" in pdus


def test_the_provisional_switch_includes_inspections_in_progress_marked_provisional(
    world, national
):
    programme, _, _, third = world
    client = _as(national)
    plain = _text(client.get(f"/programmes/{programme.slug}/"))
    assert (
        'name="provisional"' in plain and "checked" not in plain.split('id="provisional"')[1][:60]
    )
    html = _text(client.get(f"/programmes/{programme.slug}/?provisional=1"))
    # The third region adds 0 Yes of 3: pooled 8 of 15.
    pooled = _pooled_cell(html, "K1")
    assert "53% (8 of 15)" in pooled and _wilson(8, 15) in pooled
    assert "0% (0 of 3)" in html
    assert 'id="provisional-banner"' in html
    assert "These figures include 1 inspection still in progress" in html
    header = html[html.index('id="national-key"') :]
    header = header[: header.index("</thead>")]
    assert f'{third.region.name} <strong class="govuk-tag govuk-tag--yellow">Provisional' in header


def test_a_regional_lead_sees_published_figures_and_only_their_own_in_progress(world):
    programme, hw, second, third = world
    fourth = _region(
        hw.framework, slug="fourth-2025", status=Inspection.Status.MODERATION, k1=("yes",) * 5
    )
    Inspection.objects.filter(pk=fourth.pk).update(programme=programme)
    regional = MembershipFactory(inspection=third, role=Membership.Role.LEAD).user
    client = _as(regional)
    html = _text(client.get(f"/programmes/{programme.slug}/?provisional=1"))
    # Published 8 of 12 plus their own third region's 0 of 3; not the fourth's 5 of 5.
    assert "53% (8 of 15)" in _pooled_cell(html, "K1")
    assert "100% (5 of 5)" not in html
    # Their own inspection is a link; the others' (not on their team) are not.
    assert f'href="/inspections/{third.slug}/"' in html
    assert f'href="/inspections/{second.slug}/"' not in html
    # They cannot manage it: told why, not told it does not exist.
    response = client.get(f"/programmes/{programme.slug}/manage/")
    assert response.status_code == 403
    assert "national leads" in response.content.decode()
    assert "Manage the programme" not in html


@pytest.mark.parametrize("who", ["outsider", "inspector"])
def test_an_inspector_or_an_outsider_does_not_see_the_programme(world, who):
    programme, hw, _, _ = world
    user = UserFactory() if who == "outsider" else MembershipFactory(inspection=hw).user
    client = _as(user)
    assert client.get(f"/programmes/{programme.slug}/").status_code == 404
    assert client.get(f"/programmes/{programme.slug}/manage/").status_code == 404
    listing = _text(client.get("/programmes/"))
    assert programme.name not in listing and "Create a programme" not in listing
    # Nor is Programmes in their navigation.
    assert 'href="/programmes/"' not in _text(client.get("/"))


def test_an_administrator_sees_and_manages_every_programme(world, django_user_model):
    programme, _, _, third = world
    admin = django_user_model.objects.create_superuser("pages-admin", password="x-Admin-pass-9")
    client = _as(admin)
    html = _text(client.get(f"/programmes/{programme.slug}/?provisional=1"))
    assert "53% (8 of 15)" in _pooled_cell(html, "K1")
    assert f'href="/inspections/{third.slug}/"' in html  # administrators open every inspection
    assert client.get(f"/programmes/{programme.slug}/manage/").status_code == 200
    assert "Create a programme" in _text(client.get("/programmes/"))


def test_synthetic_regions_are_labelled(world, national):
    programme, hw, _, _ = world
    made_up = _region(hw.framework, slug="made-up-2025", k1=("yes",), synthetic=True)
    Inspection.objects.filter(pk=made_up.pk).update(programme=programme)
    html = _text(_as(national).get(f"/programmes/{programme.slug}/"))
    assert 'id="synthetic-warning"' in html
    row = html[html.index(f'data-inspection="{made_up.slug}"') :]
    assert "Synthetic" in row[: row.index("</tr>")]


# -- the list and the navigation -------------------------------------------------------------


def test_the_list_shows_counts_and_offers_creation_to_national_leads(world, national):
    programme, _, _, _ = world
    Group.objects.get(name=NATIONAL_LEAD_GROUP).user_set.add(national)
    html = _text(_as(national).get("/programmes/"))
    row = html[html.index(f'data-programme="{programme.slug}"') :]
    row = row[: row.index("</tr>")]
    # Three inspections, two published (counted in the fixture).
    cells = re.findall(r'cell--numeric">(\d+)<', row)
    assert cells == ["3", "2"]
    assert "Create a programme" in html
    assert 'href="/programmes/"' in _text(_as(national).get("/"))


def test_the_list_makes_one_query_for_any_number_of_programmes(
    world, national, django_assert_num_queries
):
    _, hw, _, _ = world
    client = _as(national)
    client.get("/programmes/")  # warm the session
    # Session and user (2); may they create one: an API client's account? their permissions
    # and their groups' (3); the list (1). The navigation learns from the list: no query.
    with django_assert_num_queries(6):
        client.get("/programmes/")
    for i in range(5):
        extra = programme_create(name=f"Extra {i}", framework=hw.framework, by=None)
        extra.national_leads.add(national)
    with django_assert_num_queries(6):
        response = client.get("/programmes/")
    assert response.content.decode().count("data-programme=") == 6


def test_the_programme_page_makes_the_same_number_of_queries_for_2_and_12_inspections(
    handworked, national, django_assert_num_queries
):
    framework = handworked.inspection.framework
    pages = []
    for n in (2, 12):
        programme = programme_create(name=f"Programme of {n}", framework=framework, by=None)
        programme.national_leads.add(national)
        standing = programme_standing_get(national, programme.slug)
        for i in range(n):
            inspection = _region(framework, slug=f"p{n}-{i}", k1=("yes", "no"))
            programme_inspection_add(standing=standing, inspection=inspection, by=national)
        pages.append(programme)
    client = _as(national)
    client.get("/programmes/")  # warm the session
    for programme in pages:
        cache.clear()
        # Session and user (2); the standing: the programme, whether the account is an API
        # client's, the reader's own inspections (3); the engine cold (6); the inspections the
        # reader may open (1). The navigation needs no query: the reader sees a programme.
        with django_assert_num_queries(12):
            response = client.get(f"/programmes/{programme.slug}/?provisional=1")
        n = programme.inspections.count()
        assert f"{50}% ({n} of {2 * n})" in _pooled_cell(_text(response), "K1")


# -- creating and managing -------------------------------------------------------------------


def test_a_national_lead_creates_a_programme_and_a_taken_name_is_refused(world, national):
    programme, hw, _, _ = world
    Group.objects.get(name=NATIONAL_LEAD_GROUP).user_set.add(national)
    client = _as(national)
    refused = client.post(
        "/programmes/new/",
        {"name": programme.name.upper(), "framework": hw.framework.pk, "description": ""},
    )
    assert refused.status_code == 400
    assert "A programme already has this name." in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
    made = client.post(
        "/programmes/new/",
        {"name": "DIPP 2026-27", "framework": hw.framework.pk, "description": "Next round."},
    )
    assert made.status_code == 302
    created = Programme.objects.get(name="DIPP 2026-27")
    assert made["Location"] == f"/programmes/{created.slug}/manage/"
    assert list(created.national_leads.all()) == [national]
    # Nobody else: a regional lead may not.
    regional = MembershipFactory(inspection=hw, role=Membership.Role.LEAD).user
    assert _as(regional).get("/programmes/new/").status_code == 403


def test_bad_framework_and_blank_name_are_told_not_a_500(world, django_user_model):
    admin = django_user_model.objects.create_superuser("new-admin", password="x-Admin-pass-9")
    response = _as(admin).post("/programmes/new/", {"name": "", "framework": "999999"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose one of the framework versions listed" in body


def test_managing_adds_and_removes_an_inspection(world, national, framework):
    programme, hw, _, _ = world
    joining = _region(hw.framework, slug="joining-2025", k1=("yes",))
    elsewhere = InspectionFactory(framework=framework, slug="other-framework-2025")
    client = _as(national)
    page = _text(client.get(f"/programmes/{programme.slug}/manage/"))
    assert 'value="joining-2025"' in page and 'value="other-framework-2025"' not in page
    assert elsewhere.programme_id is None

    added = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "add", "inspection": joining.slug}
    )
    assert added.status_code == 302
    joining.refresh_from_db()
    assert joining.programme_id == programme.pk
    # A double submit of the same add is harmless.
    again = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "add", "inspection": joining.slug}
    )
    assert again.status_code == 302

    # Another framework's inspection: the service says why.
    refused = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "add", "inspection": elsewhere.slug}
    )
    assert refused.status_code == 400
    assert "different framework" in refused.content.decode()
    missing = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "add", "inspection": "no-such"}
    )
    assert missing.status_code == 400 and "No such inspection" in missing.content.decode()

    confirm = _text(client.get(f"/programmes/{programme.slug}/manage/?remove={joining.slug}"))
    assert "Remove Inspection" in confirm or f"Remove {joining.title}" in confirm
    removed = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "remove", "inspection": joining.slug}
    )
    assert removed.status_code == 302
    joining.refresh_from_db()
    assert joining.programme_id is None
    # The confirmation posted twice: told it is no longer there, not a 500.
    stale = client.post(
        f"/programmes/{programme.slug}/manage/", {"action": "remove", "inspection": joining.slug}
    )
    assert stale.status_code == 400
    assert "This inspection is not in the programme." in stale.content.decode()


def test_managing_national_leads_and_the_name(world, national):
    programme, _, _, _ = world
    client = _as(national)
    url = f"/programmes/{programme.slug}/manage/"
    unknown = client.post(url, {"action": "lead-add", "username": "nobody-at-all"})
    assert unknown.status_code == 400
    assert "No one has the username nobody-at-all" in unknown.content.decode()
    colleague = UserFactory(username="second-national")
    assert (
        client.post(url, {"action": "lead-add", "username": "second-national"}).status_code == 302
    )
    assert programme.national_leads.filter(pk=colleague.pk).exists()
    # The colleague now manages it too; then removes themselves, leaving the first.
    other = _as(colleague)
    assert other.get(url).status_code == 200
    left = other.post(url, {"action": "lead-remove", "username": "second-national"})
    assert left.status_code == 302 and left["Location"] == "/programmes/"
    # The last national lead cannot be removed.
    last = client.post(url, {"action": "lead-remove", "username": national.username})
    assert last.status_code == 400
    assert "A programme needs at least one national lead." in last.content.decode()
    # A blank name: the service says so, beside the field.
    blank = client.post(url, {"action": "details", "name": "  ", "description": "x"})
    assert blank.status_code == 400 and "govuk-error-summary" in blank.content.decode()
    renamed = client.post(url, {"action": "details", "name": "DIPP renamed", "description": "d"})
    assert renamed.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.description) == ("DIPP renamed", "d")
    # Nothing chosen: told so.
    assert client.post(url, {}).status_code == 400


def test_programmes_is_in_the_navigation_of_those_who_can_see_or_create_one(
    world, django_user_model, django_assert_num_queries
):
    from scoring.templatetags.programme_nav import programmes_in_reach

    _, hw, _, _ = world
    regional = MembershipFactory(inspection=hw, role=Membership.Role.LEAD).user
    creator = UserFactory(username="may-create")
    Group.objects.get(name=NATIONAL_LEAD_GROUP).user_set.add(creator)
    outsider = UserFactory(username="outsider")
    inspector = MembershipFactory(inspection=hw).user
    admin = django_user_model.objects.create_superuser("nav-admin", password="x-Admin-pass-9")
    for user, shown in ((regional, True), (creator, True), (outsider, False), (inspector, False)):
        with django_assert_num_queries(1):
            assert programmes_in_reach(user) is shown, user.username
    with django_assert_num_queries(0):
        assert programmes_in_reach(admin) is True
    html = _text(_as(regional).get("/"))
    assert '<a class="govuk-service-navigation__link" href="/programmes/"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"action": "add"},
        {"action": "add", "inspection": ""},
        {"action": "remove"},
        {"action": "remove", "inspection": "no-such"},
        {"action": "lead-add", "username": ""},
        {"action": "lead-add", "username": "x" * 400},
        {"action": "lead-remove"},
        {"action": "lead-remove", "username": "nobody-at-all"},
        {"action": "details", "name": "n" * 300, "description": ""},
        {"action": "details"},
        {"action": "something-else"},
    ],
)
def test_bad_input_on_the_management_page_is_told_never_a_500(world, national, data):
    programme, _, _, _ = world
    response = _as(national).post(f"/programmes/{programme.slug}/manage/", data)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_a_stale_remove_link_goes_back_to_the_page(world, national):
    programme, _, _, _ = world
    response = _as(national).get(f"/programmes/{programme.slug}/manage/?remove=no-such")
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{programme.slug}/manage/"


def test_a_programme_with_nothing_published_says_so(handworked, national):
    programme = programme_create(
        name="Empty programme", framework=handworked.inspection.framework, by=None
    )
    programme.national_leads.add(national)
    html = _text(_as(national).get(f"/programmes/{programme.slug}/"))
    assert "No inspection is in the programme yet." in html
    assert 'id="no-figures"' in html and "<svg" not in html
    assert 'name="provisional"' not in html  # nothing in progress to include
