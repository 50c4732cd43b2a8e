"""The programme API and its exports (issue 14): who sees which programme and whose figures,
the provisional switch, the figures against hand counts, the CSV and XLSX, ETags, and a fixed
number of queries whatever the number of inspections."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiClient
from api.services import api_client_issue, api_client_revoke
from cases.services import answer_record
from cases.tests.factories import CaseFactory
from inspections.access import programme_standing_get
from inspections.models import Inspection, Membership, Programme, Question
from inspections.services import programme_create, programme_inspection_add
from inspections.tests.factories import InspectionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Inspection.Status.PUBLISHED
FIELDWORK = Inspection.Status.FIELDWORK


def _region(framework, *, slug, status=PUBLISHED, k1=(), synthetic=False) -> Inspection:
    """Another region's inspection on the framework: one core case per K1 answer given."""
    inspection = InspectionFactory(framework=framework, slug=slug, synthetic=synthetic)
    k1_question = Question.objects.get(framework=framework, code="K1")
    for value in k1:
        case = CaseFactory(inspection=inspection)
        answer_record(case=case, question=k1_question, value=value, rationale="Seen.", by=None)
    Inspection.objects.filter(pk=inspection.pk).update(status=status)
    inspection.status = status
    return inspection


@dataclass
class World:
    programme: Programme
    hw: Inspection  # the hand-worked inspection, published (K1: 6 yes, 2 no, 3 N/A, 1 blank)
    second: Inspection  # published, synthetic: K1 yes yes no no
    mine: Inspection  # in progress, led by `regional`: K1 no no no
    theirs: Inspection  # in progress, led by someone else: K1 yes
    users: dict[str, Any]
    keys: dict[str, str]


@pytest.fixture
def world(handworked) -> World:
    cache.clear()
    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=PUBLISHED)
    framework = hw.framework
    national = UserFactory(username="national-lead")
    programme = programme_create(name="DIPP API programme", framework=framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    second = _region(framework, slug="second-2025", k1=("yes", "yes", "no", "no"), synthetic=True)
    mine = _region(framework, slug="mine-2025", status=FIELDWORK, k1=("no", "no", "no"))
    theirs = _region(framework, slug="theirs-2025", status=FIELDWORK, k1=("yes",))
    for inspection in (hw, second, mine, theirs):
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    regional = MembershipFactory(inspection=mine, role=Membership.Role.LEAD).user
    MembershipFactory(inspection=theirs, role=Membership.Role.LEAD)
    elsewhere = _region(framework, slug="elsewhere-2025")
    other_lead = MembershipFactory(inspection=elsewhere, role=Membership.Role.LEAD).user
    admin = get_user_model().objects.create_superuser("prog-admin", password="x-Admin-pass-9")
    granted = api_client_issue(name="Programme analysts", inspections=[], programmes=[programme])
    not_granted = api_client_issue(name="Region analysts", inspections=[hw])
    revoked = api_client_issue(name="Old programme system", inspections=[], programmes=[programme])
    api_client_revoke(client=revoked.client)
    return World(
        programme=programme,
        hw=hw,
        second=second,
        mine=mine,
        theirs=theirs,
        users={
            "national": national,
            "published_lead": handworked.lead,
            "regional": regional,
            "other_lead": other_lead,
            "inspector": handworked.inspector,
            "admin": admin,
        },
        keys={"granted": granted.key, "not_granted": not_granted.key, "revoked": revoked.key},
    )


def _as(world: World, role: str) -> APIClient:
    client = APIClient()
    if role in world.keys:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.keys[role]}")
    elif role != "anonymous":
        client.force_authenticate(world.users[role])
    return client


def _url(world: World, what: str = "", query: str = "") -> str:
    return f"/api/v1/programmes/{world.programme.slug}/{what}{query}"


# Who sees the programme, and which inspections count with and without ?provisional=true.
ALL = {"hw", "second", "mine", "theirs"}
PUBLISHED_ONLY = {"hw", "second"}
ROLE_RULES = {
    # role: (status, counted by default, counted with provisional)
    "national": (200, PUBLISHED_ONLY, ALL),
    "admin": (200, PUBLISHED_ONLY, ALL),
    "regional": (200, PUBLISHED_ONLY, PUBLISHED_ONLY | {"mine"}),
    "published_lead": (200, PUBLISHED_ONLY, PUBLISHED_ONLY),
    "granted": (200, PUBLISHED_ONLY, PUBLISHED_ONLY),
    "other_lead": (404, None, None),
    "inspector": (404, None, None),
    "not_granted": (404, None, None),
    "revoked": (401, None, None),
    "anonymous": (401, None, None),
}


