"""Retention: anonymising an inspection's case data after its retention date
(docs/data-protection.md, docs/adr/0015-data-hash-covers-figure-inputs.md).

The retention date is the publication date plus settings.RETENTION_MONTHS_AFTER_PUBLICATION,
unless an administrator set another with a reason. Past it, `inspection_anonymise` removes
every free text (rationales, reasons for changes, moderation comments, withdrawal reasons,
import problems) and replaces each case reference by an opaque one (ANON-000001, ...). Answer
values and case profiles stay, so every published figure can be recomputed and equals the
published one; the report's data hash covers only what the figures are made of (not
references), so it is unchanged too; the published version files are never touched.

Not changed: the read-access log (append-only; its references no longer lead to a case once
the mapping is gone, and none is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import MAX_REASON_LENGTH, Answer, AnswerChange, Case, CaseImport, ModerationReview
from core.typing import AnyUser
from inspections.access import is_admin
from inspections.models import Inspection, InspectionEvent
from inspections.services import inspection_event

REMOVED = "Removed after the retention period."
OPAQUE_PREFIX = "ANON"


def retention_date(inspection: Inspection) -> date | None:
    """When the inspection's case data is anonymised: None until it is published."""
    if inspection.retention_until is not None:
        return inspection.retention_until
    if inspection.publication_date is None or not inspection.is_published:
        return None
    months = int(settings.RETENTION_MONTHS_AFTER_PUBLICATION)
    result: date = inspection.publication_date + relativedelta(months=months)
    return result


