"""The demo programme "DIPP 2025-26": the South West inspection beside synthetic inspections of
seven other regions of England and Wales, so that the programme's pages, API, funnel plots and
report have something to show.

Everything here except the South West is invented: generated from fixed seeds (the same figures
on every run), marked `Inspection.synthetic`, and labelled as synthetic on every page and in every
report that shows it. The South West's own data are untouched (demo.loader loads them).

The generator works like a user would, through the services: the national lead (the demo
account "national", in the "National leads" group) creates the programme and adds the
inspections; each synthetic inspection is created, its cases imported in bulk and answered, and
moved through the lifecycle by the lifecycle service. Publishing is the one step set directly:
a real inspection is published by building its report (a PDF, seconds of work each) and freezing
it (reports.services.report_publish); a synthetic one is moved to published without a report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from cases.models import Case
from cases.services import answers_bulk_create, cases_bulk_create
from cases.services.answers import BulkRow
from cases.services.lifecycle import inspection_move
from core.typing import User
from inspections.access import NATIONAL_LEAD_GROUP, programme_standing_get
from inspections.models import (
    Framework,
    Inspection,
    InspectionEvent,
    Programme,
    Question,
    Recommendation,
)
from inspections.services import (
    context_facts_replace,
    inspection_create,
    inspection_event,
    programme_create,
    programme_inspection_add,
    recommendations_replace,
    region_ensure,
)

PROGRAMME_NAME = "DIPP 2025-26"
PROGRAMME_SLUG = "dipp-2025-26"
PROGRAMME_DESCRIPTION = (
    "Dynamic Inspection of Public Protection: every probation region of England and Wales "
    "inspected in turn on one framework. In this demo only the South West inspection is real; "
    "the other regions' inspections are synthetic (generated for demonstration)."
)

# The account that leads and inspects every synthetic inspection: invented, and never signed in
# as (no usable password). The demo's people keep their own lists of inspections as they were.
SYNTHETIC_USERNAME = "synthetic"

SUPPLEMENTARY_OFFSET = {
    # How far each supplementary question's Yes rate sits from a region's key-question average:
    # invented, but in the shape of the South West's (practitioners' confidence high, MAPPA
    # coordination and management oversight low).
    "S1": 0.25,
    "S2": 0.10,
    "S3": 0.00,
    "S4": 0.05,
    "S5": -0.05,
    "S6": -0.15,
    "S7": 0.20,
    "S8": -0.22,
    "S9": 0.35,
}
# Prompts (C1a, C3d, ...) are answered Yes a little more often than their key question.
PROMPT_OFFSET = 0.12
# Share of N/A answers where a question allows N/A.
NA_SHARE = 0.06


@dataclass(frozen=True)
class SyntheticRegion:
    name: str
    slug: str
    prefix: str  # case references: NE-001, ...
    pdus: list[tuple[str, str]]
    cases: int
    seed: int
    status: str  # where the inspection stands: published, reporting or fieldwork
    window_start: date
    key_rates: dict[str, float]  # the share of relevant cases answered Yes, per key question
    recommendations: list[str]


_PUB = Inspection.Status.PUBLISHED

# Rates are chosen so that the funnel plots show spread, with one region (Kent, Surrey and
# Sussex) far below the others on C1 (assessment): outside the 99.8% limits, so the plain words
# name it. The tests count it from the generated answers.
REGIONS: list[SyntheticRegion] = [
    SyntheticRegion(
        name="North East",
        slug="north-east",
        prefix="NE",
        pdus=[
            ("CDD", "County Durham & Darlington"),
            ("GST", "Gateshead & South Tyneside"),
            ("NCL", "Newcastle upon Tyne"),
            ("NNT", "Northumberland & North Tyneside"),
            ("RCM", "Redcar, Cleveland & Middlesbrough"),
            ("STH", "Stockton & Hartlepool"),
            ("SUN", "Sunderland"),
        ],
        cases=56,
        seed=1401,
        status=_PUB,
        window_start=date(2025, 6, 2),
        key_rates={"C1": 0.53, "C2": 0.50, "C3": 0.55, "C4": 0.47},
        recommendations=[
            "Strengthen the use of information from police and children's services in every "
            "assessment of risk of harm.",
            "Ensure management oversight of high risk of serious harm cases is recorded and "
            "makes a difference to the work.",
        ],
    ),
    SyntheticRegion(
        name="Greater Manchester",
        slug="greater-manchester",
        prefix="GM",
        pdus=[
            ("BOL", "Bolton"),
            ("MNN", "Manchester North"),
            ("MNS", "Manchester South"),
            ("OLD", "Oldham"),
            ("SAL", "Salford"),
            ("STT", "Stockport & Trafford"),
            ("WIG", "Wigan"),
        ],
        cases=84,
        seed=1402,
        status=_PUB,
        window_start=date(2025, 7, 7),
        key_rates={"C1": 0.41, "C2": 0.45, "C3": 0.34, "C4": 0.39},
        recommendations=[
            "Reduce the time taken to complete domestic abuse and safeguarding enquiries.",
            "Review the delivery of structured interventions so that they support the management "
            "of risk of harm.",
            "Develop a workforce plan that addresses vacancies in the probation officer grade.",
        ],
    ),
    SyntheticRegion(
        name="Yorkshire and the Humber",
        slug="yorkshire-and-the-humber",
        prefix="YH",
        pdus=[
            ("BRC", "Bradford & Calderdale"),
            ("HER", "Hull & East Riding"),
            ("KIR", "Kirklees"),
            ("LDS", "Leeds"),
            ("NYO", "North Yorkshire"),
            ("SHF", "Sheffield"),
        ],
        cases=68,
        seed=1403,
        status=_PUB,
        window_start=date(2025, 9, 8),
        key_rates={"C1": 0.48, "C2": 0.52, "C3": 0.40, "C4": 0.44},
        recommendations=[
            "Ensure plans address the risks identified in the assessment, including risks to "
            "children.",
        ],
    ),
    SyntheticRegion(
        name="London",
        slug="london",
        prefix="LDN",
        pdus=[
            ("BBE", "Barnet, Brent & Enfield"),
            ("CAI", "Camden & Islington"),
            ("CRO", "Croydon"),
            ("EAH", "Ealing & Hillingdon"),
            ("HAC", "Hackney & City"),
            ("LAM", "Lambeth"),
            ("SWK", "Southwark"),
            ("WKC", "Westminster, Kensington & Chelsea"),
        ],
        cases=88,
        seed=1404,
        status=_PUB,
        window_start=date(2025, 10, 6),
        key_rates={"C1": 0.45, "C2": 0.48, "C3": 0.38, "C4": 0.42},
        recommendations=[
            "Improve the quality and timeliness of reviews after a significant change in a case.",
            "Ensure MAPPA level 1 cases are reviewed as the guidance requires.",
        ],
    ),
    SyntheticRegion(
        name="Kent, Surrey and Sussex",
        slug="kent-surrey-and-sussex",
        prefix="KSS",
        pdus=[
            ("BRH", "Brighton & Hove"),
            ("KEE", "Kent East"),
            ("KEW", "Kent West"),
            ("SUR", "Surrey"),
            ("SXE", "Sussex East"),
            ("SXW", "Sussex West"),
        ],
        cases=62,
        seed=1405,
        status=_PUB,
        window_start=date(2025, 11, 3),
        key_rates={"C1": 0.16, "C2": 0.40, "C3": 0.36, "C4": 0.38},
        recommendations=[
            "Put in place a plan to improve the quality of assessment of risk of harm in every "
            "PDU, with training for practitioners and their managers.",
            "Ensure information from partner agencies is requested, received and used before an "
            "assessment is completed.",
        ],
    ),
    SyntheticRegion(
        name="East of England",
        slug="east-of-england",
        prefix="EOE",
        pdus=[
            ("BED", "Bedfordshire"),
            ("CAP", "Cambridgeshire & Peterborough"),
            ("ESN", "Essex North"),
            ("ESS", "Essex South"),
            ("HRT", "Hertfordshire"),
            ("NOR", "Norfolk"),
            ("SUF", "Suffolk"),
        ],
        cases=52,
        seed=1406,
        status=Inspection.Status.REPORTING,
        window_start=date(2026, 1, 12),
        key_rates={"C1": 0.44, "C2": 0.42, "C3": 0.37, "C4": 0.41},
        recommendations=[
            "Ensure victim safety is considered in every plan where domestic abuse is a factor.",
        ],
    ),
    SyntheticRegion(
        name="Wales",
        slug="wales",
        prefix="WAL",
        pdus=[
            ("CAV", "Cardiff & Vale"),
            ("CTM", "Cwm Taf Morgannwg"),
            ("DYP", "Dyfed-Powys"),
            ("GWE", "Gwent"),
            ("NWA", "North Wales"),
            ("SNP", "Swansea, Neath Port Talbot"),
        ],
        cases=44,
        seed=1407,
        status=Inspection.Status.FIELDWORK,
        window_start=date(2026, 2, 9),
        key_rates={"C1": 0.50, "C2": 0.47, "C3": 0.45, "C4": 0.49},
        recommendations=[
            "Ensure pre-release work with prisons supports safe release plans.",
            "Strengthen joint working with children's services across the region's local "
            "authorities.",
        ],
    ),
]

# In a fieldwork inspection, this share of the cases is still being worked on (answered, not yet
# submitted).
IN_PROGRESS_SHARE = 0.25
# The lead moderates every fourth case of the other inspections.
MODERATED_EVERY = 4


def _clamp(rate: float) -> float:
    return min(0.95, max(0.05, rate))


def question_rate(spec: SyntheticRegion, question: Question) -> float:
    """The share of Yes answers a synthetic region has on a question (before N/A)."""
    if question.code in spec.key_rates:
        return spec.key_rates[question.code]
    key = question.code[:2]
    if key in spec.key_rates:  # a prompt of a key question (C1a, ...)
        return _clamp(spec.key_rates[key] + PROMPT_OFFSET)
    average = sum(spec.key_rates.values()) / len(spec.key_rates)
    return _clamp(average + SUPPLEMENTARY_OFFSET.get(question.code, 0.0))


def _profiles(
    spec: SyntheticRegion, rng: random.Random, pdus: list[Any], team: User
) -> list[dict[str, Any]]:
    profiles = []
    in_progress = round(spec.cases * IN_PROGRESS_SHARE)
    # Statuses at import, as an inspection at that stage has them; the lifecycle service then
    # checks them (every case allocated, submitted or moderated) when the inspection moves on.
    for n in range(1, spec.cases + 1):
        mappa = rng.random() < 0.34
        released = rng.random() < 0.27
        if spec.status == Inspection.Status.FIELDWORK:
            status = Case.Status.IN_PROGRESS if n > spec.cases - in_progress else "submitted"
        else:
            status = "moderated" if n % MODERATED_EVERY == 0 else "submitted"
        profiles.append(
            {
                "reference": f"{spec.prefix}-{n:03d}",
                "pdu": pdus[rng.randrange(len(pdus))],
                "commenced_on": spec.window_start + timedelta(days=rng.randrange(12)),
                "sentence_type": Case.SentenceType.LICENCE
                if released
                else rng.choice([Case.SentenceType.COMMUNITY_ORDER, Case.SentenceType.SUSPENDED]),
                "setting": Case.Setting.CUSTODY_LICENCE if released else Case.Setting.COMMUNITY,
                "rosh": rng.choices([c.value for c in Case.Rosh], weights=[5, 62, 23, 5, 5])[0],
                "mappa_eligible": mappa,
                "mappa_category": rng.choice([1, 2, 2, 3]) if mappa else None,
                "mappa_level": rng.choices([1, 2, 3], weights=[90, 8, 2])[0] if mappa else None,
                "practitioner_grade": rng.choice([c.value for c in Case.Grade][:3]),
                "court_work": not released and rng.random() < 0.9,
                "curfew_considered": rng.random() < 0.28,
                "released_from_custody": released,
                "risk_to_children": rng.random() < 0.85,
                "oversight_required": True,
                "practitioner_interviewed": rng.random() < 0.75,
                "domestic_abuse": rng.random() < 0.5,
                "child_safeguarding": rng.random() < 0.3,
                "sexual_harm": rng.random() < 0.15,
                "violence": rng.random() < 0.5,
                "inspector": team,
                "status": status,
            }
        )
    return profiles


_RATIONALE = {
    "yes": "Synthetic rationale: sufficient for this question on the evidence recorded.",
    "no": "Synthetic rationale: not sufficient; the evidence recorded falls short.",
    "na": "Synthetic rationale: not applicable to this case.",
}


def _answer_rows(
    spec: SyntheticRegion,
    rng: random.Random,
    cases: list[Case],
    questions: list[Question],
    team: User,
) -> list[BulkRow]:
    """Every applicable question answered. The number of Yes answers to a question is the
    region's rate of its relevant cases, rounded (so the figures are what the table above says);
    which cases say Yes follows a per-case quality drawn once, so that a case strong on one
    question tends to be strong on the others."""
    quality = {case.pk: rng.random() for case in cases}
    rows: list[BulkRow] = []
    for question in questions:
        applicable = [c for c in cases if c.question_applies(question)]
        if not applicable:
            continue
        na: set[int] = set()
        if question.na_allowed:
            na = {c.pk for c in rng.sample(applicable, round(len(applicable) * NA_SHARE))}
        relevant = [c for c in applicable if c.pk not in na]
        ranked = sorted(relevant, key=lambda c: quality[c.pk] + 0.6 * rng.random(), reverse=True)
        yes = {c.pk for c in ranked[: round(len(relevant) * question_rate(spec, question))]}
        for case in applicable:
            value = "na" if case.pk in na else "yes" if case.pk in yes else "no"
            rows.append((case, question, value, _RATIONALE[value], team))
    return rows


def synthetic_team_ensure() -> User:
    user, created = User.objects.get_or_create(
        username=SYNTHETIC_USERNAME,
        defaults={"first_name": "Synthetic", "last_name": "Team (generated)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def synthetic_slug(spec: SyntheticRegion) -> str:
    return f"{spec.slug}-2025-26-synthetic"


def synthetic_region_inspection_create(
    spec: SyntheticRegion, *, framework: Framework, team: User, questions: list[Question]
) -> Inspection:
    region = region_ensure(name=spec.name, slug=spec.slug, pdus=spec.pdus)
    rng = random.Random(spec.seed)
    inspection = inspection_create(
        slug=synthetic_slug(spec),
        region=region,
        title=f"SYNTHETIC Dynamic Inspection of Public Protection in {spec.name} region",
        framework=framework,
        case_window_start=spec.window_start,
        case_window_end=spec.window_start + timedelta(days=11),
        fieldwork_start=spec.window_start + timedelta(days=28),
        fieldwork_end=spec.window_start + timedelta(days=39),
        lead=team,
        synthetic=True,
    )
    pdus = list(region.pdus.all())
    # validate=False: the per-case model validation would cost about 4 s of the demo's load for
    # generated profiles; the database still enforces every invariant (constraints, triggers).
    # history=False: no "first answer" history entry for generated answers (half the rows).
    cases = cases_bulk_create(
        inspection=inspection, profiles=_profiles(spec, rng, pdus, team), validate=False
    )
    answers_bulk_create(
        rows=_answer_rows(spec, rng, cases, questions, team), source="synthetic", history=False
    )
    recommendations_replace(
        inspection=inspection,
        addressee=Recommendation.Addressee.REGION,
        texts=spec.recommendations,
    )
    context_facts_replace(
        inspection=inspection,
        facts=[
            {
                "label": "Number of people supervised",
                "value": f"{rng.randrange(9_000, 26_000):,}",
                "as_at": "on 30 June 2025",
                "source": "Synthetic: generated for the demo",
                "group": "",
            },
            {
                "label": "MAPPA-eligible offenders",
                "value": f"{rng.randrange(3_000, 9_000):,}",
                "as_at": "on 31 March 2025",
                "source": "Synthetic: generated for the demo",
                "group": "",
            },
        ],
    )
    # Forward through the lifecycle service (its guards checked), as the lead would.
    forward = [
        Inspection.Status.FIELDWORK,
        Inspection.Status.MODERATION,
        Inspection.Status.REPORTING,
    ]
    last = Inspection.Status.REPORTING if spec.status == _PUB else spec.status
    for to in forward[: forward.index(Inspection.Status(last)) + 1]:
        inspection = inspection_move(inspection=inspection, to=to, by=team)
    if spec.status == _PUB:
        # Set directly (see the module's docstring): no report is built for synthetic data.
        inspection.publish()
        inspection.save(update_fields=["status"])
        inspection_event(
            inspection=inspection,
            kind=InspectionEvent.Kind.STATUS,
            summary="Published (synthetic data: marked published by the demo loader; "
            "no report was built).",
            by=None,
            data={"from": Inspection.Status.REPORTING, "to": _PUB},
        )
    return inspection


@transaction.atomic
def demo_programme_ensure(*, south_west: Inspection, national: User) -> tuple[Programme, bool]:
    """The demo programme with the South West and the synthetic regions; (programme, created).
    Idempotent: an existing programme is left as it is."""
    existing = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if existing is not None:
        return existing, False
    national.groups.add(Group.objects.get_or_create(name=NATIONAL_LEAD_GROUP)[0])
    # The group's permission is read from the user's permission cache: start from a fresh copy.
    national = User.objects.get(pk=national.pk)
    framework = south_west.framework
    programme = programme_create(
        name=PROGRAMME_NAME,
        slug=PROGRAMME_SLUG,
        framework=framework,
        description=PROGRAMME_DESCRIPTION,
        by=national,
    )
    team = synthetic_team_ensure()
    questions = list(framework.questions.all())
    # A synthetic inspection made by an earlier load (the programme since deleted) is reused.
    made = {i.slug: i for i in Inspection.objects.filter(slug__in=map(synthetic_slug, REGIONS))}
    inspections = [south_west] + [
        made.get(synthetic_slug(spec))
        or synthetic_region_inspection_create(
            spec, framework=framework, team=team, questions=questions
        )
        for spec in REGIONS
    ]
    standing = programme_standing_get(national, programme.slug)
    for inspection in inspections:
        programme_inspection_add(standing=standing, inspection=inspection, by=national)
    return programme, True
