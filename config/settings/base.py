"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ

# Generic classes of Django (ModelAdmin[Model], QuerySet[Model], forms) subscriptable at run time,
# as the type annotations use them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CELERY_BROKER_URL=(str, ""),
)
# A local .env is convenient for developers; production passes real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Failed sign-ins are counted and lock out guessing (docs/adr/0011-sign-in-and-sessions.md).
    "axes",
    "core",
    "api",
    "inspections",
    "cases",
    "scoring",
    "reports",
    # The top layer: the demo and synthetic data use every app above and are used by none.
    "demo",
]

MIDDLEWARE = [
    # First: /healthz/ and /readyz/ are answered before the host check and the HTTPS redirect
    # (a probe speaks plain HTTP from inside the container, under any Host header).
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the request: a URL or body over the limits is refused (as JSON under
    # /api/), never parsed.
    "api.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    # Records every successful read of case data (cases/services/access_log.py).
    "cases.middleware.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Form widgets render with the project's templates (the GOV.UK date input's three boxes live in
# templates/includes/date_input.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]

# A form refused by the CSRF check gets the service's own page (core.views.csrf_failure).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# The footer's "All case data in this service is synthetic": true for the demo and tests, false
# in production (config/settings/production.py), where the data is real.
SYNTHETIC_DATA_ONLY = env.bool("SYNTHETIC_DATA_ONLY", default=True)

DATABASES = {
    # The embedded default is for the demo only; tests, CI and docker-compose use PostgreSQL.
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# An optional read replica for the read-only exports (core/db_router.py, docs/scaling.md).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
READ_REPLICA: str | None = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# API throttling counts and the score cache (docs/adr/0014) in the default cache: point
# CACHE_URL at Redis when several processes serve the app (docker-compose does), or each process
# counts and caches on its own. Nothing depends on the cache being up: sessions are in the
# database (Django's default engine, kept on purpose), throttling lets requests through, logged,
# and scores are computed, while the cache is unreachable (api/throttling.py, core/cache.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # An unreachable cache must cost a request a second at most, not a TCP timeout.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "core.staticfiles.AppDirectoriesFinder",  # without an unused bundle
]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions last a working day (docs/adr/0011-sign-in-and-sessions.md): signed out after
# SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after signing in whatever
# happens. The cookie's age is the idle timeout; core.middleware renews it as requests come.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=120))
SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=10))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username, or
# from one address, sign-in is refused for AXES_COOLOFF_MINUTES after the latest failure, on
# every sign-in form (site, admin, browsable API). An administrator unlocks in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.views.locked_out"
# The client's address: REMOTE_ADDR, or when the app runs behind TRUSTED_PROXY_COUNT proxies
# that append to X-Forwarded-For, the address the nearest of them saw (never a client-chosen
# value: core.net.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_VERBOSE = False

# Content-Security-Policy on every response (django-csp). No inline script or style: the pages'
# JavaScript is in static files. The report's own HTML sets a stricter policy (sandbox), which
# the middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Request limits (README: API limits). Over them, the API answers JSON errors: 414 for a URL
# longer than MAX_URL_LENGTH characters (gunicorn itself refuses a request line over 8,190
# bytes, config/gunicorn.py), 413 for a body over MAX_REQUEST_BODY_BYTES, 413 for JSON or form
# fields over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, its default), 400 for JSON nested
# deeper than API_MAX_JSON_DEPTH.
MAX_URL_LENGTH = 4096
MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024  # the 5 MB CSV import and its form around it
API_MAX_JSON_DEPTH = 32

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.ApiClientsReadOnly",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.ApiClientRateThrottle",
        "api.throttling.PersonRateThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a size and depth limit, so a deeply nested body is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
# Per API client token and per signed-in person (inspections/api/throttling.py).
API_THROTTLE_RATES = {
    "api_client": env("API_CLIENT_RATE", default="600/minute"),
    "person": env("API_PERSON_RATE", default="3000/minute"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "DIPP case-inspection API",
    "DESCRIPTION": (
        "Results and case data of Dynamic Inspections of Public Protection. Authenticate with "
        "a browser session or `Authorization: Token <key>`; API client tokens are read-only "
        "and see only the inspections they were issued for. Errors are JSON: "
        "`{detail, code, errors}`.\n\n"
        "Limits, each answered with that JSON error: a URL over 4,096 characters, 414 "
        "`uri_too_long` (a request line over 8,190 bytes is refused by the web server itself, "
        "with a plain 414); a body over 6 MB, or JSON or form data over 2.5 MB, 413 "
        "`request_too_large`; JSON nested more than 32 levels deep, 400 `too_deep`; `page` and "
        "`page_size` must be whole numbers given once (page_size 1 to 500), or 400 `invalid`. "
        "When the background task service is down, starting a build answers 503 "
        "`service_unavailable`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # No internet at run time: Swagger UI and Redoc are served from the sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AnswerValueEnum": "cases.models.Answer.Value",
        "CaseStatusEnum": "cases.models.Case.Status",
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# Without a broker (the demo on a laptop) tasks run in-process, so nothing needs Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# acks_late + reject_on_worker_lost give a task back when a pool process dies under a living
# worker. When the whole worker dies (SIGKILL, out of memory, lost machine), Redis gives the
# unacknowledged message back only after this visibility timeout, so it is set explicitly: longer
# than any task may run (report builds are cut off at 360 s), or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    # An unreachable broker must fail a "Build" request in seconds (core.queue), not hang it.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3

# Report builds: one still queued after REPORT_BUILD_QUEUE_MINUTES (no worker took it), or running
# with no heartbeat for REPORT_BUILD_HEARTBEAT_MINUTES (its worker died), has stalled, and the
# next "Build" replaces it (reports/services.py).
REPORT_BUILD_QUEUE_TIMEOUT = timedelta(minutes=env.int("REPORT_BUILD_QUEUE_MINUTES", default=10))
REPORT_BUILD_HEARTBEAT_TIMEOUT = timedelta(
    minutes=env.int("REPORT_BUILD_HEARTBEAT_MINUTES", default=2)
)
REPORT_BUILD_HEARTBEAT_SECONDS = 15.0

# CSV imports of more lines than this run as a background job with a progress page.
CSV_IMPORT_BACKGROUND_LINES = env.int("CSV_IMPORT_BACKGROUND_LINES", default=1000)

# The accessibility statement (/accessibility/): where to report a problem, and how soon we reply.
# The default is a placeholder (a reserved example domain): set the real address in production.
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL", default="accessibility@dipp.example"
)
ACCESSIBILITY_RESPONSE_DAYS = env.int("ACCESSIBILITY_RESPONSE_DAYS", default=5)

# The privacy notice (/privacy/) and docs/data-protection.md: who controls the data, whom to
# ask, and how long case data is kept after publication. Placeholders (reserved example
# domain): the operator sets the real values in production.
DATA_CONTROLLER = env(
    "DATA_CONTROLLER", default="The inspectorate that runs this service (set DATA_CONTROLLER)"
)
DATA_PROTECTION_CONTACT_EMAIL = env("DATA_PROTECTION_CONTACT_EMAIL", default="dpo@dipp.example")
# Case data of a published inspection is anonymised this many months after publication.
RETENTION_MONTHS_AFTER_PUBLICATION = env.int("RETENTION_MONTHS_AFTER_PUBLICATION", default=12)
# The scheduled tasks (the `beat` service in docker-compose.yml): the retention sweep, daily.
CELERY_BEAT_SCHEDULE = {
    "retention-sweep": {
        "task": "cases.retention_sweep",
        "schedule": timedelta(hours=24),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "core.logging.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
