"""The programme summary report's pages, under /programmes/<slug>/report/. Thin views.

Who may do what (docs/adr/0020-programme-report.md): whoever may see the programme
(inspections.access.programme_standing_get: 404 otherwise) reads the report page and downloads
the latest report built from published figures only; the programme's national leads and
administrators also write the narrative, build, follow builds and read the report built with
provisional figures (403 for other readers).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ErrorLink, error, form_errors
from core.queue import QueueUnavailableError
from inspections.access import (
    ProgrammeStanding,
    programme_standing_get,
    require_programme_manage,
)
from reports.forms import SectionForm
from reports.models import BuildState, ProgrammeNarrative, ProgrammeReportBuild
from reports.programme_references import REFERENCE_HELP, programme_fill
from reports.programme_services import (
    build_scores,
    narrative_save,
    programme_build_start,
)
from reports.references import ReferenceProblem
from reports.rendering import markdown_to_safe_html
from reports.services import StaleEditError
from reports.views import _file_response
from scoring.templatetags.programme_nav import programmes_in_reach_known

BUILDS_SHOWN = 10


def _standing(request: HttpRequest, slug: str) -> ProgrammeStanding:
    """The reader's standing on the programme (404 if they may not see it). Seeing one, they
    see "Programmes" in the navigation: the header need not ask again."""
    standing = programme_standing_get(request.user, slug)
    programmes_in_reach_known(request, True)
    return standing


def _manager(request: HttpRequest, slug: str, action: str) -> ProgrammeStanding:
    standing = _standing(request, slug)
    require_programme_manage(standing, action)
    return standing


def _latest(standing: ProgrammeStanding, *, provisional: bool) -> ProgrammeReportBuild | None:
    return (
        ProgrammeReportBuild.objects.filter(
            programme=standing.programme,
            provisional=provisional,
            status=BuildState.Status.SUCCEEDED,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def _page_context(standing: ProgrammeStanding) -> dict[str, object]:
    manages = standing.can_manage
    return {
        "programme": standing.programme,
        "standing": standing,
        "manages": manages,
        "latest": _latest(standing, provisional=False),
        "latest_provisional": _latest(standing, provisional=True) if manages else None,
        "builds": list(
            ProgrammeReportBuild.objects.filter(programme=standing.programme).select_related(
                "requested_by"
            )[:BUILDS_SHOWN]
        )
        if manages
        else [],
        "narrative": ProgrammeNarrative.objects.filter(programme=standing.programme).first(),
    }


@login_required
def programme_report(request: HttpRequest, slug: str) -> HttpResponse:
    standing = _standing(request, slug)
    return render(request, "reports/programme_report.html", _page_context(standing))


@login_required
@require_http_methods(["GET", "POST"])
def programme_report_narrative(request: HttpRequest, slug: str) -> HttpResponse:
    standing = _manager(request, slug, "write the programme report")
    programme = standing.programme
    narrative = ProgrammeNarrative.objects.filter(programme=programme).first()
    errors: list[ErrorLink] = []
    problems: list[ReferenceProblem] = []
    preview_html = ""
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            body = form.cleaned_data["body"]
            if request.POST.get("action") == "save":
                try:
                    _, waiting = narrative_save(
                        standing=standing,
                        body=body,
                        expected_version=form.cleaned_data["version"],
                        by=request.user,
                    )
                except StaleEditError as exc:
                    errors = [error(m, "#id_body") for m in exc.messages]
                except ValidationError as exc:
                    errors = [error(m, "#id_body") for m in exc.messages]
                    form.add_error("body", exc.messages)
                else:
                    if waiting:
                        messages.warning(
                            request,
                            f"Narrative saved. {len(waiting)} reference(s) wait for data and "
                            "must be filled before the report can be built: "
                            + "; ".join(str(p) for p in waiting),
                        )
                    else:
                        messages.success(request, "Narrative saved.")
                    return redirect("programme-report-narrative", slug=slug)
            filled, problems = programme_fill(body, build_scores(programme, provisional=True))
            preview_html = markdown_to_safe_html(filled)
        else:
            errors = form_errors(form)
    else:
        form = SectionForm(
            initial={
                "body": narrative.body if narrative else "",
                "version": narrative.version if narrative else 0,
            }
        )
        if narrative is not None:
            filled, problems = programme_fill(
                narrative.body, build_scores(programme, provisional=True)
            )
            preview_html = markdown_to_safe_html(filled)
    if problems and not errors:
        errors = [error(str(p), "#id_body") for p in problems]
    return render(
        request,
        "reports/programme_narrative.html",
        {
            "programme": programme,
            "form": form,
            "errors": errors,
            "preview_html": preview_html,
            "reference_help": REFERENCE_HELP,
        },
        status=400 if errors and request.method == "POST" else 200,
    )


@login_required
@require_POST
def programme_report_build_start(request: HttpRequest, slug: str) -> HttpResponse:
    standing = _manager(request, slug, "build the programme report")
    provisional = request.POST.get("provisional") == "yes"
    try:
        build = programme_build_start(standing=standing, provisional=provisional, by=request.user)
    except ValidationError as exc:
        context = _page_context(standing)
        context["errors"] = [
            error(m, "#build") for m in ["The report cannot be built yet:", *exc.messages]
        ]
        return render(request, "reports/programme_report.html", context, status=400)
    except QueueUnavailableError as exc:
        context = _page_context(standing)
        context["errors"] = [error("The report could not be built. " + str(exc), "#build")]
        return render(request, "reports/programme_report.html", context, status=503)
    return redirect("programme-report-build", slug=slug, build_id=build.pk)


@login_required
def programme_report_build(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    standing = _manager(request, slug, "follow the report's builds")
    build = get_object_or_404(
        ProgrammeReportBuild.objects.filter(programme=standing.programme), pk=build_id
    )
    return render(
        request,
        "reports/programme_build.html",
        {"programme": standing.programme, "build": build, "refresh_seconds": 3},
        # Accepted, still building: the status a 202 would give, on a page that refreshes.
        status=202 if build.in_progress else 200,
    )


@login_required
def programme_report_build_file(
    request: HttpRequest, slug: str, build_id: int, kind: str
) -> HttpResponseBase:
    standing = _manager(request, slug, "read the report's builds")
    build = get_object_or_404(
        ProgrammeReportBuild.objects.filter(
            programme=standing.programme, status=BuildState.Status.SUCCEEDED
        ),
        pk=build_id,
    )
    relative = build.pdf_file if kind == "pdf" else build.html_file
    return _file_response(relative, kind, f"{slug}-programme-build-{build.pk}.{kind}")


def _latest_file(standing: ProgrammeStanding, kind: str, *, provisional: bool) -> HttpResponseBase:
    build = _latest(standing, provisional=provisional)
    if build is None:
        raise Http404("The report has not been built yet.")
    relative = build.pdf_file if kind == "pdf" else build.html_file
    suffix = "-provisional" if provisional else ""
    return _file_response(relative, kind, f"{standing.programme.slug}-report{suffix}.{kind}")


@login_required
def programme_report_latest(request: HttpRequest, slug: str, kind: str) -> HttpResponseBase:
    """The latest report built from published inspections only: for whoever sees the
    programme."""
    return _latest_file(_standing(request, slug), kind, provisional=False)


@login_required
def programme_report_provisional(request: HttpRequest, slug: str, kind: str) -> HttpResponseBase:
    """The latest report built with inspections in progress: national leads only."""
    standing = _manager(request, slug, "read the report built with provisional figures")
    return _latest_file(standing, kind, provisional=True)
