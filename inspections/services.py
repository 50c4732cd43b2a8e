"""Writes for regions, frameworks and inspections. Each runs in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction

from core.typing import User
from inspections.framework_schema import FRAMEWORK_SCHEMA
from inspections.models import (
    PDU,
    ContextFact,
    Framework,
    Inspection,
    Membership,
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


@transaction.atomic
def inspection_create(
    *,
    slug: str,
    region: Region,
    title: str,
    framework: Framework,
    case_window_start: date,
    case_window_end: date,
    fieldwork_start: date | None = None,
    fieldwork_end: date | None = None,
    lead: User | None = None,
) -> Inspection:
    inspection = Inspection(
        slug=slug,
        region=region,
        title=title,
        framework=framework,
        case_window_start=case_window_start,
        case_window_end=case_window_end,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
    )
    inspection.full_clean()
    if case_window_end < case_window_start:
        raise ValidationError({"case_window_end": "The window must end on or after its start."})
    inspection.save()
    if lead is not None:
        Membership.objects.create(inspection=inspection, user=lead, role=Membership.Role.LEAD)
    return inspection


@transaction.atomic
def membership_set(*, inspection: Inspection, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        inspection=inspection, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def context_facts_replace(*, inspection: Inspection, facts: list[dict[str, str]]) -> None:
    inspection.context_facts.all().delete()
    ContextFact.objects.bulk_create(
        ContextFact(inspection=inspection, order=i, **fact) for i, fact in enumerate(facts, 1)
    )


@transaction.atomic
def recommendations_replace(
    *, inspection: Inspection, addressee: str, texts: list[str]
) -> list[Recommendation]:
    inspection.recommendations.filter(addressee=addressee).delete()
    return Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, addressee=addressee, number=i, text=text)
        for i, text in enumerate(texts, 1)
    )
