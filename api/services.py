"""Writes for API clients: issue a scoped read-only token, revoke it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from api.models import ApiClient


def api_key_hash(key: str) -> str:
    """Keys are long random strings, so one round of SHA-256 is enough to store them safely."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class ApiClientIssued:
    client: ApiClient
    key: str  # shown once to the administrator; only its hash is stored


@transaction.atomic
def api_client_issue(
    *,
    name: str,
    inspections: Iterable[Any],
    programmes: Iterable[Any] = (),
    by: User | None = None,
) -> ApiClientIssued:
    """Issue a read-only token to a client, scoped to the named inspections, and granted the
    named programmes (it reads their published inspections' figures)."""
    from django.contrib.auth import get_user_model

    name = name.strip()
    inspections = list(inspections)
    programmes = list(programmes)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the client a name."]
    elif ApiClient.objects.filter(name=name).exists():
        errors["name"] = [f"There is already an API client called {name!r}."]
    if not inspections and not programmes:
        errors["inspections"] = ["Choose at least one inspection or programme the client may read."]
    if errors:
        raise ValidationError(errors)
    user_model = get_user_model()
    base = f"api-client-{slugify(name)[:100]}"
    username, n = base, 1
    while user_model.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    # The account cannot sign in to the web pages: it has no password and no memberships.
    user = user_model(username=username, first_name=name[:150])
    user.set_unusable_password()
    user.save()
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name, user=user, key_prefix=key[:8], key_hash=api_key_hash(key), created_by=by
    )
    client.inspections.set(inspections)
    client.programmes.set(programmes)
    return ApiClientIssued(client=client, key=key)


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Refuse the client's token from now on (idempotent: the first revocation time is kept)."""
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked
