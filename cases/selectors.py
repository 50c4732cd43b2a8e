"""Reads of cases and answers that the pages and the API share, each in a fixed number of
queries. Who may see what is cases.access's rule; these only read within it."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases.access import INSPECTOR_EDITABLE, cases_visible
from cases.models import (
    CASES_COUNTED,
    AccessRecord,
    Answer,
    AnswerChange,
    Case,
    ModerationReview,
    ModerationSample,
    SampledCase,
)
from core.cache import cached_or_computed
from core.typing import User
from inspections.access import Standing
from inspections.models import Inspection, InspectionEvent, Membership, Question
from inspections.selectors import inspection_data_version, inspection_members


@dataclass(frozen=True)
class Problem:
    """Why a case cannot be submitted yet: which question, which field, and what to do."""

    question: Question
    field: str  # "value" or "rationale"
    message: str


def case_questions(case: Case) -> list[Question]:
    """The framework's questions that apply to this case, in order."""
    questions = Question.objects.filter(framework_id=case.inspection.framework_id).select_related(
        "parent"
    )
    return [q for q in questions.order_by("order") if case.question_applies(q)]


def case_problems(
    case: Case, questions: list[Question], answers: dict[int, Answer]
) -> list[Problem]:
    """What stops submission: every applicable question needs an answer; a key-question
    judgement, and every No on a prompt, needs a rationale."""
    problems = []
    for q in questions:
        answer = answers.get(q.pk)
        if answer is None:
            problems.append(Problem(q, "value", f"Select an answer for {q.code}: {q.text}"))
            continue
        needs_rationale = q.kind == Question.Kind.KEY or (
            q.kind == Question.Kind.PROMPT and answer.value == Answer.Value.NO
        )
        if needs_rationale and not answer.rationale.strip():
            what = "the judgement" if q.kind == Question.Kind.KEY else "the No"
            problems.append(
                Problem(q, "rationale", f"Enter a rationale for {what} on {q.code}: {q.text}")
            )
    return problems


def case_scope_flags(case: Case) -> list[str]:
    """The flags of a case that decide which questions apply, in words ("A curfew was
    considered"), and the adjusted question set when contact was suspended."""
    flags = [
        str(label)
        for value, label in Question.AppliesWhen.choices
        if value and getattr(case, value)
    ]
    if case.adjusted_questions:
        flags.append("Contact was suspended: the adjusted question set applies")
    return flags


def case_answers(case: Case) -> QuerySet[Answer]:
    """A case's answers in question order, with the question and who answered joined in."""
    return (
        Answer.objects.filter(case=case)
        .select_related("question", "answered_by")
        .order_by("question__order")
    )


def case_question_get(case: Case, code: str) -> Question:
    """A question of the case's framework by code (404 if the framework has none such)."""
    question = Question.objects.filter(framework_id=case.inspection.framework_id, code=code).first()
    if question is None:
        raise Http404("No such question.")
    return question


def case_answer_find(case: Case, question: Question) -> Answer | None:
    return (
        Answer.objects.filter(case=case, question=question)
        .select_related("question", "answered_by")
        .first()
    )


def case_list(standing: Standing, *, mine: bool) -> list[Case]:
    """The cases of a list page (mine: allocated to me, or to second-mark) in one query."""
    return list(case_queryset(standing, mine=mine))


def case_queryset(standing: Standing, *, mine: bool) -> QuerySet[Case]:
    qs = cases_visible(standing)
    if mine:
        qs = qs.filter(Q(inspector_id=standing.user_id) | Q(second_marker_id=standing.user_id))
    return qs.select_related("pdu", "inspector", "second_marker").order_by("reference")


CASES_PER_PAGE = 100

# The all-cases page's sort orders: key -> (label, ordering). The reference breaks ties.
CASE_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reference": ("Reference", ("reference",)),
    "status": ("Status", ("status", "reference")),
    "inspector": ("Inspector", ("inspector__last_name", "inspector__first_name", "reference")),
    "pdu": ("PDU", ("pdu__name", "reference")),
    "rosh": ("RoSH", ("rosh", "reference")),
    "updated": ("Last changed", ("-updated_at", "reference")),
}


