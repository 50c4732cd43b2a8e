"""Benchmark: the scores endpoint against the floor of one raw SQL GROUP BY over the answers.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Creates a synthetic inspection of --cases cases
once (slug bench-<cases>), then times, in the same process and interleaved:
  - GET /api/v1/inspections/<slug>/scores/ (the whole request: auth, queries, folding, JSON);
  - the floor: SELECT question_id, value, count(*) ... GROUP BY over the same answers.
Prints medians, the ratio (target: at most 2x) and the endpoint's query count.

    .venv/bin/python scripts/bench_scores.py [--cases 20000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchlib import django_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    django_ready("dipp_bench")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from inspections.models import Inspection

    slug = f"bench-{args.cases}"
    if not Inspection.objects.filter(slug=slug).exists():
        started = time.perf_counter()
        call_command("generate_synthetic", slug=slug, cases=args.cases, seed=1)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f}s")
    inspection = Inspection.objects.get(slug=slug)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT count(*) FROM cases_answer a JOIN cases_case c ON c.id = a.case_id "
            "WHERE c.inspection_id = %s",
            [inspection.pk],
        )
        (answers,) = cursor.fetchone()

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True}
    )
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/inspections/{slug}/scores/"

    floor_sql = (
        "SELECT a.question_id, a.value, count(*) FROM cases_answer a "
        "JOIN cases_case c ON c.id = a.case_id WHERE c.inspection_id = %s "
        "GROUP BY a.question_id, a.value"
    )

    def endpoint() -> float:
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    def floor() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [inspection.pk])
            cursor.fetchall()
        return time.perf_counter() - started

    for _ in range(2):  # warm caches and connections
        endpoint()
        floor()
    endpoint_times, floor_times = [], []
    for _ in range(args.repeat):
        endpoint_times.append(endpoint())
        floor_times.append(floor())

    with CaptureQueriesContext(connection) as ctx:
        client.get(url, HTTP_HOST="localhost")

    e, f = statistics.median(endpoint_times), statistics.median(floor_times)
    print(f"inspection {slug}: {args.cases:,} cases, {answers:,} answers")
    print(f"scores endpoint  median {e * 1000:8.1f} ms over {args.repeat} runs")
    print(f"raw GROUP BY     median {f * 1000:8.1f} ms over {args.repeat} runs (the floor)")
    print(f"ratio endpoint / floor: {e / f:.2f}x (target <= 2x)")
    print(f"queries per request: {len(ctx.captured_queries)}")


if __name__ == "__main__":
    main()
