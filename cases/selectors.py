"""Reads for the web pages: who may do what, and the data each page shows in fixed queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases.models import Answer, AnswerChange, Case, ModerationReview
from cases.services import case_problems, case_questions
from inspections.models import Inspection, Membership, Question


@dataclass(frozen=True)
class Access:
    """A user's standing on one inspection."""

    inspection: Inspection
    user: Any
    role: str | None  # "lead", "inspector" or None (administrator without membership)

    @property
    def is_lead(self) -> bool:
        return self.role == Membership.Role.LEAD or bool(getattr(self.user, "is_superuser", False))

    @property
    def read_only(self) -> bool:
        return self.inspection.is_published


def inspection_access(user: Any, slug: str) -> Access:
    """The inspection if the user may see it (404 otherwise, so nothing is hinted)."""
    inspection = (
        Inspection.objects.visible_to(user)
        .select_related("region", "framework")
        .filter(slug=slug)
        .first()
    )
    if inspection is None:
        raise Http404("No such inspection.")
    role = (
        Membership.objects.filter(inspection=inspection, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return Access(inspection=inspection, user=user, role=role)


def cases_for(access: Access) -> QuerySet[Case]:
    """Cases the user may open: Case.objects.visible_to, plus those they second-mark."""
    visible = Case.objects.visible_to(access.user).filter(inspection=access.inspection)
    if access.role is None:
        return visible
    marking = Case.objects.filter(inspection=access.inspection, second_marker=access.user)
    return Case.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=marking.values("pk")))


def case_get(access: Access, reference: str) -> Case:
    case = (
        cases_for(access)
        .select_related("pdu", "inspector", "second_marker", "inspection__framework")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    case.inspection = access.inspection
    return case


def can_edit_answers(access: Access, case: Case) -> bool:
    if access.read_only:
        return False
    if access.is_lead:
        return True
    return case.inspector_id == access.user.pk and case.status in (
        Case.Status.NOT_STARTED,
        Case.Status.IN_PROGRESS,
        Case.Status.RETURNED,
    )


def can_moderate(access: Access, case: Case) -> bool:
    if access.read_only or case.status != Case.Status.SUBMITTED:
        return False
    if case.inspector_id == access.user.pk:
        return False
    return access.is_lead or case.second_marker_id == access.user.pk


def case_list(access: Access, *, mine: bool) -> list[Case]:
    """The cases of a list page (mine: allocated to me, or to second-mark) in two queries."""
    return list(case_queryset(access, mine=mine))


def case_queryset(access: Access, *, mine: bool) -> QuerySet[Case]:
    qs = cases_for(access)
    if mine:
        qs = qs.filter(Q(inspector=access.user) | Q(second_marker=access.user))
    return qs.select_related("pdu", "inspector", "second_marker").order_by("reference")


CASES_PER_PAGE = 100


def case_page_of(access: Access, number: str | None) -> Page[Case]:
    """One page of every case of the inspection (a count and a slice: two queries)."""
    return Paginator(case_queryset(access, mine=False), CASES_PER_PAGE).get_page(number)


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


def inspection_progress(inspection: Inspection) -> Progress:
    """Cases by status, per inspector and per PDU: one grouped query."""
    rows = (
        Case.objects.filter(inspection=inspection)
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
