"""The report of an inspection that is not the demo: the hand-worked one (every figure counted
by hand in scoring/tests/test_handworked_scores.py; cases named 01-12 as there).

Its checklist names what is left; once it is made ready (K1 answered Yes on 12, so K1 becomes
yes 01 03 05 08 09 10 12 = 7 of 9), it builds, renders the hand figures, and publishes.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.models import Case
from cases.services import answer_record
from inspections.models import Inspection, Question, Recommendation
from reports import services
from reports.models import ReportBuild, ReportSection, Section
from reports.selectors import publication_checklist
from reports.services import media_path
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db

NARRATIVE = {
    Section.JUDGEMENT: "Plans were sufficient in {{n_of_m K1}} relevant cases ({{percent K1}}).",
    Section.CONTEXT: "{{count cases}} cases; {{count profile.mappa.level_1}} at MAPPA level 1.",
    Section.COMMENTARY: (
        "Risk was addressed in {{n_of_m K1a}} relevant cases ({{percent K1a symbol}}). "
        "Court reports were accurate in {{n_of_m S1}}. "
        "{{share profile.rosh.not_assessed capital}} of cases had no RoSH assessment."
    ),
    Section.FOLLOW_UP: "None this time.",
    Section.FURTHER_INFORMATION: "Synthetic data for the tests.",
}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_checklist_counts_what_is_left(handworked):
    inspection = handworked.inspection
    tasks = {
        t.key: [b.message for b in t.blockers]
        for t in publication_checklist(inspection, inspection_scores(inspection))
    }
    # K1 is the only key question with an in-scope case unanswered: 12. A1's three adjusted
    # cases 04 07 11 are all answered.
    assert tasks["key_questions"] == ["K1 is unanswered on 1 case."]
    # Every case has at least one answer (05 only K1, 12 only S2), so all 12 are in progress.
    assert tasks["cases"] == ["12 cases are in progress."]


def _make_ready(handworked) -> Inspection:
    inspection = handworked.inspection
    case = Case.objects.get(inspection=inspection, reference="HW-012")
    k1 = Question.objects.get(framework=inspection.framework, code="K1")
    answer_record(case=case, question=k1, value="yes", rationale="Seen.", by=None)
    Case.objects.filter(inspection=inspection).update(status=Case.Status.SUBMITTED)
    Case.objects.filter(inspection=inspection, reference="HW-001").update(
        status=Case.Status.MODERATED
    )
    for key, body in NARRATIVE.items():
        ReportSection.objects.create(inspection=inspection, key=key, body=body)
    Recommendation.objects.create(
        inspection=inspection,
        addressee=Recommendation.Addressee.REGION,
        number=1,
        text="Keep plans current.",
    )
    Inspection.objects.filter(pk=inspection.pk).update(
        status=Inspection.Status.REPORTING,
        no_context_facts=True,
        fieldwork_start=date(2026, 1, 5),
        fieldwork_end=date(2026, 1, 16),
        publication_date=date(2026, 3, 2),
    )
    inspection.refresh_from_db()
    return inspection


def test_the_handworked_report_builds_prints_the_hand_figures_and_publishes(
    handworked, client, media_root
):
    inspection = _make_ready(handworked)
    lead = handworked.lead
    assert publication_checklist(inspection, inspection_scores(inspection))
    assert not [
        b
        for t in publication_checklist(inspection, inspection_scores(inspection))
        for b in t.blockers
    ]

    build = ReportBuild.objects.create(inspection=inspection, requested_by=lead)
    services.build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    text = _text(media_path(build.html_file).read_text(encoding="utf-8"))

    # K1 now 7 of 9 = 77.8% -> 78 per cent.
    assert "Plans were sufficient in seven out of nine relevant cases (78 per cent)." in text
    assert "12 cases; two at MAPPA level 1." in text  # 03 10
    # K1a 3 of 5 (yes 01 09 10, no 03 06; the N/A of 02 08 not in the base) = 60%.
    assert "Risk was addressed in three out of five relevant cases (60%)." in text
    # S1: yes 01 09, no 06 (08's old Yes out of scope) = two out of three.
    assert "Court reports were accurate in two out of three." in text
    # Not assessed 04 12: 2 of 12 = 16.7% -> 17 per cent.
    assert "17 per cent of cases had no RoSH assessment." in text
    # The scoring table lists this framework's key questions, not the demo's.
    assert "Was the plan sufficient?" in text
    assert "Was contact resumed safely?" in text
    assert "Does the" not in text.split("Scoring")[-1][:400]

    version = services.report_publish(inspection=inspection, by=lead)
    assert version.number == 1
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PUBLISHED
    client.force_login(lead)
    served = client.get(reverse("report-version-file", args=[inspection.slug, 1, "html"]))
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert "seven out of nine relevant cases (78 per cent)" in _text(body.decode("utf-8"))
