# The ApiClient model moved here from inspections (inspections.0003 removes it from that app's
# state). Its tables keep their names, so this migration changes the state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('inspections', '0002_api_client'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='Who or what uses the token.', max_length=100, unique=True)),
                        ('key_prefix', models.CharField(help_text='First characters of the key, to recognise it.', max_length=8, unique=True)),
                        ('key_hash', models.CharField(help_text='SHA-256 of the key.', max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('inspections', models.ManyToManyField(db_table='inspections_apiclient_inspections', help_text='The only inspections the client may read.', related_name='api_clients', to='inspections.inspection')),
                        ('user', models.OneToOneField(help_text='The account the token acts as (no password, no memberships).', on_delete=django.db.models.deletion.PROTECT, related_name='api_client', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API client',
                        'ordering': ['name'],
                        'db_table': 'inspections_apiclient',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
