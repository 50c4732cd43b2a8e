from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from inspections.models import PDU, Framework, Inspection, Membership, Question, Region


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


class MembershipInline(admin.TabularInline[Membership, Inspection]):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin[Inspection]):
    """Inspections for administrators: find one, see and change its team. Everything else about
    an inspection is the lead's, on its own pages (with checks and history)."""

    list_display = ("title", "slug", "region", "status", "case_window_start")
    list_filter = ("status", "region")
    search_fields = ("title", "slug")
    fields = ("title", "slug", "region", "framework", "status")
    readonly_fields = ("title", "slug", "region", "framework", "status")
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by a lead, on the create page or through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserMembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    fields = ("inspection", "role")
    verbose_name = "Inspection this person is on"
    verbose_name_plural = "Inspections this person is on"


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    """Accounts: the administrator creates them, with the inspections they join (and the
    "Lead inspectors" group for someone who will create inspections)."""

    inlines = [UserMembershipInline]
