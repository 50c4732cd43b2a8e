"""Writes for regions, frameworks and inspections. Each runs in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from core.exceptions import StaleWriteError
from core.typing import AnyUser, User, signed_in
from inspections.access import (
    ProgrammeStanding,
    can_create_inspection,
    can_create_programme,
    inspections_visible,
    require_lead,
    require_person,
    require_programme_manage,
    require_writable,
    standing_of,
)
from inspections.framework_schema import FRAMEWORK_SCHEMA
from inspections.models import (
    PDU,
    Baseline,
    BaselineFigure,
    ContextFact,
    Framework,
    Inspection,
    InspectionEvent,
    Membership,
    Programme,
    Question,
    Recommendation,
    Region,
)

# The DIPP framework this project ships (load_framework's default).
DEFAULT_FRAMEWORK_FILE = Path(__file__).resolve().parent / "frameworks" / "dipp-v1.json"


class FrameworkFileError(ValueError):
    """A framework file that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class FrameworkLoadResult:
    framework: Framework
    created: bool


def framework_parse(*, raw: bytes) -> dict[str, Any]:
    """Parse and validate a framework file, or raise FrameworkFileError saying what is wrong."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameworkFileError(f"The framework file is not valid JSON: {exc}") from exc
    errors = sorted(
        jsonschema.Draft202012Validator(FRAMEWORK_SCHEMA).iter_errors(data),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        lines = [
            f"- {'/'.join(str(p) for p in e.absolute_path) or '(top level)'}: {e.message}"
            for e in errors[:20]
        ]
        raise FrameworkFileError("The framework file is malformed:\n" + "\n".join(lines))
    codes: list[str] = []
    for key in data["key_questions"]:
        codes.append(key["code"])
        codes.extend(p["code"] for p in key.get("prompts", []))
    codes.extend(s["code"] for s in data.get("supplementary_questions", []))
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise FrameworkFileError(
            f"The framework file is malformed: question codes repeated: {', '.join(duplicates)}"
        )
    return data  # type: ignore[no-any-return]


@transaction.atomic
def framework_load(*, raw: bytes) -> FrameworkLoadResult:
    """Load a framework version from file contents.

    Loading the same file again changes nothing. A version whose questions have answers is
    never changed: a different file with the same version number is refused, and the author is
    told to load it as a new version beside the old one.
    """
    data = framework_parse(raw=raw)
    checksum = hashlib.sha256(raw).hexdigest()
    existing = (
        Framework.objects.select_for_update()
        .filter(slug=data["slug"], version=data["version"])
        .first()
    )
    if existing is not None:
        if existing.checksum == checksum:
            return FrameworkLoadResult(framework=existing, created=False)
        if existing.in_use or existing.inspections.exists():
            raise FrameworkFileError(
                f"Framework {data['slug']} version {data['version']} is in use and cannot be "
                f"changed. Give the file a new version number to load it beside the old one."
            )
        existing.delete()

    framework = Framework.objects.create(
        slug=data["slug"],
        version=data["version"],
        title=data["title"],
        source=data.get("source", ""),
        licence=data.get("licence", ""),
        checksum=checksum,
    )
    order = 0
    for key in data["key_questions"]:
        order += 10
        key_q = Question.objects.create(
            framework=framework,
            code=key["code"],
            text=key["text"],
            kind=Question.Kind.KEY,
            area=key.get("area", ""),
            question_set=key.get("question_set", Question.QuestionSet.CORE),
            na_allowed=key["na_allowed"],
            wording_status=key.get("wording_status", ""),
            order=order,
        )
        for prompt in key.get("prompts", []):
            order += 1
            Question.objects.create(
                framework=framework,
                code=prompt["code"],
                text=prompt["text"],
                kind=Question.Kind.PROMPT,
                parent=key_q,
                area=key_q.area,
                question_set=key_q.question_set,
                na_allowed=prompt["na_allowed"],
                wording_status=prompt.get("wording_status", ""),
                order=order,
            )
    for supp in data.get("supplementary_questions", []):
        order += 10
        Question.objects.create(
            framework=framework,
            code=supp["code"],
            text=supp["text"],
            kind=Question.Kind.SUPPLEMENTARY,
            topic=supp.get("topic", ""),
            na_allowed=supp["na_allowed"],
            applies_when=supp["applies_when"],
            wording_status=supp.get("wording_status", ""),
            order=order,
        )
    return FrameworkLoadResult(framework=framework, created=True)


def framework_load_file(*, path: Path) -> FrameworkLoadResult:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError(f"Cannot read framework file {path}: {exc}") from exc
    return framework_load(raw=raw)


@transaction.atomic
def region_ensure(*, name: str, slug: str, pdus: list[tuple[str, str]]) -> Region:
    """Create or update a region and its PDUs (code, name) idempotently."""
    region, _ = Region.objects.update_or_create(slug=slug, defaults={"name": name})
    for code, pdu_name in pdus:
        PDU.objects.update_or_create(region=region, code=code, defaults={"name": pdu_name})
    return region


def inspection_event(
    *,
    inspection: Inspection,
    kind: str,
    summary: str,
    by: AnyUser | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> InspectionEvent:
    """Record a change in the inspection's history (call it inside the change's transaction)."""
    return InspectionEvent.objects.create(
        inspection=inspection,
        kind=kind,
        summary=summary,
        reason=reason.strip(),
        data=data or {},
        by=by if isinstance(by, User) else None,
    )


def slug_derive(title: str, *, on: date | None = None) -> str:
    """A short name for web addresses from the title and the year: unique, lower case, at most
    60 characters ("Dynamic Inspection of Public Protection in South West region" in 2026 ->
    "south-west-region-2026" when the common words are dropped)."""
    common = {"dynamic", "inspection", "of", "public", "protection", "in", "the", "and", "dipp"}
    words = [w for w in slugify(title).split("-") if w and w not in common] or ["inspection"]
    year = str((on or date.today()).year)
    base = "-".join(words)[: 60 - len(year) - 4].strip("-")
    if not base.endswith(year):
        base = f"{base}-{year}"
    slug, n = base, 1
    while Inspection.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _dates_check(
    errors: dict[str, list[str]],
    start: date | None,
    end: date | None,
    *,
    field: str,
    what: str,
) -> None:
    if start is not None and end is not None and end < start:
        errors.setdefault(field, []).append(f"The {what} must end on or after it starts.")


@transaction.atomic
def inspection_create(
    *,
    region: Region,
    title: str,
    framework: Framework,
    case_window_start: date,
    case_window_end: date,
    slug: str = "",
    fieldwork_start: date | None = None,
    fieldwork_end: date | None = None,
    lead: User | None = None,
    by: AnyUser | None = None,
    synthetic: bool = False,
) -> Inspection:
    """A new inspection. Whoever creates it (`by`: a lead inspector or an administrator) leads
    it; loaders name the `lead` instead (`by=None`, a system write). Only loaders of generated
    data (the demo, benchmarks) pass `synthetic=True`: no page offers it."""
    if by is not None:
        if not can_create_inspection(by):
            raise PermissionDenied(
                "Only a lead inspector or an administrator can create inspections."
            )
        lead = signed_in(by)
    title = " ".join(title.split())
    slug = slug.strip() or slug_derive(title, on=case_window_start)
    errors: dict[str, list[str]] = {}
    _dates_check(
        errors, case_window_start, case_window_end, field="case_window_end", what="case window"
    )
    _dates_check(errors, fieldwork_start, fieldwork_end, field="fieldwork_end", what="fieldwork")
    if Inspection.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append("An inspection already uses this short name.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        slug=slug,
        region=region,
        title=title,
        framework=framework,
        case_window_start=case_window_start,
        case_window_end=case_window_end,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        synthetic=synthetic,
    )
    inspection.full_clean()
    inspection.save()
    if lead is not None:
        Membership.objects.create(inspection=inspection, user=lead, role=Membership.Role.LEAD)
    inspection_event(
        inspection=inspection,
        kind=InspectionEvent.Kind.CREATED,
        summary=f"Inspection created{f' with {lead.get_username()} as lead' if lead else ''}.",
        by=by,
    )
    return inspection


# The details a lead may change (the framework and region are fixed once cases exist).
DETAIL_FIELDS = (
    "title",
    "case_window_start",
    "case_window_end",
    "fieldwork_start",
    "fieldwork_end",
    "publication_date",
    "available_at",
)


def _label(field: str) -> str:
    model_field = Inspection._meta.get_field(field)
    return str(getattr(model_field, "verbose_name", field))


@transaction.atomic
def inspection_update(
    *,
    inspection: Inspection,
    by: AnyUser | None,
    expected_version: int | None = None,
    **fields: Any,
) -> Inspection:
    """Change the inspection's details (DETAIL_FIELDS), refusing a stale edit, with history."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if by is not None:
        standing = standing_of(by, locked)
        require_person(standing)
        require_lead(standing, "change the inspection's details")
        require_writable(standing)
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown inspection fields: {', '.join(sorted(unknown))}")
    if expected_version is not None and expected_version != locked.version:
        raise StaleWriteError(
            "The inspection's details were changed since you opened them (perhaps by you, in "
            "another tab). Your changes were not saved.",
            current=locked,
        )
    if "title" in fields:
        fields["title"] = " ".join(str(fields["title"]).split())
    if "available_at" in fields:
        fields["available_at"] = (fields["available_at"] or "").strip()
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    errors: dict[str, list[str]] = {}
    _dates_check(
        errors,
        locked.case_window_start,
        locked.case_window_end,
        field="case_window_end",
        what="case window",
    )
    _dates_check(
        errors,
        locked.fieldwork_start,
        locked.fieldwork_end,
        field="fieldwork_end",
        what="fieldwork",
    )
    if errors:
        raise ValidationError(errors)
    locked.full_clean()
    locked.version += 1
    locked.save()
    labels = {f: _label(f) for f in changed}
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.DETAILS,
        summary="Changed: " + ", ".join(labels[f] for f in changed) + ".",
        by=by,
        data={f: (v.isoformat() if isinstance(v, date) else v) for f, v in changed.items()},
    )
    return locked


