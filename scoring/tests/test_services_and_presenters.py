"""The write services behind the pages, and the presenters that word the figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import ModerationReview
from cases.services import (
    IncompleteCaseError,
    Verdict,
    case_moderate,
    case_submit,
    cases_allocate,
    cases_import_csv,
)
from cases.tests.helpers import make_world, many_cases
from inspections.models import Question
from scoring.agreement import AgreementRow
from scoring.presenters import agreement_line, key_question_chart
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db


def all_agree(framework) -> list[Verdict]:
    keys = Question.objects.filter(framework=framework, kind="key")
    return [Verdict(q, True, "", "") for q in keys]


def test_an_inspector_cannot_moderate_their_own_case(framework):
    world = make_world(framework)
    with pytest.raises(PermissionDenied, match="allocated to you"):
        case_moderate(case=world.submitted, by=world.inspector, verdicts=all_agree(framework))


def test_only_a_submitted_case_can_be_moderated(framework):
    world = make_world(framework)
    with pytest.raises(PermissionDenied, match="only a submitted case"):
        case_moderate(case=world.case, by=world.lead, verdicts=all_agree(framework))
    assert not ModerationReview.objects.exists()


def test_a_second_review_round_is_numbered_after_the_first(framework):
    world = make_world(framework)
    keys = list(Question.objects.filter(framework=framework, kind="key").order_by("order"))
    verdicts = [Verdict(keys[0], False, "no", "Why")] + [Verdict(q, True, "", "") for q in keys[1:]]
    assert (
        case_moderate(case=world.submitted, by=world.lead, verdicts=verdicts).status == "returned"
    )
    case_submit(case=world.submitted, by=world.inspector)
    case_moderate(case=world.submitted, by=world.lead, verdicts=all_agree(framework))
    rounds = set(ModerationReview.objects.values_list("round", flat=True))
    assert rounds == {1, 2}


def test_submitting_twice_is_harmless(framework):
    world = make_world(framework)
    assert case_submit(case=world.submitted, by=world.inspector).status == "submitted"


def test_an_unanswered_case_lists_every_applicable_question(framework):
    world = make_world(framework)
    with pytest.raises(IncompleteCaseError) as caught:
        case_submit(case=world.case, by=world.inspector)
    codes = {p.question.code for p in caught.value.problems}
    applicable = {
        q.code
        for q in Question.objects.filter(framework=framework)
        if world.case.question_applies(q)
    }
    assert codes == applicable


def test_the_second_marker_must_differ_from_the_inspector(framework):
    world = make_world(framework)
    with pytest.raises(ValidationError, match="someone other than the inspector"):
        cases_allocate(
            inspection=world.inspection,
            case_ids=[world.case.pk],
            inspector=world.colleague,
            second_marker=world.colleague,
            set_second_marker=True,
        )


def test_cases_of_another_inspection_cannot_be_allocated_here(framework):
    world = make_world(framework)
    from cases.tests.factories import CaseFactory
    from inspections.models import Inspection

    other = Inspection.objects.exclude(pk=world.inspection.pk).first()
    foreign = CaseFactory(inspection=other)
    with pytest.raises(ValidationError, match="not in this inspection"):
        cases_allocate(
            inspection=world.inspection, case_ids=[foreign.pk], inspector=world.colleague
        )


def test_an_import_file_that_is_not_utf8_is_refused_with_a_message(framework):
    world = make_world(framework)
    from cases.services import CsvImportError

    with pytest.raises(CsvImportError) as caught:
        cases_import_csv(inspection=world.inspection, raw="reference\nÉ".encode("latin-1"))
    assert "UTF-8" in caught.value.problems[0][1]


def test_the_chart_draws_each_key_question_in_proportion(framework):
    world = make_world(framework)
    many_cases(world.inspection, 3, world.inspector, answered_by=world.inspector)
    chart = key_question_chart(inspection_scores(world.inspection))
    assert [b.code for b in chart.bars] == ["C1", "C2", "C3", "C4"]
    c1 = inspection_scores(world.inspection).question("C1")
    assert chart.bars[0].width == pytest.approx(chart.plot_width * c1.yes / c1.relevant, abs=0.1)
    assert all(b.ci_x1 <= chart.plot_x + b.width <= b.ci_x2 for b in chart.bars)


@pytest.mark.parametrize(
    ("pairs", "percent", "kappa", "ac1"),
    [
        ((), "–", "–", "–"),
        ((("yes", "yes"), ("no", "no")), "100%", "1.00", "1.00"),
        ((("yes", "no"), ("no", "yes")), "0%", "−1.00", "−1.00"),
        # kappa undefined with one category; AC1 on the Yes/No scale is perfect agreement.
        ((("yes", "yes"), ("yes", "yes")), "100%", "–", "1.00"),
        # 1 of 8 agreed is 12.5%: published rounding gives 13% (round() would give 12%).
        # AC1: pi_yes = 9/16, p_e = 2 * 9/16 * 7/16 = 126/256, (1/8 - 126/256) / (130/256).
        ((("yes", "yes"),) + (("yes", "no"),) * 7, "13%", "0.00", "−0.72"),
    ],
)
def test_agreement_lines_word_percentage_kappa_and_ac1(pairs, percent, kappa, ac1):
    line = agreement_line(AgreementRow("k", "K", cases=len(pairs), pairs=pairs))
    assert (line.percent, line.kappa, line.ac1, line.judgements) == (
        percent,
        kappa,
        ac1,
        len(pairs),
    )


def test_an_import_line_that_csv_cannot_read_or_that_is_too_long_is_named(framework):
    from cases.services import CsvImportError

    world = make_world(framework)
    pdu = world.inspection.region.pdus.first()
    header = "reference, pdu ,sentence_type,setting,rosh,practitioner_grade\n"
    with pytest.raises(CsvImportError) as caught:
        cases_import_csv(
            inspection=world.inspection,
            raw=(header + f"NEW-001,{pdu.code},licence,custody_licence,low,po,surplus\n").encode(),
        )
    assert caught.value.problems == [
        (2, "this line has more values than the header row has columns")
    ]
    with pytest.raises(CsvImportError) as caught:
        cases_import_csv(
            inspection=world.inspection, raw=(header + "NEW-001," + "x" * 200_000 + "\n").encode()
        )
    ((line, message),) = caught.value.problems
    assert line == 2 and "not valid CSV" in message
    assert not world.inspection.cases.filter(reference="NEW-001").exists()


def test_an_import_with_a_superscript_digit_is_a_line_error_not_a_crash(framework):
    from cases.services import CsvImportError

    world = make_world(framework)
    pdu = world.inspection.region.pdus.first()
    header = "reference,pdu,sentence_type,setting,rosh,practitioner_grade,mappa_eligible,mappa_category,mappa_level\n"
    line = f"NEW-002,{pdu.code},licence,custody_licence,high,po,yes,2,\u00b2\n"
    with pytest.raises(CsvImportError) as caught:
        cases_import_csv(inspection=world.inspection, raw=(header + line).encode())
    assert caught.value.problems == [(2, "mappa_level: '\u00b2' is not a number")]
    assert not world.inspection.cases.filter(reference="NEW-002").exists()
