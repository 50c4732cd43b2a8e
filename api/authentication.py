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

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None and isinstance(result[1], ApiClient):
            # The read-access log names the client, not only its account
            # (cases.middleware.AccessLogMiddleware reads the underlying Django request).
            request._request.api_client_name = result[1].name
        return result

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        client = ApiClient.objects.select_related("user").filter(key_hash=api_key_hash(key)).first()
        if client is None:
            return super().authenticate_credentials(key)
        if client.is_revoked:
            raise exceptions.AuthenticationFailed("This API token has been revoked.")
        if not client.user.is_active:
            raise exceptions.AuthenticationFailed("This API client's account is disabled.")
        return (client.user, client)
