"""The programme pages under /programmes/: the list, creating one, a programme's page (its
inspections, the national table and the funnel plots) and its management page.

Who may see and do what is inspections.access (programme_standing_get, require_programme_manage);
the writes are inspections.services (the only validators); every figure comes from
scoring.programme.programme_scores (the one scoring engine) and is worded by the presenters.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ErrorLink, error, form_errors, service_errors_to_form
from inspections.access import (
    ProgrammeStanding,
    can_create_programme,
    inspections_visible,
    is_admin,
    programme_standing_get,
    programmes_visible,
    require_programme_manage,
)
from inspections.models import Inspection
from inspections.services import (
    programme_create,
    programme_inspection_add,
    programme_inspection_remove,
    programme_national_lead_add,
    programme_national_lead_remove,
    programme_update,
)
from scoring.programme import programme_inspections, programme_scores
from scoring.programme_forms import (
    NationalLeadForm,
    ProgrammeDetailsForm,
    ProgrammeForm,
    ProgrammeInspectionForm,
)
from scoring.programme_page_presenters import (
    funnel_sections,
    inspection_lines,
    national_columns,
    national_rows,
)
from scoring.templatetags.programme_nav import programmes_in_reach_known


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """The programmes the user may see, with how many inspections each has and how many of
    them are published: one query, whatever the number of programmes."""
    programmes = (
        programmes_visible(request.user)
        .select_related("framework")
        .annotate(
            n_inspections=Count("inspections", distinct=True),
            n_published=Count(
                "inspections",
                filter=Q(inspections__status=Inspection.Status.PUBLISHED),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    listed = list(programmes)
    can_create = can_create_programme(request.user)
    programmes_in_reach_known(request, bool(listed) or can_create)
    return render(
        request,
        "scoring/programme_list.html",
        {"programmes": listed, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    if not can_create_programme(request.user):
        raise PermissionDenied("Only a national lead or an administrator can create programmes.")
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                programme = programme_create(
                    name=form.cleaned_data["name"],
                    framework=form.cleaned_data["framework"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, f"{programme.name} created. Add its inspections next.")
                return redirect("programme-manage", slug=programme.slug)
        errors = form_errors(form)
    return render(
        request,
        "scoring/programme_new.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    standing = programme_standing_get(request.user, slug)
    programmes_in_reach_known(request, True)
    # As the API reads it (1/true/yes); the page's own switch sends 1. Anything else: off.
    provisional = request.GET.get("provisional", "").strip().lower() in PROVISIONAL_ON
    scores = programme_scores(standing, provisional=provisional)
    if is_admin(request.user):
        visible = {e.inspection.pk for e in scores.inspections}
    else:
        visible = set(
            inspections_visible(request.user)
            .filter(programme=standing.programme)
            .values_list("pk", flat=True)
        )
    may_switch = provisional or any(e.provisional and e.figures_visible for e in scores.inspections)
    return render(
        request,
        "scoring/programme_detail.html",
        {
            "programme": standing.programme,
            "standing": standing,
            "scores": scores,
            "provisional": provisional,
            "may_switch": may_switch,
            "inspection_lines": inspection_lines(scores, visible),
            "provisional_count": sum(1 for e in scores.inspections if e.counted and e.provisional),
            "columns": national_columns(scores),
            "key_rows": national_rows(scores.key_questions),
            "rows": national_rows(scores.questions),
            "region_funnels": funnel_sections(scores.region_funnels, "region-funnel"),
            "pdu_funnels": funnel_sections(scores.pdu_funnels, "pdu-funnel"),
        },
    )


PROVISIONAL_ON = frozenset({"1", "true", "yes", "on"})


def _candidates(standing: ProgrammeStanding) -> list[Inspection]:
    """Inspections that may join: on the programme's framework, in no programme, of a region
    the programme has no inspection of yet. A national lead may add any of them (they need not
    be on its team)."""
    regions_in = Inspection.objects.filter(programme=standing.programme).values("region_id")
    return list(
        Inspection.objects.filter(
            framework_id=standing.programme.framework_id, programme__isnull=True
        )
        .exclude(region_id__in=regions_in)
        .select_related("region")
        .order_by("region__name", "slug")
    )


def _on_field(form: Any, field: str, exc: ValidationError) -> None:
    """A service's messages beside the page's one field (the service names it differently)."""
    for message in exc.messages:
        form.add_error(field, message)


@login_required
@require_http_methods(["GET", "POST"])
def programme_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """A national lead's (or an administrator's) page: rename or describe the programme, add
    and remove inspections, name and remove national leads. Each form posts an `action`."""
    standing = programme_standing_get(request.user, slug)
    require_programme_manage(standing, "manage the programme")
    programmes_in_reach_known(request, True)
    programme = standing.programme
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "") if post is not None else ""
    details = ProgrammeDetailsForm(
        post if action == "details" else None,
        initial={"name": programme.name, "description": programme.description},
    )
    candidates = _candidates(standing)
    add = ProgrammeInspectionForm(
        post if action == "add" else None,
        choices=[(i.slug, f"{i.region.name}: {i.title}") for i in candidates],
    )
    lead = NationalLeadForm(post if action == "lead-add" else None)
    errors: list[ErrorLink] = []
    here = reverse("programme-manage", args=[programme.slug])

    if request.method == "GET" and request.GET.get("remove"):
        target = (
            Inspection.objects.filter(programme=programme, slug=request.GET["remove"])
            .select_related("region")
            .first()
        )
        if target is not None:
            return render(
                request,
                "scoring/programme_remove.html",
                {"programme": programme, "inspection": target},
            )
        messages.info(request, "That inspection is not in the programme.")
        return redirect(here)

    if post is not None:
        try:
            if action == "details":
                if details.is_valid():
                    try:
                        programme_update(
                            standing=standing,
                            name=details.cleaned_data["name"],
                            description=details.cleaned_data["description"],
                            by=request.user,
                        )
                    except ValidationError as exc:
                        service_errors_to_form(details, exc)
                    else:
                        messages.success(request, "The programme's details have been saved.")
                        return redirect(here)
                errors = form_errors(details)
            elif action == "add":
                if add.is_valid():
                    chosen = Inspection.objects.filter(slug=add.cleaned_data["inspection"]).first()
                    if chosen is None:
                        add.add_error("inspection", "No such inspection: choose one from the list")
                    else:
                        try:
                            added = programme_inspection_add(
                                standing=standing, inspection=chosen, by=request.user
                            )
                        except ValidationError as exc:
                            _on_field(add, "inspection", exc)
                        else:
                            messages.success(request, f"{added.title} added to the programme.")
                            return redirect(here)
                errors = form_errors(add)
            elif action == "remove":
                target = Inspection.objects.filter(slug=post.get("inspection", "")).first()
                if target is None:
                    errors = [error("No such inspection: it may have been removed already.")]
                else:
                    programme_inspection_remove(
                        standing=standing, inspection=target, by=request.user
                    )
                    messages.success(request, f"{target.title} removed from the programme.")
                    return redirect(here)
            elif action == "lead-add":
                if lead.is_valid():
                    username = lead.cleaned_data["username"].strip()
                    person = get_user_model().objects.filter(username=username).first()
                    if person is None:
                        lead.add_error("username", f"No one has the username {username}")
                    else:
                        try:
                            programme_national_lead_add(
                                standing=standing, user=person, by=request.user
                            )
                        except ValidationError as exc:
                            _on_field(lead, "username", exc)
                        else:
                            messages.success(request, f"{username} is now a national lead.")
                            return redirect(here)
                errors = form_errors(lead)
            elif action == "lead-remove":
                username = post.get("username", "")
                person = get_user_model().objects.filter(username=username).first()
                if person is None:
                    errors = [error("No such national lead: they may have been removed already.")]
                else:
                    programme_national_lead_remove(standing=standing, user=person, by=request.user)
                    messages.success(request, f"{username} is no longer a national lead.")
                    if person.pk == request.user.pk and not is_admin(request.user):
                        return redirect("programme-list")
                    return redirect(here)
            else:
                errors = [error("Choose what to change on this page.")]
        except ValidationError as exc:
            # The remove actions have no field: their service's message goes at the top.
            errors = [error(m) for m in exc.messages]

    return render(
        request,
        "scoring/programme_manage.html",
        {
            "programme": programme,
            "standing": standing,
            "details": details,
            "add": add,
            "lead": lead,
            "candidates": candidates,
            "inspections": programme_inspections(standing),
            "national_leads": list(programme.national_leads.order_by("username")),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
