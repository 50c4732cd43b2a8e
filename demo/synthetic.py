"""Synthetic inspections of any size, for benchmarks and load tests (never real data)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case
from cases.scoring_columns import FLAG_BITS
from cases.services import answers_bulk_create, cases_bulk_create
from cases.services.answers import BulkRow
from inspections.models import Framework, Inspection, Question, Region
from inspections.services import inspection_create

_SCOPE_FIELDS = ("adjusted_questions", *FLAG_BITS)
_RATIONALE = {
    "yes": "Synthetic rationale: sufficient for this question on the evidence recorded.",
    "no": "Synthetic rationale: not sufficient; the evidence recorded falls short.",
    "na": "Synthetic rationale: not applicable to this case.",
}


@transaction.atomic
def synthetic_inspection_create(
    *, slug: str, cases: int, seed: int, region: Region, framework: Framework
) -> Inspection:
    if cases < 1 or cases > 999_999:
        raise ValidationError("The number of cases must be between 1 and 999,999.")
    if Inspection.objects.filter(slug=slug).exists():
        raise ValidationError(f"An inspection with slug {slug!r} already exists.")
    pdus = list(region.pdus.all())
    if not pdus:
        raise ValidationError(f"Region {region} has no PDUs.")
    start = date(2025, 4, 28)
    inspection = inspection_create(
        slug=slug,
        region=region,
        title=f"Synthetic inspection {slug} ({cases:,} cases)",
        framework=framework,
        case_window_start=start,
        case_window_end=start + timedelta(days=11),
        synthetic=True,  # labelled as generated data on every page and in its report
    )
    # Streamed in batches, so memory does not grow with the number of cases (issue 11: 546 MiB
    # at 100,000 when every row was held). The data stay what a seed always gave: the profiles
    # are drawn first and the answers after them from one generator, so a first pass draws
    # (and drops) the profiles to find where the answers' draws start.
    rng = random.Random(seed)
    for _ in _profiles(rng, cases, pdus, start):
        pass
    answers_rng = random.Random()
    answers_rng.setstate(rng.getstate())
    questions = list(framework.questions.all())
    # Cases with the same flags answer the same questions: work the list out once per profile.
    applicable: dict[tuple[bool, ...], list[Question]] = {}
    batch: list[dict[str, Any]] = []
    for profile in _profiles(random.Random(seed), cases, pdus, start):
        batch.append(profile)
        if len(batch) == BATCH:
            _write_batch(inspection, batch, questions, applicable, answers_rng)
            batch = []
    if batch:
        _write_batch(inspection, batch, questions, applicable, answers_rng)
    inspection.status = Inspection.Status.MODERATION
    inspection.save(update_fields=["status"])
    return inspection


# Cases written per batch (with their answers): what bounds the generator's memory.
BATCH = 2000


def _profiles(
    rng: random.Random, cases: int, pdus: list[Any], start: date
) -> Iterator[dict[str, Any]]:
    for n in range(1, cases + 1):
        mappa = rng.random() < 0.34
        released = rng.random() < 0.27
        yield {
            "reference": f"SYN-{n:06d}",
            "pdu": pdus[rng.randrange(len(pdus))],
            "commenced_on": start + timedelta(days=rng.randrange(12)),
            "sentence_type": Case.SentenceType.LICENCE
            if released
            else rng.choice([Case.SentenceType.COMMUNITY_ORDER, Case.SentenceType.SUSPENDED]),
            "setting": Case.Setting.CUSTODY_LICENCE if released else Case.Setting.COMMUNITY,
            "rosh": rng.choices([c.value for c in Case.Rosh], weights=[5, 62, 23, 5, 5])[0],
            "mappa_eligible": mappa,
            "mappa_category": rng.choice([1, 2, 2, 3]) if mappa else None,
            "mappa_level": rng.choices([1, 2, 3], weights=[90, 8, 2])[0] if mappa else None,
            "practitioner_grade": rng.choice([c.value for c in Case.Grade][:3]),
            "adjusted_questions": False,
            "court_work": not released and rng.random() < 0.9,
            "curfew_considered": rng.random() < 0.28,
            "released_from_custody": released,
            "risk_to_children": rng.random() < 0.85,
            "oversight_required": True,
            "practitioner_interviewed": rng.random() < 0.75,
            "domestic_abuse": rng.random() < 0.5,
            "violence": rng.random() < 0.5,
            "status": Case.Status.SUBMITTED,
        }


def _write_batch(
    inspection: Inspection,
    profiles: list[dict[str, Any]],
    questions: list[Question],
    applicable: dict[tuple[bool, ...], list[Question]],
    rng: random.Random,
) -> None:
    created = cases_bulk_create(inspection=inspection, profiles=profiles, validate=False)
    rows: list[BulkRow] = []
    for case in created:
        flags = tuple(getattr(case, f) for f in _SCOPE_FIELDS)
        if flags not in applicable:
            applicable[flags] = [q for q in questions if case.question_applies(q)]
        for question in applicable[flags]:
            value = "yes" if rng.random() < 0.45 else "no"
            if question.na_allowed and rng.random() < 0.08:
                value = "na"
            rows.append((case, question, value, _RATIONALE[value], None))
    answers_bulk_create(rows=rows, source="synthetic", history=False)
