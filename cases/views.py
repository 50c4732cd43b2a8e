"""Web pages for an inspection's cases. Views parse input, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import AllocateForm, BulkAllocateForm, CaseProfileForm, CsvImportForm
from cases.models import Answer, Case
from cases.selectors import (
    Access,
    CasePage,
    can_edit_answers,
    can_moderate,
    case_get,
    case_list,
    case_page,
    case_page_of,
    inspection_access,
)
from cases.services import (
    CSV_BOOLEANS,
    CSV_COLUMNS,
    CSV_REQUIRED,
    CsvImportError,
    IncompleteCaseError,
    PageAnswer,
    PageStaleError,
    StaleWriteError,
    Verdict,
    case_answers_save,
    case_moderate,
    case_problems,
    case_submit,
    case_update_profile,
    cases_allocate,
    cases_import_csv,
)
from inspections.models import Question

STATUS_TAG = {
    Case.Status.NOT_STARTED: "govuk-tag--grey",
    Case.Status.IN_PROGRESS: "govuk-tag--light-blue",
    Case.Status.SUBMITTED: "govuk-tag--blue",
    Case.Status.RETURNED: "govuk-tag--orange",
    Case.Status.MODERATED: "govuk-tag--green",
}
SECTION_TAG = {
    "not_started": ("Not started", "govuk-tag--grey"),
    "in_progress": ("In progress", "govuk-tag--light-blue"),
    "completed": ("Completed", ""),
}


def status_tag(case: Case) -> dict[str, str]:
    return {"text": case.get_status_display(), "classes": STATUS_TAG[Case.Status(case.status)]}


def _lead_only(access: Access) -> None:
    if not access.is_lead:
        raise PermissionDenied("Only the lead inspector can do this.")


def _writable(access: Access) -> None:
    if access.read_only:
        raise PermissionDenied("This inspection has been published: it is read-only.")


def _errors_from(exc: ValidationError, href_of: Any = None) -> list[dict[str, str]]:
    out = []
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            for message in errs:
                out.append({"href": href_of(name) if href_of else "#main-content", "text": message})
    else:
        out = [{"href": "#main-content", "text": m} for m in exc.messages]
    return out


def _form_errors(form: Any) -> list[dict[str, str]]:
    return [
        {
            "href": f"#{form[name].id_for_label}" if name in form.fields else "#main-content",
            "text": str(message),
        }
        for name, errs in form.errors.items()
        for message in errs
    ]


@login_required
def inspection_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The inspection's front page: my cases (task list), cases to second-mark, lead tools."""
    access = inspection_access(request.user, slug)
    cases = case_list(access, mine=True)
    mine = [c for c in cases if c.inspector_id == request.user.pk]
    marking = [
        c
        for c in cases
        if c.second_marker_id == request.user.pk and c.inspector_id != request.user.pk
    ]
    return render(
        request,
        "cases/inspection_home.html",
        {
            "access": access,
            "inspection": access.inspection,
            "mine": [(c, status_tag(c)) for c in mine],
            "marking": [(c, status_tag(c)) for c in marking],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_index(request: HttpRequest, slug: str) -> HttpResponse:
    """Lead: every case of the inspection, with bulk allocation."""
    access = inspection_access(request.user, slug)
    _lead_only(access)
    inspection = access.inspection
    errors: list[dict[str, str]] = []
    form = BulkAllocateForm(request.POST or None, inspection=inspection)
    if request.method == "POST":
        _writable(access)
        if form.is_valid():
            try:
                n = cases_allocate(
                    inspection=inspection,
                    case_ids=[c.pk for c in form.cleaned_data["cases"]],
                    inspector=form.cleaned_data["inspector"],
                    second_marker=form.cleaned_data["second_marker"],
                    set_second_marker=True,
                )
            except ValidationError as exc:
                errors = _errors_from(exc, lambda name: f"#id_{name}")
            else:
                who = form.cleaned_data["inspector"]
                messages.success(
                    request,
                    f"{n} case{'s' if n != 1 else ''} allocated to "
                    f"{who.get_full_name() or who.get_username()}.",
                )
                return redirect(request.get_full_path())
        else:
            errors = _form_errors(form)
            for e in errors:
                if e["href"] == "#id_cases_0" or e["href"] == "#id_cases":
                    e["href"] = "#cases-table"
    cases = case_page_of(access, request.GET.get("page"))
    selected = {str(v) for v in request.POST.getlist("cases")}
    return render(
        request,
        "cases/case_index.html",
        {
            "access": access,
            "inspection": inspection,
            "rows": [(c, status_tag(c), str(c.pk) in selected) for c in cases],
            "cases_page": cases,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest, slug: str) -> HttpResponse:
    access = inspection_access(request.user, slug)
    _lead_only(access)
    inspection = access.inspection
    form = CsvImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, str]] = []
    problems: list[tuple[int, str]] = []
    if request.method == "POST":
        _writable(access)
        if form.is_valid():
            try:
                created = cases_import_csv(
                    inspection=inspection, raw=form.cleaned_data["file"].read()
                )
            except CsvImportError as exc:
                problems = exc.problems
                errors = [
                    {
                        "href": "#import-problems",
                        "text": f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}: no cases were imported",
                    }
                ]
            except ValidationError as exc:
                errors = _errors_from(exc)
            else:
                messages.success(request, f"{len(created)} cases imported.")
                return redirect("case-index", slug=slug)
        else:
            errors = _form_errors(form)
    return render(
        request,
        "cases/case_import.html",
        {
            "access": access,
            "inspection": inspection,
            "form": form,
            "errors": errors,
            "problems": problems,
            "required": CSV_REQUIRED,
            "optional": [c for c in CSV_COLUMNS if c not in CSV_REQUIRED],
            "booleans": CSV_BOOLEANS,
            "pdus": inspection.region.pdus.order_by("code"),
            "choices": {
                "sentence_type": Case.SentenceType.values,
                "setting": Case.Setting.values,
                "rosh": Case.Rosh.values,
                "practitioner_grade": Case.Grade.values,
            },
        },
        status=400 if errors else 200,
    )


