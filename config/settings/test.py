"""Test settings: PostgreSQL (the suite checks database-enforced invariants on it)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dipp"),
}
# A second alias on the same server, for the read-replica router's tests (tests/
# test_read_replica.py): a mirror of the test database, used only where a test turns
# READ_REPLICA on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
READ_REPLICA = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run eagerly in-process, unless CELERY_TEST_BROKER_URL names a real broker: the report's
# worker tests set it for the Celery worker they start (reports/tests/test_build_worker.py).
CELERY_TEST_BROKER_URL = env("CELERY_TEST_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_TEST_BROKER_URL
CELERY_BROKER_URL = CELERY_TEST_BROKER_URL or "memory://"
# A worker test that kills its worker needs the unacknowledged task back in seconds, not the
# production minutes: it sets CELERY_VISIBILITY_TIMEOUT low, and the sweep runs every second.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Two test runs may share one Redis database: each run's worker tests give every key a prefix of
# their own (kombu's global_keyprefix), so neither takes the other's tasks nor deletes its keys.
CELERY_TEST_KEYPREFIX = env("CELERY_TEST_KEYPREFIX", default="")
if CELERY_TEST_KEYPREFIX:
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = CELERY_TEST_KEYPREFIX
