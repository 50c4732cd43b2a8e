"""Token authentication for API clients (scoped, revocable) and for people (DRF tokens)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api.models import ApiClient
from api.services import api_key_hash


class ApiClientTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: an API client's key (request.auth is the ApiClient), or a
    person's DRF token. A revoked client key is refused with 401, never treated as anonymous."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        client = ApiClient.objects.select_related("user").filter(key_hash=api_key_hash(key)).first()
        if client is None:
            return super().authenticate_credentials(key)
        if client.is_revoked:
            raise exceptions.AuthenticationFailed("This API token has been revoked.")
        if not client.user.is_active:
            raise exceptions.AuthenticationFailed("This API client's account is disabled.")
        return (client.user, client)
