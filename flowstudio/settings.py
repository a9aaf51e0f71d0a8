"""FlowStudio settings, read from the environment (12-factor).

Every value comes from an environment variable through the typed helpers in
``flowstudio.env``; a malformed value stops start-up with a message naming it.
Development defaults apply only when DEBUG is on; production must set them.
A git-ignored ``.env`` file beside manage.py (``make`` writes one with DEBUG=1 for a
development checkout) fills in variables that the environment does not set.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from dotenv import load_dotenv

from flowstudio.env import ImproperlyConfiguredEnv, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Real environment variables always win over the file (override=False).
_env_file = env_str("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_dotenv(_env_file, override=False)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-flowstudio")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", DEBUG)
if SANDBOX_ENABLED and not DEBUG:
    # The sandbox's /sandbox/requests/ shows payloads, numbers and contact fields without signing in.
    raise ImproperlyConfiguredEnv(
        "SANDBOX_ENABLED=1 serves the development sandbox (its request log needs no sign-in); "
        "it cannot be on with DEBUG=0. Unset SANDBOX_ENABLED."
    )
# The port `make run` serves the site on (scripts/run-dev.sh); the demo credential points at its sandbox.
SITE_PORT = env_int("SITE_PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    # Lowest first; each app may use the ones above it only (docs/architecture.md).
    "editor.legacy",
    "editor.accounts",
    "editor.flows",
    "editor.calls",
    "editor.events",
    "editor.campaigns",
]
if SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "editor.common.api.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "editor.common.middleware.NulCharacterMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

if SANDBOX_ENABLED:
    # The demo credential follows the port this development server is served on (editor/calls/middleware.py).
    MIDDLEWARE.append("editor.calls.middleware.DemoSandboxPortMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "flowstudio.urls"
WSGI_APPLICATION = "flowstudio.wsgi.application"

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
                "editor.calls.context_processors.worker_status",
                "editor.common.csp.csp_nonce",
            ],
            # Filters every page may use without {% load %} (editor/common has no models, so it is no app).
            "builtins": ["editor.common.templatetags.site"],
        },
    },
]

# --- Database -------------------------------------------------------------
# Production names its database; only a development checkout falls back to SQLite under var/.
_default_database = f"sqlite:///{VAR_DIR / 'flowstudio.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_database) if DEBUG else env_str("DATABASE_URL")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write at the same time: WAL lets readers run beside a
    # writer, the busy timeout waits instead of failing, and IMMEDIATE takes the
    # write lock at BEGIN so two writers never deadlock on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/flows/"
LOGOUT_REDIRECT_URL = "login"

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (production) -------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy of every page (django-csp; the nonce in templates: editor/common/csp.py).
# Scripts only from this site or inline with the request's nonce; nothing from another origin (Swagger
# UI comes from drf-spectacular-sidecar); no page may frame ours; forms post only here. Inline styles
# stay allowed (style= attributes, React Flow's positions), which run no code. CSP_REPORT_ONLY sends
# the same policy as Content-Security-Policy-Report-Only, to try a change first.
# (A local name: django-csp 4 refuses settings named CSP_*, the format of its version 3.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
_csp = {"DIRECTIVES": {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}}
if _csp_report_only:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Secrets at rest --------------------------------------------------------
# Comma-separated Fernet keys, newest first (MultiFernet: the first encrypts,
# all decrypt, so keys can rotate). In development one is derived from SECRET_KEY.
if DEBUG:
    _derived = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [_derived])
else:
    FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# --- Samespace --------------------------------------------------------------
SAMESPACE_BASE_URL = env_str("SAMESPACE_BASE_URL", "https://api.samespace.com/api/public/v1")
# Hosts a credential's base URL may point at (https only). Development adds the
# built-in sandbox, which is served over plain http on this machine.
SAMESPACE_ALLOWED_HOSTS = env_list("SAMESPACE_ALLOWED_HOSTS", ["api.samespace.com"])
SAMESPACE_INSECURE_HOSTS = env_list(
    "SAMESPACE_INSECURE_HOSTS", ["127.0.0.1", "localhost"] if SANDBOX_ENABLED else []
)
if SAMESPACE_INSECURE_HOSTS and not SANDBOX_ENABLED:
    raise ImproperlyConfiguredEnv(
        "SAMESPACE_INSECURE_HOSTS lets credentials send their token over plain http; it is only for the "
        "development sandbox (DEBUG=1 with SANDBOX_ENABLED). Unset it."
    )
SAMESPACE_CONNECT_TIMEOUT = env_float("SAMESPACE_CONNECT_TIMEOUT", 5.0)
SAMESPACE_READ_TIMEOUT = env_float("SAMESPACE_READ_TIMEOUT", 30.0)
SAMESPACE_MAX_ATTEMPTS = env_int("SAMESPACE_MAX_ATTEMPTS", 5)
SANDBOX_AUTH_TOKEN = env_str("SANDBOX_AUTH_TOKEN", "sandbox-token")
# The address Samespace reaches FlowStudio at (https://flowstudio.example.com): credentials with
# "Samespace sends call events" put <PUBLIC_BASE_URL>/hooks/samespace/<token>/ into each payload.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", f"http://127.0.0.1:{SITE_PORT}" if DEBUG else "").rstrip("/")
if PUBLIC_BASE_URL and not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfiguredEnv("PUBLIC_BASE_URL must start with https:// (or http:// in development).")
# Call events (docs/call-events.md): the largest body the hook accepts, events kept per call (more
# get 429), events per request, and the days raw events are kept (outcomes and counts stay).
EVENTS_MAX_BODY_BYTES = env_int("EVENTS_MAX_BODY_BYTES", 16 * 1024)
EVENTS_MAX_PER_CALL = env_int("EVENTS_MAX_PER_CALL", 500)
EVENTS_MAX_BATCH = env_int("EVENTS_MAX_BATCH", 50)
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", 90)
# Seconds the processing task waits once scheduled, so that the events arriving meanwhile (of every
# call) are processed together. It is also how late an outcome is, at least: at 0.2 s a busy hook
# gets one task per 200 ms, 0.04 statements per event read against 0.02 at 0.5 s, and a burst's
# outcomes about 0.3 s sooner (bench/README.md, "Events").
EVENTS_PROCESS_DELAY = env_float("EVENTS_PROCESS_DELAY", 0.2)
# The sandbox plays each accepted call whose payload has a publish URL and posts its events there;
# SANDBOX_EVENT_FAULTS (comma-separated: duplicates, reorder, late) misbehaves on purpose.
SANDBOX_EVENT_FAULTS = env_list("SANDBOX_EVENT_FAULTS", [])
SANDBOX_EVENT_DELAY = env_float("SANDBOX_EVENT_DELAY", 0.05)
# Retries of what Samespace certainly did not process: exponential backoff with jitter
# (base * 2^(attempt-1), capped), never sooner than a Retry-After (itself capped).
SAMESPACE_BACKOFF_BASE = env_float("SAMESPACE_BACKOFF_BASE", 1.0)
SAMESPACE_BACKOFF_MAX = env_float("SAMESPACE_BACKOFF_MAX", 300.0)
SAMESPACE_RETRY_AFTER_MAX = env_float("SAMESPACE_RETRY_AFTER_MAX", 3600.0)
# Sandbox fault injection for every request ("", 500, 400, 429, 503, 503-then-200, slow, drop);
# numbers ending in 0500, 0429, 0503, 0555, 0599... pick one per call (sandbox/faults.py).
SANDBOX_FAULT = env_str("SANDBOX_FAULT", "")
SANDBOX_SLOW_SECONDS = env_float("SANDBOX_SLOW_SECONDS", 5.0)
SANDBOX_RETRY_AFTER = env_int("SANDBOX_RETRY_AFTER", 2)
# Calls: retries due within CALLS_MAX_COUNTDOWN seconds ride on a Celery countdown, later ones
# wait in the database; the reaper runs every CALLS_REAPER_INTERVAL seconds and re-enqueues a due
# queued call whose message has not run CALLS_REQUEUE_AFTER seconds after it was due.
CALLS_MAX_COUNTDOWN = env_float("CALLS_MAX_COUNTDOWN", 60.0)
CALLS_REAPER_INTERVAL = env_float("CALLS_REAPER_INTERVAL", 10.0)
CALLS_REQUEUE_AFTER = env_float("CALLS_REQUEUE_AFTER", 120.0)
WORKER_HEARTBEAT_INTERVAL = env_float("WORKER_HEARTBEAT_INTERVAL", 10.0)
WORKER_OFFLINE_AFTER = env_float("WORKER_OFFLINE_AFTER", 60.0)
# Campaigns: beat sends the dispatcher tick every CAMPAIGN_TICK_SECONDS; each tick claims at most
# CAMPAIGN_BATCH contacts per campaign and keeps at most CAMPAIGN_MAX_IN_FLIGHT calls queued or
# sending per campaign. CLOCK_FROM_DB (tests, DEBUG only) lets editor/campaigns/clock.py read a moved time.
# Rows of each kind (rejected, duplicate, do-not-call) an import's report keeps; the counts cover every
# row and every rejected row stays downloadable as CSV (editor/campaigns/services/contacts.py).
CONTACT_IMPORT_REPORT_ROWS = env_int("CONTACT_IMPORT_REPORT_ROWS", 1000)
# A contact import runs in a worker, in slices of at most this many seconds (and at most half the
# soft time limit); each slice queues the next (editor/campaigns/services/imports.py).
CONTACT_IMPORT_SLICE_SECONDS = env_float("CONTACT_IMPORT_SLICE_SECONDS", 30.0)
# An import with no stored batch for this long (its run died, or its message was lost) is queued
# again by the reaper, which beat runs every CONTACT_IMPORT_REAPER_INTERVAL seconds.
CONTACT_IMPORT_REAPER_INTERVAL = env_float("CONTACT_IMPORT_REAPER_INTERVAL", 60.0)
CAMPAIGN_TICK_SECONDS = env_float("CAMPAIGN_TICK_SECONDS", 5.0)
CAMPAIGN_BATCH = env_int("CAMPAIGN_BATCH", 500)
CAMPAIGN_MAX_IN_FLIGHT = env_int("CAMPAIGN_MAX_IN_FLIGHT", 1000)
CAMPAIGN_MAX_SLOT_WAIT = env_float("CAMPAIGN_MAX_SLOT_WAIT", 3.0)  # seconds a worker waits for a near send slot
CLOCK_FROM_DB = env_bool("CLOCK_FROM_DB", False)
if CLOCK_FROM_DB and not DEBUG:
    raise ImproperlyConfiguredEnv("CLOCK_FROM_DB moves the campaigns' clock for tests; it cannot be on with DEBUG=0.")

# --- Simulator ----------------------------------------------------------------
# "Really send it" in the simulator (editor/flows/safehttp.py): private, loopback, link-local and other
# non-public addresses are refused unless listed here (IPs, networks such as 10.1.0.0/16, or host names).
SIMULATOR_HTTP_ALLOWLIST = env_list("SIMULATOR_HTTP_ALLOWLIST", [])
SIMULATOR_HTTP_TIMEOUT = env_float("SIMULATOR_HTTP_TIMEOUT", 5.0)
SIMULATOR_HTTP_MAX_BYTES = env_int("SIMULATOR_HTTP_MAX_BYTES", 256 * 1024)
SIMULATOR_HTTP_MAX_REDIRECTS = env_int("SIMULATOR_HTTP_MAX_REDIRECTS", 5)
# Requests really sent per user and minute (more get 429): the server is not a free proxy.
SIMULATOR_HTTP_SENDS_PER_MINUTE = env_int("SIMULATOR_HTTP_SENDS_PER_MINUTE", 30)

# --- Celery -----------------------------------------------------------------
# Production names its broker; only a development checkout falls back to the embedded one.
_broker = env_str("CELERY_BROKER_URL", "") if DEBUG else env_str("CELERY_BROKER_URL")

# --- Cache ------------------------------------------------------------------
# One cache every process shares: API throttles, the simulator's send limit and the password-reset
# limits count there (editor/common/ratelimit.py). CACHE_URL picks it: redis://… (or rediss://), db://
# (the database table flowstudio_cache, made by `manage.py createcachetable`) or locmem:// (one process
# only: check --deploy flags it). Unset: the broker's Redis when the broker is Redis, else the database.
CACHE_URL = env_str("CACHE_URL", "") or (_broker if _broker.startswith(("redis://", "rediss://")) else "db://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    _cache: dict = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
elif CACHE_URL == "db://":
    _cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "flowstudio_cache"}
elif CACHE_URL == "locmem://":
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    raise ImproperlyConfiguredEnv(f"The environment variable CACHE_URL={CACHE_URL!r} is invalid: "
                                  "use redis://host:port/db, db:// or locmem://")
CACHES = {"default": {**_cache, "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "flowstudio")}}
if _broker:
    CELERY_BROKER_URL = _broker
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # Embedded broker for `make run`: Celery's filesystem transport needs no server.
    # data_folder_in and data_folder_out must be the same existing folder.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables (worker control, broadcast); the default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 100)
# Redis redelivers an unacknowledged message after this; it must exceed the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
    "CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT * 3
)
# Celery's Django fix-up closes the database connection after every task unless this is set; a
# worker then opens a new PostgreSQL connection per task. Reuse it for this many tasks instead.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 200)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed into django-celery-beat's tables by the DatabaseScheduler when beat starts.
CELERY_BEAT_SCHEDULE = {
    "calls-reaper": {
        "task": "editor.tasks.reap_calls",
        "schedule": CALLS_REAPER_INTERVAL,
        "options": {"expires": CALLS_REAPER_INTERVAL},
    },
    "events-purge": {
        "task": "editor.tasks.events_purge",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    # Processing runs when the hook schedules it; this run covers a task lost with its worker.
    "events-process": {
        "task": "editor.tasks.events_process",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "campaigns-tick": {
        "task": "editor.tasks.campaigns_tick",
        "schedule": CAMPAIGN_TICK_SECONDS,
        "options": {"expires": CAMPAIGN_TICK_SECONDS},
    },
    "contact-imports-reaper": {
        "task": "editor.campaigns.reap_imports",
        "schedule": CONTACT_IMPORT_REAPER_INTERVAL,
        "options": {"expires": CONTACT_IMPORT_REAPER_INTERVAL},
    },
}
# After the task time limit no run can still be alive (the worker kills it); a margin for the last commit.
CONTACT_IMPORT_STALE_SECONDS = env_float("CONTACT_IMPORT_STALE_SECONDS", CELERY_TASK_TIME_LIMIT + 30.0)
# One queue name for tasks and workers (tests give their workers a queue of their own).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE

# --- REST API ---------------------------------------------------------------
# Request body limits (bytes). Bigger bodies get 413 in the API's error shape
# (editor/common/api/middleware.py); multipart/form-data uploads have their own, larger limit.
API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", 5 * 1024 * 1024)
API_MAX_UPLOAD_BYTES = env_int("API_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# The editor's save of a whole flow (PATCH or PUT /api/flows/{id}/) and its check (POST
# /api/flows/validate/) may be bigger: the canvas gives every step a position, which grows a compact
# flow by a third or more, so a flow the API took under API_MAX_JSON_BYTES without positions still
# saves once laid out (editor/common/api/middleware.py).
API_MAX_FLOW_BYTES = env_int("API_MAX_FLOW_BYTES", 2 * API_MAX_JSON_BYTES)
# Django's own check (non-file form data, request.body) matches the JSON limit; uploaded
# files bigger than FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_JSON_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Per-client API rate limits ("N/second|minute|hour|day"); an empty value switches one off.
API_THROTTLE_RATES = {
    "anon": env_str("API_THROTTLE_ANON", "120/minute") or None,
    "user": env_str("API_THROTTLE_USER", "1200/minute") or None,
}

REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "editor.common.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "editor.common.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["editor.common.api.filters.NameSearchFilter", "rest_framework.filters.OrderingFilter"],
    "DEFAULT_PARSER_CLASSES": [
        "editor.common.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "editor.common.api.throttling.AnonThrottle",
        "editor.common.api.throttling.UserThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FlowStudio API",
    "DESCRIPTION": "Draw, check and run outbound phone call flows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "favicon.svg",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl off: Swagger UI would otherwise call validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "editor.calls.models.CallStatus",
        "CampaignStatusEnum": "editor.campaigns.models.CampaignStatus",
        "ContactStatusEnum": "editor.campaigns.models.ContactStatus",
        "RoleEnum": "editor.accounts.models.Role",
        "SimulationStatusEnum": ["waiting", "ended"],
    },
}

# --- Accounts ---------------------------------------------------------------
# Password-reset e-mails per address and per client ("N/minute|hour|day"; empty: no limit), counted in
# the shared cache (editor/accounts/reset_limits.py).
PASSWORD_RESET_RATE_ADDRESS = env_str("PASSWORD_RESET_RATE_ADDRESS", "3/hour")
PASSWORD_RESET_RATE_CLIENT = env_str("PASSWORD_RESET_RATE_CLIENT", "10/hour")
for _name in ("PASSWORD_RESET_RATE_ADDRESS", "PASSWORD_RESET_RATE_CLIENT", "API_THROTTLE_ANON", "API_THROTTLE_USER"):
    _rate = os.environ.get(_name, "")
    if _rate and not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate.strip()):
        raise ImproperlyConfiguredEnv(f"The environment variable {_name}={_rate!r} is invalid: use N/minute, N/hour...")
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A locked-out sign-in gets a page in the site's look (JSON under /api/), status 429.
AXES_LOCKOUT_CALLABLE = "editor.accounts.views.lockout_response"

if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FlowStudio <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
    },
    # The events hook's path holds a call's token: hidden in every line (editor/events/logfilter.py),
    # the development server's request log included (Django's own "django.server" handler, redefined).
    "filters": {"hook_tokens": {"()": "editor.events.logfilter.RedactHookTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["hook_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["hook_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes announces itself at INFO on every start, which would clutter CLI output.
    "loggers": {"axes": {"level": "WARNING"},
                "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
}

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
