"""Who may do what through the API. What a user may *see* is decided by the querysets
(Inspection.objects.visible_to / Case.objects.visible_to); these only decide about writes."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.models import ApiClient


def is_api_client(request: Request) -> bool:
    if isinstance(request.auth, ApiClient):
        return True
    # A client's account cannot sign in, but be certain: it never writes by any route.
    user = request.user
    if user is None or not user.is_authenticated:
        return False
    return ApiClient.objects.filter(user_id=int(user.pk)).exists()


class ApiClientsReadOnly(BasePermission):
    message = "API client tokens are read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or not is_api_client(request)
