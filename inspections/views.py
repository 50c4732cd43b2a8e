"""Home page (the user's inspections), creating an inspection, its details, its key contextual
facts and its history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import ErrorLink, error, form_errors, service_errors_to_form
from core.exceptions import StaleWriteError
from inspections.access import (
    Standing,
    can_create_inspection,
    inspections_visible,
    require_lead,
    require_manage,
    standing_get,
)
from inspections.forms import BaselineForm, ContextFactForm, InspectionDetailsForm, InspectionForm
from inspections.models import Baseline, ContextFact, Membership
from inspections.selectors import inspection_events
from inspections.services import (
    DETAIL_FIELDS,
    BaselineFigureInput,
    baseline_clear,
    baseline_set,
    context_fact_add,
    context_fact_move,
    context_fact_remove,
    context_fact_update,
    context_facts_none,
    inspection_create,
    inspection_update,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # login_required
    inspections = (
        inspections_visible(user)
        .select_related("region")
        .annotate(
            n_cases=Count("cases", distinct=True),
            n_mine=Count("cases", filter=Q(cases__inspector_id=user.pk), distinct=True),
        )
        .order_by("-case_window_start", "slug")
    )
    roles = dict(Membership.objects.filter(user_id=user.pk).values_list("inspection_id", "role"))
    rows = [
        (i, Membership.Role(roles[i.pk]).label if i.pk in roles else "Administrator")
        for i in inspections
    ]
    return render(
        request,
        "inspections/home.html",
        {"rows": rows, "can_create": can_create_inspection(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not can_create_inspection(request.user):
        raise PermissionDenied("Only a lead inspector or an administrator can create inspections.")
    form = InspectionForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                inspection = inspection_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"{inspection.title} created. Build its team and import its cases next.",
                )
                return redirect("inspection-home", slug=inspection.slug)
        errors = form_errors(form)
    return render(
        request,
        "inspections/inspection_new.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_details(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead edits the inspection's title, dates and where the report will be available."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "change the inspection's details")
    inspection = standing.inspection
    initial = {name: getattr(inspection, name) for name in DETAIL_FIELDS}
    form = InspectionDetailsForm(
        request.POST if request.method == "POST" else None,
        initial=initial | {"version": inspection.version},
    )
    errors: list[ErrorLink] = []
    stale = False
    if request.method == "POST":
        require_manage(standing, "change the inspection's details")
        if form.is_valid():
            try:
                inspection_update(
                    inspection=inspection,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in DETAIL_FIELDS},
                )
            except StaleWriteError as exc:
                stale = True
                errors = [error(str(exc), "#main-content")]
            except ValidationError as exc:
                service_errors_to_form(form, exc)
                errors = form_errors(form)
            else:
                messages.success(request, "The inspection's details have been saved.")
                return redirect("inspection-home", slug=slug)
        else:
            errors = form_errors(form)
    return render(
        request,
        "inspections/details.html",
        {
            "access": standing,
            "inspection": inspection,
            "form": form,
            "errors": errors,
            "read_only": inspection.is_published,
        },
        status=409 if stale else (400 if errors else 200),
    )


def _fact_or_404(standing: Standing, fact_id: int) -> ContextFact:
    fact = standing.inspection.context_facts.filter(pk=fact_id).first()
    if fact is None:
        raise Http404("No such fact.")
    return fact


@login_required
@require_http_methods(["GET", "POST"])
def context_facts(request: HttpRequest, slug: str) -> HttpResponse:
    """The key contextual facts, in report order: add one, move, change or remove them, or say
    the report has none."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "change the key contextual facts")
    inspection = standing.inspection
    form = ContextFactForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "none":
                context_facts_none(
                    inspection=inspection, by=request.user, none=request.POST.get("none") == "yes"
                )
                messages.success(request, "Saved.")
                return redirect("context-facts", slug=slug)
            if action in ("up", "down"):
                fact = _fact_or_404(standing, _int(request.POST.get("fact")))
                position = list(
                    inspection.context_facts.order_by("order").values_list("pk", flat=True)
                ).index(fact.pk) + (0 if action == "up" else 2)
                context_fact_move(
                    fact=fact,
                    by=request.user,
                    position=max(1, position),
                    expected_version=_int(request.POST.get("version")),
                )
                return redirect(reverse("context-facts", args=[slug]) + f"#fact-{fact.pk}")
            if form.is_valid():
                fact = context_fact_add(
                    inspection=inspection, by=request.user, **form.fact_fields()
                )
                messages.success(request, f"Fact added: {fact.label}.")
                return redirect("context-facts", slug=slug)
            errors = form_errors(form)
        except StaleWriteError as exc:
            errors = [error(str(exc))]
        except ValidationError as exc:
            service_errors_to_form(form, exc)
            errors = form_errors(form)
    facts = list(inspection.context_facts.order_by("order"))
    return render(
        request,
        "inspections/context_facts.html",
        {
            "access": standing,
            "inspection": inspection,
            "facts": facts,
            "form": form,
            "errors": errors,
        },
        status=409 if errors and not form.errors else (400 if errors else 200),
    )


