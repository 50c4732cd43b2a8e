"""Inspected cases, their profile, and the answers inspectors record on them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from cases.scoring_columns import (
    ADJUSTED_BIT,
    CELL_EXPRESSION,
    FLAG_BITS,
    SCOPE_BITS_EXPRESSION,
    question_scope,
)
from inspections.models import PDU, Inspection, Question

# Pseudonymous case references: a 2-6 character prefix, a hyphen and 3-6 digits (DEMO-001,
# SYN-004211). Deliberately unlike real nDelius CRNs (one letter and six digits) so that a real
# reference cannot be pasted in by mistake.
CASE_REFERENCE_PATTERN = r"^[A-Z][A-Z0-9]{1,5}-[0-9]{3,6}$"
case_reference_validator = RegexValidator(
    CASE_REFERENCE_PATTERN,
    "Enter a pseudonymous reference like DEMO-001: 2 to 6 capital letters or digits "
    "(starting with a letter), a hyphen, then 3 to 6 digits.",
)


class Case(models.Model):
    class Setting(models.TextChoices):
        COMMUNITY = "community", "Community"
        CUSTODY_LICENCE = "custody_licence", "Custody and licence"

    class SentenceType(models.TextChoices):
        COMMUNITY_ORDER = "community_order", "Community order"
        SUSPENDED = "suspended_sentence_order", "Suspended sentence order"
        LICENCE = "licence", "Licence"
        PSS = "post_sentence_supervision", "Post-sentence supervision"
        OTHER = "other", "Other"

    class Rosh(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        VERY_HIGH = "very_high", "Very high"
        NOT_ASSESSED = "not_assessed", "Not assessed"

    class MappaCategory(models.IntegerChoices):
        CAT1 = 1, "Category 1: registered sexual offender"
        CAT2 = 2, "Category 2: violent and other sexual offender"
        CAT3 = 3, "Category 3: other dangerous offender"
        CAT4 = 4, "Category 4: terrorist or terrorist-risk offender"

    class MappaLevel(models.IntegerChoices):
        LEVEL1 = 1, "Level 1"
        LEVEL2 = 2, "Level 2"
        LEVEL3 = 3, "Level 3"

    class Grade(models.TextChoices):
        PO = "po", "Probation officer (PO)"
        PSO = "pso", "Probation services officer (PSO)"
        PQIP = "pqip", "PQiP learner"
        SPO = "spo", "Senior probation officer (SPO)"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        MODERATED = "moderated", "Moderated"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="cases")
    pdu = models.ForeignKey(PDU, on_delete=models.PROTECT, related_name="cases", verbose_name="PDU")
    reference = models.CharField(max_length=20, validators=[case_reference_validator])
    commenced_on = models.DateField(null=True, blank=True)
    sentence_type = models.CharField(max_length=30, choices=SentenceType.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    rosh = models.CharField("RoSH classification", max_length=20, choices=Rosh.choices)
    mappa_eligible = models.BooleanField("MAPPA eligible", default=False)
    mappa_category = models.PositiveSmallIntegerField(
        choices=MappaCategory.choices, null=True, blank=True
    )
    mappa_level = models.PositiveSmallIntegerField(
        choices=MappaLevel.choices, null=True, blank=True
    )
    practitioner_grade = models.CharField(max_length=10, choices=Grade.choices)
    adjusted_questions = models.BooleanField(
        default=False, help_text="Contact was suspended: the adjusted question set applies."
    )
    # Flags that make supplementary questions relevant (Question.applies_when names them).
    court_work = models.BooleanField("pre-sentence court work", default=False)
    curfew_considered = models.BooleanField(default=False)
    released_from_custody = models.BooleanField(default=False)
    risk_to_children = models.BooleanField(default=False)
    oversight_required = models.BooleanField("management oversight required", default=True)
    practitioner_interviewed = models.BooleanField(default=False)
    # Offence profile.
    domestic_abuse = models.BooleanField(default=False)
    child_safeguarding = models.BooleanField(default=False)
    sexual_harm = models.BooleanField(default=False)
    violence = models.BooleanField(default=False)

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocated_cases",
    )
    # An inspector the lead asks to moderate (second-mark) this case; the lead always may.
    second_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="second_marked_cases",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # Withdrawn from the inspection before publication (cases.services.withdrawal): the case and
    # its answers are kept, with who withdrew it and why, but leave every figure, guard and list
    # of open work.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Maintained by the database from the fields above, for the scoring engine's single scan:
    # which question scopes apply (a bit per flag) and the breakdown cell (PDU, MAPPA, RoSH).
    scope_bits = models.GeneratedField(
        expression=SCOPE_BITS_EXPRESSION, output_field=models.IntegerField(), db_persist=True
    )
    cell = models.GeneratedField(
        expression=CELL_EXPRESSION, output_field=models.BigIntegerField(), db_persist=True
    )

    # The case profile, as the lead records it: what the forms, the API serializers, the
    # exports, the CSV import and the report's case-data fingerprint are all derived from.
    PROFILE_FIELDS: ClassVar[tuple[str, ...]] = (
        "pdu",
        "reference",
        "commenced_on",
        "sentence_type",
        "setting",
        "rosh",
        "mappa_eligible",
        "mappa_category",
        "mappa_level",
        "practitioner_grade",
        "adjusted_questions",
        "court_work",
        "curfew_considered",
        "released_from_custody",
        "risk_to_children",
        "oversight_required",
        "practitioner_interviewed",
        "domestic_abuse",
        "child_safeguarding",
        "sexual_harm",
        "violence",
    )
    # Beyond where the case is and what it is called: what exports and the report's
    # fingerprint describe each case by.
    PROFILE_ATTRIBUTES: ClassVar[tuple[str, ...]] = PROFILE_FIELDS[2:]

    class Meta:
        ordering = ["inspection", "reference"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["inspection", "reference"], name="case_reference_unique_in_inspection"
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=CASE_REFERENCE_PATTERN),
                name="case_reference_format",
            ),
            models.CheckConstraint(
                condition=(
                    Q(mappa_eligible=True)
                    & Q(mappa_category__isnull=False)
                    & Q(mappa_level__isnull=False)
                )
                | (
                    Q(mappa_eligible=False)
                    & Q(mappa_category__isnull=True)
                    & Q(mappa_level__isnull=True)
                ),
                name="case_mappa_consistent",
            ),
            models.CheckConstraint(
                condition=Q(mappa_category__isnull=True) | Q(mappa_category__in=[1, 2, 3, 4]),
                name="case_mappa_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(mappa_level__isnull=True) | Q(mappa_level__in=[1, 2, 3]),
                name="case_mappa_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(rosh__in=["low", "medium", "high", "very_high", "not_assessed"]),
                name="case_rosh_valid",
            ),
            models.CheckConstraint(
                condition=Q(setting__in=["community", "custody_licence"]),
                name="case_setting_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["not_started", "in_progress", "submitted", "returned", "moderated"]
                ),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="case_withdrawal_has_reason",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["inspection", "inspector"])]

    def __str__(self) -> str:
        return self.reference

    def question_applies(self, question: Question) -> bool:
        """Whether a question is in scope for this case (question set and relevance flag),
        by the same rule the scoring engine applies in SQL."""
        bits = (ADJUSTED_BIT if self.adjusted_questions else 0) + sum(
            bit for flag, bit in FLAG_BITS.items() if getattr(self, flag)
        )
        mask, want = question_scope(
            kind=question.kind,
            question_set=question.question_set,
            applies_when=question.applies_when,
        )
        return (bits & mask) == want


# The cases that count: a withdrawn case (cases.services.withdrawal) leaves every figure, guard,
# sample and list of open work; each of those reads filters by this.
CASES_COUNTED = Q(withdrawn_at__isnull=True)


# The longest rationale an answer may carry, and the longest reason for a change (checked by the
# answer services, the one validator).
MAX_RATIONALE_LENGTH = 10_000
MAX_REASON_LENGTH = 2_000


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_APPLICABLE = "na", "Not applicable"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=3, choices=Value.choices)
    rationale = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "question__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "question"], name="answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(value__in=["yes", "no", "na"]), name="answer_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.question.code}: {self.value}"


class AnswerTally(models.Model):
    """How many answers of each value an inspection's counted cases hold, per question and per
    kind of case (breakdown cell and scope bits): the scoring engine's counts without scanning
    every answer (docs/adr/0021-answer-tallies.md).

    Kept by PostgreSQL triggers in the writing transaction (cases/migrations/0011), whatever
    writes: a service, a COPY, the admin, a shell. Never written by Python code;
    `manage.py tallies_check` compares it with a full scan and can rebuild it. Answers of
    withdrawn cases are not in it. SQLite (the demo) has no tallies: the engine scans there.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    cell = models.BigIntegerField()
    scope_bits = models.IntegerField()
    value = models.CharField(max_length=3, choices=Answer.Value.choices)
    n = models.IntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["inspection", "question", "cell", "scope_bits", "value"],
                name="answer_tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.question_id}/{self.cell}/{self.scope_bits}: {self.n}"