@transaction.atomic
def membership_set(*, inspection: Inspection, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        inspection=inspection, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def context_facts_replace(*, inspection: Inspection, facts: list[dict[str, str]]) -> None:
    """Replace every fact at once (loaders; a system write)."""
    inspection.context_facts.all().delete()
    ContextFact.objects.bulk_create(
        ContextFact(inspection=inspection, order=i, **fact) for i, fact in enumerate(facts, 1)
    )


# -- key contextual facts, one at a time (the lead's page and the API) ----------------------------

FACT_FIELDS = ("label", "value", "as_at", "group", "source")


def _facts_author(inspection: Inspection, by: AnyUser | None) -> None:
    """The facts are report content: the lead's (or an administrator's) to write, also after
    publication (a new report version prints them); never an API client's."""
    if by is None:
        return
    standing = standing_of(by, inspection)
    require_person(standing)
    require_lead(standing, "change the key contextual facts")


def _fact_validate(fact: ContextFact) -> None:
    for name in FACT_FIELDS:
        setattr(fact, name, " ".join(str(getattr(fact, name) or "").split()))
    errors: dict[str, list[str]] = {}
    if not fact.label:
        errors["label"] = ["Enter what the fact is, for example Number of people supervised."]
    if not fact.value:
        errors["value"] = ["Enter the value, for example 16,821 or Not available."]
    if errors:
        raise ValidationError(errors)
    try:
        fact.full_clean(exclude=["inspection", "order"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _fact_lock(fact: ContextFact) -> ContextFact:
    locked = ContextFact.objects.select_for_update().filter(pk=fact.pk).first()
    if locked is None:
        raise StaleWriteError("This fact was removed since you opened it.", current=None)
    return locked


def _fact_fresh(locked: ContextFact, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != locked.version:
        raise StaleWriteError(
            "This fact was changed since you opened it (perhaps by you, in another tab). "
            "Your changes were not saved.",
            current=locked,
        )


def _facts_changed(inspection: Inspection, summary: str, by: AnyUser | None) -> None:
    inspection_event(inspection=inspection, kind=InspectionEvent.Kind.FACTS, summary=summary, by=by)


@transaction.atomic
def context_fact_add(*, inspection: Inspection, by: AnyUser | None, **fields: str) -> ContextFact:
    """A new fact, last in order. Adding one clears "none for this report"."""
    _facts_author(inspection, by)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    unknown = set(fields) - set(FACT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fact fields: {', '.join(sorted(unknown))}")
    last = locked.context_facts.aggregate(m=models.Max("order"))["m"] or 0
    fact = ContextFact(inspection=locked, order=last + 1, **fields)
    _fact_validate(fact)
    fact.save()
    if locked.no_context_facts:
        locked.no_context_facts = False
        locked.save(update_fields=["no_context_facts"])
    _facts_changed(locked, f"Fact added: {fact.label}.", by)
    return fact


@transaction.atomic
def context_fact_update(
    *,
    fact: ContextFact,
    by: AnyUser | None,
    expected_version: int | None = None,
    **fields: str,
) -> ContextFact:
    _facts_author(fact.inspection, by)
    locked = _fact_lock(fact)
    _fact_fresh(locked, expected_version)
    unknown = set(fields) - set(FACT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fact fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(locked, name, value)
    _fact_validate(locked)
    locked.version += 1
    locked.save()
    _facts_changed(locked.inspection, f"Fact changed: {locked.label}.", by)
    return locked


@transaction.atomic
def context_fact_remove(
    *, fact: ContextFact, by: AnyUser | None, expected_version: int | None = None
) -> None:
    _facts_author(fact.inspection, by)
    locked = _fact_lock(fact)
    _fact_fresh(locked, expected_version)
    inspection = locked.inspection
    label = locked.label
    locked.delete()
    _renumber(inspection, [f.pk for f in inspection.context_facts.order_by("order")])
    _facts_changed(inspection, f"Fact removed: {label}.", by)


@transaction.atomic
def context_fact_move(
    *, fact: ContextFact, by: AnyUser | None, position: int, expected_version: int | None = None
) -> ContextFact:
    """Move a fact to `position` (1 = first); the others keep their relative order."""
    _facts_author(fact.inspection, by)
    locked = _fact_lock(fact)
    _fact_fresh(locked, expected_version)
    inspection = locked.inspection
    order = [f.pk for f in inspection.context_facts.order_by("order") if f.pk != locked.pk]
    if not 1 <= position <= len(order) + 1:
        raise ValidationError({"order": [f"Choose a position from 1 to {len(order) + 1}."]})
    order.insert(position - 1, locked.pk)
    _renumber(inspection, order)
    locked.refresh_from_db()
    locked.version += 1
    locked.save(update_fields=["version"])
    _facts_changed(inspection, f"Fact moved to position {position}: {locked.label}.", by)
    return locked


def _renumber(inspection: Inspection, pks: list[int]) -> None:
    # Two steps, so that the (inspection, order) uniqueness holds after every statement.
    facts = inspection.context_facts
    facts.update(order=models.F("order") + 100_000)
    for n, pk in enumerate(pks, 1):
        facts.filter(pk=pk).update(order=n)


@transaction.atomic
def context_facts_none(*, inspection: Inspection, by: AnyUser | None, none: bool) -> Inspection:
    """Say that this report has no key contextual facts (or take it back)."""
    _facts_author(inspection, by)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if none and locked.context_facts.exists():
        raise ValidationError("Remove the facts first: a report with facts cannot also have none.")
    if locked.no_context_facts != none:
        locked.no_context_facts = none
        locked.save(update_fields=["no_context_facts"])
        _facts_changed(
            locked,
            "Marked: no key contextual facts for this report."
            if none
            else "No longer marked as having no key contextual facts.",
            by,
        )
    return locked


@transaction.atomic
def recommendations_replace(
    *, inspection: Inspection, addressee: str, texts: list[str]
) -> list[Recommendation]:
    inspection.recommendations.filter(addressee=addressee).delete()
    return Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, addressee=addressee, number=i, text=text)
        for i, text in enumerate(texts, 1)
    )


# Far above any inspection's sample; keeps a typed figure inside the database's integers.
MAX_BASELINE_CASES = 1_000_000


@dataclass(frozen=True)
class BaselineFigureInput:
    """A hand-entered figure: a Yes count of relevant cases, or a published percentage of a
    base (relevant cases), from which the Yes count is derived (halves up)."""

    question_code: str
    relevant: int
    yes: int | None = None
    percent: int | None = None


@transaction.atomic
def baseline_set(
    *,
    inspection: Inspection,
    by: AnyUser,
    previous_slug: str = "",
    title: str = "",
    year: int | None = None,
    source: str = "",
    figures: list[BaselineFigureInput] | None = None,
) -> Baseline:
    """Name what the inspection is compared with (the lead's, while it is not published).

    `previous_slug`: another inspection the lead may see, compared question by question. Hand
    figures need a title and a source, and name key questions of this inspection's framework.
    Replaces any baseline there was.
    """
    standing = standing_of(by, inspection)
    require_person(standing)
    require_lead(standing, "set the baseline")
    require_writable(standing)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    figures = figures or []
    errors: dict[str, list[str]] = {}
    previous = None
    if previous_slug:
        previous = inspections_visible(by).filter(slug=previous_slug).first()
        if previous is None:
            errors["previous"] = ["Choose an inspection you can see."]
        elif previous.pk == locked.pk:
            errors["previous"] = ["An inspection cannot be its own baseline."]
    if not previous_slug and not figures:
        errors["previous"] = ["Choose an earlier inspection or enter figures from a report."]
    if figures and (not title.strip() or not source.strip()):
        errors["source"] = ["Enter the title and source of the report the figures come from."]
    if year is not None and not 1990 <= year <= 2100:
        errors["year"] = ["Enter a year such as 2023."]
    keys = set(
        Question.objects.filter(
            framework_id=locked.framework_id, kind=Question.Kind.KEY
        ).values_list("code", flat=True)
    )
    rows: list[BaselineFigure] = []
    seen: set[str] = set()
    for number, figure in enumerate(figures, start=1):
        where = f"Figure {number}"
        code = figure.question_code.strip().upper()
        if code not in keys:
            known = ", ".join(sorted(keys))
            errors.setdefault("figures", []).append(
                f"{where}: {code or 'no code'} is not a key question (known: {known})."
            )
            continue
        if code in seen:
            errors.setdefault("figures", []).append(f"{where}: {code} is given twice.")
            continue
        seen.add(code)
        if not 1 <= figure.relevant <= MAX_BASELINE_CASES:
            errors.setdefault("figures", []).append(
                f"{where}: relevant cases must be between 1 and {MAX_BASELINE_CASES:,}."
            )
            continue
        if (figure.yes is None) == (figure.percent is None):
            errors.setdefault("figures", []).append(
                f"{where}: give either the Yes count or the published percentage."
            )
            continue
        if figure.percent is not None:
            if not 0 <= figure.percent <= 100:
                errors.setdefault("figures", []).append(f"{where}: a percentage is 0 to 100.")
                continue
            yes = (2 * figure.percent * figure.relevant + 100) // 200
        else:
            yes = int(figure.yes or 0)
            if not 0 <= yes <= figure.relevant:
                errors.setdefault("figures", []).append(
                    f"{where}: Yes answers must be between 0 and the relevant cases."
                )
                continue
        rows.append(
            BaselineFigure(
                question_code=code,
                yes=yes,
                relevant=figure.relevant,
                published_percent=figure.percent,
            )
        )
    if errors:
        raise ValidationError(errors)
    Baseline.objects.filter(inspection=locked).delete()
    baseline = Baseline(
        inspection=locked,
        previous=previous,
        title=title.strip(),
        year=year,
        source=source.strip(),
    )
    baseline.full_clean()
    baseline.save()
    for row in rows:
        row.baseline = baseline
    BaselineFigure.objects.bulk_create(rows)
    what = previous.title if previous else f"{baseline.title} ({baseline.year or 'no year'})"
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.DETAILS,
        summary=f"Baseline set: {what}.",
        by=by,
    )
    return baseline


@transaction.atomic
def baseline_clear(*, inspection: Inspection, by: AnyUser) -> bool:
    """Remove the baseline (the lead's); False when there was none."""
    standing = standing_of(by, inspection)
    require_person(standing)
    require_lead(standing, "set the baseline")
    require_writable(standing)
    deleted, _ = Baseline.objects.filter(inspection=inspection).delete()
    if deleted:
        inspection_event(
            inspection=inspection,
            kind=InspectionEvent.Kind.DETAILS,
            summary="Baseline removed.",
            by=by,
        )
    return bool(deleted)


# -- programmes (issue 14) ------------------------------------------------------------------------


# Short names the programme pages use themselves (/programmes/new/).
RESERVED_PROGRAMME_SLUGS = frozenset({"new"})


def _programme_slug(name: str) -> str:
    base = (slugify(name) or "programme")[:56].strip("-")
    if base in RESERVED_PROGRAMME_SLUGS:
        base = f"{base}-programme"
    slug, n = base, 1
    while Programme.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def programme_create(
    *, name: str, framework: Framework, description: str = "", slug: str = "", by: AnyUser | None
) -> Programme:
    """A new programme. Whoever creates it (an administrator or a national lead: the "National
    leads" group) is its first national lead; loaders pass `by=None` (a system write)."""
    if by is not None and not can_create_programme(by):
        raise PermissionDenied("Only a national lead or an administrator can create programmes.")
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if name and Programme.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append("A programme already has this name.")
    slug = slug.strip() or _programme_slug(name)
    if slug in RESERVED_PROGRAMME_SLUGS:
        errors.setdefault("slug", []).append(f"“{slug}” is reserved: choose another short name.")
    elif Programme.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append("A programme already uses this short name.")
    if errors:
        raise ValidationError(errors)
    programme = Programme(
        name=name, slug=slug, framework=framework, description=description.strip()
    )
    programme.full_clean()
    programme.save()
    if by is not None:
        programme.national_leads.add(signed_in(by))
    return programme


@transaction.atomic
def programme_update(
    *, standing: ProgrammeStanding, name: str, description: str, by: AnyUser
) -> Programme:
    """Rename or describe a programme (its framework is fixed: its inspections share it)."""
    require_programme_manage(standing, "change the programme")
    programme = Programme.objects.select_for_update().get(pk=standing.programme.pk)
    name = " ".join(name.split())
    if name and Programme.objects.filter(name__iexact=name).exclude(pk=programme.pk).exists():
        raise ValidationError({"name": ["A programme already has this name."]})
    programme.name = name
    programme.description = description.strip()
    programme.full_clean()
    programme.save(update_fields=["name", "description"])
    return programme


@transaction.atomic
def programme_inspection_add(
    *, standing: ProgrammeStanding, inspection: Inspection, by: AnyUser
) -> Inspection:
    """Join an inspection to the programme: it must use the programme's framework and not be in
    another programme (leave that one first). Recorded in the inspection's history."""
    require_programme_manage(standing, "add inspections to the programme")
    programme = standing.programme
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.programme_id == programme.pk:
        return locked
    if locked.programme_id is not None:
        raise ValidationError(
            {"inspection": ["This inspection is in another programme: remove it from there first."]}
        )
    if locked.framework_id != programme.framework_id:
        raise ValidationError(
            {
                "inspection": [
                    "This inspection uses a different framework from the programme's: "
                    "figures can only be read side by side on one framework."
                ]
            }
        )
    taken = (
        Inspection.objects.filter(programme=programme, region_id=locked.region_id)
        .exclude(pk=locked.pk)
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "inspection": [
                    f"The programme already has an inspection of {locked.region.name} "
                    f"({taken.title}): a programme reads one inspection of each region."
                ]
            }
        )
    locked.programme = programme
    locked.save(update_fields=["programme"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.DETAILS,
        summary=f"Joined the programme {programme.name}.",
        by=by,
    )
    return locked


@transaction.atomic
def programme_inspection_remove(
    *, standing: ProgrammeStanding, inspection: Inspection, by: AnyUser
) -> Inspection:
    """Take an inspection out of the programme (its own figures are untouched)."""
    require_programme_manage(standing, "remove inspections from the programme")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.programme_id != standing.programme.pk:
        raise ValidationError({"inspection": ["This inspection is not in the programme."]})
    locked.programme = None
    locked.save(update_fields=["programme"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.DETAILS,
        summary=f"Left the programme {standing.programme.name}.",
        by=by,
    )
    return locked


@transaction.atomic
def programme_national_lead_add(
    *, standing: ProgrammeStanding, user: User, by: AnyUser
) -> Programme:
    """Name another national lead of the programme (an active person, not an API client)."""
    require_programme_manage(standing, "name national leads")
    if not user.is_active or getattr(user, "api_client", None) is not None:
        raise ValidationError({"user": ["Only an active person can be a national lead."]})
    standing.programme.national_leads.add(user)
    return standing.programme


@transaction.atomic
def programme_national_lead_remove(
    *, standing: ProgrammeStanding, user: User, by: AnyUser
) -> Programme:
    """Remove a national lead; a programme keeps at least one (administrators always manage)."""
    require_programme_manage(standing, "remove national leads")
    leads = standing.programme.national_leads
    if leads.filter(pk=user.pk).exists() and leads.count() <= 1:
        raise ValidationError({"user": ["A programme needs at least one national lead."]})
    leads.remove(user)
    return standing.programme
