"""Writes for the report: narrative, recommendations, builds and publication.

Files are never written in place: each is written to a temporary file beside its final name and
moved there with os.replace (atomic on POSIX), so a reader or a worker that dies mid-write never
leaves a half-written report under a final name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from celery import Task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cases.selectors import Blocker
from core.queue import QueueUnavailableError, task_send_on_commit
from core.typing import AnyUser, User
from inspections.access import require_lead, require_person, require_writable, standing_of
from inspections.models import Inspection, InspectionEvent, Recommendation
from inspections.services import inspection_event, recommendations_replace
from reports.models import BuildState, ReportBuild, ReportSection, ReportVersion, Section
from reports.references import ReferenceProblem, problems_in
from reports.selectors import (
    case_data_sha256,
    content_sha256,
    publication_blockers,
    report_problems,
    report_scores,
)
from reports.typed_figures import typed_digest, typed_figures

logger = logging.getLogger(__name__)

MAX_SECTION_LENGTH = 100_000
MAX_RECOMMENDATIONS = 20
MAX_RECOMMENDATION_LENGTH = 2_000
# A build interrupted this many times (its worker died each time) is failed, not retried again.
MAX_BUILD_ATTEMPTS = 3

B = TypeVar("B", bound=BuildState)


class StaleEditError(ValidationError):
    """Someone else saved this part of the report after the author opened it."""


class PublicationBlockedError(ValidationError):
    """The report is not ready to publish: `blockers` say what is left (the checklist)."""

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__([b.message for b in blockers])
        self.blockers = blockers


def _check_author(inspection: Inspection, by: AnyUser | None) -> None:
    """The report is its lead's (or an administrator's) to write, build and publish; `by=None`
    is a system write (the demo loader)."""
    if by is None:
        return
    standing = standing_of(by, inspection)
    require_person(standing)
    require_lead(standing, "work on the report")


# -- files ---------------------------------------------------------------------------------------


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that path is either absent, the old file, or complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The rename itself must survive a crash too.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def partial_files_remove(directory: Path) -> int:
    """Remove temporary files left by a writer that died (a killed worker); returns how many."""
    removed = 0
    if directory.is_dir():
        for leftover in directory.glob(".*.part"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_dir(build: ReportBuild) -> str:
    return f"reports/{build.inspection.slug}/builds/{build.pk}"


def version_dir(inspection: Inspection, number: int) -> str:
    return f"reports/{inspection.slug}/versions/{number}"


# -- narrative and recommendations ------------------------------------------------------------


def report_body_checked(body: str, *, what: str, advice: str = "") -> str:
    """A report text with its line ends made Unix, refused (ValidationError on `body`) when it
    is longer than MAX_SECTION_LENGTH or its Markdown too costly to render. `what` names it in
    the message ("A section"), `advice` ends the length message."""
    body = body.replace("\r\n", "\n")
    if len(body) > MAX_SECTION_LENGTH:
        raise ValidationError(
            {
                "body": f"{what} can be at most {MAX_SECTION_LENGTH:,} characters long "
                f"(this one has {len(body):,}){advice}."
            }
        )
    from reports.rendering import markdown_limits_problem

    too_complex = markdown_limits_problem(body)
    if too_complex:
        raise ValidationError({"body": too_complex})
    return body


def section_check(*, inspection: Inspection, key: str, body: str) -> list[ReferenceProblem]:
    """Every reference problem of a section's text against the current scores."""
    return problems_in(body, report_scores(inspection), section=dict(Section.choices)[key])


@transaction.atomic
def section_typed_acknowledge(
    *, inspection: Inspection, key: str, by: AnyUser | None
) -> ReportSection:
    """The lead acknowledges the section's typed figures as they are now (deliberate wording
    that no reference gives); the checklist asks again when they change."""
    _check_author(inspection, by)
    if by is not None:
        require_writable(standing_of(by, inspection))
    section = (
        ReportSection.objects.select_for_update().filter(inspection=inspection, key=key).first()
    )
    if section is None:
        raise ValidationError({"key": "There is nothing written in this section yet."})
    label = dict(Section.choices)[key]
    section.typed_acknowledged = typed_digest(
        typed_figures(section.body, report_scores(inspection), section=label)
    )
    section.save(update_fields=["typed_acknowledged"])
    return section


