"""The lead's team page: who is on the inspection, as what; add, change a role, remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.forms import RoleForm, TeamAddForm
from cases.selectors import member_open_work, team_of
from cases.services import member_add, member_change_role, member_remove
from core.errors import ErrorLink, form_errors, service_errors_to_form
from core.typing import User
from inspections.access import Standing, can_manage, require_lead, require_manage, standing_get
from inspections.models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, slug: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "manage the team")
    form = TeamAddForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        require_manage(standing, "change the team")
        if form.is_valid():
            try:
                membership = member_add(
                    inspection=standing.inspection,
                    identifier=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                who = membership.user.get_full_name() or membership.user.get_username()
                messages.success(
                    request, f"{who} added as {membership.get_role_display().lower()}."
                )
                return redirect("team", slug=slug)
        errors = form_errors(form)
    return render(
        request,
        "cases/team.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "team": team_of(standing.inspection),
            "form": form,
            "errors": errors,
            "can_manage": can_manage(standing),
        },
        status=400 if errors else 200,
    )


def _member(standing: Standing, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(inspection=standing.inspection, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("No such team member.")
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def team_member(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """Change a team member's role."""
    standing = standing_get(request.user, slug)
    require_manage(standing, "change the team")
    membership = _member(standing, username)
    form = RoleForm(
        request.POST if request.method == "POST" else None, initial={"role": membership.role}
    )
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                member_change_role(
                    inspection=standing.inspection,
                    user=membership.user,
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, f"{_name(membership.user)}'s role has been saved.")
                return redirect("team", slug=slug)
        errors = form_errors(form)
    return render(
        request,
        "cases/team_member.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "member": membership,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


@login_required
@require_http_methods(["GET", "POST"])
def team_member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_manage(standing, "change the team")
    membership = _member(standing, username)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        try:
            member_remove(inspection=standing.inspection, user=membership.user, by=request.user)
        except ValidationError as exc:
            errors = [{"href": "#main-content", "text": m} for m in exc.messages]
        else:
            messages.success(request, f"{_name(membership.user)} has left the team.")
            return redirect("team", slug=slug)
    return render(
        request,
        "cases/team_member_remove.html",
        {
            "access": standing,
            "inspection": standing.inspection,
            "member": membership,
            "open_work": member_open_work(standing.inspection, membership.user),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
