"""The answer tallies (cases.AnswerTally, kept by PostgreSQL triggers) against the answers
themselves, after random sequences of every kind of write the triggers must follow: answers
recorded, changed, rewritten with the same value, deleted; case profiles changed one at a time
and in bulk; cases withdrawn and the withdrawal reversed (by SQL: no page offers it); cases deleted by Django (answers first) and by raw
SQL (case first). After each write the tallies equal a full count (cases.tallies), and at the
end the scores' counts read from the tallies equal those from a scan of the answers.
docs/adr/0021-answer-tallies.md."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Answer, AnswerTally, Case
from cases.tallies import tally_differences, tally_rebuild
from cases.tests.factories import CaseFactory
from inspections.models import PDU, Question, Region
from inspections.tests.factories import InspectionFactory
from scoring.selectors import _answer_counts, inspection_scores
from scoring.tests.handworked import handworked_framework

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("sqlite"),
        reason="tallies are kept by PostgreSQL triggers",
    ),
]

CASES = 5
NA_ALLOWED = {"K1": False, "K1a": True, "A1": False, "A1a": True, "S1": True, "S2": False}
ROSH = ("low", "medium", "high", "very_high", "not_assessed")
a_case = st.integers(0, CASES - 1)
a_question = st.sampled_from(sorted(NA_ALLOWED))
a_value = st.sampled_from(["yes", "no", "na"])

write = st.one_of(
    st.tuples(st.just("answer"), a_case, a_question, a_value),
    st.tuples(st.just("unanswer"), a_case, a_question),
    st.tuples(st.just("rationale"), a_case),
    st.tuples(st.just("pdu"), a_case),
    st.tuples(st.just("rosh"), a_case, st.sampled_from(ROSH)),
    st.tuples(st.just("mappa"), a_case, st.sampled_from([None, 1, 2, 3])),
    st.tuples(st.just("adjusted"), a_case),
    st.tuples(st.just("court_work"), a_case),
    st.tuples(st.just("withdraw"), a_case),
    st.tuples(st.just("delete"), a_case),
    st.tuples(st.just("delete_case_first"), a_case),
    st.tuples(st.just("bulk_value"), a_question, st.sampled_from(["yes", "no"])),
    st.tuples(st.just("bulk_court_work"), st.booleans()),
)


def _apply(op, *, cases, questions, pdus):
    kind, *args = op
    if kind in ("answer", "unanswer", "rationale", "pdu", "rosh", "mappa", "adjusted"):
        case = Case.objects.filter(pk=cases[args[0]]).first()
        if case is None:
            return  # deleted by an earlier write
    match op:
        case ("answer", _, code, value):
            if value == "na" and not NA_ALLOWED[code]:
                value = "no"
            Answer.objects.update_or_create(
                case=case, question=questions[code], defaults={"value": value}
            )
        case ("unanswer", _, code):
            Answer.objects.filter(case=case, question=questions[code]).delete()
        case ("rationale", _):
            # Rewrites every answer of the case with its own value: nothing may move.
            Answer.objects.filter(case=case).update(rationale="Seen again.", value=F("value"))
        case ("pdu", _):
            Case.objects.filter(pk=case.pk).update(
                pdu=pdus[1] if case.pdu_id == pdus[0].pk else pdus[0]
            )
        case ("rosh", _, rosh):
            Case.objects.filter(pk=case.pk).update(rosh=rosh)
        case ("mappa", _, level):
            Case.objects.filter(pk=case.pk).update(
                mappa_eligible=level is not None,
                mappa_category=None if level is None else 2,
                mappa_level=level,
            )
        case ("adjusted", _):
            Case.objects.filter(pk=case.pk).update(adjusted_questions=~F("adjusted_questions"))
        case ("court_work", n):
            Case.objects.filter(pk=cases[n]).update(court_work=~F("court_work"))
        case ("withdraw", n):
            one = Case.objects.filter(pk=cases[n])
            if one.filter(withdrawn_at__isnull=True).exists():
                one.update(withdrawn_at=timezone.now(), withdrawn_reason="Test.")
            else:
                one.update(withdrawn_at=None, withdrawn_reason="")
        case ("delete", n):
            Case.objects.filter(pk=cases[n]).delete()  # Django: the answers, then the case
        case ("delete_case_first", n):
            with connection.cursor() as cursor:  # the foreign key is checked at commit
                cursor.execute("DELETE FROM cases_case WHERE id = %s", [cases[n]])
                cursor.execute("DELETE FROM cases_answer WHERE case_id = %s", [cases[n]])
        case ("bulk_value", code, value):
            Answer.objects.filter(question=questions[code], case__in=cases).update(value=value)
        case ("bulk_court_work", on):
            Case.objects.filter(pk__in=cases).update(court_work=on)


@settings(
    max_examples=int(os.environ.get("DIPP_MODEL_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(writes=st.lists(write, max_size=14), first=st.lists(a_question, max_size=6))
def test_the_tallies_follow_every_kind_of_write(writes, first):
    with transaction.atomic():
        framework = handworked_framework()
        questions = {q.code: q for q in Question.objects.filter(framework=framework)}
        region = Region.objects.create(name="Tally region", slug="tally-region")
        pdus = [PDU.objects.create(region=region, code=c, name=c) for c in ("one", "two")]
        inspection = InspectionFactory(framework=framework, region=region)
        cases = [
            CaseFactory(inspection=inspection, reference=f"TL-{i:03d}", pdu=pdus[i % 2]).pk
            for i in range(CASES)
        ]
        # Some answers at once, as a COPY or bulk_create writes them.
        Answer.objects.bulk_create(
            Answer(case_id=case, question=questions[code], value="yes")
            for case in cases
            for code in dict.fromkeys(first)
        )
        assert tally_differences(inspection) == {}
        for op in writes:
            _apply(op, cases=cases, questions=questions, pdus=pdus)
            assert tally_differences(inspection) == {}, op
        asked = list(questions.values())
        assert sorted(_answer_counts([inspection.pk], asked)) == sorted(
            _answer_counts([inspection.pk], asked, source="scan")
        )
        # Cases protect their inspection: deleted first, they take their answers' counts away.
        Case.objects.filter(inspection=inspection).delete()
        assert not AnswerTally.objects.filter(inspection=inspection, n__gt=0).exists()
        pk = inspection.pk
        inspection.delete()
        assert not AnswerTally.objects.filter(inspection_id=pk).exists()
        transaction.set_rollback(True)


def test_a_score_read_from_the_tallies_sees_a_write_at_once(handworked):
    inspection = handworked.inspection
    before = inspection_scores(inspection).question("K1")
    Answer.objects.filter(case__inspection=inspection, question__code="K1", value="no").update(
        value="yes"
    )
    after = inspection_scores(inspection).question("K1")
    assert (before.yes, before.no) == (6, 2)
    assert (after.yes, after.no) == (8, 0)


def test_a_rebuild_moves_the_data_version_so_no_figure_cached_from_wrong_tallies_survives(
    handworked, caplog
):
    from django.core.cache import cache

    from inspections.selectors import inspection_data_version

    cache.clear()
    inspection = handworked.inspection
    k1 = Question.objects.get(framework=inspection.framework, code="K1")
    AnswerTally.objects.filter(inspection=inspection, question=k1, value="yes", n__gt=0).update(
        n=F("n") + 5
    )
    with caplog.at_level("ERROR", logger="scoring.selectors"):
        assert inspection_scores(inspection).question("K1").yes > 6  # wrong, and now cached
    assert "tallies_check handworked-2025 --rebuild" in caplog.text
    before = inspection_data_version(inspection)
    tally_rebuild(inspection)
    assert inspection_data_version(inspection) > before
    assert inspection_scores(inspection).question("K1").yes == 6


def test_tallies_check_finds_a_wrong_tally_and_rebuild_mends_it(handworked, capsys):
    inspection = handworked.inspection
    call_command("tallies_check", inspection.slug)
    assert f"{inspection.slug}: right" in capsys.readouterr().out
    AnswerTally.objects.filter(inspection=inspection, n__gt=0).update(n=F("n") + 1)
    with pytest.raises(CommandError, match="Run again with --rebuild"):
        call_command("tallies_check", inspection.slug)
    assert "wrong (tally, answers)" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("tallies_check", "no-such-inspection")
    call_command("tallies_check", inspection.slug, "--rebuild")
    assert "now right" in capsys.readouterr().out
    assert tally_differences(inspection) == {}
    assert tally_rebuild(inspection) == AnswerTally.objects.filter(inspection=inspection).count()
    assert inspection_scores(inspection).question("K1").yes == 6