@transaction.atomic
def section_save(
    *, inspection: Inspection, key: str, body: str, expected_version: int, by: AnyUser | None
) -> tuple[ReportSection, list[ReferenceProblem]]:
    """Save a narrative section; returns it with the problems that wait for data.

    Refused (ValidationError, nothing saved) when a reference is malformed or unknown, and
    (StaleEditError) when someone saved the section after the author opened it at
    expected_version (0 for a section not yet written).
    """
    _check_author(inspection, by)
    if key not in Section.values:
        raise ValidationError({"key": f"There is no report section {key!r}."})
    body = report_body_checked(body, what="A section", advice=": split it, or shorten it")
    section = (
        ReportSection.objects.select_for_update().filter(inspection=inspection, key=key).first()
    )
    current = section.version if section else 0
    if current != expected_version:
        raise StaleEditError(
            "Someone else saved this section after you opened it. Your text is below, "
            "unsaved: copy what you need, reload the page to see their version, then merge."
        )
    problems = section_check(inspection=inspection, key=key, body=body)
    blocking = [p for p in problems if not p.awaiting_data]
    if blocking:
        raise ValidationError({"body": [str(p) for p in blocking]})
    if section is None:
        section = ReportSection(inspection=inspection, key=key)
    else:
        section.version += 1
    section.body = body
    section.updated_by = by if isinstance(by, User) else None
    section.full_clean()
    section.save()
    return section, problems


def recommendations_token(inspection: Inspection, addressee: str) -> str:
    """A fingerprint of the saved recommendations, so a save can tell it is not stale."""
    texts = list(
        inspection.recommendations.filter(addressee=addressee)
        .order_by("number")
        .values_list("text", flat=True)
    )
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]


@transaction.atomic
def recommendations_save(
    *,
    inspection: Inspection,
    addressee: str,
    texts: list[str],
    expected_token: str,
    by: AnyUser | None = None,
) -> list[Recommendation]:
    """Replace one addressee's numbered recommendations, refusing a stale edit."""
    _check_author(inspection, by)
    if addressee not in Recommendation.Addressee.values:
        raise ValidationError({"addressee": f"There are no {addressee!r} recommendations."})
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    if len(texts) > MAX_RECOMMENDATIONS:
        raise ValidationError(
            {"texts": f"Give at most {MAX_RECOMMENDATIONS} recommendations ({len(texts)} given)."}
        )
    too_long = [n for n, t in enumerate(texts, 1) if len(t) > MAX_RECOMMENDATION_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "texts": f"Recommendation {too_long[0]} is longer than "
                f"{MAX_RECOMMENDATION_LENGTH:,} characters."
            }
        )
    # The inspection row serialises concurrent saves of its recommendations.
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    if recommendations_token(inspection, addressee) != expected_token:
        raise StaleEditError(
            "Someone else changed these recommendations after you opened them. Your text is "
            "below, unsaved: reload the page to see theirs, then merge."
        )
    return recommendations_replace(inspection=inspection, addressee=addressee, texts=texts)


# -- builds -------------------------------------------------------------------------------------


def build_start(*, inspection: Inspection, by: AnyUser | None) -> ReportBuild:
    """Queue a build (a Celery task, sent once the transaction commits).

    Refused while any reference cannot be filled. A build already queued or running for the
    inspection is returned instead of starting a second one, unless it has stalled (no worker
    took it, or its worker stopped: ReportBuild.stall_reason): then it is failed, saying why,
    and a new build replaces it.

    When the task cannot be queued (the broker is down) the new build is failed with the reason
    and QueueUnavailableError is raised: nothing is left queued to block the next "Build".
    """
    with transaction.atomic():
        build, failures = _build_create(inspection=inspection, by=by)
    if failures:
        raise QueueUnavailableError()
    return build


def _build_create(
    *, inspection: Inspection, by: AnyUser | None
) -> tuple[ReportBuild, list[BaseException]]:
    _check_author(inspection, by)
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    current = (
        ReportBuild.objects.select_for_update()
        .filter(
            inspection=inspection,
            status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING],
        )
        .first()
    )
    stall = current.stall_reason() if current is not None else None
    if current is not None and stall is None:
        return current, []
    problems = report_problems(inspection, report_scores(inspection))
    if problems:
        raise ValidationError([str(p) for p in problems])
    build = ReportBuild.objects.create(
        inspection=inspection,
        requested_by=by if isinstance(by, User) else None,
        replaces=current,
    )
    from reports.tasks import report_build

    return build, build_queue(build, report_build, replacing=current, stall=stall)


