"""Benchmark: the scores endpoint against the floor of one raw SQL GROUP BY over the answers.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench; the
database is created and migrated if needed). Creates a synthetic inspection of --cases cases
once (slug bench-<cases>), then times, in the same process and interleaved:
  - cold: GET /api/v1/inspections/<slug>/scores/ just after a write (the data version moved on:
    the whole request, counting included; target at most 2x the floor);
  - warm: the same GET again (the figures from the shared cache; target at most 0.1x);
  - 304: the same GET with If-None-Match (nothing counted, nothing serialised);
  - the floor: SELECT question_id, value, count(*) ... GROUP BY over the same answers.
Point CACHE_URL at Redis (redis://127.0.0.1:6379/N) to time the shared cache as deployed; the
default is the process's own memory. Prints medians, the ratios and the query counts.

    CACHE_URL=redis://127.0.0.1:6379/3 .venv/bin/python scripts/bench_scores.py \
        [--cases 20000] [--repeat 15]
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
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, models
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

    from cases.models import Case

    one_case = Case.objects.filter(inspection=inspection).order_by("pk").values_list("pk")[:1]

    def write() -> None:
        # A write the triggers see (any UPDATE of a case): the next read is a cold one.
        Case.objects.filter(pk__in=one_case).update(version=models.F("version"))

    def endpoint(*, expect: int = 200, **headers: str) -> float:
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost", **headers)
        assert response.status_code == expect, response.status_code
        return time.perf_counter() - started

    def floor() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [inspection.pk])
            cursor.fetchall()
        return time.perf_counter() - started

    for _ in range(2):  # warm caches and connections
        write()
        endpoint()
        floor()
    cold_times, warm_times, not_modified_times, floor_times = [], [], [], []
    for _ in range(args.repeat):
        write()
        cold_times.append(endpoint())
        warm_times.append(endpoint())
        tag = client.get(url, HTTP_HOST="localhost")["ETag"]
        not_modified_times.append(endpoint(expect=304, HTTP_IF_NONE_MATCH=tag))
        floor_times.append(floor())

    write()
    with CaptureQueriesContext(connection) as cold_ctx:
        client.get(url, HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as warm_ctx:
        client.get(url, HTTP_HOST="localhost")

    cold, warm = statistics.median(cold_times), statistics.median(warm_times)
    unchanged, f = statistics.median(not_modified_times), statistics.median(floor_times)
    print(f"inspection {slug}: {args.cases:,} cases, {answers:,} answers")
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    print(f"cold (after a write) median {cold * 1000:8.1f} ms over {args.repeat} runs")
    print(f"warm (cached)        median {warm * 1000:8.1f} ms")
    print(f"304 (If-None-Match)  median {unchanged * 1000:8.1f} ms")
    print(f"raw GROUP BY         median {f * 1000:8.1f} ms (the floor)")
    print(f"ratio cold / floor: {cold / f:.2f}x (target <= 2x)")
    print(f"ratio warm / floor: {warm / f:.3f}x (target <= 0.1x)")
    print(f"ratio 304  / floor: {unchanged / f:.3f}x")
    cold_n, warm_n = len(cold_ctx.captured_queries), len(warm_ctx.captured_queries)
    print(f"queries per request: cold {cold_n}, warm {warm_n}")


if __name__ == "__main__":
    main()
