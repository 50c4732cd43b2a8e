"""Regions, PDUs, versioned question frameworks, inspections and who is on them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from core.typing import person_id

if TYPE_CHECKING:
    from core.typing import AnyUser


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PDU(models.Model):
    """A Probation Delivery Unit of a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pdus")
    code = models.SlugField(max_length=20, help_text="Short code, unique within the region.")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = "PDU"
        verbose_name_plural = "PDUs"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "code"], name="pdu_code_unique_in_region"),
            models.UniqueConstraint(fields=["region", "name"], name="pdu_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Framework(models.Model):
    """One version of the question bank. A version that answers use is never changed."""

    slug = models.SlugField(max_length=50)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    source = models.TextField(blank=True, help_text="Where the wording comes from.")
    licence = models.TextField(blank=True)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file it was loaded from.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def in_use(self) -> bool:
        """Whether any answer uses one of this version's questions (through the reverse
        relation of Answer.question, so this layer needs nothing from the cases app)."""
        return self.questions.filter(answers__isnull=False).exists()


class Question(models.Model):
    class Kind(models.TextChoices):
        KEY = "key", "Key question"
        PROMPT = "prompt", "Prompt"
        SUPPLEMENTARY = "supplementary", "Supplementary question"

    class QuestionSet(models.TextChoices):
        CORE = "core", "Core"
        ADJUSTED = "adjusted", "Adjusted (contact suspended)"

    class AppliesWhen(models.TextChoices):
        """The case flag that makes a supplementary question relevant (blank: every case)."""

        ALWAYS = "", "Every case"
        COURT_WORK = "court_work", "The case had pre-sentence court work"
        CURFEW = "curfew_considered", "A curfew was considered"
        RELEASED = "released_from_custody", "Released from custody in the period"
        CHILDREN = "risk_to_children", "There were risks to children"
        MAPPA = "mappa_eligible", "The case was MAPPA eligible"
        OVERSIGHT = "oversight_required", "Management oversight was required"
        INTERVIEW = "practitioner_interviewed", "The practitioner was interviewed"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=10)
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="prompts"
    )
    area = models.CharField(max_length=50, blank=True)
    topic = models.CharField(max_length=50, blank=True)
    question_set = models.CharField(
        max_length=10, choices=QuestionSet.choices, default=QuestionSet.CORE
    )
    na_allowed = models.BooleanField(default=False)
    applies_when = models.CharField(
        max_length=30, choices=AppliesWhen.choices, blank=True, default=AppliesWhen.ALWAYS
    )
    wording_status = models.CharField(max_length=30, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["framework", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["framework", "order"], name="question_order_unique"),
            models.CheckConstraint(
                condition=(Q(kind="prompt") & Q(parent__isnull=False))
                | (~Q(kind="prompt") & Q(parent__isnull=True)),
                name="question_only_prompts_have_parent",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["key", "prompt", "supplementary"]),
                name="question_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(question_set__in=["core", "adjusted"]),
                name="question_set_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Programme(models.Model):
    """A named set of inspections that share a framework and are read side by side (for
    example "DIPP 2025-26": every probation region inspected in turn). Its national leads (and
    administrators) manage it and see every inspection's figures in it; a regional lead sees
    the published inspections' figures and those of the inspections they lead
    (inspections.access.programme_standing_get)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="programmes")
    description = models.TextField(blank=True)
    national_leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="programmes_led",
        blank=True,
        help_text="People who manage the programme and see all its figures.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "slug"]
        constraints: ClassVar = [
            # The target of inspections' (programme, framework) foreign key (migration 0010):
            # an inspection joins only a programme of its own framework.
            models.UniqueConstraint(fields=["id", "framework"], name="programme_id_framework"),
        ]

    def __str__(self) -> str:
        return self.name


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: AnyUser) -> InspectionQuerySet:
        """Inspections the user may see: administrators see all; others those they are on."""
        person = person_id(user)
        if person is None:
            return self.none()
        if user.is_superuser:
            return self
        # Subqueries rather than joins: no duplicates, so no DISTINCT, and the same shape
        # whether the user is on the inspection or an API client scoped to it.
        on_it = Membership.objects.filter(user_id=person).values("inspection")
        # API clients (the api app) are scoped to inspections through this reverse relation.
        client_of = self.model.api_clients.through.objects.filter(
            apiclient__user_id=person, apiclient__revoked_at__isnull=True
        ).values("inspection")
        return self.filter(Q(pk__in=on_it) | Q(pk__in=client_of))

    def led_by(self, user: AnyUser) -> InspectionQuerySet:
        person = person_id(user)
        if person is None:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            memberships__user_id=person, memberships__role=Membership.Role.LEAD
        ).distinct()


def data_version_initial() -> int:
    """Microseconds since 1970: a new inspection's data version (the database's triggers move
    it on to max(version + 1, now in microseconds)), so that a version is never reused, not
    even after a restore from a backup or by a new inspection with a recycled id."""
    return time.time_ns() // 1000


class Inspection(models.Model):
    class Status(models.TextChoices):
        SETUP = "setup", "Set-up"
        FIELDWORK = "fieldwork", "Fieldwork"
        MODERATION = "moderation", "Moderation"
        REPORTING = "reporting", "Reporting"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=60, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="inspections")
    title = models.CharField(max_length=200)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    case_window_start = models.DateField("cases commenced from")
    case_window_end = models.DateField("cases commenced to")
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    available_at = models.URLField(
        max_length=300,
        blank=True,
        help_text="Where the published report will be available, if known.",
    )
    # "None for this report": the lead says there are no key contextual facts to print.
    no_context_facts = models.BooleanField(default=False)
    # The lifecycle: set-up -> fieldwork -> moderation -> reporting -> published, moved on by
    # cases.services.lifecycle (guards) and reports.services.report_publish; every move is in
    # the inspection's history (InspectionEvent).
    status = FSMField(max_length=20, choices=Status.choices, default=Status.SETUP)
    # Optimistic concurrency for the inspection's details (If-Match in the API).
    version = models.PositiveIntegerField(default=1)
    # Moved on by database triggers in the same transaction as every write of a case, answer,
    # PDU or question (cases/migrations/0007): cached scores and ETags are keyed by it
    # (docs/adr/0014-score-cache.md).
    data_version = models.PositiveBigIntegerField(default=data_version_initial, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Retention (docs/data-protection.md): case data is anonymised after the retention date,
    # the publication date plus settings.RETENTION_MONTHS_AFTER_PUBLICATION unless an
    # administrator set another (cases.services.retention, with a reason in the history).
    retention_until = models.DateField(
        null=True, blank=True, help_text="Set by an administrator: overrides the default."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The programme the inspection is read with (issue 14); same framework, enforced by a
    # composite foreign key in PostgreSQL (migration 0010) and by the service.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    # Generated data for demonstration (the demo's regional inspections): labelled as
    # synthetic on every page and in every report that shows it.
    synthetic = models.BooleanField(default=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-case_window_start", "slug"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(case_window_end__gte=models.F("case_window_start")),
                name="inspection_case_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__isnull=True)
                | Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="inspection_fieldwork_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["setup", "fieldwork", "moderation", "reporting", "published"]
                ),
                name="inspection_status_valid",
            ),
            # A programme reads regions side by side: one inspection of each region in it.
            models.UniqueConstraint(
                fields=["programme", "region"],
                condition=Q(programme__isnull=False),
                name="programme_one_inspection_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A full save of an existing row leaves data_version alone: an instance read before
        a write elsewhere must never move the version back (a cached figure would come back
        to life). Only the database's triggers change it."""
        full_update = not self._state.adding and not args and kwargs.get("update_fields") is None
        if full_update and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname != "data_version"
            ]
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return bool(self.status == self.Status.PUBLISHED)

    # The transitions (django-fsm-2). The guards that depend on case work are checked by the
    # service that calls these (cases.services.lifecycle), which also records the history.
    @transition(field=status, source=Status.SETUP, target=Status.FIELDWORK)
    def start_fieldwork(self) -> None:
        """Cases are allocated: inspectors record their judgements."""

    @transition(field=status, source=Status.FIELDWORK, target=Status.MODERATION)
    def start_moderation(self) -> None:
        """Every case is submitted: the lead draws and moderates a sample."""

    @transition(field=status, source=Status.MODERATION, target=Status.REPORTING)
    def start_reporting(self) -> None:
        """The sample is moderated: the lead writes and builds the report."""

    @transition(field=status, source=[Status.REPORTING, Status.PUBLISHED], target=Status.PUBLISHED)
    def publish(self) -> None:
        """A report version is published (reports.services.report_publish)."""

    @transition(field=status, source=Status.FIELDWORK, target=Status.SETUP)
    def back_to_setup(self) -> None:
        """Back a step, with a reason (e.g. the case list was wrong)."""

    @transition(field=status, source=Status.MODERATION, target=Status.FIELDWORK)
    def back_to_fieldwork(self) -> None:
        """Back a step, with a reason (e.g. cases must be re-opened)."""

    @transition(field=status, source=Status.REPORTING, target=Status.MODERATION)
    def back_to_moderation(self) -> None:
        """Back a step, with a reason (e.g. a judgement changed and needs moderating)."""


