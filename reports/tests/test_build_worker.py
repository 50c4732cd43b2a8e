"""The report built through a real Celery worker and Redis, started by the test run.

The worker is `celery -A config worker`, a separate process on the pytest test database
(transactional_db, so it sees committed rows) and the Redis database of REPORT_TEST_BROKER_URL,
else REDIS_URL (bin/test exports it). Every key this run writes there carries a prefix of its own
(CELERY_TEST_KEYPREFIX), and only those keys are deleted, so two runs on one Redis do not
interfere. The page that starts the build is the lead's own; the PDF is read back as text and
rendered to PNG pages under test-artifacts/report/ (REPORT_TEST_ARTIFACTS) for a person to look at.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from kombu import pools as kombu_pools
from pypdf import PdfReader

from config.celery import app as celery_app
from reports.models import ReportBuild
from reports.services import build_dir, media_path

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BROKER = (
    os.environ.get("REPORT_TEST_BROKER_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/0"
)
# This run's own keys in that database (the worker is given the same prefix).
KEY_PREFIX = f"dipp-test-{os.getpid()}-{secrets.token_hex(4)}:"
ARTIFACTS = Path(
    os.environ.get("REPORT_TEST_ARTIFACTS") or Path(settings.BASE_DIR) / "test-artifacts" / "report"
)
BUILD_TIMEOUT = 240


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


class Worker:
    """A `celery -A config worker` subprocess in its own process group."""

    def __init__(self, log: Path, module: list[str] | None = None, **env: str) -> None:
        self.log = log
        # The program: the project's worker, or a test's variant of it (gated_worker).
        self.module = module or ["celery", "-A", "config"]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_TEST_BROKER_URL": BROKER,
            "CELERY_TEST_KEYPREFIX": KEY_PREFIX,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    *self.module,
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=report-test-{os.getpid()}@%h",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def _sending_to(broker: str) -> Iterator[None]:
    """Make this process send tasks to the real broker instead of running them eagerly."""
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "broker_transport_options": conf.broker_transport_options,
    }
    conf.update(
        broker_url=broker,
        task_always_eager=False,
        broker_transport_options={**conf.broker_transport_options, "global_keyprefix": KEY_PREFIX},
    )
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        # Close and forget every pooled connection, so the next test starts afresh.
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        conf.update(saved)


@pytest.fixture
def broker() -> Iterator[str]:
    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is needed at {BROKER} for the worker tests: {exc}")
    _delete_own_keys(client)
    with _sending_to(BROKER):
        yield BROKER
    _delete_own_keys(client)


def _delete_own_keys(client: redis.Redis) -> None:
    """Delete this run's keys only: another run (or another program) may share the database."""
    keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture
def start_worker(tmp_path, broker) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(module: list[str] | None = None, **env: str) -> Worker:
        worker = Worker(tmp_path / f"worker-{len(workers) + 1}.log", module, **env)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        # The test database is dropped at the end of the run: no worker may hold it open.
        worker.kill(signal.SIGTERM)


def _wait_for(
    build_id: int, done: Callable[[ReportBuild], bool], worker: Worker, timeout: float
) -> ReportBuild:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        build = ReportBuild.objects.get(pk=build_id)
        if done(build):
            return build
        time.sleep(0.05)
    pytest.fail(f"Build {build_id} is {build.status}/{build.step}; worker log:\n{worker.output()}")


def _pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def _flat(text: str) -> str:
    return " ".join(text.split())


# Sentences of the published report that carry its case-derived figures.
PUBLISHED_FIGURES = [
    "In total, 64 cases that commenced between 28 April 2025 and 09 May 2025",
    "meeting the required standard to keep people safe in 59 per cent of cases",
    "proposals were made to court to support public protection in 59 per cent of inspected cases",
    "suitability for curfews in 15 out of 18 relevant cases",
    "In seven out of 17 relevant cases, pre-release work to support public protection",
    "Almost all staff interviewed (94 per cent) believed",
    "the risk to children was sufficiently assessed and analysed in only 27 out of 57 relevant "
    "cases",
    "Of our inspected cases, 22 were MAPPA eligible, with the majority (20) managed at Level 1",
    "However, only eight of these cases demonstrated evidence of coordinated, multi-agency "
    "oversight",
    "Delivery of services to support the safety of other people effectively was sufficient in "
    "only 30 per cent of inspected cases",
]


