"""How a person is named on every page: full name, else username; a dash for nobody (a
system write, or an account since deleted)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user: object, nobody: str = "–") -> str:
    if user is None:
        return nobody
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", "") or nobody)