def build_queue(
    build: BuildState, task: Task, *, replacing: BuildState | None, stall: str | None
) -> list[BaseException]:
    """Fail the stalled build this one replaces (saying why) and send the build's task once the
    transaction commits; a build whose task cannot be sent is failed at once, with the reason.
    Returns task_send_on_commit's list of failures (check it after the transaction)."""
    model = type(build)
    if replacing is not None:
        logger.warning("Build %s stalled (%s): replaced by %s", replacing.pk, stall, build.pk)
        replacing.status = BuildState.Status.FAILED
        replacing.error = (
            f"This build stalled: {stall}. Build {build.pk} was started to replace it."
        )
        replacing.finished_at = timezone.now()
        replacing.save(update_fields=["status", "error", "finished_at"])
    build_id = build.pk

    def not_queued(exc: BaseException) -> None:
        model._default_manager.filter(pk=build_id, status=BuildState.Status.QUEUED).update(
            status=BuildState.Status.FAILED,
            error=(
                "The build could not be queued: the background task service cannot be reached. "
                "Nothing was built. Try again in a few minutes."
            ),
            finished_at=timezone.now(),
        )

    return task_send_on_commit(task, [build_id], on_failure=not_queued)


class _Heartbeat:
    """While a build runs, a thread stamps its heartbeat every REPORT_BUILD_HEARTBEAT_SECONDS,
    so that a build whose worker died is seen to have stalled (ReportBuild.stall_reason)."""

    def __init__(self, build_id: int, model: type[BuildState] = ReportBuild) -> None:
        self.build_id = build_id
        self.model = model
        self.interval: float = settings.REPORT_BUILD_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"report-build-{build_id}-heartbeat", daemon=True
        )

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.model._default_manager.filter(
                    pk=self.build_id, status=BuildState.Status.RUNNING
                ).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat is not the build's failure
            logger.exception("Heartbeat of report build %s failed", self.build_id)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)


def _build_claim(build_id: int, model: type[B], related: str) -> B | None:
    """Mark the build running for one more attempt; None if there is nothing left to do."""
    with transaction.atomic():
        build = (
            model._default_manager.select_for_update()
            .select_related(related)
            .filter(pk=build_id)
            .first()
        )
        if build is None or build.status in (
            ReportBuild.Status.SUCCEEDED,
            ReportBuild.Status.FAILED,
        ):
            return None
        if build.attempts >= MAX_BUILD_ATTEMPTS:
            build.status = ReportBuild.Status.FAILED
            build.error = (
                f"The build was interrupted {build.attempts} times (its worker stopped before "
                "finishing each time), so it was not tried again. Start a new build; if it "
                "fails the same way, tell the service team."
            )
            build.finished_at = timezone.now()
            build.save(update_fields=["status", "error", "finished_at"])
            return None
        build.attempts += 1
        build.status = ReportBuild.Status.RUNNING
        build.step = ReportBuild.Step.DATA
        build.error = ""
        build.started_at = build.heartbeat_at = timezone.now()
        build.save(
            update_fields=["attempts", "status", "step", "error", "started_at", "heartbeat_at"]
        )
        return build


def _step(build: BuildState, step: str, **fields: Any) -> None:
    """Record progress. Only while the build is running: a build failed as stalled and replaced
    (its worker was slow, not dead) is not brought back by its late worker."""
    build.step = step
    for name, value in fields.items():
        setattr(build, name, value)
    type(build)._default_manager.filter(pk=build.pk, status=BuildState.Status.RUNNING).update(
        step=step, heartbeat_at=timezone.now(), **fields
    )


def build_run(*, build_id: int) -> ReportBuild | None:
    """The build itself (the Celery task's body): HTML, then PDF, each written atomically.

    Safe to run again after a worker died: leftovers of the dead attempt are removed and the
    files are rewritten from the data as it is now.
    """
    build = _build_claim(build_id, ReportBuild, "inspection__framework")
    if build is None:
        return None
    directory = build_dir(build)
    removed = partial_files_remove(media_path(directory))
    if removed:
        logger.warning("Build %s: removed %s partial file(s) of a dead attempt", build.pk, removed)
    with _Heartbeat(build.pk):
        _build_files(build, directory)
    return build