@transaction.atomic
def retention_change(
    *, inspection: Inspection, until: date, reason: str, by: AnyUser
) -> Inspection:
    """An administrator sets another retention date, saying why (kept in the history)."""
    if not is_admin(by):
        raise ValidationError("Only an administrator can change the retention date.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the retention date changes."})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"Enter {MAX_REASON_LENGTH:,} characters or fewer."})
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.anonymised_at is not None:
        raise ValidationError("This inspection's case data has already been anonymised.")
    before = retention_date(locked)
    locked.retention_until = until
    locked.save(update_fields=["retention_until"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.RETENTION,
        summary=f"Retention date changed from {before or 'none'} to {until}.",
        reason=reason,
        by=by,
        data={"from": str(before) if before else None, "to": str(until)},
    )
    return locked


def inspections_due(today: date) -> list[Inspection]:
    """Published inspections past their retention date and not yet anonymised."""
    candidates = Inspection.objects.filter(
        status=Inspection.Status.PUBLISHED, anonymised_at__isnull=True
    ).filter(Q(retention_until__isnull=False) | Q(publication_date__isnull=False))
    return [i for i in candidates if (due := retention_date(i)) is not None and due < today]


@dataclass
class Anonymisation:
    inspection: str
    references: int = 0
    rationales: int = 0
    history: int = 0
    comments: int = 0
    withdrawals: int = 0
    imports: int = 0
    done: bool = False

    def lines(self) -> list[str]:
        verb = "Anonymised" if self.done else "Would anonymise"
        return [
            f"{verb} {self.inspection}: {self.references} case references replaced, "
            f"{self.rationales} rationales, {self.history} history entries, "
            f"{self.comments} moderation comments, {self.withdrawals} withdrawal reasons and "
            f"{self.imports} import records emptied."
        ]


def _replace(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_replace(v, mapping) for v in value]
    if isinstance(value, dict):
        return {mapping.get(k, k): _replace(v, mapping) for k, v in value.items()}
    return value


def inspection_anonymise(*, inspection: Inspection, dry_run: bool = False) -> Anonymisation:
    """Remove the inspection's free text and replace its case references (or, dry run, count
    what would change). One transaction: all or nothing."""
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        result = Anonymisation(inspection=locked.slug)
        if locked.anonymised_at is not None:
            result.done = True
            return result
        if not dry_run and not locked.is_published:
            # Before publication the case data is still being worked on: a case leaves the
            # inspection by withdrawal, never by anonymising the whole of it.
            raise ValidationError(
                f"{locked.slug} is not published: only a published inspection is anonymised."
            )
        cases = list(Case.objects.filter(inspection=locked).order_by("pk"))
        answers = Answer.objects.filter(case__inspection=locked)
        changes = AnswerChange.objects.filter(case__inspection=locked)
        reviews = ModerationReview.objects.filter(case__inspection=locked)
        result.references = len(cases)
        result.rationales = answers.exclude(rationale="").count()
        result.history = changes.exclude(old_rationale="", new_rationale="", reason="").count()
        result.comments = reviews.exclude(comment="").count()
        result.withdrawals = sum(1 for c in cases if c.withdrawn_at is not None)
        imports = CaseImport.objects.filter(inspection=locked)
        result.imports = imports.count()
        if dry_run:
            return result
        mapping = {c.reference: f"{OPAQUE_PREFIX}-{i:06d}" for i, c in enumerate(cases, 1)}
        for c in cases:
            c.reference = mapping[c.reference]
            if c.withdrawn_at is not None:
                c.withdrawn_reason = REMOVED
        Case.objects.bulk_update(cases, ["reference", "withdrawn_reason"], batch_size=1000)
        answers.exclude(rationale="").update(rationale="")
        changes.update(old_rationale="", new_rationale="", reason="")
        # A disagreement must say why (a constraint): its comment becomes the removal notice.
        reviews.filter(agrees=True).update(comment="")
        reviews.filter(agrees=False).update(comment=REMOVED)
        imports.update(raw=b"", problems=[], error="", filename="")
        for sample in locked.moderation_samples.all():
            sample.record = _replace(sample.record, mapping)
            sample.save(update_fields=["record"])
        for event in locked.events.filter(kind=InspectionEvent.Kind.CASE_WITHDRAWN):
            event.data = _replace(event.data, mapping)
            event.summary = "A case was withdrawn from the inspection."
            event.reason = REMOVED
            event.save(update_fields=["data", "summary", "reason"])
        locked.anonymised_at = timezone.now()
        locked.save(update_fields=["anonymised_at"])
        inspection_event(
            inspection=locked,
            kind=InspectionEvent.Kind.ANONYMISED,
            summary="Case data anonymised after the retention date: free text removed, case "
            "references replaced; answers and profiles kept.",
            by=None,
            data={k: v for k, v in vars(result).items() if k != "done"},
        )
        result.done = True
        return result


ERASED_PREFIX = "ERASED"


@transaction.atomic
def case_erase(*, case: Case, reason: str, by: AnyUser | None) -> Case:
    """After publication, erase one case as retention would: its free text removed and its
    reference replaced by an opaque one; its answer values and profile kept, so the published
    figures still recompute equal. An administrator's act, with a reason (kept in the history,
    which does not name the case). Before publication, withdraw the case instead."""
    if by is not None and not is_admin(by):
        raise ValidationError("Only an administrator can erase a case.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the case is erased."})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"Enter {MAX_REASON_LENGTH:,} characters or fewer."})
    locked = Case.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    inspection = locked.inspection
    if not inspection.is_published:
        raise ValidationError(
            "This inspection is not published: withdraw the case instead of erasing it."
        )
    if locked.reference.startswith((f"{ERASED_PREFIX}-", f"{OPAQUE_PREFIX}-")):
        raise ValidationError(f"Case {locked.reference} has already been anonymised.")
    taken = set(Case.objects.filter(inspection=inspection).values_list("reference", flat=True))
    number = 1
    while f"{ERASED_PREFIX}-{number:06d}" in taken:
        number += 1
    mapping = {locked.reference: f"{ERASED_PREFIX}-{number:06d}"}
    Answer.objects.filter(case=locked).update(rationale="")
    AnswerChange.objects.filter(case=locked).update(old_rationale="", new_rationale="", reason="")
    reviews = ModerationReview.objects.filter(case=locked)
    reviews.filter(agrees=True).update(comment="")
    reviews.filter(agrees=False).update(comment=REMOVED)
    for sample in inspection.moderation_samples.all():
        sample.record = _replace(sample.record, mapping)
        sample.save(update_fields=["record"])
    for event in inspection.events.filter(data__case=locked.reference):
        event.data = _replace(event.data, mapping)
        event.summary = "A case was withdrawn from the inspection."
        event.reason = REMOVED
        event.save(update_fields=["data", "summary", "reason"])
    locked.reference = mapping[locked.reference]
    if locked.withdrawn_at is not None:
        locked.withdrawn_reason = REMOVED
    locked.save(update_fields=["reference", "withdrawn_reason", "updated_at"])
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.ANONYMISED,
        summary=f"One case erased on request: now {locked.reference}, its free text removed; "
        "its answers and profile kept.",
        reason=reason,
        by=by,
        data={"erased": locked.reference},
    )
    return locked


def retention_sweep(*, today: date | None = None, dry_run: bool = False) -> list[Anonymisation]:
    """Anonymise every inspection past its retention date (the scheduled task), one
    transaction each."""
    today = today or timezone.localdate()
    return [inspection_anonymise(inspection=i, dry_run=dry_run) for i in inspections_due(today)]