# Counts of the all-cases page's lists, cached by the inspection's data version (any write of a
# case moves it on, so a count is never stale: docs/adr/0014). They expire only to free memory.
CASE_COUNT_CACHE_SECONDS = 60 * 60


def _version_key(what: str, inspection: Inspection, version: int) -> str:
    """The shared cache's key for `what` of the inspection at a data version (docs/adr/0014);
    the database's name too, since two databases may share one Redis."""
    return f"{what}:{connection.settings_dict.get('NAME') or ''}:{inspection.pk}:{version}"


class VersionCountPaginator(Paginator[Case]):
    """A paginator whose count (a scan of every matching case) is cached under the inspection's
    data version and the exact query, so paging through a large inspection counts once."""

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, inspection: Inspection):
        super().__init__(object_list, per_page)
        self.counted = object_list
        self.inspection = inspection

    @cached_property
    def count(self) -> int:
        qs = self.counted
        if qs.query.is_empty():  # an invalid filter: no case, and no SQL to key by
            return 0
        version = self.inspection.data_version
        sql = str(qs.order_by().query).encode()
        return cached_or_computed(
            _version_key("casecount", self.inspection, version)
            + f":{hashlib.sha256(sql).hexdigest()}",
            int,
            lambda: int(qs.count()),
            timeout=CASE_COUNT_CACHE_SECONDS,
        )


def case_page_of(
    standing: Standing,
    number: str | None,
    *,
    filtered: QuerySet[Case] | None = None,
    sort: str = "reference",
) -> Page[Case]:
    """One page of the inspection's cases, filtered and sorted: the count (cached by the data
    version read with the standing, which is at least as old as the data counted) and a slice.
    `filtered` is the case queryset after the list's filters (cases.filters)."""
    qs = filtered if filtered is not None else case_queryset(standing, mine=False)
    ordering = CASE_SORTS.get(sort, CASE_SORTS["reference"])[1]
    qs = qs.select_related("pdu", "inspector", "second_marker").order_by(*ordering)
    paginator = VersionCountPaginator(qs, CASES_PER_PAGE, inspection=standing.inspection)
    return paginator.get_page(number)


@dataclass
class Section:
    """One page of a case: a key question with its prompts, or the supplementary questions."""

    slug: str
    title: str
    questions: list[Question]
    answered: int = 0
    problems: int = 0

    @property
    def status(self) -> str:
        if self.answered == 0:
            return "not_started"
        if self.answered < len(self.questions) or self.problems:
            return "in_progress"
        return "completed"


@dataclass
class CasePage:
    case: Case
    questions: list[Question]
    answers: dict[int, Answer]
    sections: list[Section]
    history: list[AnswerChange] = field(default_factory=list)
    reviews: list[ModerationReview] = field(default_factory=list)

    def section(self, slug: str) -> Section:
        for s in self.sections:
            if s.slug == slug:
                return s
        raise Http404("No such section.")


def case_page(case: Case, *, history: bool = False) -> CasePage:
    """A case's questions (those that apply), answers, sections, history and reviews."""
    questions = case_questions(case)
    answers = {a.question_id: a for a in case.answers.select_related("answered_by")}
    sections = []
    for key in (q for q in questions if q.kind == Question.Kind.KEY):
        prompts = [q for q in questions if q.parent_id == key.pk]
        sections.append(Section(key.code, key.text, [*prompts, key]))
    supplementary = [q for q in questions if q.kind == Question.Kind.SUPPLEMENTARY]
    if supplementary:
        sections.append(Section("supplementary", "Supplementary questions", supplementary))
    problems = Counter(p.question.pk for p in case_problems(case, questions, answers))
    for section in sections:
        section.answered = sum(1 for q in section.questions if q.pk in answers)
        section.problems = sum(problems[q.pk] for q in section.questions)
    page = CasePage(case, questions, answers, sections)
    if history:
        page.history = list(
            case.answer_changes.select_related("question", "changed_by").order_by(
                "-changed_at", "-pk"
            )
        )
        page.reviews = list(
            case.reviews.select_related("question", "reviewer").order_by(
                "-round", "question__order"
            )
        )
    return page


