"""Types shared by every layer, and the two narrowings of "who is acting" they need."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

# Who a request or a service acts for: a signed-in person (or an API client's account), or
# nobody. The project uses Django's own user model (AUTH_USER_MODEL is not swapped).
AnyUser: TypeAlias = User | AnonymousUser


def person_id(user: AnyUser) -> int | None:
    """The signed-in user's id; None for nobody."""
    if isinstance(user, User) and user.is_authenticated:
        return int(user.pk)
    return None


def signed_in(user: AnyUser) -> User:
    """The signed-in user (views behind login_required); refuses nobody."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


__all__ = ["AnyUser", "User", "person_id", "signed_in"]
