"""Exceptions every layer may raise and every channel (pages, API) knows how to answer."""

from __future__ import annotations

from typing import Any


class StaleWriteError(Exception):
    """The record changed since the writer read it; nothing was written.

    `current` is the record as it is now (None when it no longer exists), so the page or the
    API can show the writer what changed.
    """

    def __init__(self, message: str, *, current: Any) -> None:
        super().__init__(message)
        self.current = current


class ServiceUnavailableError(Exception):
    """A service this one depends on (the task queue) cannot be reached: nothing was done.
    Pages show the message; the API answers 503."""
