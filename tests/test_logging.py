"""Refusals the application meant are logged without a traceback; server errors keep theirs."""

from __future__ import annotations

import logging
import sys

from django.conf import settings

from core.logging import RefusalWithoutTraceback


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), exc_info
    )
    record.status_code = status
    return record


def test_a_4xx_refusal_is_one_line_and_a_5xx_keeps_its_traceback():
    formatter = logging.Formatter("%(message)s")
    refusal, fault = _record(403), _record(500)
    keep = RefusalWithoutTraceback()
    assert keep.filter(refusal) and keep.filter(fault)
    assert formatter.format(refusal) == "Forbidden: /x/"
    assert "Traceback" in formatter.format(fault)


def test_the_console_handler_uses_the_filter():
    assert "refusals" in settings.LOGGING["handlers"]["console"]["filters"]
