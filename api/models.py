"""API clients: programs that read results with a token, scoped to named inspections."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiClient(models.Model):
    """A program that reads results through the API with a token: read-only, and scoped to the
    inspections named here. Only a hash of the key is stored; the key is shown once on issue.

    The tables keep the names they had when this model lived in `inspections` (moved in
    migration api.0001 without touching the database).
    """

    name = models.CharField(max_length=100, unique=True, help_text="Who or what uses the token.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="The account the token acts as (no password, no memberships).",
    )
    inspections = models.ManyToManyField(
        "inspections.Inspection",
        related_name="api_clients",
        help_text="The only inspections the client may read.",
        db_table="inspections_apiclient_inspections",
    )
    programmes = models.ManyToManyField(
        "inspections.Programme",
        related_name="api_clients",
        blank=True,
        help_text="Programmes whose figures the client may read (published inspections only).",
    )
    key_prefix = models.CharField(
        max_length=8, unique=True, help_text="First characters of the key, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "inspections_apiclient"
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