def _slugs(world: World, names: set[str]) -> set[str]:
    return {getattr(world, name).slug for name in names}


@pytest.mark.parametrize("role", list(ROLE_RULES))
def test_each_role_sees_the_programme_and_its_figures_as_the_rules_say(world, role):
    status, default, provisional = ROLE_RULES[role]
    client = _as(world, role)
    listed = client.get("/api/v1/programmes/")
    detail = client.get(_url(world))
    scores = client.get(_url(world, "scores/"))
    asked = client.get(_url(world, "scores/", "?provisional=true"))
    exports = [
        client.get(_url(world, "exports/scores.csv")),
        client.get(_url(world, "exports/scores.xlsx", "?provisional=true")),
    ]
    for response in (detail, scores, asked, *exports):
        assert response.status_code == status, (role, response.status_code)
    if status == 401:
        assert listed.status_code == 401
        assert set(scores.json()) == {"detail", "code", "errors"}
        return
    names = [p["slug"] for p in listed.json()["results"]]
    if status == 404:
        assert world.programme.slug not in names
        assert scores.json()["code"] == "not_found"
        return
    assert names == [world.programme.slug] or (role == "admin" and world.programme.slug in names)
    assert set(scores.json()["counted_inspections"]) == _slugs(world, default)
    assert set(asked.json()["counted_inspections"]) == _slugs(world, provisional)
    # Inspections in progress are marked as such: exactly the counted ones not published.
    assert set(asked.json()["provisional_inspections"]) == _slugs(
        world, provisional - {"hw", "second"}
    )
    assert asked.json()["provisional"] is True and scores.json()["provisional"] is False
    assert scores.json()["provisional_inspections"] == []
    # The detail says, for each inspection, whether the caller may see its figures.
    visible = {i["slug"]: i["figures_visible"] for i in detail.json()["inspections"]}
    assert {slug for slug, v in visible.items() if v} == _slugs(world, provisional)
    assert set(visible) == _slugs(world, ALL)


def test_an_api_client_asking_for_provisional_figures_counts_none(world):
    data = _as(world, "granted").get(_url(world, "scores/", "?provisional=true")).json()
    assert data["provisional"] is True
    assert data["provisional_inspections"] == []
    k1 = next(q for q in data["questions"] if q["code"] == "K1")
    assert (k1["pooled"]["yes"], k1["pooled"]["relevant"]) == (8, 12)
    assert k1["pooled"]["provisional"] is False


def test_a_revoked_programme_grant_is_404_and_a_revoked_token_401(world):
    client = _as(world, "granted")
    assert client.get(_url(world, "scores/")).status_code == 200
    ApiClient.objects.get(name="Programme analysts").programmes.clear()
    assert client.get(_url(world, "scores/")).status_code == 404
    assert client.get("/api/v1/programmes/").json()["results"] == []


def test_api_client_tokens_cannot_write_to_the_programme_routes(world):
    client = _as(world, "granted")
    for path in (_url(world), _url(world, "scores/")):
        assert client.post(path, {}, format="json").status_code in (403, 405)


