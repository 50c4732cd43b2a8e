"""Writes for the programme summary report: its narrative and its builds.

The builds run as the regional report's do (reports.services: the same claim, heartbeat,
progress, atomic files and queueing), with a task of their own (reports.programme_build).
Only a programme's national leads (and administrators) write the narrative and build; a build
counts the published inspections, or with `provisional` every inspection in the programme.
"""

from __future__ import annotations

import logging
import time

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.queue import QueueUnavailableError
from core.typing import AnyUser, User
from inspections.access import ProgrammeStanding, require_programme_manage
from inspections.models import Programme
from reports.models import BuildState, ProgrammeNarrative, ProgrammeReportBuild
from reports.programme_references import programme_fill
from reports.references import ReferenceProblem
from reports.services import (
    StaleEditError,
    _build_claim,
    _fail,
    _Heartbeat,
    _step,
    build_queue,
    media_path,
    partial_files_remove,
    report_body_checked,
    write_atomic,
)
from scoring.programme import ProgrammeScores, programme_scores

logger = logging.getLogger(__name__)


def build_scores(programme: Programme, *, provisional: bool) -> ProgrammeScores:
    """The programme's figures as a build counts them: every published inspection, and with
    `provisional` every inspection in progress too (as its national leads see them)."""
    standing = ProgrammeStanding(
        programme=programme,
        user=AnonymousUser(),
        is_national_lead=True,
        is_client=False,
        own=frozenset(),
    )
    return programme_scores(standing, provisional=provisional)


def programme_build_dir(build: ProgrammeReportBuild) -> str:
    return f"reports/programmes/{build.programme.slug}/builds/{build.pk}"


# -- narrative --------------------------------------------------------------------------------


def narrative_check(*, programme: Programme, body: str) -> list[ReferenceProblem]:
    """The narrative's reference problems against the widest figures (provisional included), so
    a code is known whatever the switch a build is made with."""
    return programme_fill(body, build_scores(programme, provisional=True))[1]


@transaction.atomic
def narrative_save(
    *, standing: ProgrammeStanding, body: str, expected_version: int, by: AnyUser | None
) -> tuple[ProgrammeNarrative, list[ReferenceProblem]]:
    """Save the programme report's narrative; returns it with the problems that wait for data.

    Refused (ValidationError, nothing saved) when a reference is malformed or unknown, and
    (StaleEditError) when someone saved it after the author opened it at expected_version (0
    when not yet written). National leads and administrators only.
    """
    require_programme_manage(standing, "write the programme report")
    programme = standing.programme
    body = report_body_checked(body, what="The narrative")
    narrative = ProgrammeNarrative.objects.select_for_update().filter(programme=programme).first()
    current = narrative.version if narrative else 0
    if current != expected_version:
        raise StaleEditError(
            "Someone else saved the narrative after you opened it. Your text is below, "
            "unsaved: copy what you need, reload the page to see their version, then merge."
        )
    problems = narrative_check(programme=programme, body=body)
    blocking = [p for p in problems if not p.awaiting_data]
    if blocking:
        raise ValidationError({"body": [str(p) for p in blocking]})
    if narrative is None:
        narrative = ProgrammeNarrative(programme=programme)
    else:
        narrative.version += 1
    narrative.body = body
    narrative.updated_by = by if isinstance(by, User) else None
    narrative.full_clean()
    narrative.save()
    return narrative, problems


def narrative_body(programme: Programme) -> str:
    narrative = ProgrammeNarrative.objects.filter(programme=programme).first()
    return narrative.body if narrative else ""


# -- builds ---------------------------------------------------------------------------------


def programme_build_start(
    *, standing: ProgrammeStanding, provisional: bool, by: AnyUser | None
) -> ProgrammeReportBuild:
    """Queue a build of the programme report (a Celery task, sent once the transaction commits).

    Refused (ValidationError) while no inspection would be counted or a reference cannot be
    filled from the figures the build would count. A build of the same kind (provisional or
    not) already queued or running is returned instead, unless it has stalled: then it is
    failed, saying why, and replaced. QueueUnavailableError when the broker is down (the new
    build is failed with the reason, so nothing is left queued).
    """
    require_programme_manage(standing, "build the programme report")
    with transaction.atomic():
        build, failures = _build_create(standing.programme, provisional=provisional, by=by)
    if failures:
        raise QueueUnavailableError()
    return build


