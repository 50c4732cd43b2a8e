"""The regional report: its narrative sections, its builds (HTML and PDF) and published versions.

Figures are never stored here: the narrative holds data references (reports.references) that
each build fills from scoring.selectors.inspection_scores.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inspections.models import Inspection, Programme


class Section(models.TextChoices):
    """The narrative sections of the report, in the order the published report prints them."""

    JUDGEMENT = "judgement", "Chief Inspector’s judgement"
    CONTEXT = "context", "Context"
    COMMENTARY = "commentary", "Inspection commentary"
    FOLLOW_UP = "follow_up", "Follow-up activity"
    FURTHER_INFORMATION = "further_information", "Further information"


class ReportSection(models.Model):
    """One narrative section, written in Markdown with data references such as {{percent C2}}."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="report_sections"
    )
    key = models.CharField(max_length=30, choices=Section.choices)
    body = models.TextField(blank=True)
    # Optimistic concurrency: a save names the version it was edited from.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The typed figures (reports.typed_figures.typed_digest) the lead acknowledged, so the
    # publication checklist asks again only when they change.
    typed_acknowledged = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["inspection", "key"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inspection", "key"], name="report_section_unique"),
            models.CheckConstraint(
                condition=Q(key__in=[c.value for c in Section]), name="report_section_key_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection}: {self.get_key_display()}"


class BuildState(models.Model):
    """What every report build (a Celery task) records of its run: status and step, who asked
    and when, the worker's heartbeat, and the files. The regional report's ReportBuild and the
    programme report's ProgrammeReportBuild share it, with the services that run them
    (reports.services: heartbeat, claim, progress)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    class Step(models.TextChoices):
        WAITING = "waiting", "Waiting for a worker"
        DATA = "data", "Reading the case data and scores"
        HTML = "html", "Writing the HTML report"
        PDF = "pdf", "Writing the PDF report"
        DONE = "done", "Finished"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=20, choices=Step.choices, default=Step.WAITING)
    error = models.TextField(blank=True, help_text="Why the build failed, for the author.")
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker every REPORT_BUILD_HEARTBEAT_SECONDS while it builds: a running build
    # whose heartbeat is older than REPORT_BUILD_HEARTBEAT_TIMEOUT has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The stalled build this one was started to replace (it was failed, saying so).
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    # Paths relative to MEDIA_ROOT; set only once the file is complete (os.replace).
    html_file = models.CharField(max_length=300, blank=True)
    pdf_file = models.CharField(max_length=300, blank=True)
    html_seconds = models.FloatField(null=True, blank=True)
    pdf_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute: most likely no worker is running."""
        return self.status == self.Status.QUEUED and (
            timezone.now() - self.requested_at
        ) > timedelta(minutes=1)

    def stall_reason(self, now: datetime | None = None) -> str | None:
        """Why this build will not finish by itself, or None while it may: queued for longer
        than REPORT_BUILD_QUEUE_TIMEOUT (no worker took it), or running without a heartbeat for
        longer than REPORT_BUILD_HEARTBEAT_TIMEOUT (its worker died)."""
        now = now or timezone.now()
        if self.status == self.Status.QUEUED:
            limit: timedelta = settings.REPORT_BUILD_QUEUE_TIMEOUT
            if now - self.requested_at > limit:
                return (
                    f"no build worker took it in the {_minutes(limit)} after it was requested "
                    "(the Celery worker may be stopped)"
                )
        elif self.status == self.Status.RUNNING:
            limit = settings.REPORT_BUILD_HEARTBEAT_TIMEOUT
            last = self.heartbeat_at or self.started_at or self.requested_at
            if now - last > limit:
                seen = timezone.localtime(last).strftime("%H:%M:%S")
                return (
                    f"its worker stopped reporting progress at {seen}, more than "
                    f"{_minutes(limit)} before (it was probably stopped or ran out of memory)"
                )
        return None

    @property
    def stalled(self) -> bool:
        return self.stall_reason() is not None


class ReportBuild(BuildState):
    """One run of the report build (a Celery task) and the files it produced."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="builds")
    # The manifest printed in the report's footer.
    framework_slug = models.CharField(max_length=50, blank=True)
    framework_version = models.PositiveIntegerField(null=True, blank=True)
    data_sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Narrative, recommendations and contextual facts."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="report_build_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded")
                | (~Q(html_file="") & ~Q(pdf_file="") & ~Q(data_sha256="")),
                name="report_build_succeeded_has_files",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["inspection", "-requested_at"])]

    def __str__(self) -> str:
        return f"Build {self.pk} of {self.inspection} ({self.status})"


def _minutes(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    return "minute" if minutes == 1 else f"{minutes} minutes"


class ReportVersion(models.Model):
    """A published version: frozen copies of a build's files. Never changed once written."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="report_versions"
    )
    number = models.PositiveIntegerField()
    build = models.ForeignKey(ReportBuild, on_delete=models.PROTECT, related_name="versions")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    framework_slug = models.CharField(max_length=50)
    framework_version = models.PositiveIntegerField()
    data_sha256 = models.CharField(max_length=64)
    built_at = models.DateTimeField()
    html_file = models.CharField(max_length=300)
    pdf_file = models.CharField(max_length=300)
    html_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["inspection", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["inspection", "number"], name="report_version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} report, version {self.number}"


class ProgrammeNarrative(models.Model):
    """The programme report's narrative: Markdown with programme-level data references such as
    {{percent C1}} (pooled), {{phrase C1}} and {{range C1}} (reports.programme_references)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="report_narrative"
    )
    body = models.TextField(blank=True)
    # Optimistic concurrency, as the regional sections: a save names the version it edited.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.programme}: narrative"


class ProgrammeReportBuild(BuildState):
    """One build of the programme summary report. Each successful build is a version: its
    files are never written again, and readers download the latest (docs/adr/0020)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="builds")
    # Built with the provisional switch: inspections in progress count (national leads only
    # may read such a build).
    provisional = models.BooleanField(default=False)
    # The inspections whose figures the build counted, as they were then (set by the worker):
    # [{"slug", "region", "status", "synthetic"}, ...].
    counted = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="programme_report_build_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | (~Q(html_file="") & ~Q(pdf_file="")),
                name="programme_report_build_succeeded_has_files",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["programme", "provisional", "-requested_at"])]

    def __str__(self) -> str:
        return f"Build {self.pk} of {self.programme} report ({self.status})"
