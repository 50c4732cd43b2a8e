# ApiClient now lives in the api app (api.0001 takes it over, same tables): remove it from this
# app's state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_api_client'),
        ('api', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ApiClient')],
            database_operations=[],
        ),
    ]
