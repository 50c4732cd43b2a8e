"""What scoring.selectors puts in the shared cache: the key names the database, the inspection,
its data version and framework; an entry expires after a day (only to free memory: the key
changes with the data). And the defaults of the figures' dataclasses."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection

from inspections.selectors import inspection_data_version
from scoring import selectors
from scoring.selectors import (
    InspectionScores,
    ProfileRow,
    QuestionScore,
    inspection_scores,
    scores_cache_key,
)


def test_a_question_score_without_an_area_has_a_blank_one():
    score = QuestionScore("S1", "Text", "supplementary", None, 1, 0, 0, 0)
    assert score.area == ""


@pytest.mark.django_db
def test_the_cache_entry_is_keyed_by_database_inspection_version_and_framework(handworked):
    inspection = handworked.inspection
    database = connection.settings_dict["NAME"]
    assert database  # the test database has a name
    expected = f"scores:1:{database}:{inspection.pk}:7:{inspection.framework_id}"
    assert scores_cache_key(inspection, 7) == expected
    assert scores_cache_key(inspection, 7, what="drift") == "drift" + expected[len("scores") :]


@pytest.mark.django_db
def test_computed_scores_are_cached_for_a_day_without_a_baseline(handworked):
    with mock.patch.object(selectors, "cache_set", wraps=selectors.cache_set) as cache_set:
        scores = inspection_scores(handworked.inspection, version=3)
    ((key, value), kwargs) = cache_set.call_args
    assert key == scores_cache_key(handworked.inspection, 3)
    assert value is scores
    assert kwargs == {"timeout": 86_400}  # 24 hours in seconds
    # The comparison with a baseline is the report's to add (reports.selectors.report_scores).
    assert scores.baseline is None


@pytest.mark.django_db
def test_a_second_read_of_unchanged_data_comes_from_the_cache(handworked):
    inspection = handworked.inspection
    compute = mock.patch.object(
        selectors, "inspection_scores_compute", wraps=selectors.inspection_scores_compute
    )
    with (
        compute as computed,
        mock.patch.object(selectors, "cache_set", wraps=selectors.cache_set) as cache_set,
    ):
        first = inspection_scores(inspection)
        again = inspection_scores(inspection)
    assert computed.call_count == 1
    # Keyed by the inspection's current data version, read when the caller does not give it.
    ((key, _), _) = cache_set.call_args
    assert key == scores_cache_key(inspection, inspection_data_version(inspection))
    # The cached figures, with the caller's inspection object put back.
    assert again.inspection is inspection
    assert again.questions == first.questions


def test_a_missing_profile_row_names_its_table_and_group():
    scores = InspectionScores(
        inspection=None,  # type: ignore[arg-type]  # not read
        cases=0,
        questions=[],
        breakdowns={},
        profile={"pdu": [ProfileRow("n", "North", 1, 2)]},
    )
    assert scores.profile_row("pdu", "n").label == "North"
    with pytest.raises(KeyError) as missing:
        scores.profile_row("pdu", "s")
    assert missing.value.args == ("pdu/s",)
