"""Web pages for an inspection's cases. Views parse input, call one service or selector, render.

Who may open or do what is decided by inspections.access and cases.access (the same rules the
API and the services apply); what is valid is decided by the services, whose errors the views
map onto the page's fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import (
    can_moderate,
    can_submit,
    can_write_answers,
    case_get,
    cases_visible,
    reason_needed,
    require_moderate,
)
from cases.filters import CaseFilter
from cases.forms import (
    AllocateForm,
    BulkAllocateForm,
    CaseProfileForm,
    CsvImportForm,
    member_choices,
)
from cases.models import Answer, Case, CaseImport
from cases.selectors import (
    CASE_SORTS,
    CasePage,
    case_access_recent,
    case_list,
    case_page,
    case_page_of,
    case_problems,
    case_scope_flags,
    status_counts,
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
    allowed_values,
    case_answers_save,
    case_moderate,
    case_submit,
    case_update_profile,
    cases_allocate,
    cases_import_csv,
    csv_import_is_large,
    csv_import_start,
    page_field,
    verdict_field,
)
from core.errors import (
    ErrorLink,
    error,
    field_messages,
    form_errors,
    service_errors_to_form,
    validation_errors,
)
from core.queue import QueueUnavailableError
from inspections.access import Standing, can_manage, require_lead, require_manage, standing_get
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


def _hash(name: str) -> str:
    return f"#{name}"


@login_required
def inspection_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The inspection's front page: my cases (task list), cases to second-mark, lead tools."""
    standing = standing_get(request.user, slug)
    # Cached under the data version read with the standing (a scan of every case otherwise).
    inspection = standing.inspection
    counts = (
        status_counts(inspection, version=int(inspection.data_version)) if standing.is_lead else {}
    )
    cases = case_list(standing, mine=True)
    mine = [c for c in cases if c.inspector_id == standing.user_id]
    marking = [
        c
        for c in cases
        if c.second_marker_id == standing.user_id and c.inspector_id != standing.user_id
    ]
    return render(
        request,
        "cases/inspection_home.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "mine": [(c, status_tag(c)) for c in mine],
            "marking": [(c, status_tag(c)) for c in marking],
            # What needs the lead first: each count links to the filtered case list.
            "queue": _queue(counts) if counts else [],
            "counts": counts,
        },
    )


