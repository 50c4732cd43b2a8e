"""The lead's report pages: narrative, recommendations, builds, publication. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases.views.lifecycle import blocker_href
from core.errors import ErrorLink, error, form_errors
from core.queue import QueueUnavailableError
from inspections.access import require_lead, standing_get
from inspections.models import Inspection, Recommendation
from reports.forms import RecommendationsForm, SectionForm
from reports.models import ReportBuild, ReportVersion, Section
from reports.references import REFERENCE_HELP, ReferenceProblem
from reports.rendering import section_preview
from reports.selectors import (
    builds_of,
    publication_checklist,
    report_problems,
    report_scores,
    sections_of,
    versions_of,
)
from reports.services import (
    PublicationBlockedError,
    StaleEditError,
    build_start,
    media_path,
    recommendations_save,
    recommendations_token,
    report_publish,
    section_save,
    section_typed_acknowledge,
)
from reports.typed_figures import typed_figures

BUILDS_SHOWN = 10
# As the report heads them: "Regional recommendations", "HMPPS recommendations".
ADDRESSEE_LABELS = {
    Recommendation.Addressee.REGION.value: "Regional",
    Recommendation.Addressee.HMPPS.value: "HMPPS",
}


def _inspection(request: HttpRequest, slug: str) -> Inspection:
    """The inspection, for its lead (or an administrator): 404 for those who may not see it,
    403 for the rest of its team (inspections.access). The report stays the lead's to revise
    after publication: a new build publishes as a new version."""
    standing = standing_get(request.user, slug)
    require_lead(standing, "work on the report")
    return standing.inspection


def _errors(messages_: list[str], href: str = "#") -> list[ErrorLink]:
    return [error(m, href) for m in messages_]


def _overview_context(inspection: Inspection) -> dict[str, object]:
    scores = report_scores(inspection)
    builds = list(builds_of(inspection)[:BUILDS_SHOWN])
    labels = dict(Section.choices)
    sections = sections_of(inspection)
    return {
        "typed": [
            figure
            for key, section in sections.items()
            if section is not None
            for figure in typed_figures(section.body, scores, section=labels[key])
        ],
        "inspection": inspection,
        "sections": [
            (key, label, section)
            for (key, section), label in zip(sections.items(), Section.labels, strict=True)
        ],
        "problems": report_problems(inspection, scores),
        "recommendations": {
            value: inspection.recommendations.filter(addressee=value).count()
            for value in Recommendation.Addressee.values
        },
        "addressees": list(ADDRESSEE_LABELS.items()),
        "n_facts": inspection.context_facts.count(),
        "builds": builds,
        "latest_ready": next((b for b in builds if b.status == ReportBuild.Status.SUCCEEDED), None),
        "versions": list(versions_of(inspection)),
    }


@login_required
def report_overview(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    return render(request, "reports/overview.html", _overview_context(inspection))


@login_required
@require_http_methods(["GET", "POST"])
def report_section(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    if key not in Section.values:
        raise Http404("No such section")
    label = dict(Section.choices)[key]
    section = sections_of(inspection)[key]
    preview_html = ""
    problems: list[ReferenceProblem] = []
    errors: list[ErrorLink] = []
    if request.method == "POST" and request.POST.get("action") == "acknowledge":
        try:
            section_typed_acknowledge(inspection=inspection, key=key, by=request.user)
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The typed figures in {label} are acknowledged.")
        return redirect("report-section", slug=slug, key=key)
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            body = form.cleaned_data["body"]
            if request.POST.get("action") == "save":
                try:
                    _, waiting = section_save(
                        inspection=inspection,
                        key=key,
                        body=body,
                        expected_version=form.cleaned_data["version"],
                        by=request.user,
                    )
                except StaleEditError as exc:
                    errors = _errors(exc.messages, "#id_body")
                except ValidationError as exc:
                    errors = _errors(exc.messages, "#id_body")
                    form.add_error("body", exc.messages)
                else:
                    typed = typed_figures(body, report_scores(inspection), section=label)
                    if typed:
                        contradictions = [t for t in typed if t.warning]
                        messages.warning(
                            request,
                            f"{label} saved. {len(typed)} typed figure(s) are not data "
                            "references"
                            + (
                                f", and {len(contradictions)} contradict(s) a reference: "
                                + "; ".join(t.warning for t in contradictions)
                                if contradictions
                                else ""
                            )
                            + ". See the list on this page.",
                        )
                    if waiting:
                        messages.warning(
                            request,
                            f"{label} saved. {len(waiting)} reference(s) wait for data and must "
                            "be filled before the report can be built: "
                            + "; ".join(str(p) for p in waiting),
                        )
                    elif not typed:
                        messages.success(request, f"{label} saved.")
                    return redirect("report-section", slug=slug, key=key)
            preview_html, problems = section_preview(
                body=body, scores=report_scores(inspection), section=label
            )
        else:
            errors = form_errors(form)
    else:
        form = SectionForm(
            initial={
                "body": section.body if section else "",
                "version": section.version if section else 0,
            }
        )
        if section is not None:
            preview_html, problems = section_preview(
                body=section.body, scores=report_scores(inspection), section=label
            )
    if problems and not errors:
        errors = _errors([str(p) for p in problems], "#id_body")
    return render(
        request,
        "reports/section.html",
        {
            "inspection": inspection,
            "key": key,
            "label": label,
            "section": section,
            "form": form,
            "errors": errors,
            "problems": problems,
            "preview_html": preview_html,
            "reference_help": REFERENCE_HELP,
            "typed": typed_figures(
                form["body"].value() or "", report_scores(inspection), section=label
            ),
            "can_acknowledge": section is not None,
        },
        status=400 if errors and request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_recommendations(request: HttpRequest, slug: str, addressee: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    labels = ADDRESSEE_LABELS
    if addressee not in labels:
        raise Http404("No such recommendations")
    errors: list[ErrorLink] = []
    if request.method == "POST":
        form = RecommendationsForm(request.POST)
        if form.is_valid():
            try:
                saved = recommendations_save(
                    inspection=inspection,
                    addressee=addressee,
                    texts=form.recommendation_texts(),
                    expected_token=form.cleaned_data["token"],
                    by=request.user,
                )
            except ValidationError as exc:
                errors = _errors(exc.messages, "#id_texts")
                form.add_error("texts", exc.messages)
            else:
                messages.success(
                    request, f"{labels[addressee]} recommendations saved ({len(saved)})."
                )
                return redirect("report-overview", slug=slug)
        else:
            errors = form_errors(form)
    else:
        texts = inspection.recommendations.filter(addressee=addressee).values_list(
            "text", flat=True
        )
        form = RecommendationsForm(
            initial={
                "texts": "\n\n".join(texts),
                "token": recommendations_token(inspection, addressee),
            }
        )
    return render(
        request,
        "reports/recommendations.html",
        {
            "inspection": inspection,
            "addressee": addressee,
            "label": labels[addressee],
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def report_build_start(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    try:
        build = build_start(inspection=inspection, by=request.user)
    except ValidationError as exc:
        context = _overview_context(inspection)
        context["errors"] = _errors(
            ["The report cannot be built until these references can be filled:", *exc.messages],
            "#problems",
        )
        return render(request, "reports/overview.html", context, status=400)
    except QueueUnavailableError as exc:
        context = _overview_context(inspection)
        context["errors"] = _errors(["The report could not be built. " + str(exc)])
        return render(request, "reports/overview.html", context, status=503)
    return redirect("report-build", slug=slug, build_id=build.pk)


@login_required
def report_build(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    build = get_object_or_404(builds_of(inspection), pk=build_id)
    return render(
        request,
        "reports/build.html",
        {
            "inspection": inspection,
            "build": build,
            "refresh_seconds": 2,
            "step_labels": dict(ReportBuild.Step.choices),
        },
    )


def _file_response(relative: str, kind: str, filename: str) -> FileResponse:
    if kind not in ("html", "pdf") or not relative:
        raise Http404("No such file")
    path = media_path(relative)
    if not path.is_file():
        raise Http404("The file is missing")
    content_type = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=content_type,
        as_attachment=False,
        filename=filename,
    )
    if kind == "html":
        # The report is a document, not part of the application: no script may run in it.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
        )
    return response


@login_required
def report_build_file(
    request: HttpRequest, slug: str, build_id: int, kind: str
) -> HttpResponseBase:
    inspection = _inspection(request, slug)
    build = get_object_or_404(
        builds_of(inspection), pk=build_id, status=ReportBuild.Status.SUCCEEDED
    )
    relative = build.pdf_file if kind == "pdf" else build.html_file
    return _file_response(relative, kind, f"{slug}-build-{build.pk}.{kind}")


@login_required
def report_version_file(
    request: HttpRequest, slug: str, number: int, kind: str
) -> HttpResponseBase:
    inspection = _inspection(request, slug)
    version: ReportVersion = get_object_or_404(versions_of(inspection), number=number)
    relative = version.pdf_file if kind == "pdf" else version.html_file
    return _file_response(relative, kind, f"{slug}-report-v{version.number}.{kind}")


@login_required
@require_http_methods(["GET", "POST"])
def report_publish_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Ready to publish? The checklist (GOV.UK task list), each unfinished task linked to where
    it is put right; publishing is refused until every task is done."""
    inspection = _inspection(request, slug)
    latest = (
        builds_of(inspection)
        .filter(status=ReportBuild.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    errors: list[ErrorLink] = []
    if request.method == "POST":
        try:
            version = report_publish(inspection=inspection, by=request.user)
        except PublicationBlockedError as exc:
            errors = [error(b.message, blocker_href(slug, b)) for b in exc.blockers]
        except ValidationError as exc:
            errors = _errors(exc.messages)
        else:
            messages.success(
                request,
                f"Version {version.number} of the report is published. The inspection's answers "
                "are now locked.",
            )
            return redirect(reverse("report-overview", args=[slug]) + "#versions")
    checklist = publication_checklist(inspection, report_scores(inspection))
    return render(
        request,
        "reports/publish.html",
        {
            "inspection": inspection,
            "latest": latest,
            "next_number": versions_of(inspection).count() + 1,
            "errors": errors,
            "tasks": [
                (task, [(b, blocker_href(slug, b)) for b in task.blockers]) for task in checklist
            ],
            "ready": all(task.done for task in checklist),
        },
        status=400 if errors else 200,
    )
