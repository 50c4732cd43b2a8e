"""A new inspection from nothing to publication through the API alone.

From an empty database (but for the administrator's account): the administrator creates the
region, the people and their tokens in the admin site (the only pages used); everything else goes
through /api/v1/ with those tokens. No fixture, no loader, no shell.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.services import media_path

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PASSWORD = "journey-Admin-2026!"
PDUS = [("NTH", "North Town"), ("STH", "South Town")]
CSV = (
    "reference,pdu,sentence_type,setting,rosh,practitioner_grade,commenced_on,mappa_eligible,"
    "mappa_category,mappa_level,court_work,risk_to_children\n"
    "JRN-001,NTH,community_order,community,medium,po,2026-04-28,no,,,yes,yes\n"
    "JRN-002,NTH,licence,custody_licence,high,pso,2026-04-29,yes,2,1,no,yes\n"
    "JRN-003,STH,suspended_sentence_order,community,low,po,2026-04-30,no,,,yes,no\n"
    "JRN-004,STH,community_order,community,very_high,pqip,2026-05-01,yes,1,2,yes,yes\n"
)


def _admin_creates_region_people_and_tokens(settings: Any) -> dict[str, str]:
    """The administrator, in the admin site: the region and its PDUs, four accounts, tokens."""
    User.objects.create_superuser("admin", "admin@example.org", ADMIN_PASSWORD)
    site = Client()
    site.force_login(User.objects.get(username="admin"))
    form = {
        "name": "Journey",
        "slug": "journey",
        "pdus-TOTAL_FORMS": str(len(PDUS)),
        "pdus-INITIAL_FORMS": "0",
        "pdus-MIN_NUM_FORMS": "0",
        "pdus-MAX_NUM_FORMS": "1000",
    }
    for i, (code, name) in enumerate(PDUS):
        form |= {f"pdus-{i}-code": code, f"pdus-{i}-name": name}
    assert site.post("/admin/inspections/region/add/", form).status_code == 302
    keys = {}
    for username, first in (
        ("lena", "Lena"),
        ("ivan", "Ivan"),
        ("iris", "Iris"),
    ):
        response = site.post(
            "/admin/auth/user/add/",
            {
                "username": username,
                "password1": "journey-Pass-2026!",
                "password2": "journey-Pass-2026!",
                "usable_password": "true",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        user = User.objects.get(username=username)
        change = {
            "username": username,
            "first_name": first,
            "last_name": "",
            "email": f"{username}@example.org",
            "is_active": "on",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
        if username == "lena":
            # A lead inspector: the administrator puts her in the group that may create
            # inspections.
            change["groups"] = [Group.objects.get(name="Lead inspectors").pk]
        response = site.post(f"/admin/auth/user/{user.pk}/change/", change)
        assert response.status_code == 302, response.content.decode()[:3000]
        # Her token for the API (the admin's Tokens page).
        response = site.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
        assert response.status_code == 302, response.content.decode()[:3000]
        keys[username] = Token.objects.get(user=user).key
    return keys


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.json() if response.content else None


def _answer_everything(client: APIClient, base: str, reference: str, value: str) -> None:
    framework = _ok(client.get(f"{base}/framework/"))
    case = _ok(client.get(f"{base}/cases/{reference}/"))
    for question in framework["questions"]:
        applies = (
            question["kind"] != "supplementary" or case.get(question["applies_when"], False)
        ) and question["question_set"] == "core"
        if not applies:
            continue
        answer = value if question["kind"] != "prompt" or value == "yes" else "yes"
        _ok(
            client.put(
                f"{base}/cases/{reference}/answers/{question['code']}/",
                {"value": answer, "rationale": f"Evidence for {question['code']}."},
                format="json",
            ),
            201,
        )


def test_a_lead_runs_a_new_inspection_from_set_up_to_publication_through_the_api(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    keys = _admin_creates_region_people_and_tokens(settings)
    lena, ivan, iris = (_api(keys[name]) for name in ("lena", "ivan", "iris"))

    # Set-up: the inspection, its team, its details, its cases.
    created = _ok(
        lena.post(
            "/api/v1/inspections/",
            {
                "title": "Dynamic Inspection of Public Protection in Journey region",
                "region": "journey",
                "framework": "dipp",
                "case_window_start": "2026-04-28",
                "case_window_end": "2026-05-09",
            },
            format="json",
        ),
        201,
    )
    slug = created["slug"]
    assert slug == "journey-region-2026"
    base = f"/api/v1/inspections/{slug}"
    for username in ("ivan", "iris"):
        _ok(lena.post(f"{base}/members/", {"username": username, "role": "inspector"}), 201)
    assert [m["username"] for m in _ok(lena.get(f"{base}/members/"))] == ["lena", "iris", "ivan"]
    imported = lena.post(f"{base}/cases/import/", CSV.encode(), content_type="text/csv")
    assert _ok(imported, 201) == {"created": 4}
    # Blocked until every case is allocated: 409 with what stops it.
    blocked = lena.post(f"{base}/status/", {"status": "fieldwork"}, format="json")
    assert blocked.status_code == 409
    assert "Allocate 4 cases" in blocked.json()["errors"]["status"][0]
    for reference, inspector in (
        ("JRN-001", "ivan"),
        ("JRN-002", "ivan"),
        ("JRN-003", "iris"),
        ("JRN-004", "iris"),
    ):
        case = lena.get(f"{base}/cases/{reference}/")
        _ok(
            lena.patch(
                f"{base}/cases/{reference}/",
                {"inspector": inspector},
                format="json",
                HTTP_IF_MATCH=case["ETag"],
            )
        )
    _ok(lena.post(f"{base}/status/", {"status": "fieldwork"}, format="json"))

    # Fieldwork: two inspectors record and submit through the API.
    _answer_everything(ivan, base, "JRN-001", "yes")
    _answer_everything(ivan, base, "JRN-002", "no")
    _answer_everything(iris, base, "JRN-003", "yes")
    _answer_everything(iris, base, "JRN-004", "yes")
    for client, reference in (
        (ivan, "JRN-001"),
        (ivan, "JRN-002"),
        (iris, "JRN-003"),
        (iris, "JRN-004"),
    ):
        assert _ok(client.post(f"{base}/cases/{reference}/submit/"))["status"] == "submitted"
    _ok(lena.post(f"{base}/status/", {"status": "moderation"}, format="json"))

    # Moderation: a seeded sample, each case second-marked by someone other than its inspector.
    sample = _ok(lena.post(f"{base}/moderation-samples/", {"share": 50, "seed": 2026}), 201)
    assert len(sample["cases"]) == 2  # one of each inspector's two cases
    for reference in sample["cases"]:
        case = _ok(lena.get(f"{base}/cases/{reference}/"))
        assert case["second_marker"] not in (None, case["inspector"])
        marker = {"lena": lena, "ivan": ivan, "iris": iris}[case["second_marker"]]
        answers = _ok(marker.get(f"{base}/cases/{reference}/answers/"))
        verdicts = [
            {"question": a["question"], "agrees": True, "version": a["version"]}
            for a in answers
            if a["question"] in ("C1", "C2", "C3", "C4")
        ]
        moderated = _ok(
            marker.post(
                f"{base}/cases/{reference}/moderation/", {"verdicts": verdicts}, format="json"
            )
        )
        assert moderated["status"] == "moderated"
    _ok(lena.post(f"{base}/status/", {"status": "reporting"}, format="json"))

    # Reporting: narrative, recommendations, facts, dates; the checklist turns green.
    not_ready = lena.post(f"{base}/report/versions/")
    assert not_ready.status_code == 409
    assert not_ready.json()["errors"]["checklist"]
    for key in ("judgement", "context", "commentary", "follow_up", "further_information"):
        section = lena.get(f"{base}/report/sections/{key}/")
        body = f"Assessment met the standard in {{{{percent C1}}}} of cases ({key})."
        _ok(
            lena.put(
                f"{base}/report/sections/{key}/",
                {"body": body},
                format="json",
                HTTP_IF_MATCH=section["ETag"],
            )
        )
    recs = lena.get(f"{base}/report/recommendations/region/")
    _ok(
        lena.put(
            f"{base}/report/recommendations/region/",
            {"texts": ["Strengthen the oversight of MAPPA cases."]},
            format="json",
            HTTP_IF_MATCH=recs["ETag"],
        )
    )
    _ok(
        lena.post(
            f"{base}/context-facts/",
            {
                "label": "Number of people supervised",
                "value": "12,345",
                "as_at": "on 30 June 2026",
                "source": "https://www.gov.uk/government/collections/offender-management-statistics-quarterly",
            },
            format="json",
        ),
        201,
    )
    inspection = lena.get(f"{base}/")
    _ok(
        lena.patch(
            f"{base}/",
            {
                "fieldwork_start": "2026-09-07",
                "fieldwork_end": "2026-09-18",
                "publication_date": "2026-12-01",
                "available_at": "https://hmiprobation.example/journey",
            },
            format="json",
            HTTP_IF_MATCH=inspection["ETag"],
        )
    )
    checklist = _ok(lena.get(f"{base}/report/checklist/"))
    assert all(task["done"] for task in checklist), [t for t in checklist if not t["done"]]

    # Build (a Celery task: eager here, so it runs when the request commits), then publish.
    build = _ok(lena.post(f"{base}/report/builds/"), 202)
    build = _ok(lena.get(f"{base}/report/builds/{build['id']}/"))
    assert build["status"] == "succeeded", build
    version = _ok(lena.post(f"{base}/report/versions/"), 201)
    assert version["number"] == 1
    assert _ok(lena.get(f"{base}/"))["status"] == "published"

    # The published PDF holds all of it.
    pdf = PdfReader(io.BytesIO(lena.get(f"{base}/report/versions/1/report.pdf").getvalue()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    assert "Journey region" in text
    assert "Published: 1 December 2026" in text
    assert "Open Government Licence v3.0" in text
    assert "https://hmiprobation.example/journey" in text
    assert "Strengthen the oversight of MAPPA cases." in text
    assert "12,345" in text
    assert "Lena" in text and "Ivan" in text and "Iris" in text  # the team, in the colophon
    # Ivan said No to JRN-002's judgements: 3 of 4 cases Yes on C1.
    assert "75 per cent" in text
    assert media_path(f"reports/{slug}/versions/1/report.pdf").is_file()
    assert date.today()  # the journey used no fixture: dates above are the lead's own
