"""Sending Celery tasks from a request: once the transaction commits, failing cleanly.

A task sent in `transaction.on_commit` whose broker is down used to raise after the commit: the
request was a 500 and the row the task was for stayed "queued" for ever. Here a broker error is
caught, logged, and handed to the caller's `on_failure` (which marks its row failed, with a
reason), and the caller learns of it from the list this returns once its transaction is over, to
tell the person (ServiceUnavailableError: a page's message, the API's 503).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from core.exceptions import ServiceUnavailableError

logger = logging.getLogger(__name__)

# What publishing a task raises when the broker cannot be reached (kombu wraps most connection
# errors in its OperationalError; a refused or reset socket may surface as OSError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, RedisError, OSError)
# Try twice, quickly: a person is waiting for the page.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}

QUEUE_DOWN = (
    "The background task service cannot be reached, so nothing was started. Try again in a few "
    "minutes; if it keeps happening, tell the service team (the Celery broker, Redis, may be "
    "down)."
)


class QueueUnavailableError(ServiceUnavailableError):
    """The task could not be queued: the broker is unreachable. Nothing was started."""

    def __init__(self, message: str = QUEUE_DOWN) -> None:
        super().__init__(message)


def task_send_on_commit(
    task: Task,
    args: Sequence[Any],
    *,
    on_failure: Callable[[BaseException], None],
) -> list[BaseException]:
    """Send `task(*args)` once the current transaction commits (at once outside one).

    Returns a list that holds the broker error, if sending failed, once the callback has run:
    check it after the outermost `atomic` block of the caller has exited.
    """
    failures: list[BaseException] = []

    def send() -> None:
        try:
            task.apply_async(args=list(args), retry=True, retry_policy=RETRY_POLICY)
        except BROKER_ERRORS as exc:
            logger.error(
                "Could not queue task %s%r: the broker is unreachable (%s: %s)",
                task.name,
                tuple(args),
                type(exc).__name__,
                exc,
            )
            failures.append(exc)
            on_failure(exc)

    transaction.on_commit(send)
    return failures
