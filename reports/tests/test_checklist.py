"""Ready to publish? The checklist is computed from the data, refuses publication on the page,
in the API and in the service, and links each open item to where it is put right."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.tests.helpers import make_world
from inspections.models import Inspection
from reports.selectors import publication_checklist
from reports.services import PublicationBlockedError, report_publish
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def _open(inspection: Inspection) -> dict[str, list[str]]:
    checklist = publication_checklist(inspection, inspection_scores(inspection))
    return {t.key: [b.message for b in t.blockers] for t in checklist if not t.done}


def test_a_new_inspection_has_everything_left_to_do(framework):
    world = make_world(framework)
    left = _open(world.inspection)
    assert left == {
        "status": ["The inspection is in fieldwork: move it on to reporting."],
        "cases": ["1 case is not started."],
        "moderation": ["Draw a moderation sample and moderate it."],
        "key_questions": [
            "C1 is unanswered on 1 case.",
            "C2 is unanswered on 1 case.",
            "C3 is unanswered on 1 case.",
            "C4 is unanswered on 1 case.",
        ],
        "narrative": [
            "Chief Inspector’s judgement is not written.",
            "Context is not written.",
            "Inspection commentary is not written.",
            "Follow-up activity is not written.",
            "Further information is not written.",
        ],
        "recommendations": ["Write the regional recommendations."],
        "facts": ["Add the key contextual facts, or mark the report as having none."],
        "dates": ["Enter the fieldwork start and end dates.", "Enter the publication date."],
    }
    with pytest.raises(PublicationBlockedError) as refused:
        report_publish(inspection=world.inspection, by=world.lead)
    assert "Write the regional recommendations." in refused.value.messages


def test_the_demo_is_ready_but_for_what_the_report_does_not_say(demo):
    # The reports' own `demo` fixture enters test dates; the plain demo has none.
    Inspection.objects.filter(pk=demo.pk).update(
        fieldwork_start=None, fieldwork_end=None, publication_date=None
    )
    demo.refresh_from_db()
    assert _open(demo) == {
        "dates": ["Enter the fieldwork start and end dates.", "Enter the publication date."]
    }


def test_the_checklist_page_links_each_open_item_and_hides_publish(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    slug = world.inspection.slug
    page = client.get(reverse("report-publish", args=[slug])).content.decode()
    assert 'id="checklist"' in page
    assert f'href="/inspections/{slug}/details/"' in page
    assert f'href="/inspections/{slug}/facts/"' in page
    assert f'href="/inspections/{slug}/report/sections/context/"' in page
    assert "Publish version" not in page
    refused = client.post(reverse("report-publish", args=[slug]))
    assert refused.status_code == 400
    assert "Enter the publication date." in refused.content.decode()


def test_the_api_refuses_to_publish_with_the_checklist(framework):
    world = make_world(framework)
    api = APIClient()
    api.force_login(world.lead)
    base = f"/api/v1/inspections/{world.inspection.slug}/report"
    tasks = api.get(f"{base}/checklist/").json()
    assert [t["key"] for t in tasks if not t["done"]] == [
        "status",
        "cases",
        "moderation",
        "key_questions",
        "narrative",
        "recommendations",
        "facts",
        "dates",
    ]
    response = api.post(f"{base}/versions/")
    assert response.status_code == 409
    assert "Enter the publication date." in response.json()["errors"]["checklist"]