def _case_context(access: Access, case: Case, page: CasePage) -> dict[str, Any]:
    editable = can_edit_answers(access, case)
    return {
        "access": access,
        "inspection": access.inspection,
        "case": case,
        "tag": status_tag(case),
        "page": page,
        "sections": [(s, *SECTION_TAG[s.status]) for s in page.sections],
        "editable": editable,
        "can_submit": editable
        and case.inspector_id == access.user.pk
        and case.status in (Case.Status.NOT_STARTED, Case.Status.IN_PROGRESS, Case.Status.RETURNED),
        "can_moderate": can_moderate(access, case),
        "can_manage": access.is_lead and not access.read_only,
        "value_labels": dict(Answer.Value.choices),
    }


@login_required
def case_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    access = inspection_access(request.user, slug)
    case = case_get(access, reference)
    page = case_page(case, history=True)
    return render(request, "cases/case_detail.html", _case_context(access, case, page))


@login_required
@require_POST
def case_submit_view(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    access = inspection_access(request.user, slug)
    case = case_get(access, reference)
    already = case.status in (Case.Status.SUBMITTED, Case.Status.MODERATED)
    if already and case.inspector_id == request.user.pk and not access.read_only:
        # A repeated click on Submit: the first one did the work.
        messages.success(request, f"Case {reference} submitted for moderation.")
        return redirect("inspection-home", slug=slug)
    if not can_edit_answers(access, case) or case.inspector_id != request.user.pk:
        raise PermissionDenied("Only the inspector allocated this case can submit it.")
    try:
        case_submit(case=case, by=request.user)
    except IncompleteCaseError as exc:
        page = case_page(case, history=True)
        section_of = {q.pk: s.slug for s in page.sections for q in s.questions}
        errors = [
            {
                "href": reverse("case-section", args=[slug, reference, section_of[p.question.pk]])
                + f"?problems=1#{p.question.code}-{p.field}",
                "text": p.message,
            }
            for p in exc.problems
        ]
        context = _case_context(access, case, page) | {"errors": errors}
        return render(request, "cases/case_detail.html", context, status=400)
    except ValidationError as exc:
        page = case_page(case, history=True)
        context = _case_context(access, case, page) | {"errors": _errors_from(exc)}
        return render(request, "cases/case_detail.html", context, status=400)
    messages.success(request, f"Case {reference} submitted for moderation.")
    return redirect("inspection-home", slug=slug)


def _allowed_values(question: Question) -> list[tuple[str, str]]:
    values = [(Answer.Value.YES.value, "Yes"), (Answer.Value.NO.value, "No")]
    if question.na_allowed:
        values.append((Answer.Value.NOT_APPLICABLE.value, "Not applicable"))
    return values


@login_required
@require_http_methods(["GET", "POST"])
def case_section(request: HttpRequest, slug: str, reference: str, section: str) -> HttpResponse:
    """One page per key question (its prompts, then the key question), or the supplementary
    questions: radios and rationales, saved as a draft at any time."""
    access = inspection_access(request.user, slug)
    case = case_get(access, reference)
    page = case_page(case)
    current = page.section(section)
    editable = can_edit_answers(access, case)
    errors: list[dict[str, str]] = []
    conflicts: list[Any] = []
    values: dict[str, dict[str, Any]] = {}
    for q in current.questions:
        answer = page.answers.get(q.pk)
        values[q.code] = {
            "value": answer.value if answer else "",
            "rationale": answer.rationale if answer else "",
            "version": answer.version if answer else 0,
        }
    reason = ""
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You cannot change the answers on this case.")
        reason = request.POST.get("reason", "")
        entries = []
        for q in current.questions:
            value = request.POST.get(f"{q.code}-value", "")
            rationale = request.POST.get(f"{q.code}-rationale", "")
            try:
                version = int(request.POST.get(f"{q.code}-version", ""))
            except ValueError:
                version = -1  # a tampered or missing version never matches: treated as stale
            values[q.code] = {"value": value, "rationale": rationale, "version": version}
            allowed = [v for v, _ in _allowed_values(q)]
            if value and value not in allowed:
                errors.append(
                    {"href": f"#{q.code}-value", "text": f"Select a valid answer for {q.code}"}
                )
            elif rationale.strip() and not value:
                errors.append(
                    {
                        "href": f"#{q.code}-value",
                        "text": f"Select an answer for {q.code} to save its rationale",
                    }
                )
            elif len(rationale) > 10_000:
                errors.append(
                    {
                        "href": f"#{q.code}-rationale",
                        "text": f"Keep the rationale for {q.code} under 10,000 characters",
                    }
                )
            entries.append(PageAnswer(q, value, rationale, version))
        if not errors:
            try:
                case_answers_save(case=case, answers=entries, by=request.user, reason=reason)
            except PageStaleError as exc:
                conflicts = exc.conflicts
                for c in conflicts:
                    # Saving again now is a deliberate choice to replace what is shown.
                    values[c.question.code]["version"] = c.current.version if c.current else 0
                errors.append(
                    {
                        "href": "#conflicts",
                        "text": "Someone else changed answers on this page since you opened it: "
                        "your answers were not saved",
                    }
                )
            except ValidationError as exc:
                codes = {q.code for q in current.questions}
                errors = _errors_from(
                    exc,
                    lambda name: (
                        "#reason"
                        if name == "reason"
                        else (f"#{name}-value" if name in codes else "#main-content")
                    ),
                )
            else:
                messages.success(request, "Your answers have been saved.")
                if request.POST.get("action") == "continue":
                    slugs = [s.slug for s in page.sections]
                    i = slugs.index(current.slug)
                    if i + 1 < len(slugs):
                        return redirect(
                            "case-section", slug=slug, reference=reference, section=slugs[i + 1]
                        )
                return redirect("case-detail", slug=slug, reference=reference)
    # Messages beside the fields: this page's own errors, or (arriving from the case page's
    # error summary) what stops the case being submitted.
    field_errors = {e["href"].lstrip("#"): e["text"] for e in errors}
    if request.method == "GET" and request.GET.get("problems"):
        for p in case_problems(case, page.questions, page.answers):
            if p.question in current.questions:
                field_errors[f"{p.question.code}-{p.field}"] = p.message
    questions = [
        {
            "q": q,
            "value_error": field_errors.get(f"{q.code}-value", ""),
            "rationale_error": field_errors.get(f"{q.code}-rationale", ""),
            "choices": _allowed_values(q),
            "rationale_hint": (
                "Required: explain your judgement."
                if q.kind == Question.Kind.KEY
                else "Required if you answer No."
            ),
            **values[q.code],
        }
        for q in current.questions
    ]
    return render(
        request,
        "cases/case_section.html",
        {
            "access": access,
            "inspection": access.inspection,
            "case": case,
            "tag": status_tag(case),
            "section": current,
            "questions": questions,
            "editable": editable,
            "errors": errors,
            "conflicts": conflicts,
            "value_labels": dict(Answer.Value.choices),
            "needs_reason": case.status
            in (Case.Status.SUBMITTED, Case.Status.MODERATED, Case.Status.RETURNED),
            "reason": reason,
            "reviews": [
                r
                for r in case.reviews.select_related("question").order_by("-round")
                if r.question.code == current.slug
            ][:1],
        },
        status=409 if conflicts else (400 if errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_profile(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    access = inspection_access(request.user, slug)
    _lead_only(access)
    case = case_get(access, reference)
    _writable(access)
    form = CaseProfileForm(
        request.POST or None,
        instance=case,
        inspection=access.inspection,
        initial={"version": case.version},
    )
    errors: list[dict[str, str]] = []
    stale = None
    if request.method == "POST":
        if form.is_valid():
            profile = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                case_update_profile(
                    case=case, expected_version=form.cleaned_data["version"], **profile
                )
            except StaleWriteError as exc:
                stale = exc.current
                errors = [{"href": "#stale", "text": str(exc)}]
            except ValidationError as exc:
                for name, errs in exc.message_dict.items():
                    for m in errs:
                        form.add_error(name if name in form.fields else None, m)
                errors = _form_errors(form)
            else:
                messages.success(request, f"The profile of case {case.reference} has been updated.")
                return redirect("case-detail", slug=slug, reference=profile["reference"])
        else:
            errors = _form_errors(form)
    changed = []
    if stale is not None:
        fresh = CaseProfileForm(instance=stale, inspection=access.inspection)
        for name in form.Meta.fields:
            now = getattr(stale, name)
            mine = (
                form.cleaned_data.get(name)
                if form.is_bound and hasattr(form, "cleaned_data")
                else None
            )
            if now != mine:
                label = fresh.fields[name].label
                display = getattr(stale, f"get_{name}_display", None)
                changed.append((label, display() if display else now))
    return render(
        request,
        "cases/case_profile.html",
        {
            "access": access,
            "inspection": access.inspection,
            "case": case,
            "form": form,
            "errors": errors,
            "stale": stale,
            "changed": changed,
        },
        status=409 if stale is not None else (400 if errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_allocate(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    access = inspection_access(request.user, slug)
    _lead_only(access)
    case = case_get(access, reference)
    _writable(access)
    form = AllocateForm(
        request.POST or None,
        inspection=access.inspection,
        initial={"inspector": case.inspector_id, "second_marker": case.second_marker_id},
    )
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                cases_allocate(
                    inspection=access.inspection,
                    case_ids=[case.pk],
                    inspector=form.cleaned_data["inspector"],
                    second_marker=form.cleaned_data["second_marker"],
                    set_second_marker=True,
                )
            except ValidationError as exc:
                errors = _errors_from(exc, lambda name: f"#id_{name}")
            else:
                messages.success(request, f"Case {case.reference} allocated.")
                return redirect("case-detail", slug=slug, reference=reference)
        else:
            errors = _form_errors(form)
    return render(
        request,
        "cases/case_allocate.html",
        {
            "access": access,
            "inspection": access.inspection,
            "case": case,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_moderation(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """The lead or the assigned second marker agrees or disagrees per key question."""
    access = inspection_access(request.user, slug)
    case = case_get(access, reference)
    if (
        request.method == "POST"
        and case.status in (Case.Status.RETURNED, Case.Status.MODERATED)
        and case.reviews.filter(reviewer=request.user).exists()
    ):
        # A repeated click on Record moderation: the first one did the work.
        messages.success(request, f"Your moderation of case {reference} has been recorded.")
        return redirect("case-detail", slug=slug, reference=reference)
    if not can_moderate(access, case):
        raise PermissionDenied("You cannot moderate this case now.")
    page = case_page(case)
    keys = [q for q in page.questions if q.kind == Question.Kind.KEY]
    errors: list[dict[str, str]] = []
    entered: dict[str, dict[str, str]] = {
        q.code: {"verdict": "", "value": "", "comment": ""} for q in keys
    }
    if request.method == "POST":
        verdicts = []
        for q in keys:
            verdict = request.POST.get(f"{q.code}-verdict", "")
            value = request.POST.get(f"{q.code}-value", "")
            comment = request.POST.get(f"{q.code}-comment", "")
            entered[q.code] = {"verdict": verdict, "value": value, "comment": comment}
            if verdict not in ("agree", "disagree"):
                errors.append(
                    {
                        "href": f"#{q.code}-verdict",
                        "text": f"Say whether you agree with the judgement on {q.code}",
                    }
                )
                continue
            if verdict == "disagree":
                if value not in [v for v, _ in _allowed_values(q)]:
                    errors.append(
                        {"href": f"#{q.code}-value", "text": f"Select your judgement on {q.code}"}
                    )
                if not comment.strip():
                    errors.append(
                        {
                            "href": f"#{q.code}-comment",
                            "text": f"Enter a comment explaining why you disagree on {q.code}",
                        }
                    )
            verdicts.append(Verdict(q, verdict == "agree", value, comment))
        if not errors:
            try:
                moderated = case_moderate(case=case, by=request.user, verdicts=verdicts)
            except ValidationError as exc:
                errors = _errors_from(exc, lambda name: f"#{name}-verdict")
            else:
                if moderated.status == Case.Status.RETURNED:
                    messages.success(
                        request, f"Case {reference} returned to its inspector with your comments."
                    )
                else:
                    messages.success(
                        request, f"Case {reference} moderated: you agreed with every judgement."
                    )
                return redirect("case-detail", slug=slug, reference=reference)
    rows = [
        {
            "q": q,
            "answer": page.answers.get(q.pk),
            "choices": _allowed_values(q),
            **entered[q.code],
        }
        for q in keys
    ]
    return render(
        request,
        "cases/case_moderation.html",
        {
            "access": access,
            "inspection": access.inspection,
            "case": case,
            "rows": rows,
            "errors": errors,
            "value_labels": dict(Answer.Value.choices),
            "tag": status_tag(case),
        },
        status=400 if errors else 200,
    )
