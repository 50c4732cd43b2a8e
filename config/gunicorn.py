"""gunicorn settings for production: docker-compose's web service and the deploy smoke test
(tests/test_deploy.py) start it as `gunicorn -c config/gunicorn.py config.wsgi:application`.

Each value is chosen, not inherited (docs/adr/0010-production-deployment.md); the environment
may override the ones a deployment tunes.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Synchronous workers, one request each at a time. The pages and the API are database-bound and
# short; report builds and large CSV imports run in the Celery worker, not here. Three workers
# suit the 2-core machines this runs on (2 x cores - 1 leaves room for PostgreSQL); raise
# WEB_CONCURRENCY with the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# The slowest legitimate request was the 20,000-case XLSX export (16 s measured on a loaded
# machine, docs/benchmarks.md); since issue 11 the exports stream as they are written (first byte
# in milliseconds), but gunicorn's sync timeout counts the whole response, so 60 s still bounds
# the longest download (a 20,000-case XLSX takes about 5 s). A request stuck longer is killed
# rather than holding a worker for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Request-line limit (method, URL, protocol): gunicorn's maximum. Longer gets gunicorn's own
# plain-text 414 before Django; Django refuses URLs over MAX_URL_LENGTH (4,096 characters)
# first, with the API's JSON error under /api/ (README: API limits).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Behind a proxy that terminates TLS, name its address so gunicorn trusts its X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The workers' heartbeat files on a RAM disk where there is one (Docker's /tmp may be slow).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
