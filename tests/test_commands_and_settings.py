from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import Answer, AnswerChange, Case
from inspections.models import ContextFact, Framework, Inspection, Recommendation
from scoring.selectors import inspection_scores

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def snapshot() -> dict:
    return {
        "frameworks": list(Framework.objects.values_list("pk", "checksum")),
        "inspections": list(Inspection.objects.values_list("pk", "slug", "status")),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "reference", "pdu_id", "rosh")),
        "answers": list(
            Answer.objects.order_by("pk").values_list("pk", "value", "rationale", "answered_at")
        ),
        "history": AnswerChange.objects.count(),
        "facts": list(ContextFact.objects.values_list("pk", "value")),
        "recommendations": list(Recommendation.objects.values_list("pk", "text")),
    }


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert "nothing changed" in capsys.readouterr().out
    # The South West's 64, and the 64 of its synthetic earlier inspection (its baseline).
    assert len([c for c in first["cases"] if c[1].startswith("DEMO-")]) == 64
    assert len([c for c in first["cases"] if c[1].startswith("SYN-")]) == 64
    south_west = Recommendation.objects.filter(inspection__slug="south-west-2025")
    assert south_west.filter(addressee="region").count() == 3
    assert south_west.filter(addressee="hmpps").count() == 3


def test_demo_rationales_are_varied_and_references_synthetic(demo):
    rationales = list(
        Answer.objects.filter(case__inspection=demo).values_list("rationale", flat=True)
    )
    assert all(len(r) > 40 for r in rationales)
    assert len(set(rationales)) > 250
    assert all(ref.startswith("DEMO-") for ref in demo.cases.values_list("reference", flat=True))


def test_generate_synthetic_makes_complete_inspections_of_the_size_asked():
    call_command("generate_synthetic", slug="syn-a", cases=150, seed=3)
    inspection = Inspection.objects.get(slug="syn-a")
    scores = inspection_scores(inspection)
    assert scores.cases == 150
    assert all(q.unanswered == 0 for q in scores.questions)
    assert sum(g.cases for g in scores.breakdowns["pdu"]) == 150


def test_generate_synthetic_is_reproducible_from_its_seed():
    call_command("generate_synthetic", slug="syn-a", cases=40, seed=5)
    call_command("generate_synthetic", slug="syn-b", cases=40, seed=5)

    def values(slug: str) -> list:
        return list(
            Answer.objects.filter(case__inspection__slug=slug)
            .order_by("case__reference", "question__order")
            .values_list("case__reference", "question__code", "value")
        )

    assert values("syn-a") == values("syn-b")


def test_generate_synthetic_refuses_an_existing_slug_and_bad_sizes():
    call_command("generate_synthetic", slug="syn-a", cases=5, seed=1)
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_synthetic", slug="syn-a", cases=5, seed=1)
    with pytest.raises(CommandError, match="between 1 and"):
        call_command("generate_synthetic", slug="syn-c", cases=0, seed=1)
    assert Case.objects.filter(inspection__slug="syn-a").count() == 5


def _start_production(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _start_production({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_a_secret_key_and_hosts():
    result = _start_production(
        {
            "SECRET_KEY": "x" * 20 + "-production-test-key-0123456789",
            "ALLOWED_HOSTS": "example.test",
        }
    )
    assert result.returncode == 0, result.stderr


def test_the_demo_has_double_marked_cases_whose_corrections_leave_the_counted_answers(demo):
    from cases.models import ModerationReview
    from scoring.agreement import inspection_agreement

    agreement = inspection_agreement(demo)
    assert agreement.overall.cases == 16
    assert len(agreement.overall.pairs) == 64  # four key questions on each
    disagreements = ModerationReview.objects.filter(case__inspection=demo, agrees=False)
    assert disagreements.count() == 3 == len(agreement.overall.pairs) - agreement.overall.agreed
    for review in disagreements:
        answer = Answer.objects.get(case=review.case, question=review.question)
        # The moderated judgement is the stored (counted) one; the first one is in history.
        assert answer.value == review.moderator_value != review.inspector_value
        values = list(
            AnswerChange.objects.filter(answer=answer)
            .order_by("pk")
            .values_list("old_value", "new_value")
        )
        assert values == [("", review.inspector_value), (review.inspector_value, answer.value)]


@pytest.fixture
def production_settings(monkeypatch):
    """The production settings module, loaded with a strong key (its checks run on import)."""
    import importlib

    monkeypatch.setenv("SECRET_KEY", "k" * 20 + "-0123456789-abcdefghij-production-test")
    monkeypatch.setenv("ALLOWED_HOSTS", "example.test")
    monkeypatch.delenv("SECRET_KEY_FALLBACKS", raising=False)
    module = importlib.import_module("config.settings.production")
    return importlib.reload(module)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "too-short-but-otherwise-random-0123",
        "x" * 64,
        "django-insecure-" + "a1b2c3d4e5" * 5,
        "local-only-insecure-key-do-not-use-in-production",
        "test-only-key",
    ],
)
def test_production_refuses_a_weak_or_published_secret_key(production_settings, key):
    assert production_settings.secret_key_weakness(key) is not None


def test_production_accepts_a_generated_key(production_settings):
    import secrets

    assert production_settings.secret_key_weakness(secrets.token_urlsafe(50)) is None


def test_production_sends_hsts_for_a_year_with_subdomains(production_settings):
    assert production_settings.SECURE_HSTS_SECONDS == 365 * 24 * 3600
    assert production_settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production_settings.SESSION_COOKIE_SECURE and production_settings.CSRF_COOKIE_SECURE


def test_production_settings_refuse_to_start_with_a_weak_key():
    result = _start_production({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.test"})
    assert result.returncode != 0
    assert "fewer than 5 different characters" in result.stderr


def test_the_footer_calls_the_data_synthetic_only_where_it_is(client, settings, db):
    settings.SYNTHETIC_DATA_ONLY = True
    assert "All case data in this service is synthetic" in client.get("/accounts/login/").text
    settings.SYNTHETIC_DATA_ONLY = False  # production's default: real case data
    assert "All case data in this service is synthetic" not in client.get("/accounts/login/").text


def test_a_form_refused_by_the_csrf_check_gets_the_services_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body and "DEBUG=True" not in body
    assert 'class="govuk-header' in body