def _queue(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    return [
        ("Awaiting moderation", counts["awaiting_moderation"], "moderation=awaiting"),
        ("Returned to their inspector", counts[Case.Status.RETURNED], "status=returned"),
        ("Submitted", counts[Case.Status.SUBMITTED], "status=submitted"),
        ("In progress", counts[Case.Status.IN_PROGRESS], "status=in_progress"),
        ("Not started", counts[Case.Status.NOT_STARTED], "status=not_started"),
        ("Moderated", counts[Case.Status.MODERATED], "status=moderated"),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def case_index(request: HttpRequest, slug: str) -> HttpResponse:
    """Lead: every case of the inspection, with bulk allocation."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "see every case")
    inspection = standing.inspection
    errors: list[ErrorLink] = []
    form = BulkAllocateForm(
        request.POST if request.method == "POST" else None, inspection=inspection
    )
    if request.method == "POST":
        require_manage(standing, "allocate cases")
        if form.is_valid():
            try:
                n = cases_allocate(
                    inspection=inspection,
                    case_ids=[c.pk for c in form.cleaned_data["cases"]],
                    inspector=form.cleaned_data["inspector"],
                    second_marker=form.cleaned_data["second_marker"],
                    set_second_marker=True,
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                who = form.cleaned_data["inspector"]
                messages.success(
                    request,
                    f"{n} case{'s' if n != 1 else ''} allocated to "
                    f"{who.get_full_name() or who.get_username()}.",
                )
                return redirect(request.get_full_path())
        errors = form_errors(form, hrefs={"cases": "#cases-table"})
    listing = CaseFilter(request.GET, queryset=cases_visible(standing))
    filtered = listing.qs if listing.is_valid() else cases_visible(standing).none()
    sort = request.GET.get("sort", "reference")
    cases = case_page_of(standing, request.GET.get("page"), filtered=filtered, sort=sort)
    selected = {str(v) for v in request.POST.getlist("cases")}
    filter_errors = [
        error(f"{name}: {message}", "#filters")
        for name, messages_ in listing.errors.items()
        for message in messages_
    ]
    return render(
        request,
        "cases/case_index.html",
        {
            "access": standing,
            "inspection": inspection,
            "rows": [(c, status_tag(c), str(c.pk) in selected) for c in cases],
            "cases_page": cases,
            "page_links": cases.paginator.get_elided_page_range(
                cases.number, on_each_side=2, on_ends=1
            ),
            "filters": listing.form,
            "filtering": any(request.GET.get(k) for k in listing.filters if k != "page"),
            "sorts": [(key, label) for key, (label, _) in CASE_SORTS.items()],
            "sort": sort if sort in CASE_SORTS else "reference",
            "members": member_choices(inspection),
            "pdus": inspection.region.pdus.order_by("name"),
            "choices": {
                "status": Case.Status.choices,
                "rosh": Case.Rosh.choices,
            },
            "form": form,
            "errors": errors + filter_errors,
        },
        status=400 if errors or filter_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest, slug: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "import cases")
    inspection = standing.inspection
    form = CsvImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    errors: list[ErrorLink] = []
    problems: list[tuple[int, str]] = []
    failure_status = 400
    if request.method == "POST":
        require_manage(standing, "import cases")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            try:
                if csv_import_is_large(raw):
                    job = csv_import_start(
                        inspection=inspection, raw=raw, by=request.user, filename=upload.name
                    )
                    return redirect("case-import-job", slug=slug, job_id=job.pk)
                created = cases_import_csv(inspection=inspection, raw=raw, by=request.user)
            except QueueUnavailableError as exc:
                errors = [error("The file was not imported. " + str(exc), "#id_file")]
                failure_status = 503
            except CsvImportError as exc:
                problems = exc.problems
                n = len(problems)
                errors = [
                    error(
                        f"The file has {n} problem{'s' if n != 1 else ''}: no cases were imported",
                        "#import-problems",
                    )
                ]
            except ValidationError as exc:
                errors = validation_errors(exc)
            else:
                messages.success(request, f"{len(created)} cases imported.")
                return redirect("case-index", slug=slug)
        else:
            errors = form_errors(form)
    return render(
        request,
        "cases/case_import.html",
        {
            "access": standing,
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
        status=failure_status if errors else 200,
    )


@login_required
def case_import_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """A background import's progress: the page refreshes itself (no JavaScript needed) until
    the import has finished, then shows the result or every problem by line."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "import cases")
    job = (
        CaseImport.objects.filter(inspection_id=standing.inspection.pk, pk=job_id)
        .defer("raw")
        .first()
    )
    if job is None:
        raise Http404("No such import")
    return render(
        request,
        "cases/case_import_job.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "job": job,
            "refresh_seconds": 2,
            "problems": [(line, message) for line, message in job.problems],
        },
    )


RATIONALE_HINT: dict[str, str] = {
    Question.Kind.KEY: "Required: explain your judgement.",
    Question.Kind.PROMPT: "Required because you answered No: say what was missing.",
    Question.Kind.SUPPLEMENTARY: "Optional.",
}


def _case_context(standing: Standing, case: Case, page: CasePage) -> dict[str, Any]:
    return {
        "access": standing,
        "inspection": standing.inspection,
        "case": case,
        "tag": status_tag(case),
        "page": page,
        "sections": [(s, *SECTION_TAG[s.status]) for s in page.sections],
        "editable": can_write_answers(standing, case),
        "can_submit": can_submit(standing, case),
        "can_moderate": can_moderate(standing, case),
        "can_manage": can_manage(standing),
        "value_labels": dict(Answer.Value.choices),
    }


@login_required
def case_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    case = case_get(standing, reference)
    page = case_page(case, history=True)
    context = _case_context(standing, case, page)
    if standing.is_lead:
        # Who opened this case (the read-access log): the lead's to see, not the team's.
        context["access_log"] = case_access_recent(case)
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def case_submit_view(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    case = case_get(standing, reference)
    return _submit(request, standing, case)


def _submit(request: HttpRequest, standing: Standing, case: Case) -> HttpResponse:
    """Submit the case, or show the case page with what stops it (from the case page's button
    or the last section's "Save and submit")."""
    slug, reference = standing.inspection.slug, case.reference
    try:
        case_submit(case=case, by=request.user)
    except IncompleteCaseError as exc:
        page = case_page(case, history=True)
        section_of = {q.pk: s.slug for s in page.sections for q in s.questions}
        errors = [
            error(
                p.message,
                reverse("case-section", args=[slug, reference, section_of[p.question.pk]])
                + f"?problems=1#{page_field(p.question, p.field)}",
            )
            for p in exc.problems
        ]
        context = _case_context(standing, case, page) | {"errors": errors}
        return render(request, "cases/case_detail.html", context, status=400)
    except ValidationError as exc:
        page = case_page(case, history=True)
        context = _case_context(standing, case, page) | {"errors": validation_errors(exc)}
        return render(request, "cases/case_detail.html", context, status=400)
    messages.success(request, f"Case {reference} submitted for moderation.")
    return redirect("inspection-home", slug=slug)


def _autosave(
    request: HttpRequest,
    case: Case,
    questions: list[Question],
    entries: list[PageAnswer],
    reason: str,
) -> JsonResponse:
    """A draft saved by the page's script: the same service and version checks as "Save
    draft", answered in JSON (the new versions, or the conflict table, or the messages)."""
    try:
        case_answers_save(case=case, answers=entries, by=request.user, reason=reason)
    except PageStaleError as exc:
        table = render_to_string(
            "cases/_conflicts.html",
            {"conflicts": exc.conflicts, "yours": True, "value_labels": dict(Answer.Value.choices)},
            request=request,
        )
        return JsonResponse({"message": "Changed elsewhere", "conflicts_html": table}, status=409)
    except ValidationError as exc:
        message = " ".join(m for m in exc.messages)
        return JsonResponse({"message": f"Not saved yet: {message}"}, status=400)
    versions = dict(
        Answer.objects.filter(case=case, question__in=questions).values_list(
            "question__code", "version"
        )
    )
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M"), "versions": versions})


def _reveal_rationale(question: Question, entered: dict[str, Any]) -> bool:
    """A prompt's rationale is asked for under "No" (revealed); one already written under
    another answer stays in view rather than hidden."""
    return question.kind == Question.Kind.PROMPT and (
        entered["value"] == Answer.Value.NO or not entered["rationale"]
    )


def _next_unanswered(page: CasePage, current: str) -> str | None:
    """The next section after this one (wrapping round) that is not complete, if any."""
    slugs = [s.slug for s in page.sections]
    i = slugs.index(current)
    for section in page.sections[i + 1 :] + page.sections[:i]:
        if section.status != "completed":
            return section.slug
    return None


@login_required
@require_http_methods(["GET", "POST"])
def case_section(request: HttpRequest, slug: str, reference: str, section: str) -> HttpResponse:
    """One page per key question (its prompts, then the key question), or the supplementary
    questions: radios and rationales, saved as a draft at any time."""
    standing = standing_get(request.user, slug)
    case = case_get(standing, reference)
    page = case_page(case)
    current = page.section(section)
    editable = can_write_answers(standing, case)
    errors: list[ErrorLink] = []
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
            # The service would refuse too; refusing here keeps the page's answer a 403.
            raise PermissionDenied("You cannot change the answers on this case.")
        reason = request.POST.get("reason", "")
        action = request.POST.get("action", "")
        entries = []
        for q in current.questions:
            value = request.POST.get(page_field(q, "value"), "")
            if action == "all_yes" and q.kind != Question.Kind.KEY and not value:
                # "Yes to all": the blanks only, never the key judgement, never a given answer.
                value = Answer.Value.YES.value
            rationale = request.POST.get(page_field(q, "rationale"), "")
            try:
                version = int(request.POST.get(page_field(q, "version"), ""))
            except ValueError:
                version = -1  # a tampered or missing version never matches: treated as stale
            values[q.code] = {"value": value, "rationale": rationale, "version": version}
            entries.append(PageAnswer(q, value, rationale, version))
        if action == "autosave":
            return _autosave(request, case, current.questions, entries, reason)
        try:
            case_answers_save(case=case, answers=entries, by=request.user, reason=reason)
        except PageStaleError as exc:
            conflicts = exc.conflicts
            for c in conflicts:
                # Saving again now is a deliberate choice to replace what is shown.
                values[c.question.code]["version"] = c.current.version if c.current else 0
            errors.append(
                error(
                    "Answers on this page were changed since you opened it (perhaps by you, in "
                    "another tab): your answers were not saved",
                    "#conflicts",
                )
            )
        except ValidationError as exc:
            errors = validation_errors(exc, _hash)
        else:
            if action == "submit":
                return _submit(request, standing, case)
            saved_at = timezone.localtime().strftime("%H:%M")
            messages.success(request, f"Your answers have been saved at {saved_at}.")
            if action in ("stay", "all_yes"):
                has_key = any(q.kind == Question.Kind.KEY for q in current.questions)
                anchor = "#key-question" if action == "all_yes" and has_key else ""
                here = reverse("case-section", args=[slug, reference, current.slug])
                return redirect(here + anchor)
            if action == "continue":
                following = _next_unanswered(case_page(case), current.slug)
                if following is not None:
                    return redirect(
                        "case-section", slug=slug, reference=reference, section=following
                    )
            return redirect("case-detail", slug=slug, reference=reference)
    # Messages beside the fields: this page's own errors, or (arriving from the case page's
    # error summary) what stops the case being submitted.
    beside = field_messages(errors)
    if request.method == "GET" and request.GET.get("problems"):
        for p in case_problems(case, page.questions, page.answers):
            if p.question in current.questions:
                beside.setdefault(page_field(p.question, p.field), p.message)
    questions = [
        {
            "q": q,
            "value_error": beside.get(page_field(q, "value"), ""),
            "rationale_error": beside.get(page_field(q, "rationale"), ""),
            "choices": allowed_values(q),
            "rationale_hint": RATIONALE_HINT[q.kind],
            "reveal": _reveal_rationale(q, values[q.code]),
            **values[q.code],
        }
        for q in current.questions
    ]
    for item in questions:
        if item["q"].kind == Question.Kind.PROMPT and not item["reveal"]:
            item["rationale_hint"] = "Required if you answer No."
    slugs = [s.slug for s in page.sections]
    position = slugs.index(current.slug)
    return render(
        request,
        "cases/case_section.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "case": case,
            "tag": status_tag(case),
            "section": current,
            "position": position + 1,
            "section_count": len(slugs),
            "previous": page.sections[position - 1] if position else None,
            "next": page.sections[position + 1] if position + 1 < len(slugs) else None,
            "last": position + 1 == len(slugs),
            "can_submit": can_submit(standing, case),
            "scope_flags": case_scope_flags(case),
            "questions": questions,
            "editable": editable,
            "errors": errors,
            "conflicts": conflicts,
            "value_labels": dict(Answer.Value.choices),
            "needs_reason": reason_needed(case),
            "reason_error": beside.get("reason", ""),
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
    standing = standing_get(request.user, slug)
    require_manage(standing, "change a case's profile")
    case = case_get(standing, reference)
    form = CaseProfileForm(
        request.POST if request.method == "POST" else None,
        instance=case,
        inspection=standing.inspection,
        initial={"version": case.version},
    )
    errors: list[ErrorLink] = []
    stale = None
    if request.method == "POST":
        if form.is_valid():
            profile = {k: form.cleaned_data[k] for k in Case.PROFILE_FIELDS}
            try:
                case_update_profile(
                    case=case,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **profile,
                )
            except StaleWriteError as exc:
                stale = exc.current
                errors = [error(str(exc), "#stale")]
            except ValidationError as exc:
                service_errors_to_form(form, exc)
                errors = form_errors(form)
            else:
                messages.success(request, f"The profile of case {case.reference} has been updated.")
                return redirect("case-detail", slug=slug, reference=profile["reference"])
        else:
            errors = form_errors(form)
    changed = []
    if stale is not None:
        fresh = CaseProfileForm(instance=stale, inspection=standing.inspection)
        for name in Case.PROFILE_FIELDS:
            now = getattr(stale, name)
            mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
            if now != mine:
                label = fresh.fields[name].label
                display = getattr(stale, f"get_{name}_display", None)
                changed.append((label, display() if display else now))
    return render(
        request,
        "cases/case_profile.html",
        {
            "access": standing,
            "inspection": standing.inspection,
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
    standing = standing_get(request.user, slug)
    require_manage(standing, "allocate cases")
    case = case_get(standing, reference)
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        inspection=standing.inspection,
        initial={"inspector": case.inspector_id, "second_marker": case.second_marker_id},
    )
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                cases_allocate(
                    inspection=standing.inspection,
                    case_ids=[case.pk],
                    inspector=form.cleaned_data["inspector"],
                    second_marker=form.cleaned_data["second_marker"],
                    set_second_marker=True,
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, f"Case {case.reference} allocated.")
                return redirect("case-detail", slug=slug, reference=reference)
        errors = form_errors(form)
    return render(
        request,
        "cases/case_allocate.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "case": case,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _verdict(raw: str) -> bool | None:
    return {"agree": True, "disagree": False}.get(raw)


@login_required
@require_http_methods(["GET", "POST"])
def case_moderation(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """The lead or the assigned second marker agrees or disagrees per key question."""
    standing = standing_get(request.user, slug)
    case = case_get(standing, reference)
    if (
        request.method == "POST"
        and case.status in (Case.Status.RETURNED, Case.Status.MODERATED)
        and case.reviews.filter(reviewer_id=standing.user_id).exists()
    ):
        # A repeated click on Record moderation: the first one did the work.
        messages.success(request, f"Your moderation of case {reference} has been recorded.")
        return redirect("case-detail", slug=slug, reference=reference)
    require_moderate(standing, case)
    page = case_page(case)
    keys = [q for q in page.questions if q.kind == Question.Kind.KEY]
    errors: list[ErrorLink] = []
    conflicts: list[Any] = []
    entered: dict[str, dict[str, Any]] = {
        q.code: {
            "verdict": "",
            "value": "",
            "comment": "",
            "version": page.answers[q.pk].version if q.pk in page.answers else 0,
        }
        for q in keys
    }
    if request.method == "POST":
        verdicts = []
        for q in keys:
            row = {
                name: request.POST.get(verdict_field(q, name), "")
                for name in ("verdict", "value", "comment", "version")
            }
            try:
                seen: int | None = int(row["version"])
            except ValueError:
                seen = -1  # missing or tampered: never matches, so treated as stale
            entered[q.code] = {**row, "version": seen}
            verdicts.append(
                Verdict(q, _verdict(row["verdict"]), row["value"], row["comment"], seen)
            )
        try:
            moderated = case_moderate(case=case, by=request.user, verdicts=verdicts)
        except PageStaleError as exc:
            conflicts = exc.conflicts
            # What the page shows now is the current answer: its version is what a new
            # verdict is on.
            page = case_page(case)
            for q in keys:
                entered[q.code]["version"] = (
                    page.answers[q.pk].version if q.pk in page.answers else 0
                )
            errors = [
                error(
                    "The inspector's answers changed after you opened this page: nothing was "
                    "recorded. Read the current judgements below, then record your moderation.",
                    "#conflicts",
                )
            ]
        except ValidationError as exc:
            errors = validation_errors(exc, _hash)
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
    beside = field_messages(errors)
    rows = [
        {
            "q": q,
            "answer": page.answers.get(q.pk),
            # What the judgement rests on: each prompt with the inspector's answer.
            "prompts": [
                (p, page.answers.get(p.pk))
                for p in page.section(q.code).questions
                if p.kind == Question.Kind.PROMPT
            ],
            "choices": allowed_values(q),
            "verdict_error": beside.get(verdict_field(q, "verdict"), ""),
            "value_error": beside.get(verdict_field(q, "value"), ""),
            "comment_error": beside.get(verdict_field(q, "comment"), ""),
            **entered[q.code],
        }
        for q in keys
    ]
    return render(
        request,
        "cases/case_moderation.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "case": case,
            "rows": rows,
            "errors": errors,
            "conflicts": conflicts,
            "value_labels": dict(Answer.Value.choices),
            "tag": status_tag(case),
            "scope_flags": case_scope_flags(case),
        },
        status=409 if conflicts else (400 if errors else 200),
    )
