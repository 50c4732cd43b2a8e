"""Moderation, the agreement page, and the live scores dashboard (figures and query counts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Answer, Case, ModerationReview
from cases.services import answer_record
from cases.tests.helpers import make_world, many_cases
from inspections.models import Question
from scoring.presenters import score_sentence
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db

KEYS = ("C1", "C2", "C3", "C4")


def verdicts(case: Case, **overrides: tuple[str, str, str]) -> dict[str, str]:
    """The moderation form as the page posts it: a verdict per key question and the version of
    each answer the page showed."""
    shown = dict(
        Answer.objects.filter(case=case, question__code__in=KEYS).values_list(
            "question__code", "version"
        )
    )
    data = {}
    for code in KEYS:
        verdict, value, comment = overrides.get(code, ("agree", "", ""))
        data |= {
            f"{code}-verdict": verdict,
            f"{code}-value": value,
            f"{code}-comment": comment,
            f"{code}-version": str(shown[code]),
        }
    return data


def moderate_url(world) -> str:
    return reverse("case-moderate", args=[world.inspection.slug, world.submitted.reference])


def test_a_disagreement_returns_the_case_and_keeps_both_judgements(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(
        moderate_url(world),
        verdicts(world.submitted, C2=("disagree", "no", "Plan misses victims.")),
    )
    assert response.status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.RETURNED
    review = ModerationReview.objects.get(case=world.submitted, question__code="C2")
    assert (review.inspector_value, review.moderator_value, review.agrees) == ("yes", "no", False)
    assert ModerationReview.objects.filter(case=world.submitted, agrees=True).count() == 3

    # The inspector sees the comment, corrects the judgement and resubmits; the lead agrees.
    client.force_login(world.inspector)
    page = client.get(
        reverse("case-section", args=[world.inspection.slug, world.submitted.reference, "C2"])
    )
    assert "Plan misses victims." in page.content.decode()
    c2 = Question.objects.get(framework=framework, code="C2")
    answer_record(
        case=world.submitted,
        question=c2,
        value="no",
        rationale="Agreed.",
        by=world.inspector,
        reason="Moderation: the plan misses victims.",
    )
    assert (
        client.post(
            reverse("case-submit", args=[world.inspection.slug, world.submitted.reference])
        ).status_code
        == 302
    )
    client.force_login(world.lead)
    assert client.post(moderate_url(world), verdicts(world.submitted)).status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.MODERATED
    # The moderated judgement is the one that counts.
    assert Answer.objects.get(case=world.submitted, question=c2).value == "no"
    assert inspection_scores(world.inspection).question("C2").no == 1


def test_a_disagreement_without_a_comment_or_judgement_is_refused(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.post(moderate_url(world), verdicts(world.submitted, C3=("disagree", "", "")))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select your judgement on C3" in body and "Enter a comment" in body
    assert not ModerationReview.objects.exists()


def test_the_agreement_page_shows_percentage_kappa_and_ac1_with_their_bases(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    client.post(moderate_url(world), verdicts(world.submitted, C2=("disagree", "no", "Why.")))
    response = client.get(reverse("agreement", args=[world.inspection.slug]))
    lines = {line.label.split(":")[0]: line for line in response.context["by_question"]}
    assert (lines["C1"].cases, lines["C1"].percent) == (1, "100%")
    assert (lines["C2"].agreed, lines["C2"].judgements, lines["C2"].percent) == (0, 1, "0%")
    overall = response.context["overall"]
    assert (overall.agreed, overall.judgements, overall.percent) == (3, 4, "75%")
    # One marker always said yes: kappa is 0 here (no agreement beyond chance).
    assert overall.kappa in ("0.00", "−0.00")
    # AC1 (Yes/No scale): pi_yes = 7/8, p_e = 2 * 7/8 * 1/8 = 7/32, (24/32 - 7/32) / (25/32).
    assert overall.ac1 == "0.68"
    assert "kappa falls towards zero when nearly every answer is the same" in (
        response.content.decode()
    )
    (inspector_line,) = response.context["by_inspector"]
    assert inspector_line.label == "Ann" and inspector_line.cases == 1


def test_the_dashboard_shows_the_hand_counted_figures(client, handworked):
    """The hand-worked inspection (counts in scoring/tests/test_handworked_scores.py)."""
    client.force_login(handworked.lead)
    body = client.get(reverse("scores-dashboard", args=["handworked-2025"])).content.decode()
    # K1: 6 of 8 (yes 01 03 05 08 09 10, no 02 06); Wilson 40.9-92.9%.
    assert "75% (6 of 8; 95% CI 41–93%)" in body
    # A1, adjusted cases 04 07 11: 2 of 3; Wilson 20.8-93.9%.
    assert "67% (2 of 3; 95% CI 21–94%)" in body
    assert "6 of 8 relevant cases" in body
    assert "<svg" in body and 'role="img"' in body


def test_the_dashboard_counts_answers_made_through_the_services(client, framework):
    world = make_world(framework)
    many_cases(world.inspection, 6, world.inspector, answered_by=world.inspector)
    client.force_login(world.lead)
    body = client.get(reverse("scores-dashboard", args=[world.inspection.slug])).content.decode()
    # C1: the submitted case said yes, and the 6 new cases alternate yes, no: 4 of 7.
    assert "4 of 7 relevant cases" in body
    # 4 of 7 = 57.1%; Wilson 25.0-84.2% (R binom.confint(4, 7, method = "wilson")).
    assert "57% (4 of 7; 95% CI 25–84%)" in body


def test_the_dashboard_puts_the_answer_first_then_what_is_left_then_the_breakdowns(
    client, framework
):
    world = make_world(framework)
    many_cases(world.inspection, 6, world.inspector, answered_by=world.inspector)
    client.force_login(world.lead)
    response = client.get(reverse("scores-dashboard", args=[world.inspection.slug]))
    body = response.content.decode()
    order = [
        body.index('id="headline"'),
        body.index('id="still-to-do"'),
        body.index('id="contents-heading"'),
        body.index('id="key-questions"'),
        body.index('id="breakdown-mappa-heading"'),
    ]
    assert order == sorted(order)
    headline = body[order[0] : order[1]]
    scores = inspection_scores(world.inspection)
    for code in KEYS:
        q = scores.question(code)
        assert f"{q.yes} of {q.relevant} relevant cases" in headline
    # Named in words, not only C1-C4.
    assert "C1 Assessment" in headline and "C3 Implementation and delivery" in headline
    # 7 relevant cases: every figure rests on a small base, and says so.
    assert headline.count("Small base</strong>") == 4


def test_still_to_do_links_each_status_to_the_filtered_case_list(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    todo = client.get(reverse("scores-dashboard", args=[world.inspection.slug])).context["todo"]
    counts = {line.status: line.cases for line in todo.statuses}
    assert counts[Case.Status.SUBMITTED] == 1
    assert todo.outstanding == 1 and todo.total == 2
    index = reverse("case-index", args=[world.inspection.slug])
    body = client.get(reverse("scores-dashboard", args=[world.inspection.slug])).content.decode()
    assert f'href="{index}?status=submitted"' in body
    assert f'href="{index}?status=moderated"' not in body  # none to show
    listed = client.get(f"{index}?status=submitted").content.decode()
    assert world.submitted.reference in listed and world.case.reference not in listed


def test_breakdown_cells_carry_an_interval_and_mark_a_small_base(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    response = client.get(reverse("scores-dashboard", args=[world.inspection.slug]))
    table = next(t for t in response.context["breakdowns"] if t.dimension == "pdu")
    _, _, cells = next(r for r in table.rows if r[0] == "C1")
    (cell,) = cells
    # One submitted case answered Yes: 100% of 1, interval 21-100%, a small base.
    assert (cell.percent, cell.base, cell.small_base) == ("100%", "1 of 1", True)
    assert cell.interval == "95% CI 21–100%"


def test_score_sentences_read_as_the_house_style():
    from scoring.selectors import QuestionScore

    score = QuestionScore("C1", "t", "key", None, yes=29, no=35, not_applicable=0, unanswered=0)
    assert score_sentence(score) == "45% (29 of 64; 95% CI 34–57%)"
    empty = QuestionScore("C1", "t", "key", None, yes=0, no=0, not_applicable=3, unanswered=0)
    assert score_sentence(empty) == "No relevant cases yet"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "who", "pinned"),
    # Each count includes the navigation's one query: whether the reader may see or create a
    # programme, to show "Programmes" (issue 14; scoring/templatetags/programme_nav.py).
    [
        ("home", "lead", 8),
        ("inspection-home", "inspector", 5),
        # 12, and the access log's row (an INSERT in a savepoint: three statements here).
        ("case-index", "lead", 15),
        # The scores after a write: the data version, then the scan (ADR 14); whether there
        # is a baseline, and drift.
        ("scores-dashboard", "lead", 12),
        ("agreement", "lead", 7),
    ],
)
def test_list_and_dashboard_pages_make_a_fixed_number_of_queries(
    client, framework, name, who, pinned
):
    world = make_world(framework)
    client.force_login(getattr(world, who))
    url = reverse(name) if name == "home" else reverse(name, args=[world.inspection.slug])
    many_cases(world.inspection, 3, world.inspector, answered_by=world.inspector)
    few = _queries(client, url)
    many_cases(world.inspection, 12, world.inspector, answered_by=world.inspector)
    many = _queries(client, url)
    assert (few, many) == (pinned, pinned)


def test_the_case_page_makes_a_fixed_number_of_queries_whatever_its_history(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    url = reverse("case-detail", args=[world.inspection.slug, world.submitted.reference])
    few = _queries(client, url)
    c1 = Question.objects.get(framework=framework, code="C1")
    for i in range(5):
        answer_record(
            case=world.submitted,
            question=c1,
            value=["no", "yes"][i % 2],
            rationale=f"r{i}",
            by=world.lead,
            reason=f"reason {i}",
        )
    assert _queries(client, url) == few


def test_the_moderation_page_shows_the_prompts_answers_and_the_case_beside_each_judgement(
    client, framework
):
    world = make_world(framework)
    c2b = Question.objects.get(framework=framework, code="C2b")
    answer_record(
        case=world.submitted,
        question=c2b,
        value="no",
        rationale="No restrictive measures for the partner.",
        by=world.lead,
        reason="Synthetic test data.",
    )
    client.force_login(world.lead)
    body = client.get(moderate_url(world)).content.decode()
    prompts = body[body.index('id="C2-prompts"') : body.index('id="C3-heading"')]
    assert "C2b: " + c2b.text in prompts
    assert "No restrictive measures for the partner." in prompts
    assert 'id="case-summary"' in body and world.submitted.pdu.name in body
    # "Your judgement" and the comment sit under Disagree, revealed only when it is chosen.
    disagree = body.index('data-app-reveal="C2-disagree-conditional"')
    conditional = body.index('id="C2-disagree-conditional"')
    assert disagree < conditional < body.index('name="C2-value"') < body.index('id="C2-comment"')


def test_a_double_click_on_record_moderation_records_once(client, framework):
    world = make_world(framework)
    client.force_login(world.lead)
    data = verdicts(world.submitted, C2=("disagree", "no", "Why."))
    first, second = client.post(moderate_url(world), data), client.post(moderate_url(world), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert ModerationReview.objects.filter(case=world.submitted).count() == 4


def test_a_double_click_on_submit_submits_once(client, framework):
    world = make_world(framework)
    world.submitted.status = Case.Status.IN_PROGRESS
    world.submitted.save()
    client.force_login(world.inspector)
    url = reverse("case-submit", args=[world.inspection.slug, world.submitted.reference])
    assert [client.post(url).status_code for _ in range(2)] == [302, 302]
    world.submitted.refresh_from_db()
    assert world.submitted.status == Case.Status.SUBMITTED
