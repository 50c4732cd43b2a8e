"""Logging filters: keep the log readable, so that real faults stand out."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refusal the application meant (403, 404, 413 and other 4xx answers) is logged as one
    line, without the traceback Django attaches: only server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
