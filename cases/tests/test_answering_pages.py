"""Inspectors answering a case: drafts, no lost work, submission and its error summary."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Answer, AnswerChange, Case
from cases.selectors import case_questions
from cases.services import answer_record
from cases.tests.helpers import answer_all, make_world
from inspections.models import Question

pytestmark = pytest.mark.django_db


def section_url(world, section: str = "C1", case=None) -> str:
    case = case or world.case
    return reverse("case-section", args=[world.inspection.slug, case.reference, section])


def page_post(world, section: str = "C1", **values: str) -> dict[str, str]:
    """The form as rendered (current versions) with the given CODE-value / CODE-rationale."""
    data: dict[str, str] = {"action": "draft"}
    answers = {a.question.code: a for a in world.case.answers.select_related("question")}
    for q in case_questions(world.case):
        if (q.parent.code if q.parent else q.code) == section and q.kind != "supplementary":
            data[f"{q.code}-version"] = str(answers[q.code].version if q.code in answers else 0)
    data.update({k.replace("_", "-"): v for k, v in values.items()})
    return data


def test_a_draft_saves_the_answers_given_and_leaves_the_others_blank(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = page_post(world, C1a_value="yes", C1b_value="no", C1b_rationale="No victim contact.")
    response = client.post(section_url(world), data)
    assert response.status_code == 302
    answers = dict(world.case.answers.values_list("question__code", "value"))
    assert answers == {"C1a": "yes", "C1b": "no"}
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.IN_PROGRESS
    assert AnswerChange.objects.filter(case=world.case, changed_by=world.inspector).count() == 2


def test_save_and_continue_goes_to_the_next_key_question(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = page_post(world, C1a_value="yes") | {"action": "continue"}
    response = client.post(section_url(world), data)
    assert response["Location"] == section_url(world, "C2")


def test_not_applicable_is_offered_only_where_the_question_allows_it(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    body = client.get(section_url(world)).content.decode()
    allowed = {q.code for q in Question.objects.filter(framework=framework, na_allowed=True)}
    offered = set(re.findall(r'name="(\w+)-value" type="radio" value="na"', body))
    assert offered == allowed & {"C1", "C1a", "C1b", "C1c"}
    refused = next(c for c in ("C1a", "C1b", "C1") if c not in allowed)
    response = client.post(section_url(world), page_post(world, **{f"{refused}_value": "na"}))
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not world.case.answers.exists()


def test_a_stale_page_is_refused_and_shows_what_changed(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = page_post(world, C1a_value="yes", C1a_rationale="Mine.")  # page opened: version 0
    q = Question.objects.get(framework=framework, code="C1a")
    answer_record(
        case=world.case, question=q, value="no", rationale="The lead's view.", by=world.lead
    )
    response = client.post(section_url(world), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "your answers were not saved" in body
    assert "The lead&#x27;s view." in body and "Mine." in body  # current and yours, side by side
    answer = Answer.objects.get(case=world.case, question=q)
    assert (answer.value, answer.rationale) == ("no", "The lead's view.")
    # The page now carries the current version: saving again is a deliberate overwrite.
    assert 'name="C1a-version" value="1"' in body


def test_a_double_click_on_save_saves_once_and_shows_no_conflict(client, framework):
    world = make_world(framework)
    client.force_login(world.inspector)
    data = page_post(world, C1a_value="yes", C1a_rationale="Once.")
    first = client.post(section_url(world), data)
    second = client.post(section_url(world), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert AnswerChange.objects.filter(case=world.case).count() == 1


def test_submitting_an_incomplete_case_lists_each_missing_field_and_links_to_it(client, framework):
    world = make_world(framework)
    answer_all(world.case, world.inspector)
    c2 = Question.objects.get(framework=framework, code="C2")
    answer_record(case=world.case, question=c2, value="yes", rationale="", by=world.inspector)
    client.force_login(world.inspector)
    url = reverse("case-submit", args=[world.inspection.slug, world.case.reference])
    response = client.post(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    link = f"{section_url(world, 'C2')}?problems=1#C2-rationale"
    assert f'href="{link}"' in body
    # The linked page shows the message beside the field.
    target = client.get(link.split("#")[0]).content.decode()
    assert 'id="C2-rationale-error"' in target
    assert "Enter a rationale for the judgement on C2" in target
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.IN_PROGRESS

    answer_record(case=world.case, question=c2, value="yes", rationale="Now.", by=world.inspector)
    assert client.post(url).status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.SUBMITTED


def test_a_no_on_a_prompt_needs_a_rationale_before_submission(client, framework):
    world = make_world(framework)
    answer_all(world.case, world.inspector)
    prompt = Question.objects.get(framework=framework, code="C1a")
    answer_record(case=world.case, question=prompt, value="no", rationale="", by=world.inspector)
    client.force_login(world.inspector)
    response = client.post(
        reverse("case-submit", args=[world.inspection.slug, world.case.reference])
    )
    assert "Enter a rationale for the No on C1a" in response.content.decode()


@pytest.mark.parametrize("court_work", [False, True])
def test_supplementary_questions_appear_only_where_relevant(client, framework, court_work):
    world = make_world(framework)
    world.case.court_work = court_work
    world.case.save()
    client.force_login(world.inspector)
    body = client.get(section_url(world, "supplementary")).content.decode()
    s1 = Question.objects.filter(framework=framework, applies_when="court_work").first()
    assert (f'name="{s1.code}-value"' in body) is court_work


def test_changing_a_submitted_answer_needs_a_reason_which_the_history_keeps(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    answers = {a.question.code: a for a in world.submitted.answers.select_related("question")}
    data = {f"{c}-version": str(answers[c].version) for c in ("C1", "C1a", "C1b", "C1c")}
    data |= {"C1-value": "no", "C1-rationale": "Changed at moderation.", "action": "draft"}
    url = section_url(world, "C1", world.submitted)
    assert client.post(url, data).status_code == 400
    assert client.post(url, data | {"reason": "Agreed with the inspector."}).status_code == 302
    change = AnswerChange.objects.filter(case=world.submitted, question__code="C1").first()
    assert (change.old_value, change.new_value, change.reason) == (
        "yes",
        "no",
        "Agreed with the inspector.",
    )
    page = client.get(
        reverse("case-detail", args=[world.inspection.slug, world.submitted.reference])
    )
    assert "Agreed with the inspector." in page.content.decode()


def test_a_published_inspection_shows_answers_read_only(client, framework):
    world = make_world(framework)
    world.inspection.status = "published"
    world.inspection.save()
    client.force_login(world.inspector)
    body = client.get(section_url(world, "C1", world.submitted)).content.decode()
    assert "read-only" in body
    assert "Save and continue" not in body
    # The answers as text: nothing that looks like a box to type in or a choice to make.
    assert "<textarea" not in body and 'type="radio"' not in body
    assert 'id="answers-read-only"' in body
