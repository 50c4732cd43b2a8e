from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Framework, Question
from inspections.services import DEFAULT_FRAMEWORK_FILE as FRAMEWORK_FILE
from inspections.services import FrameworkFileError, framework_load

pytestmark = pytest.mark.django_db


def framework_data() -> dict:
    return json.loads(FRAMEWORK_FILE.read_text())


def dump(data: dict) -> bytes:
    return json.dumps(data).encode()


def test_the_shipped_framework_loads_every_question_with_its_rules(framework):
    codes = list(framework.questions.values_list("code", flat=True))
    assert codes[:4] == ["C1", "C1a", "C1b", "C1c"]
    assert set(codes) >= {"C1", "C2", "C3", "C4", "S1", "S9"}
    c1c = framework.questions.get(code="C1c")
    assert (c1c.kind, c1c.parent.code, c1c.na_allowed) == ("prompt", "C1", True)
    assert framework.questions.get(code="C1").na_allowed is False
    assert framework.questions.get(code="S3").applies_when == "curfew_considered"


def test_loading_the_same_file_twice_changes_nothing(framework):
    ids = list(framework.questions.values_list("pk", flat=True))
    result = framework_load(raw=FRAMEWORK_FILE.read_bytes())
    assert result.created is False
    assert Framework.objects.count() == 1
    assert list(result.framework.questions.values_list("pk", flat=True)) == ids


def test_a_new_version_loads_beside_the_old_one(framework):
    changed = framework_data()
    changed["version"] = 2
    changed["key_questions"][0]["text"] = "A reworded key question?"
    new = framework_load(raw=dump(changed)).framework
    assert Framework.objects.count() == 2
    assert new.questions.get(code="C1").text == "A reworded key question?"
    assert framework.questions.get(code="C1").text.startswith("Does assessment")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("key_questions"), "'key_questions' is a required property"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d["key_questions"][0].update(na_allowed="sometimes"), "na_allowed"),
        (
            lambda d: d["supplementary_questions"][0].update(applies_when="moon_phase"),
            "applies_when",
        ),
        (lambda d: d["key_questions"][1].update(code="C1"), "repeated: C1"),
        (lambda d: d["key_questions"][0].update(colour="blue"), "colour"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message_and_nothing_loaded(db, mutate, message):
    data = framework_data()
    mutate(data)
    # The shipped framework is loaded when the database is migrated: nothing else may appear.
    before = (Framework.objects.count(), Question.objects.count())
    with pytest.raises(FrameworkFileError, match=message):
        framework_load(raw=dump(data))
    assert (Framework.objects.count(), Question.objects.count()) == before


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"slug": "dipp", ')
    before = Framework.objects.count()
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_framework", str(path))
    assert Framework.objects.count() == before


def test_a_new_database_has_the_shipped_framework_after_migrating(db):
    # Loaded by the post_migrate handler, so an inspection can be created from the pages alone.
    shipped = json.loads(FRAMEWORK_FILE.read_text())
    framework = Framework.objects.get(slug=shipped["slug"], version=shipped["version"])
    assert framework.questions.count() > 0
