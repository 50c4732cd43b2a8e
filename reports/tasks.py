"""Celery tasks of the report."""

from __future__ import annotations

from celery import shared_task

from reports.services import build_run


@shared_task(  # type: ignore[untyped-decorator]
    name="reports.build",
    acks_late=True,
    # A worker that dies mid-build (killed, out of memory) gives the message back to the
    # broker, and the build runs again from the start: build_run is safe to repeat.
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=300,
    time_limit=360,
)
def report_build(build_id: int) -> None:
    build_run(build_id=build_id)


@shared_task(  # type: ignore[untyped-decorator]
    name="reports.programme_build",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=300,
    time_limit=360,
)
def programme_report_build(build_id: int) -> None:
    """The programme summary report's build (reports.programme_services)."""
    from reports.programme_services import programme_build_run

    programme_build_run(build_id=build_id)
