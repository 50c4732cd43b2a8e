"""Load test: concurrent inspectors writing answers (If-Match) and readers of the scores,
against gunicorn with the production settings, on loopback only, bounded in time and requests.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dipp_bench) and
Redis for the cache (CACHE_URL, default redis://127.0.0.1:6379/3). Generates a synthetic
inspection of --cases cases once (slug bench-<cases>), gives it --writers lead inspectors (load
test accounts; the synthetic cases are submitted, so changes carry a reason), starts gunicorn
(config/gunicorn.py, WEB_CONCURRENCY workers) on a free loopback port, then:
  1. baseline: --readers clients GET /healthz/ for --seconds;
  2. readers alone: --readers API-client tokens GET the scores (unchanged data), --seconds;
  3. mixed: --writers clients loop GET one answer (its ETag) then PUT it toggled with If-Match,
     each on its own cases, while --readers API-client tokens GET the scores, for --seconds.
Prints requests/s, p50/p95/p99 and status codes per kind, and checks that no write was lost:
successful PUTs = new history rows, and every answer's history chain is unbroken (each change's
old value is the previous change's new value, starting from the value before the run).

    .venv/bin/python scripts/load_test.py [--cases 2000] [--writers 20] [--readers 20] \\
        [--seconds 20] [--max-requests 50000]
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchlib import ROOT, django_ready

PASSWORD = "load-test-" + secrets.token_hex(8)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.codes: dict[str, Counter[int]] = defaultdict(Counter)
        self.requests = 0

    def add(self, kind: str, seconds: float, code: int) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.codes[kind][code] += 1
            self.requests += 1

    def report(self, elapsed: float) -> None:
        for kind in sorted(self.times):
            t = sorted(self.times[kind])
            q = statistics.quantiles(t, n=100) if len(t) > 1 else [t[0]] * 99
            print(
                f"  {kind:<12} {len(t):>7,} req {len(t) / elapsed:>8.1f}/s  "
                f"p50 {q[49] * 1000:7.1f} ms  p95 {q[94] * 1000:7.1f} ms  "
                f"p99 {q[98] * 1000:7.1f} ms  codes {dict(self.codes[kind])}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=50_000)
    args = parser.parse_args()
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")

    django_ready("dipp_bench")
    import requests
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command

    from api.services import api_client_issue
    from cases.models import Answer, AnswerChange
    from inspections.models import Inspection, Membership, Question

    slug = f"bench-{args.cases}"
    if not Inspection.objects.filter(slug=slug).exists():
        call_command("generate_synthetic", slug=slug, cases=args.cases, seed=1)
    inspection = Inspection.objects.get(slug=slug)
    c1 = Question.objects.get(framework=inspection.framework, code="C1")
    references = list(
        inspection.cases.filter(answers__question=c1)
        .order_by("reference")
        .values_list("reference", flat=True)[: args.writers * 50]
    )
    # A few iterations only: production's hasher at full strength would make sign-in the test.
    password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(6), iterations=1000)
    users = []
    for n in range(args.writers):
        user, _ = get_user_model().objects.update_or_create(
            username=f"load-writer-{n}", defaults={"password": password}
        )
        Membership.objects.get_or_create(
            inspection=inspection, user=user, defaults={"role": Membership.Role.LEAD}
        )
        users.append(user)
    token = api_client_issue(name=f"load test {time.time():.0f}", inspections=[inspection]).key
    before_ids = AnswerChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before_values = dict(
        Answer.objects.filter(
            case__inspection=inspection, question=c1, case__reference__in=references
        ).values_list("pk", "value")
    )

    port = _free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        STATIC_ROOT=str(Path("/tmp") / "dipp-load-static"),
    )
    # All readers share one API token: at the shipped 600 requests a minute they would measure
    # the throttle (429s), not the serving. A deployment's own rate is kept if set.
    env.setdefault("API_CLIENT_RATE", "1000000/minute")
    env.pop("CELERY_BROKER_URL", None)
    # The sign-in page names fingerprinted static files: collect them once.
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").is_file():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    log = open(Path("/tmp") / f"dipp-load-gunicorn-{port}.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    proxied = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{port}/"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass  # not listening yet, or its workers are still loading
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start: see {log.name}")
            time.sleep(0.3)

        def sign_in(user: object) -> requests.Session:
            # The session and CSRF cookies are Secure and the socket is plain HTTP (the pretend
            # proxy says TLS), so requests would not send them: they go in a header by hand.
            s = requests.Session()
            s.headers.update(proxied)

            def keep_cookies() -> None:
                s.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in s.cookies)

            form = s.get(base + "/accounts/login/", timeout=30)
            keep_cookies()
            csrf = s.cookies.get("csrftoken", "")
            s.post(
                base + "/accounts/login/",
                data={
                    "username": user.username,  # type: ignore[attr-defined]
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": csrf,
                },
                timeout=30,
                allow_redirects=False,
            )
            assert "sessionid" in s.cookies, form.status_code
            keep_cookies()
            s.headers["X-CSRFToken"] = s.cookies.get("csrftoken", csrf)
            return s

        sessions = [sign_in(u) for u in users]

        def run(phase: str, workers: list[threading.Thread], stats: Stats) -> float:
            stop.clear()
            started = time.perf_counter()
            for w in workers:
                w.start()
            time.sleep(args.seconds)
            stop.set()
            for w in workers:
                w.join()
            elapsed = time.perf_counter() - started
            print(f"{phase} ({elapsed:.1f} s, {stats.requests:,} requests):")
            stats.report(elapsed)
            return elapsed

        stop = threading.Event()

        def reader(stats: Stats, path: str, headers: dict[str, str]) -> None:
            s = requests.Session()
            s.headers.update(proxied | headers)
            while not stop.is_set() and stats.requests < args.max_requests:
                t = time.perf_counter()
                r = s.get(base + path, timeout=60)
                stats.add(
                    path.strip("/").split("/")[-1] or "root", time.perf_counter() - t, r.status_code
                )

        baseline = Stats()
        base_time = run(
            "baseline: /healthz/",
            [
                threading.Thread(target=reader, args=(baseline, "/healthz/", {}))
                for _ in range(args.readers)
            ],
            baseline,
        )

        scores_path = f"/api/v1/inspections/{slug}/scores/"
        reading = Stats()
        read_time = run(
            "readers alone: scores, unchanged data",
            [
                threading.Thread(
                    target=reader,
                    args=(reading, scores_path, {"Authorization": f"Token {token}"}),
                )
                for _ in range(args.readers)
            ],
            reading,
        )

        mixed = Stats()
        puts_ok = [0]

        def writer(n: int, s: requests.Session) -> None:
            mine = references[n :: args.writers]
            i = 0
            while not stop.is_set() and mixed.requests < args.max_requests and mine:
                url = f"{base}/api/v1/inspections/{slug}/cases/{mine[i % len(mine)]}/answers/C1/"
                i += 1
                t = time.perf_counter()
                got = s.get(url, timeout=60)
                mixed.add("answer GET", time.perf_counter() - t, got.status_code)
                if got.status_code != 200:
                    continue
                value = "no" if got.json()["value"] == "yes" else "yes"
                t = time.perf_counter()
                put = s.put(
                    url,
                    json={"value": value, "rationale": "Load test.", "reason": "Load test."},
                    headers={"If-Match": got.headers["ETag"]},
                    timeout=60,
                )
                mixed.add("answer PUT", time.perf_counter() - t, put.status_code)
                if put.status_code == 200:
                    with mixed.lock:
                        puts_ok[0] += 1

        workers = [threading.Thread(target=writer, args=(n, s)) for n, s in enumerate(sessions)]
        workers += [
            threading.Thread(
                target=reader,
                args=(
                    mixed,
                    f"/api/v1/inspections/{slug}/scores/",
                    {"Authorization": f"Token {token}"},
                ),
            )
            for _ in range(args.readers)
        ]
        mixed_time = run("mixed: writers and score readers", workers, mixed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    healthz_rate = len(baseline.times["healthz"]) / base_time
    unchanged_rate = len(reading.times["scores"]) / read_time
    scores_rate = len(mixed.times["scores"]) / mixed_time
    print(
        f"scores readers / healthz readers throughput: unchanged data "
        f"{unchanged_rate / healthz_rate:.2f}, under writes {scores_rate / healthz_rate:.2f} "
        "(target >= 0.5)"
    )
    puts = sorted(mixed.times["answer PUT"])
    gets = sorted(mixed.times["answer GET"])
    if len(puts) > 1 and len(gets) > 1:
        p95_put = statistics.quantiles(puts, n=100)[94]
        p95_get = statistics.quantiles(gets, n=100)[94]
        print(f"answer PUT p95 / answer GET p95: {p95_put / p95_get:.2f}x (target <= 3x)")

    changes = list(
        AnswerChange.objects.filter(pk__gt=before_ids, answer_id__in=before_values)
        .order_by("pk")
        .values_list("answer_id", "old_value", "new_value")
    )
    last = dict(before_values)
    broken = 0
    for answer_id, old, new in changes:
        if old != last[answer_id]:
            broken += 1
        last[answer_id] = new
    final = dict(Answer.objects.filter(pk__in=before_values).values_list("pk", "value"))
    broken += sum(1 for pk, value in final.items() if value != last[pk])
    print(
        f"lost-write check: {puts_ok[0]:,} successful PUTs, {len(changes):,} new history rows, "
        f"{broken} broken links: {'OK' if puts_ok[0] == len(changes) and not broken else 'FAILED'}"
    )


if __name__ == "__main__":
    main()