def test_the_demo_report_builds_through_a_real_worker_and_prints_every_published_figure(
    demo, lead_client, start_worker, report_text, tmp_path
):
    worker = start_worker()
    response = lead_client.post(reverse("report-build-start", args=[demo.slug]))
    assert response.status_code == 302
    build = ReportBuild.objects.get(inspection=demo)
    progress = lead_client.get(response["Location"]).content.decode()
    if build.in_progress:
        assert 'http-equiv="refresh"' in progress

    build = _wait_for(build.pk, lambda b: not b.in_progress, worker, BUILD_TIMEOUT)
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error or worker.output()
    assert build.attempts == 1
    assert "The report is ready" in lead_client.get(response["Location"]).content.decode()

    pdf_path = media_path(build.pdf_file)
    text = _pdf_text(pdf_path)
    published = _flat(report_text)

    headings = re.findall(r"^(.+?) \(Back to top\)$", report_text, flags=re.MULTILINE)
    assert len(headings) == 9
    for heading in [*headings, "Footnotes"]:
        assert heading in text, heading

    for sentence in PUBLISHED_FIGURES:
        assert sentence in published, "quoted from the published report"
        assert sentence in text, sentence

    scoring = report_text.split("Scoring (Back to top)")[1].split("Follow-up activity")[0]
    rows = re.findall(r"^(Does .+\?)(\d+%)$", scoring, flags=re.MULTILINE)
    assert len(rows) == 4
    for question, percent in rows:
        assert re.search(re.escape(question) + r" " + percent + r" \d+", text), question

    rosh = report_text.split("Risk of Serious Harm classification of inspected cases")[1]
    low, medium, high = re.search(r"(\d+%)(\d+%)(\d+%)", rosh).groups()
    assert re.search(rf"Low \d+ {low} Medium \d+ {medium} High/very high \d+ {high}", text)

    for fact in demo.context_facts.all():
        assert fact.value in published, fact.label
        assert fact.value in text, fact.label
        if fact.as_at:
            assert f"({fact.as_at})" in text, fact.label
    # Every footnote of the published report. A URL wraps across lines, and pdftotext joins a
    # line-end hyphen away, so compare without spaces and hyphens.
    footnotes = report_text.split("\nFootnotes\n")[1]
    printed = re.sub(r"[ -]", "", text.split("Footnotes")[-1])
    sources = re.findall(r"^\s+\d+\. (.+?)\.? ↩︎$", footnotes, flags=re.MULTILINE)
    assert len(sources) == 4
    for source in sources:
        assert re.sub(r"[ -]", "", source)[:120] in printed, source[:60]
    assert build.data_sha256 in text.replace(" ", "")  # the manifest, wrapped or not
    assert len(PdfReader(pdf_path).pages) >= 8

    # The pages as a person sees them: rendered in this test's own folder, then put in place.
    rendered = tmp_path / "artifacts"
    rendered.mkdir()
    shutil.copyfile(pdf_path, rendered / f"{demo.slug}.pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(pdf_path), str(rendered / "page")], check=True
    )
    pages = sorted(rendered.glob("page-*.png"))
    assert len(pages) == len(PdfReader(pdf_path).pages)
    assert all(p.stat().st_size > 5_000 for p in pages)
    _publish_artifacts(rendered)


def _publish_artifacts(rendered: Path) -> None:
    """Swap the rendered folder in for the last run's, by renames: a run beside this one sees
    either folder whole, and the last to finish wins."""
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    incoming = ARTIFACTS.parent / f".{ARTIFACTS.name}-{KEY_PREFIX.strip(':')}"
    shutil.copytree(rendered, incoming)
    outgoing = ARTIFACTS.parent / f".{ARTIFACTS.name}-old-{KEY_PREFIX.strip(':')}"
    try:
        if ARTIFACTS.exists():
            ARTIFACTS.rename(outgoing)
        incoming.rename(ARTIFACTS)
    except OSError:
        # Another run put its pages in place at the same moment: keep theirs.
        shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(outgoing, ignore_errors=True)


