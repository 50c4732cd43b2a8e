"""The South West 2025 demo inspection: what is not case data, as the report publishes it.

Case-level data (profiles, answers, rationales) is in south_west_2025_cases.json; every
case-derived figure of the report is computed from it by the scoring engine.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict


class RegionSpec(TypedDict):
    name: str
    slug: str
    pdus: list[tuple[str, str]]


class InspectionSpec(TypedDict):
    slug: str
    title: str
    case_window_start: date
    case_window_end: date
    fieldwork_start: date | None
    fieldwork_end: date | None


REGION: RegionSpec = {
    "name": "South West",
    "slug": "south-west",
    "pdus": [
        ("CIS", "Cornwall & Isles of Scilly"),
        ("DTB", "Devon & Torbay"),
        ("DOR", "Dorset"),
        ("PLY", "Plymouth"),
        ("BNS", "Bath & North Somerset"),
        ("BSG", "Bristol & South Gloucestershire"),
        ("GLO", "Gloucestershire"),
        ("SOM", "Somerset"),
        ("SWI", "Swindon & Wiltshire"),
    ],
}

INSPECTION: InspectionSpec = {
    "slug": "south-west-2025",
    "title": "Dynamic Inspection of Public Protection in South West region",
    "case_window_start": date(2025, 4, 28),
    "case_window_end": date(2025, 5, 9),
    # The published report gives neither the fieldwork dates nor (its "Published:" line is
    # blank in the copy we have) the publication date: unknown, so left empty, never invented.
    "fieldwork_start": None,
    "fieldwork_end": None,
}

_SOURCE_STATS = "https://www.gov.uk/government/collections/offender-management-statistics-quarterly"
_SOURCE_MAPPA = (
    "https://www.gov.uk/government/collections/"
    "multi-agency-public-protection-arrangements-mappa-annual-reports"
)
_SOURCE_PERF = (
    "https://www.gov.uk/government/statistics/community-performance-annual-update-to-march-2025"
)
_SOURCE_WORKFORCE = (
    "Workforce data included in this report come from internal management information and some "
    "of these data have been derived from a different data source to the published HMPPS "
    "Workforce Statistics bulletin and accompanying Probation Officer Recruitment Annex. The "
    "Inspectorate needs access to the latest data available and internal management information "
    "is deemed the best source to allow this. As such, there could be discrepancies between the "
    "data in this report and the data contained in the publication."
)
# Labels and values exactly as the published report prints them (tests/test_demo_reproduces_report
# checks each against the text, footnote numbers included).
_STAFFING = "Staffing level (Staff in post full time equivalent (FTE))"
_CASELOAD = "Average Caseload at the point of inspection (FTE)"
_TWELVE_MONTHS = "in the 12 months prior to inspection"

CONTEXT_FACTS = [
    {
        "label": "Number of people supervised",
        # Printed "116,821": footnote 1, then the value.
        "value": "16,821",
        "as_at": "on 30 June 2025",
        "source": _SOURCE_STATS,
        "group": "",
    },
    {
        "label": "MAPPA-eligible offenders",
        "value": "7,963",
        "as_at": "on 31 March 2025",
        "source": _SOURCE_MAPPA,
        "group": "",
    },
    {
        "label": "Victim satisfaction performance SL021",
        "value": "72.9%",
        "as_at": "April 2024 – March 2025",
        "source": _SOURCE_PERF,
        "group": "",
    },
    {
        # As published: "(PSO)" after senior probation officer is the report's own slip.
        "label": "Senior probation officer (PSO)",
        "value": "88%",
        "as_at": "",
        "source": _SOURCE_WORKFORCE,
        "group": _STAFFING,
    },
    {
        "label": "Probation officer (PO)",
        "value": "89%",
        "as_at": "",
        "source": _SOURCE_WORKFORCE,
        "group": _STAFFING,
    },
    {
        "label": "Probation services officer (inc. Professional Qualification in Probation (PQiP))",
        "value": "85%",
        "as_at": "",
        "source": _SOURCE_WORKFORCE,
        "group": _STAFFING,
    },
    {"label": "PO", "value": "36.21", "as_at": "", "source": "", "group": _CASELOAD},
    {"label": "PSO (exc. PQiP)", "value": "48.49", "as_at": "", "source": "", "group": _CASELOAD},
    {"label": "PQiP", "value": "35.31", "as_at": "", "source": "", "group": _CASELOAD},
    {
        "label": "Recall rates",
        "value": "21.47%",
        "as_at": _TWELVE_MONTHS,
        "source": "",
        "group": "",
    },
    {
        "label": "Average rehabilitation activity requirement (RAR) wait time",
        "value": "Not available",
        "as_at": _TWELVE_MONTHS,
        "source": "",
        "group": "",
    },
    {
        "label": "Percentage of RAR days completed",
        "value": "51%",
        "as_at": _TWELVE_MONTHS,
        "source": "",
        "group": "",
    },
    {
        "label": "Percentage of accredited programme requirements completed for individuals "
        "convicted of a sexual offence",
        "value": "19.71%",
        "as_at": _TWELVE_MONTHS,
        "source": "",
        "group": "",
    },
    {
        "label": "Percentage of accredited programme requirements completed for individuals not "
        "convicted of a sexual offence",
        "value": "40.24%",
        "as_at": _TWELVE_MONTHS,
        "source": "",
        "group": "",
    },
]

REGIONAL_RECOMMENDATIONS = [
    "Ensure mechanisms are in place to provide effective governance, assurance, and oversight of "
    "MAPPA-eligible cases at all levels.",
    "Evaluate and strengthen the delivery of interventions and services to support public "
    "protection practice.",
    "Complete a learning needs analysis with PSO, PO and SPO grades, to understand their skills, "
    "confidence, and knowledge to adequately assess, work with, and review risk of harm to "
    "others, and ensure effective training is provided to meet these needs.",
]

HMPPS_RECOMMENDATIONS = [
    "Develop a national strategic approach to information sharing with police and children's "
    "services to support regions in achieving consistency and compliance with legislation to "
    "obtain and use information to protect the public.",
    "Evaluate current national performance metrics to determine whether they drive quality "
    "public protection practice and consider how to embed public protection-specific metrics in "
    "dashboards to enable leaders to monitor quality and impact effectively.",
    "Reduce vetting delays and address workforce instability by implementing streamlined and "
    "more responsive recruitment processes.",
]

# Demo accounts (documented in the README). Synthetic people; demo passwords only.
USERS = [
    {
        "username": "admin",
        "password": "admin-demo-2025",
        "first_name": "Ada",
        "last_name": "Admin",
        "role": "admin",
    },
    {
        "username": "lead",
        "password": "lead-demo-2025",
        "first_name": "Lee",
        "last_name": "Lead",
        "role": "lead",
    },
    {
        # The national lead of the demo programme "DIPP 2025-26" (demo.programme): sees every
        # inspection's figures in it; the lead above is a regional lead (the South West's).
        "username": "national",
        "password": "national-demo-2025",
        "first_name": "Nia",
        "last_name": "National",
        "role": "national",
    },
    {
        "username": "inspector1",
        "password": "inspector-demo-2025",
        "first_name": "Ira",
        "last_name": "One",
        "role": "inspector",
    },
    {
        "username": "inspector2",
        "password": "inspector-demo-2025",
        "first_name": "Ivy",
        "last_name": "Two",
        "role": "inspector",
    },
    {
        "username": "inspector3",
        "password": "inspector-demo-2025",
        "first_name": "Ian",
        "last_name": "Three",
        "role": "inspector",
    },
]
