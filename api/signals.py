"""A new password signs a person out everywhere: their personal API tokens go with it.

Django already ends every other session on a password change (each session carries a hash of
the password it was opened with); a DRF token has no such link, so it is deleted here. API
client tokens (api.ApiClient) belong to accounts without passwords and are revoked separately.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token


def remember_old_password(sender: type[User], instance: User, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if instance.pk is None or (fields is not None and "password" not in fields):
        instance._old_password = None  # type: ignore[attr-defined]
        return
    instance._old_password = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    )


def tokens_end_on_password_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    old = getattr(instance, "_old_password", None)
    if old is not None and old != instance.password:
        Token.objects.filter(user=instance).delete()