def _wilson(yes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out from its formula (z for 95%)."""
    z = 1.959963984540054
    p = yes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(100 * (centre - half), 2), round(100 * (centre + half), 2)


def test_the_figures_match_hand_counts(world):
    data = _as(world, "national").get(_url(world, "scores/")).json()
    k1 = next(q for q in data["questions"] if q["code"] == "K1")
    regions = {r["inspection"]: r for r in k1["regions"]}
    hw, second = regions[world.hw.slug], regions[world.second.slug]
    # handworked.py: K1 yes 01 03 05 08 09 10, no 02 06, adjusted 04 07 11, unanswered 12.
    assert (hw["yes"], hw["no"], hw["not_applicable"], hw["unanswered"]) == (6, 2, 3, 1)
    assert (hw["relevant"], hw["percent"], hw["small_base"]) == (8, 75, True)
    assert (hw["ci_low"], hw["ci_high"]) == pytest.approx(_wilson(6, 8), abs=0.01)
    assert (second["yes"], second["no"], second["relevant"], second["percent"]) == (2, 2, 4, 50)
    assert second["synthetic"] is True and hw["synthetic"] is False
    assert hw["region"] == world.hw.region.name
    pooled = k1["pooled"]
    # 6 + 2 = 8 Yes of 8 + 4 = 12 relevant: 66.7% rounds to 67.
    assert (pooled["yes"], pooled["no"], pooled["not_applicable"], pooled["unanswered"]) == (
        8,
        4,
        3,
        1,
    )
    assert (pooled["relevant"], pooled["percent"], pooled["small_base"]) == (12, 67, False)
    assert (pooled["ci_low"], pooled["ci_high"]) == pytest.approx(_wilson(8, 12), abs=0.01)
    assert pooled["synthetic"] is True and pooled["provisional"] is False
    assert data["cases"] == 12 + 4
    assert data["synthetic_inspections"] == [world.second.slug]
    # The funnel of K1 around the pooled 8/12: one point per region with relevant cases.
    funnel = next(f for f in data["funnels"]["regions"] if f["code"] == "K1")
    assert (funnel["pooled_yes"], funnel["pooled_relevant"]) == (8, 12)
    assert funnel["pooled_rate"] == pytest.approx(100 * 8 / 12)
    points = {p["key"]: p for p in funnel["points"]}
    assert (points[world.hw.slug]["yes"], points[world.hw.slug]["relevant"]) == (6, 8)
    assert points[world.hw.slug]["rate"] == pytest.approx(75.0)
    for point in points.values():
        assert point["low_998"] <= point["low_95"] <= point["high_95"] <= point["high_998"]
        assert point["position"] == "within" and point["outside_998"] is False
    pdus = next(f for f in data["funnels"]["pdus"] if f["code"] == "K1")
    by_label = {p["label"]: (p["yes"], p["relevant"]) for p in pdus["points"]}
    # handworked.py: Northam 3 of 4, Eastleigh 2 of 3, Westbury 1 of 1.
    assert by_label[f"Northam ({world.hw.region.name})"] == (3, 4)
    assert by_label[f"Eastleigh ({world.hw.region.name})"] == (2, 3)
    assert by_label[f"Westbury ({world.hw.region.name})"] == (1, 1)
    assert sum(p["relevant"] for p in pdus["points"]) == 12
    assert funnel["words"] and funnel["words"][0].startswith("All regions are within")


def test_provisional_figures_add_the_inspections_in_progress(world):
    data = _as(world, "national").get(_url(world, "scores/", "?provisional=true")).json()
    k1 = next(q for q in data["questions"] if q["code"] == "K1")
    regions = {r["inspection"]: r for r in k1["regions"]}
    assert regions[world.mine.slug]["provisional"] is True
    assert regions[world.hw.slug]["provisional"] is False
    # + mine (0 of 3) + theirs (1 of 1): 9 Yes of 16 relevant.
    assert (k1["pooled"]["yes"], k1["pooled"]["relevant"]) == (9, 16)
    assert k1["pooled"]["provisional"] is True
    regional = _as(world, "regional").get(_url(world, "scores/", "?provisional=1")).json()
    k1 = next(q for q in regional["questions"] if q["code"] == "K1")
    # The regional lead's own in-progress inspection only: 8 + 0 of 12 + 3.
    assert (k1["pooled"]["yes"], k1["pooled"]["relevant"]) == (8, 15)
    assert regional["provisional_inspections"] == [world.mine.slug]


@pytest.mark.parametrize("value", ["maybe", "", "2"])
def test_a_provisional_parameter_that_is_not_true_or_false_is_a_400(world, value):
    response = _as(world, "national").get(_url(world, "scores/", f"?provisional={value}"))
    assert response.status_code == 400
    assert "provisional" in response.json()["errors"]
    twice = _as(world, "national").get(_url(world, "scores/", "?provisional=1&provisional=0"))
    assert twice.status_code == 400
    # Not visible comes first: no hint that the programme exists.
    hidden = _as(world, "inspector").get(_url(world, "scores/", f"?provisional={value}"))
    assert hidden.status_code == 404


def test_the_list_and_detail_describe_the_programme(world):
    client = _as(world, "regional")
    (entry,) = client.get("/api/v1/programmes/").json()["results"]
    assert entry["name"] == "DIPP API programme"
    assert entry["framework"]["slug"] == world.hw.framework.slug
    assert (entry["inspections_count"], entry["published_count"]) == (4, 2)
    assert entry["links"]["scores_csv"].endswith(
        f"/api/v1/programmes/{world.programme.slug}/exports/scores.csv"
    )
    detail = client.get(entry["links"]["self"]).json()
    assert (detail["inspections_count"], detail["published_count"]) == (4, 2)
    by_slug = {i["slug"]: i for i in detail["inspections"]}
    assert by_slug[world.second.slug]["synthetic"] is True
    assert by_slug[world.mine.slug]["published"] is False
    assert by_slug[world.mine.slug]["status"] == FIELDWORK
    assert by_slug[world.hw.slug]["region"] == world.hw.region.name


def _csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_a_row_per_question_and_inspection_and_a_pooled_row(world):
    client = _as(world, "national")
    response = client.get(_url(world, "exports/scores.csv", "?provisional=true"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "scores-provisional.csv" in response["Content-Disposition"]
    rows = _csv_rows(response)
    questions = Question.objects.filter(framework=world.hw.framework).count()
    assert len(rows) == questions * (4 + 1)
    k1 = {r["inspection"]: r for r in rows if r["code"] == "K1"}
    assert set(k1) == _slugs(world, ALL) | {"pooled"}
    assert (k1[world.hw.slug]["yes"], k1[world.hw.slug]["relevant"]) == ("6", "8")
    assert k1[world.hw.slug]["percent"] == "75"
    assert float(k1[world.hw.slug]["ci_low"]) == pytest.approx(_wilson(6, 8)[0], abs=0.01)
    assert k1[world.mine.slug]["provisional"] == "true"
    assert k1[world.hw.slug]["provisional"] == "false"
    assert k1[world.second.slug]["synthetic"] == "true"
    assert (k1["pooled"]["yes"], k1["pooled"]["relevant"], k1["pooled"]["provisional"]) == (
        "9",
        "16",
        "true",
    )
    # By default: published only.
    published = _csv_rows(client.get(_url(world, "exports/scores.csv")))
    assert len(published) == questions * (2 + 1)
    pooled = next(r for r in published if r["code"] == "K1" and r["inspection"] == "pooled")
    assert (pooled["yes"], pooled["relevant"], pooled["percent"]) == ("8", "12", "67")


def test_the_xlsx_opens_with_the_same_rows(world):
    client = _as(world, "granted")
    response = client.get(_url(world, "exports/scores.xlsx"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Scores"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:8] == (
        "code",
        "text",
        "kind",
        "area",
        "inspection",
        "region",
        "provisional",
        "synthetic",
    )
    questions = Question.objects.filter(framework=world.hw.framework).count()
    assert len(body) == questions * 3
    column = {name: i for i, name in enumerate(header)}
    pooled = next(r for r in body if r[0] == "K1" and r[column["inspection"]] == "pooled")
    assert (pooled[column["yes"]], pooled[column["relevant"]], pooled[column["percent"]]) == (
        8,
        12,
        67,
    )
    assert pooled[column["synthetic"]] is True
    assert pooled[column["ci_high"]] == pytest.approx(_wilson(8, 12)[1], abs=0.01)


def test_the_exports_and_scores_answer_if_none_match_and_change_with_the_data(world):
    client = _as(world, "national")
    for what in ("scores/", "exports/scores.csv", "exports/scores.xlsx"):
        first = client.get(_url(world, what))
        tag = first["ETag"]
        assert client.get(_url(world, what), HTTP_IF_NONE_MATCH=tag).status_code == 304
        # Another view of the figures (provisional) has another tag.
        assert client.get(_url(world, what, "?provisional=true"))["ETag"] != tag
    provisional = "?provisional=true"
    tag = client.get(_url(world, "exports/scores.csv", provisional))["ETag"]
    # A write to a counted inspection (in progress: published ones are locked) moves its data
    # version on: the old tag is stale.
    case = CaseFactory(inspection=world.mine)
    answer_record(
        case=case,
        question=Question.objects.get(framework=world.hw.framework, code="K1"),
        value="yes",
        rationale="Seen.",
        by=None,
    )
    again = client.get(_url(world, "exports/scores.csv", provisional), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200 and again["ETag"] != tag
    pooled = next(r for r in _csv_rows(again) if r["code"] == "K1" and r["inspection"] == "pooled")
    # 9 of 16, and the new Yes.
    assert (pooled["yes"], pooled["relevant"]) == ("10", "17")
    # Publishing an inspection changes what counts by default: another tag.
    published_tag = client.get(_url(world, "scores/"))["ETag"]
    Inspection.objects.filter(pk=world.theirs.pk).update(status=PUBLISHED)
    after = client.get(_url(world, "scores/"), HTTP_IF_NONE_MATCH=published_tag)
    assert after.status_code == 200 and world.theirs.slug in after.json()["counted_inspections"]


def test_the_issuing_service_needs_an_inspection_or_a_programme(world):
    with pytest.raises(ValidationError) as exc:
        api_client_issue(name="Nothing to read", inspections=[], programmes=[])
    assert set(exc.value.message_dict) == {"inspections"}
    issued = api_client_issue(name="Only a programme", inspections=[], programmes=[world.programme])
    assert list(issued.client.programmes.all()) == [world.programme]


def test_the_administrator_grants_a_client_a_programme(world):
    browser = _admin_browser(world)
    response = browser.post(
        "/admin/api/apiclient/add/", {"name": "Admin granted", "programmes": [world.programme.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client_row = ApiClient.objects.get(name="Admin granted")
    assert list(client_row.programmes.all()) == [world.programme]
    assert not client_row.inspections.exists()
    # Neither an inspection nor a programme: the form says so (no error page).
    refused = browser.post("/admin/api/apiclient/add/", {"name": "Reads nothing"})
    assert refused.status_code == 200
    assert "at least one inspection or programme" in refused.content.decode()
    # The grant is changed on the client's page: taking it away.
    change = browser.post(
        f"/admin/api/apiclient/{client_row.pk}/change/",
        {"name": "Admin granted", "inspections": [world.hw.pk], "programmes": []},
    )
    assert change.status_code == 302
    assert not client_row.programmes.exists()


def _admin_browser(world: World) -> Client:
    browser = Client()
    browser.force_login(world.users["admin"])
    return browser


def test_the_downloads_include_links_the_exports(world):
    html = render_to_string(
        "scoring/_programme_downloads.html", {"programme": world.programme, "provisional": True}
    )
    assert f"/api/v1/programmes/{world.programme.slug}/exports/scores.csv?provisional=true" in html
    assert f"/api/v1/programmes/{world.programme.slug}/exports/scores.xlsx?provisional=true" in html
    assert 'class="govuk-link"' in html
    plain = render_to_string(
        "scoring/_programme_downloads.html", {"programme": world.programme, "provisional": False}
    )
    assert "?provisional" not in plain


# -- a fixed number of queries, whatever the number of inspections ----------------------------


def _programme_of(n: int, framework, national) -> Programme:
    programme = programme_create(name=f"Programme of {n}", framework=framework, by=None)
    programme.national_leads.add(national)
    standing = programme_standing_get(national, programme.slug)
    for i in range(n):
        inspection = _region(framework, slug=f"q{n}-{i}", k1=("yes", "no"))
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    return programme


def test_query_counts_are_the_same_for_2_and_12_inspections(handworked, django_assert_num_queries):
    framework = handworked.inspection.framework
    national = UserFactory(username="counting-national")
    programmes = [_programme_of(n, framework, national) for n in (2, 12)]
    key = api_client_issue(name="Counting", inspections=[], programmes=programmes).key
    person = APIClient()
    person.force_authenticate(national)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for programme, n in zip(programmes, (2, 12), strict=True):
        base = f"/api/v1/programmes/{programme.slug}/"
        cache.clear()
        # Scores, cold: the standing (2), the inspections, their versions, then questions, PDUs,
        # cases and answers (4).
        with django_assert_num_queries(8):
            data = person.get(f"{base}scores/?provisional=true").json()
        assert (
            next(q for q in data["questions"] if q["code"] == "K1")["pooled"]["relevant"] == 2 * n
        )
        # Warm: the standing, the inspections and their versions.
        with django_assert_num_queries(4):
            person.get(f"{base}scores/")
        # A token: one more, to find its client.
        with django_assert_num_queries(5):
            token.get(f"{base}scores/")
        with django_assert_num_queries(4):
            assert person.get(f"{base}exports/scores.csv").status_code == 200
        with django_assert_num_queries(4):
            b"".join(person.get(f"{base}exports/scores.xlsx").streaming_content)
        # The detail: the standing and the inspections.
        with django_assert_num_queries(3):
            assert len(person.get(base).json()["inspections"]) == n
    # The list: a count and a page, whatever the programmes hold.
    with django_assert_num_queries(2):
        assert len(person.get("/api/v1/programmes/").json()["results"]) == 2
    with django_assert_num_queries(3):
        assert len(token.get("/api/v1/programmes/").json()["results"]) == 2


def test_a_client_granted_a_programme_and_scoped_to_an_inspection_in_progress_counts_it(world):
    # The access rule (inspections.access.ProgrammeStanding.counts): a client's "own"
    # inspections are those it is scoped to, whose figures it reads anyway.
    issued = api_client_issue(
        name="Scoped too", inspections=[world.mine], programmes=[world.programme]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert client.get(_url(world, "scores/")).json()["provisional_inspections"] == []
    asked = client.get(_url(world, "scores/", "?provisional=true")).json()
    assert asked["provisional_inspections"] == [world.mine.slug]


def test_a_programme_with_nothing_published_has_no_figures_yet(world):
    empty = programme_create(name="Nothing yet", framework=world.hw.framework, by=None)
    national = world.users["national"]
    empty.national_leads.add(national)
    standing = programme_standing_get(national, empty.slug)
    later = _region(world.hw.framework, slug="later-2026", status=FIELDWORK, k1=("yes",))
    programme_inspection_add(standing=standing, inspection=later, by=national)
    client = _as(world, "national")
    data = client.get(f"/api/v1/programmes/{empty.slug}/scores/").json()
    assert (data["counted_inspections"], data["questions"], data["cases"]) == ([], [], 0)
    assert data["funnels"] == {"regions": [], "pdus": []}
    rows = _csv_rows(client.get(f"/api/v1/programmes/{empty.slug}/exports/scores.csv"))
    assert rows == []  # the header only
    asked = client.get(f"/api/v1/programmes/{empty.slug}/scores/?provisional=true").json()
    assert asked["counted_inspections"] == [later.slug]


# -- from the new-user trial ----------------------------------------------------------------------


def test_a_programme_holds_one_inspection_of_each_region(world):
    from django.db import IntegrityError, connection, transaction

    national = world.users["national"]
    standing = programme_standing_get(national, world.programme.slug)
    again = InspectionFactory(framework=world.hw.framework, region=world.hw.region, slug="hw-2")
    with pytest.raises(ValidationError, match="already has an inspection of Handworked region"):
        programme_inspection_add(standing=standing, inspection=again, by=national)
    # Not offered on the manage page either; the database refuses it whatever writes it.
    page = _admin_browser(world).get(f"/programmes/{world.programme.slug}/manage/")
    assert "hw-2" not in page.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Inspection.objects.filter(pk=again.pk).update(programme=world.programme)


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_page_reads_provisional_as_the_api_does(world, value):
    page = _admin_browser(world).get(f"/programmes/{world.programme.slug}/?provisional={value}")
    assert page.status_code == 200
    assert {e.inspection.slug for e in page.context["scores"].inspections if e.counted} == {
        world.hw.slug,
        world.second.slug,
        world.mine.slug,
        world.theirs.slug,
    }


def test_the_programme_page_prints_no_template_comment(world):
    body = _admin_browser(world).get(f"/programmes/{world.programme.slug}/").content.decode()
    assert "{#" not in body and "#}" not in body and "{%" not in body


def test_two_readers_with_different_rights_never_share_a_tag(world):
    national = _as(world, "national").get(_url(world, "scores/"))
    client = _as(world, "granted").get(_url(world, "scores/"))
    assert national.status_code == client.status_code == 200
    assert national["ETag"] != client["ETag"]
    assert "Authorization" in national["Vary"]
