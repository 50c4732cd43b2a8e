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
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count

from cases.access import INSPECTOR_EDITABLE
from cases.models import CASES_COUNTED, Answer, Case
from cases.selectors import Blocker, status_counts
from inspections.models import Inspection, Recommendation
from reports.models import ReportBuild, ReportSection, ReportVersion, Section
from reports.references import ReferenceProblem, problems_in
from reports.typed_figures import typed_digest, typed_figures
from scoring.baseline import baseline_comparison
from scoring.selectors import InspectionScores, inspection_scores

CANONICAL_FIELDS: tuple[str, ...] = Case.PROFILE_ATTRIBUTES


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def case_data_canonical(inspection: Inspection) -> bytes:
    """The inspection's case data in the canonical serialisation (two queries)."""
    answers: dict[int, list[list[str]]] = defaultdict(list)
    for case_id, code, value in Answer.objects.filter(
        case__inspection=inspection, case__withdrawn_at__isnull=True
    ).values_list("case_id", "question__code", "value"):
        answers[case_id].append([code, value])
    cases = []
    for row in Case.objects.filter(CASES_COUNTED, inspection=inspection).values(
        "pk", "reference", "pdu__code", *CANONICAL_FIELDS
    ):
        case: dict[str, Any] = {field: row[field] for field in CANONICAL_FIELDS}
        if case["commenced_on"] is not None:
            case["commenced_on"] = case["commenced_on"].isoformat()
        # Not the reference: the hash covers what the figures are made of, so anonymising
        # references after the retention date leaves it unchanged (docs/adr/0014-issue15-...).
        case["pdu"] = row["pdu__code"]
        case["answers"] = sorted(answers.get(row["pk"], []))
        cases.append(case)
    cases.sort(key=canonical_json)
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


# -- ready to publish ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One item of the publication checklist: done or not, and what is left (each a Blocker,
    whose `place` the pages turn into a link to where it is put right)."""

    key: str
    title: str
    blockers: list[Blocker]

    @property
    def done(self) -> bool:
        return not self.blockers


def publication_checklist(inspection: Inspection, scores: InspectionScores) -> list[Task]:
    """Everything that must be true before the report is published, from the data as it is now.

    The same list refuses publication in the service (report_publish), the page and the API.
    """
    counts = status_counts(inspection)
    tasks: list[Task] = []

    stage: list[Blocker] = []
    if inspection.status not in (Inspection.Status.REPORTING, Inspection.Status.PUBLISHED):
        stage.append(
            Blocker(
                f"The inspection is in {inspection.get_status_display().lower()}: move it on "
                "to reporting.",
                "status",
            )
        )
    tasks.append(Task("status", "Inspection in reporting", stage))

    open_cases = [
        Blocker(
            f"{counts[s]} case{'s' if counts[s] != 1 else ''} "
            f"{'is' if counts[s] == 1 else 'are'} {Case.Status(s).label.lower()}.",
            "cases",
            {"status": s},
        )
        for s in INSPECTOR_EDITABLE
        if counts[s]
    ]
    if counts["total"] == 0:
        open_cases.append(Blocker("The inspection has no cases.", "import"))
    tasks.append(Task("cases", "Every case submitted", open_cases))

    sample: list[Blocker] = []
    if counts["awaiting_moderation"]:
        n = counts["awaiting_moderation"]
        sample.append(
            Blocker(
                f"{n} sampled case{'s' if n != 1 else ''} {'waits' if n == 1 else 'wait'} for "
                "moderation.",
                "cases",
                {"moderation": "awaiting"},
            )
        )
    if not counts[Case.Status.MODERATED] and not inspection.moderation_samples.exists():
        sample.append(Blocker("Draw a moderation sample and moderate it.", "sample"))
    tasks.append(Task("moderation", "Every sampled case moderated", sample))

    unanswered = [
        Blocker(
            f"{q.code} is unanswered on {q.unanswered} case{'s' if q.unanswered != 1 else ''}.",
            "cases",
            {"status": Case.Status.IN_PROGRESS},
        )
        for q in scores.key_questions
        if q.unanswered
    ]
    tasks.append(Task("key_questions", "Every key question answered", unanswered))

    written = {
        k: (b or "").strip() for k, b in inspection.report_sections.values_list("key", "body")
    }
    missing = [
        Blocker(f"{label} is not written.", f"section:{key}")
        for key, label in Section.choices
        if not written.get(key)
    ]
    tasks.append(Task("narrative", "Every narrative section written", missing))

    tasks.append(
        Task(
            "references",
            "Every data reference filled",
            [Blocker(str(p), "report") for p in report_problems(inspection, scores)],
        )
    )

    labels = dict(Section.choices)
    unacknowledged: list[Blocker] = []
    for key, body, acknowledged in inspection.report_sections.values_list(
        "key", "body", "typed_acknowledged"
    ):
        typed = typed_figures(body, scores, section=labels.get(key, key))
        if typed and typed_digest(typed) != acknowledged:
            n = len(typed)
            unacknowledged.append(
                Blocker(
                    f"{labels.get(key, key)}: {n} typed figure{'s' if n != 1 else ''} not bound "
                    "to the data: acknowledge or replace with references.",
                    f"section:{key}",
                )
            )
    tasks.append(Task("typed_figures", "Typed figures acknowledged", unacknowledged))

    recommendations = dict(
        inspection.recommendations.values_list("addressee").annotate(n=Count("pk"))
    )
    recs: list[Blocker] = []
    if not recommendations.get(Recommendation.Addressee.REGION):
        recs.append(Blocker("Write the regional recommendations.", "recommendations:region"))
    tasks.append(Task("recommendations", "Recommendations written", recs))

    facts: list[Blocker] = []
    if not inspection.no_context_facts and not inspection.context_facts.exists():
        facts.append(
            Blocker("Add the key contextual facts, or mark the report as having none.", "facts")
        )
    tasks.append(Task("facts", "Key contextual facts given", facts))

    dates: list[Blocker] = []
    if not (inspection.fieldwork_start and inspection.fieldwork_end):
        dates.append(Blocker("Enter the fieldwork start and end dates.", "details"))
    if not inspection.publication_date:
        dates.append(Blocker("Enter the publication date.", "details"))
    tasks.append(Task("dates", "Fieldwork and publication dates set", dates))
    return tasks


def publication_blockers(inspection: Inspection, scores: InspectionScores) -> list[Blocker]:
    return [b for task in publication_checklist(inspection, scores) for b in task.blockers]


def report_scores(inspection: Inspection) -> InspectionScores:
    """The scores the report is written from: inspection_scores() with the comparison with the
    inspection's baseline, if it has one (for {{change C3}} and the "Then and now" table)."""
    scores = inspection_scores(inspection)
    return replace(scores, baseline=baseline_comparison(inspection, scores))