@dataclass(frozen=True)
class Progress:
    by_status: list[tuple[str, str, int]]
    # (name, counts in Case.Status order, total)
    by_inspector: list[tuple[str, list[int], int]]
    by_pdu: list[tuple[str, list[int], int]]
    total: int


def inspection_progress(inspection: Inspection, *, version: int | None = None) -> Progress:
    """Cases by status, per inspector and per PDU: one grouped query, cached under the
    inspection's data version (read afresh, one query, unless the caller has just read it:
    `version`; any write of a case moves the version on)."""
    if version is None:
        version = inspection_data_version(inspection)
    return cached_or_computed(
        _version_key("progress", inspection, version),
        Progress,
        lambda: _progress_compute(inspection),
        timeout=CASE_COUNT_CACHE_SECONDS,
    )


def _progress_compute(inspection: Inspection) -> Progress:
    rows = (
        Case.objects.filter(CASES_COUNTED, inspection=inspection)
        .values(
            "status",
            "pdu__name",
            "inspector__username",
            "inspector__first_name",
            "inspector__last_name",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    statuses = Counter[str]()
    inspectors: dict[str, Counter[str]] = {}
    pdus: dict[str, Counter[str]] = {}
    for row in rows:
        statuses[row["status"]] += row["n"]
        if row["inspector__username"]:
            name = (
                f"{row['inspector__first_name']} {row['inspector__last_name']}".strip()
                or row["inspector__username"]
            )
        else:
            name = "Not allocated"
        inspectors.setdefault(name, Counter())[row["status"]] += row["n"]
        pdus.setdefault(row["pdu__name"], Counter())[row["status"]] += row["n"]
    return Progress(
        by_status=[(s.value, str(s.label), statuses[s.value]) for s in Case.Status],
        by_inspector=[
            (k, [v[s] for s in Case.Status.values], sum(v.values()))
            for k, v in sorted(inspectors.items())
        ],
        by_pdu=[
            (k, [v[s] for s in Case.Status.values], sum(v.values()))
            for k, v in sorted(pdus.items())
        ],
        total=sum(statuses.values()),
    )


def members(inspection: Inspection) -> list[Membership]:
    return list(inspection.memberships.select_related("user").order_by("role", "user__username"))


# -- the team's open work, the lifecycle's guards, the lead's queue ----------------------------


def member_open_work(inspection: Inspection, user: User) -> list[str]:
    """References of the cases someone must still finish: allocated to them and not yet
    submitted, or submitted and waiting for their second marking. (Ten at most, then "and N
    more".)"""
    refs = sorted(
        Case.objects.filter(CASES_COUNTED, inspection=inspection)
        .filter(
            Q(inspector_id=user.pk, status__in=INSPECTOR_EDITABLE)
            | Q(second_marker_id=user.pk, status=Case.Status.SUBMITTED)
        )
        .values_list("reference", flat=True)
    )
    if len(refs) > 10:
        return [*refs[:10], f"and {len(refs) - 10} more"]
    return refs


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot be taken yet, and where it is put right: `place` names a page (the
    views turn it into a link), `query` filters the case list there."""

    message: str
    place: str
    query: dict[str, str] = field(default_factory=dict)


def status_counts(inspection: Inspection, *, version: int | None = None) -> dict[str, int]:
    """Cases by status (every status present, zero where none), and the sampled cases still
    to moderate: one grouped query.

    With `version` (the data version the caller has just read, as the inspection's home page
    does), the counts are cached under it: every column they read (status, sample, withdrawal)
    is a case's, and any write of a case moves the version on (docs/adr/0014). The lifecycle's
    guards call it without, and count afresh.
    """
    if version is None:
        return _status_counts_compute(inspection)
    return cached_or_computed(
        _version_key("status-counts", inspection, version),
        dict,
        lambda: _status_counts_compute(inspection),
        timeout=CASE_COUNT_CACHE_SECONDS,
    )


def _status_counts_compute(inspection: Inspection) -> dict[str, int]:
    rows = (
        Case.objects.filter(CASES_COUNTED, inspection=inspection)
        .values("status")
        .annotate(n=Count("pk"), in_sample=Count("pk", filter=Q(sampled__isnull=False)))
        .order_by()
    )
    counts = {s: 0 for s in Case.Status.values} | {"awaiting_moderation": 0, "total": 0}
    for row in rows:
        counts[row["status"]] = row["n"]
        counts["total"] += row["n"]
        if row["status"] == Case.Status.SUBMITTED:
            counts["awaiting_moderation"] = row["in_sample"]
    return counts


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def lifecycle_blockers(inspection: Inspection, target: str) -> list[Blocker]:
    """What stops the inspection moving on to `target` (a forward step); empty when it may."""
    counts = status_counts(inspection)
    blockers: list[Blocker] = []
    if target == Inspection.Status.FIELDWORK:
        if counts["total"] == 0:
            blockers.append(Blocker("Import the inspection's cases.", "import"))
        unallocated = Case.objects.filter(
            CASES_COUNTED, inspection=inspection, inspector__isnull=True
        ).count()
        if unallocated:
            blockers.append(
                Blocker(
                    f"Allocate {_plural(unallocated, 'case', 'cases')} to an inspector.",
                    "cases",
                    {"unallocated": "true"},
                )
            )
    elif target == Inspection.Status.MODERATION:
        for status in INSPECTOR_EDITABLE:
            if counts[status]:
                label = Case.Status(status).label.lower()
                blockers.append(
                    Blocker(
                        f"{_plural(counts[status], 'case is', 'cases are')} {label}: every case "
                        "must be submitted.",
                        "cases",
                        {"status": status},
                    )
                )
    elif target == Inspection.Status.REPORTING:
        for status in INSPECTOR_EDITABLE:
            if counts[status]:
                label = Case.Status(status).label.lower()
                blockers.append(
                    Blocker(
                        f"{_plural(counts[status], 'case is', 'cases are')} {label}: every case "
                        "must be submitted.",
                        "cases",
                        {"status": status},
                    )
                )
        if counts["awaiting_moderation"]:
            blockers.append(
                Blocker(
                    f"{_plural(counts['awaiting_moderation'], 'sampled case waits', 'sampled cases wait')} "
                    "for moderation.",
                    "cases",
                    {"moderation": "awaiting"},
                )
            )
        if not counts[Case.Status.MODERATED] and not inspection.moderation_samples.exists():
            blockers.append(Blocker("Draw a moderation sample and moderate it.", "sample"))
    return blockers


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    allocated: int
    to_second_mark: int


def team_of(inspection: Inspection) -> list[TeamMember]:
    """The team, leads first, with how many cases each holds: three queries."""
    members = list(inspection_members(inspection))
    allocated = dict(
        Case.objects.filter(CASES_COUNTED, inspection=inspection, inspector__isnull=False)
        .values_list("inspector_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    marking = dict(
        Case.objects.filter(CASES_COUNTED, inspection=inspection, second_marker__isnull=False)
        .values_list("second_marker_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [TeamMember(m, allocated.get(m.user_id, 0), marking.get(m.user_id, 0)) for m in members]


def samples_of(inspection: Inspection) -> list[ModerationSample]:
    """The moderation samples drawn, newest first, with how many cases each drew (one query)."""
    return list(
        inspection.moderation_samples.select_related("drawn_by")
        .annotate(drawn=Count("cases"))
        .order_by("-drawn_at")
    )


ACCESS_SHOWN = 20


def case_access_recent(case: Case, limit: int = ACCESS_SHOWN) -> list[AccessRecord]:
    """Who opened this case, most recent first (the lead's view of the access log): reads of
    the case itself on every channel, not of the lists it appears on."""
    return list(
        AccessRecord.objects.filter(
            inspection_slug=case.inspection.slug, case_reference=case.reference
        )[:limit]
    )


# -- one case's data (a subject access or erasure request; docs/data-protection.md) ------------


def _who(user: User | None) -> str | None:
    return user.username if user is not None else None


def case_document(reference: str) -> dict[str, Any]:
    """Everything the service holds about one case reference, in every inspection that has
    it: the profile, the answers, their history, moderation, the inspection history that names
    it, and the access log (reads of the case, and the exports and lists of its inspection
    that it appeared in). For an administrator answering a request about one person's case."""
    cases = list(
        Case.objects.filter(reference=reference)
        .select_related("inspection", "pdu", "inspector", "second_marker", "withdrawn_by")
        .order_by("inspection__slug")
    )
    out: list[dict[str, Any]] = []
    for case in cases:
        slug = case.inspection.slug
        profile = {
            f: getattr(case, f) for f in Case.PROFILE_ATTRIBUTES if f not in ("commenced_on",)
        }
        profile["commenced_on"] = case.commenced_on.isoformat() if case.commenced_on else None
        reads = AccessRecord.objects.filter(inspection_slug=slug).filter(
            Q(case_reference=reference) | Q(case_reference="", at__gte=case.created_at)
        )
        out.append(
            {
                "inspection": {"slug": slug, "title": case.inspection.title},
                "reference": case.reference,
                "pdu": case.pdu.code,
                "profile": profile,
                "status": case.status,
                "inspector": _who(case.inspector),
                "second_marker": _who(case.second_marker),
                "created_at": case.created_at.isoformat(),
                "updated_at": case.updated_at.isoformat(),
                "withdrawn": (
                    {
                        "at": case.withdrawn_at.isoformat(),
                        "by": _who(case.withdrawn_by),
                        "reason": case.withdrawn_reason,
                    }
                    if case.withdrawn_at
                    else None
                ),
                "answers": [
                    {
                        "question": a.question.code,
                        "value": a.value,
                        "rationale": a.rationale,
                        "answered_by": _who(a.answered_by),
                        "answered_at": a.answered_at.isoformat(),
                        "version": a.version,
                    }
                    for a in case.answers.select_related("question", "answered_by")
                ],
                "history": [
                    {
                        "question": c.question.code,
                        "old_value": c.old_value,
                        "new_value": c.new_value,
                        "old_rationale": c.old_rationale,
                        "new_rationale": c.new_rationale,
                        "changed_by": _who(c.changed_by),
                        "changed_at": c.changed_at.isoformat(),
                        "reason": c.reason,
                        "source": c.source,
                    }
                    for c in case.answer_changes.select_related("question", "changed_by")
                ],
                "moderation": [
                    {
                        "question": r.question.code,
                        "round": r.round,
                        "reviewer": _who(r.reviewer),
                        "marker": _who(r.marker),
                        "agrees": r.agrees,
                        "inspector_value": r.inspector_value,
                        "moderator_value": r.moderator_value,
                        "comment": r.comment,
                        "created_at": r.created_at.isoformat(),
                    }
                    for r in case.reviews.select_related("question", "reviewer", "marker")
                ],
                "moderation_sample": (
                    {"sample": s.sample_id, "stratum": s.stratum}
                    if (s := SampledCase.objects.filter(case=case).first())
                    else None
                ),
                "inspection_history": [
                    {
                        "kind": e.kind,
                        "summary": e.summary,
                        "reason": e.reason,
                        "by": _who(e.by),
                        "at": e.at.isoformat(),
                    }
                    for e in InspectionEvent.objects.filter(
                        inspection_id=case.inspection_id, data__case=reference
                    ).select_related("by")
                ],
                "access_log": [
                    {
                        "at": r.at.isoformat(),
                        "actor": r.actor,
                        "api_client": r.api_client,
                        "channel": r.channel,
                        "route": r.route,
                        "path": r.path,
                        "of_this_case": r.case_reference == reference,
                    }
                    for r in reads.order_by("at", "pk")
                ],
            }
        )
    return {
        "reference": reference,
        "note": "Published report versions hold figures for the region only, never one case.",
        "cases": out,
    }
