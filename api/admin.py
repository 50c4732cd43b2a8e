from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import ApiClient
from api.services import api_client_issue, api_client_revoke
from core.typing import signed_in


class ApiClientForm(forms.ModelForm[ApiClient]):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # What the issuing service requires, said on the form rather than as an error page.
        if (
            "inspections" in self.fields
            and not data.get("inspections")
            and not data.get("programmes")
        ):
            raise forms.ValidationError(
                "Choose at least one inspection or programme the client may read."
            )
        return data


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin[ApiClient]):
    """Issue read-only API tokens scoped to inspections (and granted programmes: the client
    reads their published inspections' figures), change what they may read, and revoke them.

    The key is shown once, in the message after issuing; only its hash is stored.
    """

    form = ApiClientForm
    list_display = ("name", "key_prefix", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_prefix")
    filter_horizontal = ("inspections", "programmes")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "inspections", "programmes")
        return (
            "name",
            "inspections",
            "programmes",
            "key_prefix",
            "user",
            "created_at",
            "created_by",
            "revoked_at",
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiClient | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("key_prefix", "user", "created_at", "created_by", "revoked_at")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "inspections" and field is not None:
            # A client granted only programmes needs no inspection (the service checks that
            # there is one or the other).
            field.required = False
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoke instead: the record of who had access, and when, is kept.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_client_issue(
            name=form.cleaned_data["name"],
            inspections=form.cleaned_data["inspections"],
            programmes=form.cleaned_data["programmes"],
            by=signed_in(request.user),
        )
        # The admin goes on with `obj` (related fields, log, redirect): make it the issued row.
        for field in ApiClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued.client, field.attname))
        obj._state.adding = False
        obj._state.db = issued.client._state.db
        messages.warning(
            request,
            f"The token of {issued.client.name} is: {issued.key} — copy it now and give it to "
            "the client securely: it will not be shown again. Send it as the header "
            f"'Authorization: Token {issued.key}'.",
        )

    @admin.action(description="Revoke the selected clients' tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        names = [api_client_revoke(client=client).name for client in queryset]
        self.message_user(request, f"Revoked: {', '.join(names)}.", messages.SUCCESS)
