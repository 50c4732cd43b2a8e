"""Whether the site navigation shows "Programmes": for anyone who may see a programme or create
one. Administrators and signed-out visitors cost no query; anyone else one, once per page."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q

from core.typing import person_id
from inspections.access import is_admin, programmes_visible

register = template.Library()


def programmes_in_reach(user: Any) -> bool:
    """One query: the user sees a programme, or holds the permission to create one (directly
    or through a group such as "National leads")."""
    person = person_id(user)
    if person is None:
        return False
    if is_admin(user):
        return True
    may_create = Permission.objects.filter(
        content_type__app_label="inspections", codename="add_programme"
    ).filter(Q(group__user=person) | Q(user=person))
    return (
        get_user_model()
        .objects.filter(pk=person, is_active=True)
        .filter(Exists(programmes_visible(user)) | Exists(may_create))
        .exists()
    )


def programmes_in_reach_known(request: Any, shown: bool) -> None:
    """A page that already knows the answer (it lists or shows a programme) saves the query."""
    request._programmes_in_reach = shown


@register.simple_tag(takes_context=True)
def programmes_nav(context: template.Context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if request is not None:
        known = getattr(request, "_programmes_in_reach", None)
        if known is not None:
            return bool(known)
    shown = programmes_in_reach(user)
    if request is not None:
        programmes_in_reach_known(request, shown)
    return shown
