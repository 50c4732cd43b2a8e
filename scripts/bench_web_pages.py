"""Benchmark: the lead's web pages at two inspection sizes (query counts and time ratios).

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_web_bench;
created and migrated if needed). Generates synthetic inspections of --small and --large cases
once (slugs <prefix>-<n>, --prefix webbench by default), then for each page prints the SQL queries per request at both
sizes (they must be equal) and the median time at each size, with the large/small ratio
against the case ratio. The dashboard is also compared with the scores API (same engine).

    .venv/bin/python scripts/bench_web_pages.py [--small 200] [--large 2000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchlib import django_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--prefix",
        default="webbench",
        help="slug prefix of the synthetic inspections (bench: reuse bench_exports.py's)",
    )
    args = parser.parse_args()

    django_ready("dipp_web_bench")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from inspections.models import Inspection

    settings.ALLOWED_HOSTS = ["*"]
    for n in (args.small, args.large):
        slug = f"{args.prefix}-{n}"
        if not Inspection.objects.filter(slug=slug).exists():
            call_command("generate_synthetic", slug=slug, cases=n, seed=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin, _ = get_user_model().objects.get_or_create(
        username="webbench-admin", defaults={"is_superuser": True}
    )
    client = Client()
    client.force_login(admin)

    from cases.models import Case

    # One case of each inspection (the same position in reference order), for its pages.
    first_case = {
        n: Case.objects.filter(inspection__slug=f"{args.prefix}-{n}").order_by("reference")[0]
        for n in (args.small, args.large)
    }
    pages = {
        "case page": "/inspections/{slug}/cases/{reference}/",
        "section C1": "/inspections/{slug}/cases/{reference}/questions/C1/",
        "dashboard": "/inspections/{slug}/scores/",
        "scores API": "/api/v1/inspections/{slug}/scores/",
        "all cases": "/inspections/{slug}/cases/",
        "agreement": "/inspections/{slug}/agreement/",
        "inspection": "/inspections/{slug}/",
    }

    def timed(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return time.perf_counter() - started

    results: dict[tuple[str, int], tuple[int, float]] = {}
    for name, pattern in pages.items():
        for n in (args.small, args.large):
            url = pattern.format(slug=f"{args.prefix}-{n}", reference=first_case[n].reference)
            timed(url)  # warm
            # Count with an execute wrapper: the query log is cleared when a request starts,
            # which defeats CaptureQueriesContext around a whole request.
            counted: list[str] = []

            def count(execute, sql, params, many, context, counted=counted):
                counted.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                timed(url)
            times = [timed(url) for _ in range(args.repeat)]
            results[(name, n)] = (len(counted), statistics.median(times))

    print(f"cases: {args.small:,} and {args.large:,} (ratio {args.large / args.small:.0f}x)")
    print(f"{'page':<12} {'queries':>15} {'median small':>13} {'median large':>13} {'ratio':>6}")
    for name in pages:
        (qs, ts), (ql, tl) = results[(name, args.small)], results[(name, args.large)]
        print(
            f"{name:<12} {qs:>7} / {ql:<5} {ts * 1000:>10.1f} ms {tl * 1000:>10.1f} ms "
            f"{tl / ts:>5.1f}x"
        )
    dash, api = results[("dashboard", args.large)][1], results[("scores API", args.large)][1]
    print(f"dashboard / scores API at {args.large:,} cases: {dash / api:.2f}x")


if __name__ == "__main__":
    main()