def _build_create(
    programme: Programme, *, provisional: bool, by: AnyUser | None
) -> tuple[ProgrammeReportBuild, list[BaseException]]:
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = (
        ProgrammeReportBuild.objects.select_for_update()
        .filter(
            programme=programme,
            provisional=provisional,
            status__in=[BuildState.Status.QUEUED, BuildState.Status.RUNNING],
        )
        .first()
    )
    stall = current.stall_reason() if current is not None else None
    if current is not None and stall is None:
        return current, []
    scores = build_scores(programme, provisional=provisional)
    if not scores.counted:
        raise ValidationError(
            "No inspection in the programme is published yet, so the report would have no "
            "figures: build it with the provisional figures, or publish an inspection first."
            if not provisional
            else "The programme has no inspections yet: add one before building the report."
        )
    problems = programme_fill(narrative_body(programme), scores)[1]
    if problems:
        raise ValidationError([str(p) for p in problems])
    build = ProgrammeReportBuild.objects.create(
        programme=programme,
        provisional=provisional,
        requested_by=by if isinstance(by, User) else None,
        replaces=current,
    )
    from reports.tasks import programme_report_build

    return build, build_queue(build, programme_report_build, replacing=current, stall=stall)


def programme_build_run(*, build_id: int) -> ProgrammeReportBuild | None:
    """The build itself (the Celery task's body): HTML, then PDF, each written atomically;
    safe to run again after a worker died, as the regional build (reports.services.build_run).
    """
    build = _build_claim(build_id, ProgrammeReportBuild, "programme__framework")
    if build is None:
        return None
    directory = programme_build_dir(build)
    removed = partial_files_remove(media_path(directory))
    if removed:
        logger.warning("Build %s: removed %s partial file(s) of a dead attempt", build.pk, removed)
    with _Heartbeat(build.pk, ProgrammeReportBuild):
        _build_files(build, directory)
    return build


def _build_files(build: ProgrammeReportBuild, directory: str) -> None:
    from reports.programme_rendering import programme_document, programme_report_html
    from reports.rendering import html_to_pdf

    programme = build.programme
    try:
        started = time.perf_counter()
        scores = build_scores(programme, provisional=build.provisional)
        if not scores.counted:
            raise ValidationError("no inspection is counted in the programme's figures")
        built_at = timezone.now()
        document = programme_document(
            programme=programme,
            scores=scores,
            narrative=narrative_body(programme),
            built_at=built_at,
            build_id=build.pk,
        )
        if document.problems:
            raise ValidationError([str(p) for p in document.problems])
        source = programme_report_html(document)
        html_rel = f"{directory}/report.html"
        write_atomic(media_path(html_rel), source.encode("utf-8"))
        _step(build, BuildState.Step.PDF, html_seconds=time.perf_counter() - started)
        started = time.perf_counter()
        pdf_rel = f"{directory}/report.pdf"
        write_atomic(media_path(pdf_rel), html_to_pdf(source))
        _step(
            build,
            BuildState.Step.DONE,
            status=BuildState.Status.SUCCEEDED,
            html_file=html_rel,
            pdf_file=pdf_rel,
            pdf_seconds=time.perf_counter() - started,
            counted=[
                {
                    "slug": p.inspection.slug,
                    "region": p.label,
                    "status": p.inspection.status,
                    "synthetic": p.inspection.synthetic,
                }
                for p in scores.inspections
                if p.counted
            ],
            built_at=built_at,
            finished_at=timezone.now(),
        )
    except ValidationError as exc:
        _fail(build, "The report cannot be built: " + "; ".join(exc.messages))
    except Exception as exc:
        logger.exception("Programme report build %s failed", build.pk)
        _fail(build, f"The build stopped with an error: {type(exc).__name__}: {exc}")
