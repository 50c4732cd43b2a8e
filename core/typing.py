"""Types shared by every layer."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# Who a request or a service acts for: a signed-in person (or an API client's account), or
# nobody. The project uses Django's own user model (AUTH_USER_MODEL is not swapped).
AnyUser: TypeAlias = User | AnonymousUser

__all__ = ["AnyUser", "User"]