class Membership(models.Model):
    """Who is on an inspection, and as what. Administrators (superusers) need no membership."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead inspector"
        INSPECTOR = "inspector", "Inspector"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inspection", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "inspector"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.inspection}"


class InspectionEvent(models.Model):
    """The inspection's history: every change to its details, status, team, contextual facts,
    allocation and moderation sample, who made it, when, and why where a reason was given.
    Written by the services that make the change, in the same transaction; never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", "Inspection created"
        DETAILS = "details", "Details changed"
        STATUS = "status", "Status changed"
        MEMBER_ADDED = "member_added", "Team member added"
        MEMBER_ROLE = "member_role", "Team member's role changed"
        MEMBER_REMOVED = "member_removed", "Team member removed"
        FACTS = "facts", "Contextual facts changed"
        CASES = "cases", "Cases imported or allocated"
        SAMPLE = "sample", "Moderation sample drawn"
        CASE_WITHDRAWN = "case_withdrawn", "Case withdrawn"
        RETENTION = "retention", "Retention date changed"
        ANONYMISED = "anonymised", "Case data anonymised"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField(help_text="What changed, in a sentence.")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="The change, for programs.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["inspection", "-at"])]

    def __str__(self) -> str:
        return f"{self.inspection}: {self.summary}"


