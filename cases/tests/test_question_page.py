"""The question page of issue 12: the case beside the questions, where the inspector is, fewer
steps (Yes to all prompts, the next unanswered section, submit from the last), rationales
revealed where asked for, drafts saved by the page's script, read-only when not editable."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Answer, Case
from cases.selectors import case_page
from cases.services import answer_record
from cases.tests.helpers import answer_all, make_world
from inspections.models import Question

pytestmark = pytest.mark.django_db


def section_url(world, section: str = "C1", case=None) -> str:
    case = case or world.case
    return reverse("case-section", args=[world.inspection.slug, case.reference, section])


def versions(case: Case, section: str) -> dict[str, str]:
    """The version fields the page renders for one section."""
    page = case_page(case)
    data = {}
    for q in page.section(section).questions:
        answer = page.answers.get(q.pk)
        data[f"{q.code}-version"] = str(answer.version if answer else 0)
    return data


def test_the_page_shows_the_case_profile_beside_the_questions(client, framework):
    world = make_world(framework)
    case = world.case
    case.rosh, case.mappa_eligible, case.mappa_category, case.mappa_level = "high", True, 2, 3
    case.curfew_considered = True
    case.save()
    client.force_login(world.inspector)
    body = client.get(section_url(world)).content.decode()
    card = body[body.index('id="case-summary"') :]
    assert case.pdu.name in card and "High" in card
    assert "Category 2: violent and other sexual offender; Level 3" in card
    assert "A curfew was considered" in card
    assert "Section 1 of 5" in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    assert "Prompt." not in body  # no placeholder where there is no published guidance


def test_a_prompts_rationale_is_revealed_under_no_and_the_key_ones_always_shown(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    body = client.get(section_url(world)).content.decode()
    assert 'data-app-reveal="C1a-conditional"' in body
    conditional = re.search(r'id="C1a-conditional">(.*?)</div>\s*</div>', body, re.S)
    assert conditional and 'id="C1a-rationale"' in conditional.group(1)
    assert 'id="C1-conditional"' not in body and 'id="C1-rationale"' in body


def test_yes_to_all_prompts_fills_only_the_unanswered_prompts(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = versions(world.case, "C1") | {
        "C1b-value": "no",
        "C1b-rationale": "No contact with the victim.",
        "action": "all_yes",
    }
    response = client.post(section_url(world), data)
    assert response.status_code == 302
    assert response["Location"] == section_url(world) + "#key-question"
    answers = dict(world.case.answers.values_list("question__code", "value"))
    prompts = Question.objects.filter(parent__code="C1", framework=framework)
    assert answers == {p.code: ("no" if p.code == "C1b" else "yes") for p in prompts}


def test_yes_to_all_in_the_supplementary_section_answers_its_blank_questions(client, framework):
    world = make_world(framework)
    world.case.court_work = True
    world.case.save()
    client.force_login(world.inspector)
    data = versions(world.case, "supplementary") | {"action": "all_yes"}
    response = client.post(section_url(world, "supplementary"), data)
    assert response["Location"] == section_url(world, "supplementary")
    supplementary = case_page(world.case).section("supplementary").questions
    assert len(supplementary) >= 2
    answers = dict(world.case.answers.values_list("question__code", "value"))
    assert answers == {q.code: "yes" for q in supplementary}


def test_save_and_continue_skips_sections_already_complete(client, framework):
    world = make_world(framework)
    answer_all(world.case, world.inspector)
    c2 = Question.objects.get(framework=framework, code="C2")
    Answer.objects.filter(case=world.case, question=c2).delete()
    client.force_login(world.inspector)
    data = versions(world.case, "C4") | {"action": "continue"}
    response = client.post(section_url(world, "C4"), data)
    # C4 is the last key question and the supplementary section is complete: round to C2.
    assert response["Location"] == section_url(world, "C2")


def test_the_last_section_saves_and_submits_in_one_step(client, framework):
    world = make_world(framework)
    answer_all(world.case, world.inspector)
    last = case_page(world.case).sections[-1].slug
    client.force_login(world.inspector)
    body = client.get(section_url(world, last)).content.decode()
    assert "Save and submit case for moderation" in body
    response = client.post(
        section_url(world, last), versions(world.case, last) | {"action": "submit"}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.SUBMITTED


def test_submitting_from_the_last_section_names_what_is_missing(client, framework):
    world = make_world(framework)
    last = case_page(world.case).sections[-1].slug
    client.force_login(world.inspector)
    response = client.post(
        section_url(world, last), versions(world.case, last) | {"action": "submit"}
    )
    assert response.status_code == 400
    c1a = Question.objects.get(framework=framework, code="C1a")
    # The question itself, not only its code.
    assert f"Select an answer for C1a: {c1a.text}" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status != Case.Status.SUBMITTED


def test_an_autosave_saves_through_the_service_and_returns_the_new_versions(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = versions(world.case, "C1") | {
        "C1a-value": "no",
        "C1a-rationale": "Typed, then the page was left.",
        "action": "autosave",
    }
    response = client.post(section_url(world), data)
    assert response.status_code == 200
    body = response.json()
    answer = Answer.objects.get(case=world.case, question__code="C1a")
    assert (answer.value, answer.rationale) == ("no", "Typed, then the page was left.")
    assert body["versions"] == {"C1a": answer.version}
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    # Saving again with the versions returned is not a conflict.
    again = data | {"C1a-version": str(answer.version), "C1a-rationale": "Typed more."}
    assert client.post(section_url(world), again).status_code == 200


def test_an_autosave_over_a_newer_answer_is_refused_with_the_conflict_table(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    stale = versions(world.case, "C1")
    c1a = Question.objects.get(framework=framework, code="C1a")
    answer_record(case=world.case, question=c1a, value="yes", rationale="", by=world.inspector)
    data = stale | {"C1a-value": "no", "C1a-rationale": "Mine.", "action": "autosave"}
    response = client.post(section_url(world), data)
    assert response.status_code == 409
    assert "What changed since you opened this page" in response.json()["conflicts_html"]
    assert Answer.objects.get(case=world.case, question=c1a).value == "yes"


def test_an_invalid_autosave_is_a_message_not_a_server_error(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = versions(world.case, "C1") | {"C1a-value": "maybe", "action": "autosave"}
    response = client.post(section_url(world), data)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Not saved yet")
    assert not Answer.objects.filter(case=world.case).exists()


def test_save_draft_is_offered_above_and_below_the_questions(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    body = client.get(section_url(world)).content.decode()
    form = body[body.index('id="section-form"') :]
    first_field = form.index('name="C1a-value"')
    assert form.index('value="stay"') < first_field < form.index('value="draft"')
    assert "app-autosave.js" in body


def test_a_submitted_case_shows_its_answers_as_text_to_its_inspector(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    body = client.get(section_url(world, "C1", world.submitted)).content.decode()
    assert "<textarea" not in body and 'id="answers-read-only"' in body


def test_the_returned_case_warning_speaks_to_the_reader(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    client.post(
        reverse("case-moderate", args=[world.inspection.slug, world.submitted.reference]),
        _verdicts_with_one_disagreement(world.submitted),
    )
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.RETURNED
    url = reverse("case-detail", args=[world.inspection.slug, world.submitted.reference])
    lead_page = client.get(url).content.decode()
    assert "waits for them to correct and resubmit it" in lead_page
    assert "correct your answers" not in lead_page
    client.force_login(world.inspector)
    assert "correct your answers" in client.get(url).content.decode()


def _verdicts_with_one_disagreement(case: Case) -> dict[str, str]:
    shown = dict(
        Answer.objects.filter(case=case, question__code__in=["C1", "C2", "C3", "C4"]).values_list(
            "question__code", "version"
        )
    )
    data = {}
    for code, version in shown.items():
        disagree = code == "C2"
        data |= {
            f"{code}-verdict": "disagree" if disagree else "agree",
            f"{code}-value": "no" if disagree else "",
            f"{code}-comment": "Plan misses victims." if disagree else "",
            f"{code}-version": str(version),
        }
    return data


def test_a_rationale_written_under_yes_stays_in_view_with_an_honest_hint(client, framework):
    world = make_world(framework)
    c1a = Question.objects.get(framework=framework, code="C1a")
    answer_record(
        case=world.case, question=c1a, value="yes", rationale="Thorough.", by=world.inspector
    )
    client.force_login(world.inspector)
    body = client.get(section_url(world)).content.decode()
    assert 'id="C1a-conditional"' not in body  # not hidden behind No
    assert "Thorough." in body
    hint = re.search(r'id="C1a-rationale-hint">([^<]*)<', body).group(1)
    assert hint == "Required if you answer No."


def test_a_moderation_comment_over_the_limit_is_refused_and_nothing_is_recorded(client, framework):
    from cases.models import MAX_RATIONALE_LENGTH, ModerationReview

    world = make_world(framework)
    client.force_login(world.lead)
    data = _verdicts_with_one_disagreement(world.submitted)
    data["C2-comment"] = "x" * (MAX_RATIONALE_LENGTH + 1)
    response = client.post(
        reverse("case-moderate", args=[world.inspection.slug, world.submitted.reference]), data
    )
    assert response.status_code == 400
    assert "Keep the comment on C2 under 10,000 characters" in response.content.decode()
    assert not ModerationReview.objects.filter(case=world.submitted).exists()
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.SUBMITTED