def test_a_worker_killed_mid_build_leaves_no_partial_file_and_the_build_is_retried(
    demo, lead, start_worker, tmp_path
):
    from reports.services import build_start

    # The first worker's PDF step signals that it has begun and then waits for a release that
    # never comes (reports/tests/gated_worker.py): the kill lands mid-PDF, however quick the
    # rendering. A short visibility timeout brings the dead worker's task back in seconds.
    started = tmp_path / "pdf-started"
    first = start_worker(
        ["reports.tests.gated_worker"],
        CELERY_VISIBILITY_TIMEOUT="3",
        REPORT_TEST_PDF_STARTED=str(started),
        REPORT_TEST_PDF_RELEASE=str(tmp_path / "pdf-release-never"),
    )
    build = build_start(inspection=demo, by=lead)
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not started.exists():
        if time.monotonic() > deadline or first.process.poll() is not None:
            pytest.fail(f"The PDF step never began; worker log:\n{first.output()}")
        time.sleep(0.05)
    build = ReportBuild.objects.get(pk=build.pk)
    assert (build.status, build.step) == (ReportBuild.Status.RUNNING, ReportBuild.Step.PDF)
    first.kill(signal.SIGKILL)

    folder = media_path(build_dir(build))
    killed = ReportBuild.objects.get(pk=build.pk)
    assert killed.status == ReportBuild.Status.RUNNING
    assert killed.attempts == 1
    assert killed.pdf_file == ""
    # Killed before the PDF was written: nothing under its final name, no partial file left.
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]
    html = folder / "report.html"
    assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")

    second = start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    done = _wait_for(build.pk, lambda b: not b.in_progress, second, BUILD_TIMEOUT)
    assert done.status == ReportBuild.Status.SUCCEEDED, done.error or second.output()
    assert done.attempts == 2
    # The queue this run used is its own: kombu's bindings sit under this run's prefix.
    own = redis.Redis.from_url(BROKER)
    assert list(own.scan_iter(match=f"{KEY_PREFIX}_kombu.binding.*"))
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.pdf"]
    assert len(PdfReader(media_path(done.pdf_file)).pages) >= 8


def test_the_programme_report_builds_through_a_real_worker(
    handworked, client, start_worker, tmp_path
):
    """The programme summary report's task (reports.programme_build) runs in the worker as the
    regional one does: the hand-worked inspection, published, in a programme of its own."""
    from inspections.models import Inspection
    from inspections.services import programme_create
    from inspections.tests.factories import UserFactory
    from reports.models import ProgrammeReportBuild

    hw = handworked.inspection
    Inspection.objects.filter(pk=hw.pk).update(status=Inspection.Status.PUBLISHED)
    programme = programme_create(name="DIPP worker test", framework=hw.framework, by=None)
    Inspection.objects.filter(pk=hw.pk).update(programme=programme)
    national = UserFactory(username="worker-national-lead")
    programme.national_leads.add(national)
    worker = start_worker()
    client.force_login(national)
    response = client.post(reverse("programme-report-build-start", args=[programme.slug]))
    assert response.status_code == 302
    build_id = ProgrammeReportBuild.objects.get(programme=programme).pk
    deadline = time.monotonic() + BUILD_TIMEOUT
    while (build := ProgrammeReportBuild.objects.get(pk=build_id)).in_progress:
        if time.monotonic() > deadline:
            pytest.fail(f"Build {build_id} is {build.status}/{build.step}:\n{worker.output()}")
        time.sleep(0.05)
    assert build.status == ProgrammeReportBuild.Status.SUCCEEDED, build.error or worker.output()
    assert [c["slug"] for c in build.counted] == [hw.slug]
    # K1 of the hand-worked inspection: 6 Yes of 8 relevant (scoring/tests/handworked.py).
    assert "75% (6 of 8)" in _pdf_text(media_path(build.pdf_file))
