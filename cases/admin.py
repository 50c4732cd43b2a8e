"""The read-access log for administrators: filter, search, download as CSV. Read-only (the
database refuses changes and deletions anyway: cases/migrations/0008_access_record.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from cases.models import AccessRecord
from core.exports import csv_response

CSV_HEADER = (
    "at",
    "actor",
    "user_id",
    "api_client",
    "channel",
    "inspection",
    "case_reference",
    "route",
    "path",
)


def access_rows(records: QuerySet[AccessRecord]) -> Iterator[Sequence[Any]]:
    yield CSV_HEADER
    for r in records.order_by("at", "pk").iterator(chunk_size=2000):
        yield (
            r.at.isoformat(),
            r.actor,
            r.user_id or "",
            r.api_client,
            r.channel,
            r.inspection_slug,
            r.case_reference,
            r.route,
            r.path,
        )


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin[AccessRecord]):
    list_display = ("at", "actor", "api_client", "channel", "inspection_slug", "case_reference")
    list_filter = ("channel", "at", "inspection_slug")
    search_fields = ("actor", "api_client", "case_reference", "inspection_slug", "path")
    date_hierarchy = "at"
    actions = ("download_csv",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Download the selected entries as CSV")
    def download_csv(
        self, request: HttpRequest, queryset: QuerySet[AccessRecord]
    ) -> StreamingHttpResponse:
        return csv_response(access_rows(queryset), filename="access-log.csv")