class AnswerChange(models.Model):
    """History: every change to an answer, who made it, and why when the case was submitted."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answer_changes")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    old_value = models.CharField(max_length=3, blank=True)
    new_value = models.CharField(max_length=3)
    old_rationale = models.TextField(blank=True)
    new_rationale = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=20, default="web")

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.question.code}: {self.old_value or '-'} -> {self.new_value}"


class ModerationReview(models.Model):
    """A second marker's verdict on one key-question judgement of a submitted case.

    Both judgements are kept: the inspector's value as it stood when reviewed, and the
    moderator's (the same value when they agree). A disagreement returns the case; the
    inspector's correction then goes through answer_record, so the answer that the scoring
    engine counts is the moderated one, and its history shows the change.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who made the judgement under review (the case's inspector at the time).
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agrees = models.BooleanField()
    inspector_value = models.CharField(max_length=3, choices=Answer.Value.choices)
    moderator_value = models.CharField(max_length=3, choices=Answer.Value.choices)
    comment = models.TextField(blank=True)
    round = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "round", "question__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["case", "question", "round"], name="review_one_per_question_per_round"
            ),
            models.CheckConstraint(
                condition=Q(agrees=False) | Q(inspector_value=models.F("moderator_value")),
                name="review_agreement_consistent",
            ),
            models.CheckConstraint(
                condition=Q(agrees=True) | ~Q(comment=""),
                name="review_disagreement_has_comment",
            ),
        ]

    def __str__(self) -> str:
        verdict = "agrees" if self.agrees else "disagrees"
        return f"{self.case} {self.question.code}: {verdict}"


