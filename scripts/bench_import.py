"""Benchmark: the CSV case import of 10,000 lines against PostgreSQL COPY of the same rows.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Makes a CSV of --lines synthetic cases (the South
West demo's region and PDUs, a mix of profiles, MAPPA and dates in both accepted forms), then,
--repeat times, interleaved:
  - import: cases_import_csv on a fresh inspection, the whole service (decode, parse, check
    every line, the locked insert), timed end to end; the time the inspection row was locked
    (the insert) is printed separately;
  - floor: COPY of the same rows, as already-typed values, into a scratch table shaped like
    cases_case (no constraints, no triggers, no indexes), then dropped.
Prints both medians and their ratio (target: at most 100x). Each run's inspection is deleted.

    .venv/bin/python scripts/bench_import.py [--lines 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from benchlib import django_ready

SENTENCES = ["community_order", "suspended_sentence_order", "licence", "other"]
ROSH = ["low", "medium", "high", "very_high"]
GRADES = ["po", "pso", "pqip"]


def make_csv(pdu_codes: list[str], lines: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = [
        "reference,pdu,sentence_type,setting,rosh,practitioner_grade,commenced_on,"
        "mappa_category,mappa_level,mappa_eligible,court_work,domestic_abuse\n"
    ]
    start = date(2024, 1, 1)
    for n in range(1, lines + 1):
        when = start + timedelta(days=rng.randrange(500))
        written = when.strftime("%d/%m/%Y") if n % 2 else when.isoformat()
        mappa = rng.random() < 0.3
        setting = rng.choice(["community", "custody_licence"])
        out.append(
            f"BEN-{n:06d},{rng.choice(pdu_codes)},{rng.choice(SENTENCES)},{setting},"
            f"{rng.choice(ROSH)},{rng.choice(GRADES)},{written},"
            f"{rng.randint(1, 3) if mappa else ''},{rng.randint(1, 3) if mappa else ''},"
            f"{'yes' if mappa else 'no'},{'yes' if rng.random() < 0.2 else ''},"
            f"{'yes' if rng.random() < 0.4 else 'no'}\n"
        )
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    django_ready("dipp_bench")
    from django.db import connection, transaction

    from cases.models import Case
    from cases.services import cases_import_csv
    from cases.services import csv_import as service
    from demo.loader import demo_load
    from inspections.models import Inspection

    demo = demo_load().inspection
    pdu_codes = list(demo.region.pdus.values_list("code", flat=True))
    raw = make_csv(pdu_codes, args.lines).encode()
    columns = list(service._COPY_FIELDS)

    locked_for: list[float] = []
    original_copy = service._cases_copy

    def timed_copy(rows: list[list[object]]) -> None:
        started = time.perf_counter()
        original_copy(rows)
        locked_for.append(time.perf_counter() - started)

    service._cases_copy = timed_copy  # type: ignore[assignment]

    def run_import(n: int) -> float:
        inspection = Inspection.objects.create(
            slug=f"bench-import-{n}",
            region=demo.region,
            framework=demo.framework,
            title=f"Import benchmark {n}",
            case_window_start=demo.case_window_start,
            case_window_end=demo.case_window_end,
        )
        try:
            started = time.perf_counter()
            created = cases_import_csv(inspection=inspection, raw=raw)
            elapsed = time.perf_counter() - started
            assert len(created) == args.lines
            return elapsed
        finally:
            Case.objects.filter(inspection=inspection).delete()
            inspection.delete()

    def run_copy() -> float:
        # The floor: the same rows, already parsed and typed, copied into a bare table.
        cases = [
            Case(inspection=demo, **profile)
            for profile in service.csv_check(inspection=demo, raw=raw)
        ]
        rows = service._copy_rows(cases)
        names = ", ".join(f.column for f in columns)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_import_scratch "
                f"(LIKE {Case._meta.db_table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            cursor.execute(
                "ALTER TABLE bench_import_scratch DROP COLUMN id, DROP COLUMN IF EXISTS scope_bits, "
                "DROP COLUMN IF EXISTS cell"
            )
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_import_scratch ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return time.perf_counter() - started

    run_import(0)  # warm-up: imports, query plans
    run_copy()
    locked_for.clear()
    imports, copies = [], []
    for n in range(1, args.repeat + 1):
        imports.append(run_import(n))
        copies.append(run_copy())
    imp, floor = statistics.median(imports), statistics.median(copies)
    print(f"CSV import of {args.lines:,} lines, {args.repeat} runs")
    print(
        f"import (whole service) median {imp * 1000:8.1f} ms  ({imp / args.lines * 1e6:.0f} µs a line)"
    )
    print(f"  of which locked insert median {statistics.median(locked_for) * 1000:8.1f} ms")
    print(f"COPY into a scratch table median {floor * 1000:8.1f} ms (the floor)")
    print(f"ratio import / COPY: {imp / floor:.1f}x (target <= 100x)")


if __name__ == "__main__":
    main()
