from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def shipped_framework_ensure(using: str = "default", **_: Any) -> None:
    """Load the DIPP framework this project ships (inspections/frameworks/dipp-v1.json) after
    migrating, when it is not there yet: a new installation can create an inspection from the
    pages alone, with no command to run first. Loading it again changes nothing."""
    from inspections.models import Framework
    from inspections.services import DEFAULT_FRAMEWORK_FILE, framework_load_file

    if using != "default" or Framework.objects.using(using).exists():
        return
    framework_load_file(path=DEFAULT_FRAMEWORK_FILE)


def lead_group_ensure(using: str = "default", apps: Any = None, **_: Any) -> None:
    """Keep the "Lead inspectors" group (may create inspections) and the "National leads"
    group (may create programmes) present after migrating, and
    after a test flush, which empties the table its data migration filled."""
    from django.contrib.auth.models import Group, Permission

    from inspections.access import LEAD_GROUP, NATIONAL_LEAD_GROUP

    if using != "default":
        return
    # "National leads" may create programmes (issue 14); each programme names its own.
    for name, codename in ((LEAD_GROUP, "add_inspection"), (NATIONAL_LEAD_GROUP, "add_programme")):
        group = Group.objects.get_or_create(name=name)[0]
        permission = Permission.objects.filter(
            codename=codename, content_type__app_label="inspections"
        ).first()
        if permission is not None:
            group.permissions.add(permission)


class InspectionsConfig(AppConfig):
    name = "inspections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(shipped_framework_ensure, sender=self)
        post_migrate.connect(lead_group_ensure, sender=self)
