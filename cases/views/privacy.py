"""Data protection pages: withdrawing a case before publication (cases.services.withdrawal), and
an administrator's look-up and download of everything held about one case reference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases.access import case_get, withdrawn_refusal
from cases.forms import RetentionForm, WithdrawForm
from cases.selectors import case_document
from cases.services import case_withdraw
from cases.services.retention import retention_change, retention_date
from core.errors import ErrorLink, form_errors, service_errors_to_form
from inspections.access import require_admin, require_manage, standing_get


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw_view(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    case = case_get(standing, reference)
    require_manage(standing, "withdraw a case")
    if refusal := withdrawn_refusal(case):
        raise PermissionDenied(refusal)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                case_withdraw(case=case, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"Case {reference} withdrawn: its answers no longer count in the figures.",
                )
                return redirect("case-detail", slug=slug, reference=reference)
        errors = form_errors(form)
    return render(
        request,
        "cases/case_withdraw.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "case": case,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_safe
def case_data_request(request: HttpRequest) -> HttpResponse:
    """An administrator looks up one case reference: what is held, in which inspections."""
    require_admin(request.user, "answer a request about one case's data")
    reference = request.GET.get("reference", "").strip().upper()[:20]
    document = case_document(reference) if reference else None
    return render(
        request,
        "cases/case_data_request.html",
        {"reference": reference, "document": document},
    )


@login_required
@require_safe
def case_data_document(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything held about one case reference, as one JSON document to download."""
    require_admin(request.user, "answer a request about one case's data")
    document = case_document(reference)
    if not document["cases"]:
        raise Http404("No case has this reference.")
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="case-{reference}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def inspection_retention(request: HttpRequest, slug: str) -> HttpResponse:
    """When the inspection's case data is anonymised; an administrator may set another date,
    saying why."""
    standing = standing_get(request.user, slug)
    require_admin(request.user, "change the retention date")
    inspection = standing.inspection
    form = RetentionForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                retention_change(
                    inspection=inspection,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, "Retention date changed.")
                return redirect("inspection-retention", slug=slug)
        errors = form_errors(form)
    return render(
        request,
        "cases/inspection_retention.html",
        {
            "access": standing,
            "inspection": inspection,
            "retention_date": retention_date(inspection),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
