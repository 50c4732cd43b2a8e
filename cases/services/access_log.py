"""The read-access log: who read which case data, when, through which channel.

One row per request that shows case data (docs/data-protection.md): a case page or one of its
sections, a case or answer read through the API, an export download, a draft report file. A
list is one row for the page, never one per case, so logging costs one INSERT whatever the size
of the list. Writing the log never fails the request: a failure is logged and the reader still
gets the page (an unavailable audit table must not take the service down with it).

`LOGGED_ROUTES` is the one list of what is logged; cases.middleware.AccessLogMiddleware applies
it to every successful read, so no view can forget to log.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from cases.models import AccessRecord
from core.typing import AnyUser, person_id

logger = logging.getLogger(__name__)

Channel = AccessRecord.Channel

# URL name -> channel. Every route that shows case data is here (tests/test_access_log.py walks
# the URLconf to check that none is missing).
LOGGED_ROUTES: dict[str, str] = {
    # Web pages.
    "case-index": Channel.PAGE,
    "case-detail": Channel.PAGE,
    "case-section": Channel.PAGE,
    "case-profile": Channel.PAGE,
    "case-allocate": Channel.PAGE,
    "case-moderate": Channel.PAGE,
    "case-withdraw": Channel.PAGE,
    # The API.
    "api-case-list": Channel.API,
    "api-case-detail": Channel.API,
    "api-case-answers": Channel.API,
    "api-case-answer": Channel.API,
    "api-case-moderation": Channel.API,
    # Exports.
    "api-export-answers-csv": Channel.EXPORT,
    "api-export-answers-xlsx": Channel.EXPORT,
    "api-export-scores-csv": Channel.EXPORT,
    "api-export-scores-xlsx": Channel.EXPORT,
    # Draft report files (before publication: built from the live case data).
    "report-build-file": Channel.REPORT_FILE,
    "api-report-build-file": Channel.REPORT_FILE,
    # An administrator's download of everything held about one case reference.
    "case-data-request": Channel.PAGE,
    "case-data-document": Channel.EXPORT,
}


def access_record(
    *,
    by: AnyUser,
    channel: str,
    route: str,
    path: str,
    inspection_slug: str,
    case_reference: str = "",
    api_client: str = "",
) -> AccessRecord | None:
    """Append one row to the access log; None (and an error in the application log) if the
    row could not be written. Runs in its own savepoint, so a failure leaves the caller's
    transaction usable."""
    try:
        with transaction.atomic():
            return AccessRecord.objects.create(
                user_id=person_id(by),
                actor=(getattr(by, "get_username", lambda: "")() or "")[:150],
                api_client=api_client[:100],
                channel=channel,
                inspection_slug=inspection_slug[:60],
                case_reference=case_reference[:20],
                route=route[:60],
                path=path[:500],
            )
    except DatabaseError:
        logger.exception(
            "Could not write the access log: %s read %s %s (%s)",
            person_id(by),
            inspection_slug,
            case_reference or route,
            channel,
        )
        return None