class ModerationSample(models.Model):
    """One draw of cases to moderate: the share the lead asked for and the seed, so the same
    draw can be made again from the same cases (cases.services.sampling)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="moderation_samples"
    )
    share = models.PositiveSmallIntegerField(help_text="Percentage of each inspector's cases.")
    seed = models.BigIntegerField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    # What the draw saw and chose, for whoever checks it: eligible cases per inspector and
    # stratum, and the references drawn.
    record = models.JSONField(default=dict)

    class Meta:
        ordering = ["inspection", "-drawn_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(share__gte=1) & Q(share__lte=100), name="sample_share_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share}% sample of {self.inspection} (seed {self.seed})"


class SampledCase(models.Model):
    """A case drawn for moderation; a case is drawn at most once."""

    sample = models.ForeignKey(ModerationSample, on_delete=models.CASCADE, related_name="cases")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="sampled")
    stratum = models.CharField(max_length=60, help_text="RoSH group and MAPPA, as drawn.")

    class Meta:
        ordering = ["sample", "case__reference"]

    def __str__(self) -> str:
        return f"{self.case} in {self.sample}"


class CaseImport(models.Model):
    """A background import of a large CSV case list (cases.services.csv_import): its progress,
    its problems by line, and who started it. All or nothing, as a small import is."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking the lines"
        IMPORTING = "importing", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Not imported"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="imports")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # The file until the import has run (then emptied: the cases hold what it said).
    raw = models.BinaryField(blank=True, default=b"")
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0, help_text="Cases imported.")
    problems = models.JSONField(
        default=list, blank=True, help_text="[line, message] pairs: why nothing was imported."
    )
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "checking", "importing", "succeeded", "failed"]),
                name="case_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} into {self.inspection} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def percent_done(self) -> int:
        if not self.lines_total:
            return 0
        return min(100, (100 * self.lines_done) // self.lines_total)


class AccessRecord(models.Model):
    """Who read case data, when, and through which channel: one row per request (a page, an API
    read, an export, a draft report file), never one per case on a list. Append-only: the
    database refuses UPDATE and DELETE (cases/migrations/0008_access_record.py).

    It names the inspection and case by slug and reference, and the reader by id and name,
    without foreign keys: a log outlives what it talks about and must never cascade."""

    class Channel(models.TextChoices):
        PAGE = "page", "Web page"
        API = "api", "API"
        EXPORT = "export", "Export download"
        REPORT_FILE = "report_file", "Draft report file"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.CharField(max_length=150, help_text="The person's username when they read.")
    api_client = models.CharField(
        max_length=100, blank=True, help_text="The API client whose token was used, if any."
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    inspection_slug = models.CharField("inspection", max_length=60)
    case_reference = models.CharField(max_length=20, blank=True)
    route = models.CharField(max_length=60, help_text="The URL name of what was read.")
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["inspection_slug", "case_reference", "-at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(channel__in=["page", "api", "export", "report_file"]),
                name="access_record_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        what = self.case_reference or self.route
        return f"{self.actor} read {self.inspection_slug} {what} ({self.channel})"