def _build_files(build: ReportBuild, directory: str) -> None:
    from reports.rendering import html_to_pdf, report_document, report_html

    inspection = build.inspection
    try:
        started = time.perf_counter()
        # Fingerprint the data and the narrative BEFORE reading them: an edit made while this
        # build runs then leaves the build's fingerprints out of date, so publishing refuses it
        # (hashing afterwards could stamp new fingerprints on files made from old text).
        data_sha256 = case_data_sha256(inspection)
        narrative_sha256 = content_sha256(inspection)
        scores = report_scores(inspection)
        built_at = timezone.now()
        document = report_document(
            inspection=inspection,
            scores=scores,
            data_sha256=data_sha256,
            built_at=built_at,
            build_id=build.pk,
        )
        if document.problems:
            raise ValidationError([str(p) for p in document.problems])
        source = report_html(document)
        html_rel = f"{directory}/report.html"
        write_atomic(media_path(html_rel), source.encode("utf-8"))
        html_seconds = time.perf_counter() - started
        _step(build, ReportBuild.Step.PDF, html_seconds=html_seconds)
        started = time.perf_counter()
        pdf = html_to_pdf(source)
        pdf_rel = f"{directory}/report.pdf"
        write_atomic(media_path(pdf_rel), pdf)
        pdf_seconds = time.perf_counter() - started
        framework = inspection.framework
        _step(
            build,
            ReportBuild.Step.DONE,
            status=ReportBuild.Status.SUCCEEDED,
            html_file=html_rel,
            pdf_file=pdf_rel,
            pdf_seconds=pdf_seconds,
            framework_slug=framework.slug,
            framework_version=framework.version,
            data_sha256=data_sha256,
            content_sha256=narrative_sha256,
            built_at=built_at,
            finished_at=timezone.now(),
        )
    except ValidationError as exc:
        _fail(build, "The report has references that cannot be filled: " + "; ".join(exc.messages))
    except Exception as exc:
        logger.exception("Report build %s failed", build.pk)
        _fail(build, f"The build stopped with an error: {type(exc).__name__}: {exc}")


def _fail(build: BuildState, message: str) -> None:
    _step(
        build,
        build.step,
        status=ReportBuild.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
    )


# -- publication --------------------------------------------------------------------------------


@transaction.atomic
def report_publish(*, inspection: Inspection, by: AnyUser | None) -> ReportVersion:
    """Freeze the latest successful build as the next version and lock the inspection.

    The build must be current (same case data and narrative as now). Its files are copied to
    the version's own folder, never written again, and read-only on disk; an earlier version is
    never touched.
    """
    _check_author(inspection, by)
    locked = (
        Inspection.objects.select_for_update().select_related("framework").get(pk=inspection.pk)
    )
    blockers = publication_blockers(locked, report_scores(locked))
    if blockers:
        raise PublicationBlockedError(blockers)
    build = (
        ReportBuild.objects.filter(inspection=locked, status=ReportBuild.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if build is None:
        raise ValidationError("Build the report before publishing it.")
    if build.data_sha256 != case_data_sha256(locked) or build.content_sha256 != content_sha256(
        locked
    ):
        raise ValidationError(
            f"The case data or the report's text changed after build {build.pk} was made. "
            "Build the report again, then publish."
        )
    number = (
        ReportVersion.objects.filter(inspection=locked).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    directory = version_dir(locked, number)
    copies: dict[str, tuple[str, str]] = {}
    for kind, source_rel in (("html", build.html_file), ("pdf", build.pdf_file)):
        source = media_path(source_rel)
        if not source.is_file():
            raise ValidationError(
                f"The files of build {build.pk} are missing. Build the report again, then publish."
            )
        target_rel = f"{directory}/report.{kind}"
        target = media_path(target_rel)
        # A file here without a version row was left by a publication that rolled back: it was
        # never a version, so it may be replaced. A version's files are never rewritten.
        if target.exists():
            target.chmod(0o644)
        with open(source, "rb") as fh:
            data = fh.read()
        write_atomic(target, data)
        target.chmod(0o444)
        copies[kind] = (target_rel, hashlib.sha256(data).hexdigest())
    version = ReportVersion.objects.create(
        inspection=locked,
        number=number,
        build=build,
        published_by=by if isinstance(by, User) else None,
        framework_slug=build.framework_slug,
        framework_version=build.framework_version or locked.framework.version,
        data_sha256=build.data_sha256,
        built_at=build.built_at or build.finished_at or timezone.now(),
        html_file=copies["html"][0],
        pdf_file=copies["pdf"][0],
        html_sha256=copies["html"][1],
        pdf_sha256=copies["pdf"][1],
    )
    was = locked.status
    locked.publish()  # reporting (or published, for a new version) -> published
    locked.save(update_fields=["status"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.STATUS,
        summary=f"Report version {number} published"
        + (" (from reporting)." if was != Inspection.Status.PUBLISHED else "."),
        by=by,
        data={"from": was, "to": locked.status, "version": number},
    )
    inspection.status = locked.status
    return version
