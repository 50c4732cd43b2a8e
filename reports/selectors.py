"""Reads for the report: its sections, the canonical case data and its hash, builds, versions.

The canonical serialisation of the case data (what the manifest's SHA-256 is computed over):
UTF-8 JSON with sorted keys, no whitespace (separators "," and ":"), non-ASCII kept as is, of

    {"inspection": slug,
     "framework": {"slug": ..., "version": ...},
     "cases": [ {"reference": ..., "pdu": PDU code, <profile fields>,
                 "answers": [[question code, value], ...] sorted by code}, ...] sorted by reference}

The profile fields are those every figure of the report is computed from (CANONICAL_FIELDS);
dates are ISO 8601, absent values null. Rationales and workflow fields (inspector, status,
timestamps) are left out: they change no figure. Two databases holding the same cases and answers
therefore give the same hash, whatever their primary keys or insertion order.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from cases.models import Answer, Case
from inspections.models import Inspection
from reports.models import ReportBuild, ReportSection, ReportVersion, Section
from reports.references import ReferenceProblem, problems_in
from scoring.selectors import InspectionScores

CANONICAL_FIELDS: tuple[str, ...] = Case.PROFILE_ATTRIBUTES


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def case_data_canonical(inspection: Inspection) -> bytes:
    """The inspection's case data in the canonical serialisation (two queries)."""
    answers: dict[int, list[list[str]]] = defaultdict(list)
    for case_id, code, value in Answer.objects.filter(case__inspection=inspection).values_list(
        "case_id", "question__code", "value"
    ):
        answers[case_id].append([code, value])
    cases = []
    for row in Case.objects.filter(inspection=inspection).values(
        "pk", "reference", "pdu__code", *CANONICAL_FIELDS
    ):
        case: dict[str, Any] = {field: row[field] for field in CANONICAL_FIELDS}
        if case["commenced_on"] is not None:
            case["commenced_on"] = case["commenced_on"].isoformat()
        case["reference"] = row["reference"]
        case["pdu"] = row["pdu__code"]
        case["answers"] = sorted(answers.get(row["pk"], []))
        cases.append(case)
    cases.sort(key=lambda c: c["reference"])
    framework = inspection.framework
    return canonical_json(
        {
            "inspection": inspection.slug,
            "framework": {"slug": framework.slug, "version": framework.version},
            "cases": cases,
        }
    )


def case_data_sha256(inspection: Inspection) -> str:
    return hashlib.sha256(case_data_canonical(inspection)).hexdigest()


def content_sha256(inspection: Inspection) -> str:
    """A hash of what the author wrote: narrative, recommendations, contextual facts, title."""
    content = {
        "title": inspection.title,
        "sections": dict(inspection.report_sections.values_list("key", "body")),
        "recommendations": list(
            inspection.recommendations.order_by("addressee", "number").values_list(
                "addressee", "number", "text"
            )
        ),
        "facts": list(
            inspection.context_facts.order_by("order").values_list(
                "order", "group", "label", "value", "as_at", "source"
            )
        ),
    }
    return hashlib.sha256(canonical_json(content)).hexdigest()


def sections_of(inspection: Inspection) -> dict[str, ReportSection | None]:
    """Every section key, in report order, with its saved section or None if not yet written."""
    saved = {s.key: s for s in inspection.report_sections.all()}
    return {key: saved.get(key) for key in Section.values}


def report_problems(inspection: Inspection, scores: InspectionScores) -> list[ReferenceProblem]:
    """Every reference in the narrative that cannot be filled from the current scores."""
    problems: list[ReferenceProblem] = []
    labels = dict(Section.choices)
    for section in inspection.report_sections.all():
        problems.extend(problems_in(section.body, scores, section=labels[section.key]))
    return problems


def builds_of(inspection: Inspection) -> Any:
    return ReportBuild.objects.filter(inspection=inspection).select_related("requested_by")


def versions_of(inspection: Inspection) -> Any:
    return ReportVersion.objects.filter(inspection=inspection).select_related("published_by")
