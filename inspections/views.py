"""Home page (the user's inspections) and creating an inspection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from inspections.forms import InspectionForm
from inspections.models import Inspection, Membership
from inspections.services import inspection_create


def may_create_inspections(user: Any) -> bool:
    """Administrators, and lead inspectors (anyone who leads an inspection)."""
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.LEAD).exists()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    inspections = (
        Inspection.objects.visible_to(user)
        .select_related("region")
        .annotate(
            n_cases=Count("cases", distinct=True),
            n_mine=Count("cases", filter=Q(cases__inspector=user), distinct=True),
        )
        .order_by("-case_window_start", "slug")
    )
    roles = dict(Membership.objects.filter(user=user).values_list("inspection_id", "role"))
    rows = [
        (i, Membership.Role(roles[i.pk]).label if i.pk in roles else "Administrator")
        for i in inspections
    ]
    return render(
        request,
        "inspections/home.html",
        {"rows": rows, "can_create": may_create_inspections(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not may_create_inspections(request.user):
        raise PermissionDenied("Only a lead inspector or an administrator can create inspections.")
    form = InspectionForm(request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                inspection = inspection_create(lead=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for name, errs in exc.message_dict.items():
                    for message in errs:
                        form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"{inspection.title} created. Import its cases next.")
                return redirect("case-import", slug=inspection.slug)
        errors = [
            {
                "href": f"#{form[name].id_for_label}" if name in form.fields else "#main-content",
                "text": str(message),
            }
            for name, errs in form.errors.items()
            for message in errs
        ]
    return render(
        request,
        "inspections/inspection_new.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )
