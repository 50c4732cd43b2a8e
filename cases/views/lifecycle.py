"""The inspection's lifecycle page (where it is, what stops the next step, move on or back) and
the moderation sample page. The guards are cases.selectors.lifecycle_blockers, the moves
cases.services.inspection_move and moderation_sample_draw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms import SampleForm
from cases.selectors import Blocker, lifecycle_blockers, samples_of, status_counts
from cases.services import StepBlockedError, inspection_move, moderation_sample_draw
from cases.services.lifecycle import BACKWARD, FORWARD
from core.errors import ErrorLink, error, form_errors, service_errors_to_form, validation_errors
from inspections.access import can_manage, require_lead, require_manage, standing_get
from inspections.models import Inspection

# Where a blocker is put right: a page of the inspection (the case list takes a filter).
PLACES = {
    "cases": "case-index",
    "import": "case-import",
    "team": "team",
    "sample": "moderation-sample",
    "details": "inspection-details",
    "facts": "context-facts",
    "status": "inspection-status",
    "report": "report-overview",
}


def blocker_href(slug: str, blocker: Blocker) -> str:
    """The link that puts a blocker right (pages of the lifecycle and the publication
    checklist share it)."""
    place, _, arg = blocker.place.partition(":")
    if place == "section":
        return reverse("report-section", args=[slug, arg])
    if place == "recommendations":
        return reverse("report-recommendations", args=[slug, arg])
    url = reverse(PLACES.get(place, "inspection-home"), args=[slug])
    if blocker.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(blocker.query)
    return url


STEPS = [
    (Inspection.Status.SETUP, "Set up the inspection: its details, team and cases"),
    (Inspection.Status.FIELDWORK, "Inspectors record and submit their judgements"),
    (Inspection.Status.MODERATION, "The lead draws a sample and moderates it"),
    (Inspection.Status.REPORTING, "The lead writes, builds and checks the report"),
    (Inspection.Status.PUBLISHED, "The report is published"),
]


@login_required
@require_http_methods(["GET", "POST"])
def inspection_status(request: HttpRequest, slug: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "move the inspection on")
    inspection = standing.inspection
    errors: list[ErrorLink] = []
    reason = ""
    if request.method == "POST":
        require_manage(standing, "move the inspection on")
        to = request.POST.get("to", "")
        reason = request.POST.get("reason", "")
        try:
            inspection_move(inspection=inspection, to=to, by=request.user, reason=reason)
        except StepBlockedError as exc:
            errors = [error(b.message, blocker_href(slug, b)) for b in exc.blockers]
        except ValidationError as exc:
            errors = validation_errors(exc, lambda name: "#reason" if name == "reason" else "#")
        else:
            label = Inspection.Status(to).label.lower()
            messages.success(request, f"The inspection is now in {label}.")
            return redirect("inspection-status", slug=slug)
    current = inspection.status
    forward = FORWARD.get(current)
    backward = BACKWARD.get(current)
    blockers = lifecycle_blockers(inspection, forward) if forward else []
    return render(
        request,
        "cases/inspection_status.html",
        {
            "access": standing,
            "inspection": inspection,
            "steps": [(value, Inspection.Status(value).label, hint) for value, hint in STEPS],
            "current": current,
            "forward": forward,
            "forward_label": Inspection.Status(forward).label if forward else "",
            "backward": backward,
            "backward_label": Inspection.Status(backward).label if backward else "",
            "blockers": [(b, blocker_href(slug, b)) for b in blockers],
            "can_manage": can_manage(standing),
            "errors": errors,
            "reason": reason,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation_sample(request: HttpRequest, slug: str) -> HttpResponse:
    standing = standing_get(request.user, slug)
    require_lead(standing, "draw a moderation sample")
    inspection = standing.inspection
    form = SampleForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorLink] = []
    if request.method == "POST":
        require_manage(standing, "draw a moderation sample")
        if form.is_valid():
            try:
                sample = moderation_sample_draw(
                    inspection=inspection,
                    share=form.cleaned_data["share"],
                    seed=form.cleaned_data["seed"],
                    by=request.user,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                n = sample.cases.count()
                messages.success(
                    request,
                    f"{n} case{'s' if n != 1 else ''} drawn for moderation (seed {sample.seed}).",
                )
                return redirect(reverse("case-index", args=[slug]) + "?moderation=awaiting")
        errors = form_errors(form)
    return render(
        request,
        "cases/moderation_sample.html",
        {
            "access": standing,
            "inspection": inspection,
            "form": form,
            "errors": errors,
            "counts": status_counts(inspection),
            "samples": samples_of(inspection),
            "can_manage": can_manage(standing),
        },
        status=400 if errors else 200,
    )
