"""The Celery application. Tasks run eagerly in-process when no broker is configured."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("dipp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
