"""Benchmark: the answers and scores exports (CSV and XLSX) of a large synthetic inspection.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Creates synthetic inspections of --small and
--cases cases once (slugs bench-<n>, `manage.py generate_synthetic --seed 1`), then downloads
each export through the whole request path (GET /api/v1/inspections/<slug>/exports/...,
reading every streamed byte) and prints, for each size and format:
  - rows per second (a timed run without tracing);
  - the time to the first byte of the response body (how soon a download starts);
  - the ratio to the floor: the same cases' answers read with one COPY ... TO STDOUT (one
    (reference, question, value) line per answer, every byte read), timed in the same run;
  - peak Python memory during the export (a second run under tracemalloc);
so that memory staying flat as the cases grow ten-fold can be seen. Last, the process's peak
resident set size. --small 0 skips the small inspection.

    .venv/bin/python scripts/bench_exports.py [--cases 20000] [--small 2000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

from benchlib import django_ready

EXPORTS = ("answers.csv", "answers.xlsx", "scores.csv", "scores.xlsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    args = parser.parse_args()

    django_ready("dipp_bench")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from inspections.models import Inspection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    settings.API_THROTTLE_RATES = {"api_client": None, "person": None}
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True}
    )
    client = APIClient()
    client.force_authenticate(user)

    def download(url: str) -> tuple[int, float]:
        """(bytes, seconds to the first byte of the body)."""
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, (url, response.status_code)
        size = 0
        first = 0.0
        for chunk in response.streaming_content:
            if not size and chunk:
                first = time.perf_counter() - started
            size += len(chunk)
        response.close()
        return size, first

    def copy_floor(inspection_id: int) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            sql = (
                "COPY (SELECT c.reference, a.question_id, a.value FROM cases_answer a "
                "JOIN cases_case c ON c.id = a.case_id WHERE c.inspection_id = "
                f"{int(inspection_id)} ORDER BY c.reference) TO STDOUT (FORMAT csv)"
            )
            with raw.copy(sql) as copy:
                for _ in copy:
                    pass
        return time.perf_counter() - started

    print(
        f"{'cases':>7} {'export':<13} {'rows':>7} {'MB':>7} {'seconds':>8} "
        f"{'rows/s':>9} {'1st byte':>9} {'/ COPY':>7} {'peak MiB':>9}"
    )
    for cases in [n for n in (args.small, args.cases) if n]:
        slug = f"bench-{cases}"
        if not Inspection.objects.filter(slug=slug).exists():
            started = time.perf_counter()
            call_command("generate_synthetic", slug=slug, cases=cases, seed=1)
            print(f"(generated {cases:,} cases in {time.perf_counter() - started:.1f}s)")
        inspection = Inspection.objects.get(slug=slug)
        questions = inspection.framework.questions.count()
        copy_floor(inspection.pk)  # warm
        for name in EXPORTS:
            url = f"/api/v1/inspections/{slug}/exports/{name}"
            download(url)  # warm caches
            started = time.perf_counter()
            size, first = download(url)
            elapsed = time.perf_counter() - started
            floor = copy_floor(inspection.pk)
            tracemalloc.start()
            download(url)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            groups = 1 + inspection.region.pdus.count() + 5 + 4  # all, PDUs, MAPPA, RoSH
            rows = cases if name.startswith("answers") else groups * questions
            print(
                f"{cases:>7,} {name:<13} {rows:>7,} {size / 1e6:>7.1f} {elapsed:>8.2f} "
                f"{rows / elapsed:>9,.0f} {first:>8.3f}s {elapsed / floor:>6.1f}x "
                f"{peak / 2**20:>9.1f}"
            )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
