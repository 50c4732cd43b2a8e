"""Regenerate demo/south_west_2025_cases.json (the demo's 64 synthetic cases).

The cases are synthetic: their profile mix and answers are drawn (seeded, so reproducible) to
match the distribution the South West 2025 report publishes, and their rationales come from
demo/rationales.json. The application never reads the targets below: it scores the
generated case-level answers like any other inspection's, and the test suite checks the result
against the report's wording. Run: python scripts/build_demo_cases.py
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
FRAMEWORK = ROOT / "inspections" / "frameworks" / "dipp-v1.json"

PDUS = ["CIS", "DTB", "DOR", "PLY", "BNS", "BSG", "GLO", "SOM", "SWI"]
N = 64
# Yes counts the case mix is drawn to (the report's published findings, read as counts).
KEY_YES = {"C1": 29, "C2": 38, "C3": 19, "C4": 25}
# Supplementary question -> (case flag, yes count among flagged cases).
SUPP_YES = {
    "S1": ("court_work", 26),
    "S2": ("court_work", 30),
    "S3": ("curfew_considered", 15),
    "S4": ("released_from_custody", 10),
    "S5": ("risk_to_children", 27),
    "S6": ("mappa_eligible", 8),
    "S7": ("mappa_eligible", 16),
    "S8": ("oversight_required", 14),
    "S9": ("practitioner_interviewed", 45),
}
# Chance that a prompt which allows it is not applicable to a case.
PROMPT_NA = {"C1c": 0.08, "C2c": 0.05, "C3b": 0.1, "C3c": 0.15, "C3d": 0.15, "C4b": 0.1}


def main() -> None:
    rng = random.Random(20250428)
    bank = json.loads((DEMO / "rationales.json").read_text())
    framework = json.loads(FRAMEWORK.read_text())
    prompts = {k["code"]: [p["code"] for p in k["prompts"]] for k in framework["key_questions"]}

    order = list(range(N))
    rng.shuffle(order)
    pdu_of = [PDUS[i % len(PDUS)] for i in range(N)]

    def pick(count: int, pool: list[int]) -> set[int]:
        return set(rng.sample(pool, count))

    everyone = list(range(N))
    licence = pick(17, everyone)
    community = [i for i in everyone if i not in licence]
    court = pick(44, community)
    curfew = pick(18, sorted(court))
    children = pick(57, everyone)
    interviewed = pick(48, everyone)
    mappa = pick(22, everyone)
    mappa_sorted = sorted(mappa)
    level2, level3 = mappa_sorted[0], mappa_sorted[1]
    # RoSH: MAPPA level 2/3 cases are high or very high; three cases have no RoSH assessment.
    rosh = {}
    rest = [i for i in everyone if i not in (level2, level3)]
    rng.shuffle(rest)
    rosh[level2], rosh[level3] = "high", "very_high"
    for i in rest[:3]:
        rosh[i] = "low"
    for i in rest[3:43]:
        rosh[i] = "medium"
    for i in rest[43:56]:
        rosh[i] = "high"
    for i in rest[56:59]:
        rosh[i] = "very_high"
    for i in rest[59:62]:
        rosh[i] = "not_assessed"

    quality = [rng.gauss(0, 1) for _ in everyone]
    key_yes: dict[str, set[int]] = {}
    for code, yes in KEY_YES.items():
        ranked = sorted(everyone, key=lambda i: quality[i] + rng.gauss(0, 0.8), reverse=True)
        key_yes[code] = set(ranked[:yes])

    counters: dict[tuple[str, str], int] = {}

    def rationale(code: str, value: str) -> str:
        options = bank[code][value]
        k = counters.get((code, value), rng.randrange(len(options)))
        counters[(code, value)] = k + 1
        return str(options[k % len(options)])

    flags_of = {
        "court_work": court,
        "curfew_considered": curfew,
        "released_from_custody": licence,
        "risk_to_children": children,
        "mappa_eligible": mappa,
        "oversight_required": set(everyone),
        "practitioner_interviewed": interviewed,
    }
    supp_yes = {}
    for code, (flag, yes) in SUPP_YES.items():
        pool = sorted(flags_of[flag])
        ranked = sorted(pool, key=lambda i: quality[i] + rng.gauss(0, 1.2), reverse=True)
        supp_yes[code] = set(ranked[:yes])

    grades = ["po"] * 34 + ["pso"] * 20 + ["pqip"] * 10
    rng.shuffle(grades)
    start = date(2025, 4, 28)
    cases = []
    for n, i in enumerate(order, 1):
        answers: dict[str, list[str]] = {}
        for key, prompt_codes in prompts.items():
            key_value = "yes" if i in key_yes[key] else "no"
            values = {}
            for p in prompt_codes:
                if p in PROMPT_NA and rng.random() < PROMPT_NA[p]:
                    values[p] = "na"
                elif key_value == "yes":
                    values[p] = "yes" if rng.random() < 0.88 else "no"
                else:
                    values[p] = "no" if rng.random() < 0.6 else "yes"
            if key_value == "no" and "no" not in values.values():
                values[prompt_codes[0]] = "no"  # an insufficient judgement has a reason
            for p in prompt_codes:
                answers[p] = [values[p], rationale(p, values[p])]
            answers[key] = [key_value, rationale(key, key_value)]
        for code, (flag, _) in SUPP_YES.items():
            if i in flags_of[flag]:
                value = "yes" if i in supp_yes[code] else "no"
                answers[code] = [value, rationale(code, value)]
        is_licence = i in licence
        sexual = i in mappa and rng.random() < 0.35
        cases.append(
            {
                "reference": f"DEMO-{n:03d}",
                "pdu": pdu_of[n - 1],
                "commenced_on": (start + timedelta(days=rng.randrange(12))).isoformat(),
                "sentence_type": (
                    rng.choice(["licence", "licence", "post_sentence_supervision"])
                    if is_licence
                    else rng.choice(
                        ["community_order", "community_order", "suspended_sentence_order"]
                    )
                ),
                "setting": "custody_licence" if is_licence else "community",
                "rosh": rosh[i],
                "mappa_eligible": i in mappa,
                "mappa_category": (1 if sexual else rng.choice([2, 2, 2, 3]))
                if i in mappa
                else None,
                "mappa_level": (2 if i == level2 else 3 if i == level3 else 1)
                if i in mappa
                else None,
                "practitioner_grade": grades[n - 1],
                "adjusted_questions": False,
                "court_work": i in court,
                "curfew_considered": i in curfew,
                "released_from_custody": is_licence,
                "risk_to_children": i in children,
                "oversight_required": True,
                "practitioner_interviewed": i in interviewed,
                "domestic_abuse": rng.random() < 0.55,
                "child_safeguarding": i in children and rng.random() < 0.4,
                "sexual_harm": sexual,
                "violence": rng.random() < 0.5,
                "answers": answers,
            }
        )
    out = DEMO / "south_west_2025_cases.json"
    out.write_text(json.dumps({"cases": cases}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
