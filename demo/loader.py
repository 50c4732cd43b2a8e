"""Load the South West 2025 demo inspection. Idempotent: a second run changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cases.models import Answer, AnswerChange, Case, ModerationReview
from cases.services import answers_bulk_create, cases_bulk_create
from core.typing import User
from demo import south_west_2025 as demo
from demo.programme import demo_programme_ensure
from demo.report import demo_report_write
from demo.synthetic import synthetic_inspection_create
from inspections.models import (
    Baseline,
    Inspection,
    Membership,
    Programme,
    Question,
    Recommendation,
)
from inspections.services import (
    DEFAULT_FRAMEWORK_FILE,
    baseline_set,
    context_facts_replace,
    framework_load_file,
    inspection_create,
    membership_set,
    recommendations_replace,
    region_ensure,
)

DEMO_DIR = Path(__file__).resolve().parent
FRAMEWORK_FILE = DEFAULT_FRAMEWORK_FILE
CASES_FILE = DEMO_DIR / "south_west_2025_cases.json"


@dataclass(frozen=True)
class DemoLoadResult:
    inspection: Inspection
    created: bool
    cases: int
    answers: int
    programme: Programme
    programme_created: bool


def demo_users_ensure() -> dict[str, User]:
    """Create the documented demo accounts if missing (passwords are not reset if changed)."""
    users = {}
    for spec in demo.USERS:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "is_staff": spec["role"] == "admin",
                "is_superuser": spec["role"] == "admin",
            },
        )
        if created:
            user.set_password(spec["password"])
            user.save(update_fields=["password"])
        users[spec["username"]] = user
    return users


# Every fourth demo case was double-marked by the lead. On three of them the lead disagreed on
# one key question; the inspector corrected it, so the stored (counted) answer is the moderated
# one and the inspector's first judgement survives in the review and the answer's history.
_DOUBLE_MARKED_EVERY = 4
_DISAGREEMENTS = {
    "DEMO-004": (
        "C1",
        "The assessment did not use the police domestic abuse call-outs that were "
        "on file; the risk to the ex-partner is not analysed.",
    ),
    "DEMO-020": (
        "C3",
        "Home visits were planned but none took place, and the victim safety "
        "plan was not reviewed after the breach.",
    ),
    "DEMO-044": (
        "C4",
        "The review after the change of address did not revisit the children's "
        "services information; it repeats the earlier plan.",
    ),
}


def demo_moderation_write(*, cases: list[Case], lead: User) -> None:
    """First-round moderation reviews of the double-marked demo cases (key questions only)."""
    keys = list(Question.objects.filter(framework=cases[0].inspection.framework, kind="key"))
    reviewed = cases[_DOUBLE_MARKED_EVERY - 1 :: _DOUBLE_MARKED_EVERY]
    assert set(_DISAGREEMENTS) <= {c.reference for c in reviewed}
    for case in reviewed:
        case.second_marker = lead
    Case.objects.bulk_update(reviewed, ["second_marker"])
    answers = {
        (a.case_id, a.question_id): a
        for a in Answer.objects.filter(case__in=reviewed, question__in=keys)
    }
    reviews = []
    for case in reviewed:
        disputed = _DISAGREEMENTS.get(case.reference)
        for question in keys:
            final = answers[(case.pk, question.pk)]
            if disputed and disputed[0] == question.code:
                first = "yes" if final.value == "no" else "no"
                reviews.append(
                    ModerationReview(
                        case=case,
                        question=question,
                        reviewer=lead,
                        marker=case.inspector,
                        agrees=False,
                        inspector_value=first,
                        moderator_value=final.value,
                        comment=disputed[1],
                        round=1,
                    )
                )
                # History: the inspector's first judgement, then the correction.
                AnswerChange.objects.filter(answer=final).update(new_value=first)
                AnswerChange.objects.create(
                    answer=final,
                    case=case,
                    question=question,
                    old_value=first,
                    new_value=final.value,
                    old_rationale=final.rationale,
                    new_rationale=final.rationale,
                    changed_by=case.inspector,
                    reason="Corrected after moderation: " + disputed[1],
                    source="demo",
                )
            else:
                reviews.append(
                    ModerationReview(
                        case=case,
                        question=question,
                        reviewer=lead,
                        marker=case.inspector,
                        agrees=True,
                        inspector_value=final.value,
                        moderator_value=final.value,
                        round=1,
                    )
                )
    ModerationReview.objects.bulk_create(reviews)


@transaction.atomic
def demo_load() -> DemoLoadResult:
    region = region_ensure(
        name=demo.REGION["name"], slug=demo.REGION["slug"], pdus=demo.REGION["pdus"]
    )
    framework = framework_load_file(path=FRAMEWORK_FILE).framework
    users = demo_users_ensure()
    inspection = Inspection.objects.filter(slug=demo.INSPECTION["slug"]).first()
    if inspection is not None:
        demo_report_write(inspection)  # an older demo database gains the report narrative
        demo_baseline_write(inspection, lead=users["lead"])  # ... and its synthetic baseline
        # ... and the programme with the synthetic regions.
        programme, programme_created = demo_programme_ensure(
            south_west=inspection, national=users["national"]
        )
        return DemoLoadResult(
            inspection=inspection,
            created=False,
            cases=inspection.cases.count(),
            answers=Answer.objects.filter(case__inspection=inspection).count(),
            programme=programme,
            programme_created=programme_created,
        )

    inspection = inspection_create(
        region=region, framework=framework, lead=users["lead"], **demo.INSPECTION
    )
    inspectors = [u for name, u in users.items() if name.startswith("inspector")]
    for inspector in inspectors:
        membership_set(inspection=inspection, user=inspector, role=Membership.Role.INSPECTOR)
    context_facts_replace(inspection=inspection, facts=demo.CONTEXT_FACTS)
    recommendations_replace(
        inspection=inspection,
        addressee=Recommendation.Addressee.REGION,
        texts=demo.REGIONAL_RECOMMENDATIONS,
    )
    recommendations_replace(
        inspection=inspection,
        addressee=Recommendation.Addressee.HMPPS,
        texts=demo.HMPPS_RECOMMENDATIONS,
    )

    data = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    pdus = {p.code: p for p in region.pdus.all()}
    profiles = []
    for n, raw in enumerate(data["cases"]):
        profile = {k: v for k, v in raw.items() if k != "answers"}
        profile["pdu"] = pdus[profile["pdu"]]
        profile["inspector"] = inspectors[n % len(inspectors)]
        profile["status"] = Case.Status.MODERATED
        profiles.append(profile)
    cases = cases_bulk_create(inspection=inspection, profiles=profiles)
    questions = {q.code: q for q in framework.questions.all()}
    rows = [
        (case, questions[code], value, rationale, case.inspector)
        for case, raw in zip(cases, data["cases"], strict=True)
        for code, (value, rationale) in raw["answers"].items()
    ]
    answers = answers_bulk_create(rows=rows, source="demo")
    demo_moderation_write(cases=cases, lead=users["lead"])
    # Every case is moderated and the narrative written: the demo is at the reporting stage.
    inspection.status = Inspection.Status.REPORTING
    inspection.save(update_fields=["status"])
    demo_report_write(inspection)
    demo_baseline_write(inspection, lead=users["lead"])
    programme, programme_created = demo_programme_ensure(
        south_west=inspection, national=users["national"]
    )
    return DemoLoadResult(
        inspection=inspection,
        created=True,
        cases=len(cases),
        answers=answers,
        programme=programme,
        programme_created=programme_created,
    )


SYNTHETIC_BASELINE_SLUG = "south-west-earlier-synthetic"
SYNTHETIC_BASELINE_TITLE = (
    "SYNTHETIC earlier inspection of the South West region (invented data for the demo; "
    "not the 2023 inspection)"
)


def demo_baseline_write(inspection: Inspection, *, lead: User) -> Inspection:
    """A synthetic earlier inspection of the same region, named as the demo's baseline.

    The published report gives no key-question figures for the 2023 inspection, so none are
    invented for it: this earlier inspection is plainly synthetic (its title says so on every
    page that shows it), made by the synthetic generator, and exists only to show the
    comparison. The South West's own figures are untouched.
    """
    earlier = Inspection.objects.filter(slug=SYNTHETIC_BASELINE_SLUG).first()
    if earlier is None:
        earlier = synthetic_inspection_create(
            slug=SYNTHETIC_BASELINE_SLUG,
            cases=64,
            seed=2023,
            region=inspection.region,
            framework=inspection.framework,
        )
        earlier.title = SYNTHETIC_BASELINE_TITLE
        earlier.save(update_fields=["title"])
        membership_set(inspection=earlier, user=lead, role=Membership.Role.LEAD)
    elif not earlier.synthetic:
        # Made by an older demo, before inspections carried the flag: a data fix, once.
        earlier.synthetic = True
        earlier.save(update_fields=["synthetic"])
    if not Baseline.objects.filter(inspection=inspection).exists():
        baseline_set(inspection=inspection, by=lead, previous_slug=earlier.slug)
    return earlier
