# A "Lead inspectors" group whose members may create inspections (inspections.access
# can_create_inspection): an administrator puts a new lead in it when creating their account.

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Lead inspectors"


def forwards(apps, schema_editor):
    # Permissions are made after migrating; make this app's now, so the group can hold one.
    app_config = apps.get_app_config("inspections")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permission = Permission.objects.get(
        codename="add_inspection", content_type__app_label="inspections"
    )
    group.permissions.add(permission)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0004_lifecycle_history_and_details"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