def _int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return -1  # never matches a version or an id: treated as stale or absent


@login_required
@require_http_methods(["GET", "POST"])
def context_fact_edit(request: HttpRequest, slug: str, fact_id: int) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "change the key contextual facts")
    fact = _fact_or_404(standing, fact_id)
    initial = {k: getattr(fact, k) for k in ("label", "value", "as_at", "group", "source")}
    form = ContextFactForm(
        request.POST if request.method == "POST" else None,
        initial=initial | {"version": fact.version},
    )
    errors: list[ErrorLink] = []
    stale = False
    if request.method == "POST":
        if form.is_valid():
            try:
                context_fact_update(
                    fact=fact,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.fact_fields(),
                )
            except StaleWriteError as exc:
                stale = True
                errors = [error(str(exc))]
            except ValidationError as exc:
                service_errors_to_form(form, exc)
                errors = form_errors(form)
            else:
                messages.success(request, f"Fact saved: {form.cleaned_data['label']}.")
                return redirect("context-facts", slug=slug)
        else:
            errors = form_errors(form)
    return render(
        request,
        "inspections/context_fact_edit.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "fact": fact,
            "form": form,
            "errors": errors,
        },
        status=409 if stale else (400 if errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def context_fact_remove_view(request: HttpRequest, slug: str, fact_id: int) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "change the key contextual facts")
    fact = _fact_or_404(standing, fact_id)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        try:
            context_fact_remove(
                fact=fact, by=request.user, expected_version=_int(request.POST.get("version"))
            )
        except StaleWriteError as exc:
            errors = [error(str(exc))]
        else:
            messages.success(request, f"Fact removed: {fact.label}.")
            return redirect("context-facts", slug=slug)
    return render(
        request,
        "inspections/context_fact_remove.html",
        {"access": standing, "inspection": standing.inspection, "fact": fact, "errors": errors},
        status=409 if errors else 200,
    )


HISTORY_PER_PAGE = 50


@login_required
def inspection_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what on the inspection, newest first (its details, status, team, facts,
    allocation, samples). Answer changes are in each case's own history."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "see the inspection's history")
    events = Paginator(inspection_events(standing.inspection), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/history.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "events": events,
            "page_links": events.paginator.get_elided_page_range(events.number, on_each_side=2),
        },
    )


@login_required
def baseline_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead names the inspection's baseline: an earlier inspection, or a report's figures."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "set the baseline")
    inspection = standing.inspection
    current = (
        Baseline.objects.filter(inspection=inspection)
        .select_related("previous")
        .prefetch_related("figures")
        .first()
    )
    choices = [
        (i.slug, i.title)
        for i in inspections_visible(request.user).exclude(pk=inspection.pk).only("slug", "title")
    ]
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "previous": current.previous.slug if current.previous else "",
            "title": current.title,
            "year": current.year,
            "source": current.source,
            "figures": "\n".join(
                f"{f.question_code} {f.published_percent}% {f.relevant}"
                if f.published_percent is not None
                else f"{f.question_code} {f.yes} {f.relevant}"
                for f in current.figures.all()
            ),
        }
    form = BaselineForm(
        request.POST if request.method == "POST" else None, initial=initial, choices=choices
    )
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            baseline_clear(inspection=inspection, by=request.user)
            messages.success(request, "The baseline has been removed.")
            return redirect("inspection-baseline", slug=slug)
        if form.is_valid():
            data = form.cleaned_data
            try:
                baseline_set(
                    inspection=inspection,
                    by=request.user,
                    previous_slug=data["previous"],
                    title=data["title"],
                    year=data["year"],
                    source=data["source"],
                    figures=[
                        BaselineFigureInput(code, relevant, yes, percent)
                        for code, relevant, yes, percent in data["figures"]
                    ],
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
                errors = form_errors(form)
            else:
                messages.success(request, "The baseline has been saved.")
                return redirect("inspection-baseline", slug=slug)
        else:
            errors = form_errors(form)
    return render(
        request,
        "inspections/baseline.html",
        {
            "access": standing,
            "inspection": inspection,
            "form": form,
            "errors": errors,
            "current": current,
            "read_only": standing.read_only,
        },
        status=400 if errors else 200,
    )
