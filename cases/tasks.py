"""Celery tasks of the cases app."""

from __future__ import annotations

from celery import shared_task

from cases.services.csv_import import csv_import_run
from cases.services.retention import retention_sweep


@shared_task(  # type: ignore[untyped-decorator]
    name="cases.import_csv",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def case_import_run(job_id: int) -> None:
    csv_import_run(job_id=job_id)


@shared_task(  # type: ignore[untyped-decorator]
    name="cases.retention_sweep",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=3000,
    time_limit=3600,
)
def retention_sweep_run() -> list[str]:
    """Anonymise every inspection past its retention date (Celery beat, daily:
    settings.CELERY_BEAT_SCHEDULE)."""
    return [line for done in retention_sweep() for line in done.lines()]