class ContextFact(models.Model):
    """A key contextual fact of the report: not case-derived, so recorded as given."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="context_facts"
    )
    order = models.PositiveIntegerField()
    group = models.CharField(
        max_length=200, blank=True, help_text="Heading shared by several facts, if any."
    )
    label = models.CharField(max_length=300)
    value = models.CharField(max_length=100)
    as_at = models.CharField(max_length=100, blank=True, help_text="e.g. 'on 30 June 2025'.")
    source = models.TextField(blank=True, help_text="Footnoted source.")
    # Optimistic concurrency for edits (If-Match in the API, a hidden field on the page).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["inspection", "order"], name="context_fact_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


class Recommendation(models.Model):
    class Addressee(models.TextChoices):
        REGION = "region", "Region"
        HMPPS = "hmpps", "HMPPS"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    addressee = models.CharField(max_length=10, choices=Addressee.choices)
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["inspection", "addressee", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["inspection", "addressee", "number"], name="recommendation_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(addressee__in=["region", "hmpps"]),
                name="recommendation_addressee_valid",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="recommendation_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_addressee_display()} {self.number}"


class Baseline(models.Model):
    """What an inspection is compared with: an earlier inspection in the application (matched
    by question code), or figures entered by hand from a published report (title, year,
    source), or both (hand figures fill questions the earlier inspection lacks)."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="baseline")
    # PROTECT: an inspection that others are compared with cannot vanish from under them.
    previous = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="baseline_for",
    )
    title = models.CharField(max_length=200, blank=True, help_text="The earlier report's title.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the figures are from.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(previous=models.F("inspection")),
                name="baseline_not_itself",
            ),
            # Hand-entered figures say where they come from.
            models.CheckConstraint(
                condition=Q(previous__isnull=False) | (~Q(title="") & ~Q(source="")),
                name="baseline_has_a_source",
            ),
        ]

    def __str__(self) -> str:
        return f"Baseline of {self.inspection}"


class BaselineFigure(models.Model):
    """One key question's figure from an earlier report: Yes count of relevant cases, and the
    published percentage when that is what the report gave (the Yes count is then derived)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="figures")
    question_code = models.CharField(max_length=20)
    yes = models.PositiveIntegerField()
    relevant = models.PositiveIntegerField()
    published_percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["baseline", "question_code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["baseline", "question_code"], name="baseline_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(relevant__gte=1) & Q(yes__lte=models.F("relevant")),
                name="baseline_figure_counts_valid",
            ),
            models.CheckConstraint(
                condition=Q(published_percent__isnull=True) | Q(published_percent__lte=100),
                name="baseline_figure_percent_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_code}: {self.yes} of {self.relevant}"
