"""The demo loader: idempotent, and never overwrites what someone has since edited."""

from __future__ import annotations

import pytest

from demo.loader import demo_load
from reports.models import ReportSection, Section

pytestmark = pytest.mark.django_db


def test_the_demo_narrative_is_written_once_and_never_overwritten(demo):
    ReportSection.objects.filter(inspection=demo, key=Section.CONTEXT).update(body="Edited.")
    demo_load()
    assert ReportSection.objects.filter(inspection=demo).count() == len(Section.values)
    assert ReportSection.objects.get(inspection=demo, key=Section.CONTEXT).body == "Edited."


def test_loading_the_demo_twice_changes_nothing(demo):
    second = demo_load()
    assert not second.created
    assert (second.cases, second.inspection.pk) == (64, demo.pk)
