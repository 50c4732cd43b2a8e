from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from inspections.models import PDU, Framework, Question, Region


class PDUInline(admin.TabularInline[PDU, Region]):
    model = PDU
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PDUInline]


@admin.register(PDU)
class PDUAdmin(admin.ModelAdmin[PDU]):
    list_display = ("name", "code", "region")
    list_filter = ("region",)
    list_select_related = ("region",)


class QuestionInline(admin.TabularInline[Question, Framework]):
    model = Question
    extra = 0
    fields = ("order", "code", "kind", "question_set", "na_allowed", "applies_when", "text")
    ordering = ("order",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.in_use

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.in_use

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.in_use


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin[Framework]):
    """Frameworks come from files (manage.py load_framework); a version in use is read-only."""

    list_display = ("title", "slug", "version", "loaded_at")
    readonly_fields = ("checksum", "loaded_at")
    inlines = [QuestionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.in_use or obj.inspections.exists()):
            return False
        return super().has_delete_permission(request, obj)
