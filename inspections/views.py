"""Home page (the user's inspections) and creating an inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import ErrorLink, form_errors, service_errors_to_form
from core.typing import signed_in
from inspections.access import can_create_inspection, inspections_visible
from inspections.forms import InspectionForm
from inspections.models import Membership
from inspections.services import inspection_create


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
                inspection = inspection_create(lead=signed_in(request.user), **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, f"{inspection.title} created. Import its cases next.")
                return redirect("case-import", slug=inspection.slug)
        errors = form_errors(form)
    return render(
        request,
        "inspections/inspection_new.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )
