"""Settings, read from the environment.

Local default (no variables set): SQLite file in the project, Celery tasks run
in-process, mail written to ``var/mail/``. Production: set ``DEBUG=false``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``, ``REDIS_URL`` and
``EMAIL_URL`` (see README.md).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_list, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=… or DEBUG=true).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "directory",
    "conferences",
    "indices",
    "invitations",
    "documents",
    "registers",
    "workflow",
    "contributions",
    "accounts",
    "audit",
    "ops",
]

MIDDLEWARE = [
    # First: the request id of every log record, then /healthz answered before host checks and redirects.
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so every response gets the headers, also those of the middlewares below that answer
    # by themselves (the second-factor check, the lockout, the request-size limit).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionExpiredMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its 413 page has the session, the user and the CSP header; it
    # still answers before anything reads the body.
    "config.uploads.RequestSizeLimitMiddleware",
    "config.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workflow.context_processors.notifications",
                "ops.context_processors.task_failures",
            ],
            "libraries": {"interface": "config.interface"},
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg2) when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.NumericPasswordValidator"},
]
# django-axes first: a locked-out username+address is refused before the password is checked.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]

# Two-factor authentication (accounts/otp.py): required for these roles and for superusers.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["reviewer", "clerk", "admin"])
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Hội nghị CCHC")
OTP_TOTP_DEVICE_NAME = "Authenticator app"

# Login throttling (django-axes): 5 failures of one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Logins one address may try per window, whatever the usernames (accounts.views.LoginView).
LOGIN_RATE_PER_IP = int(os.environ.get("LOGIN_RATE_PER_IP", "30"))
LOGIN_RATE_WINDOW_SECONDS = int(os.environ.get("LOGIN_RATE_WINDOW_SECONDS", "600"))
# Behind a reverse proxy that appends the client's address to X-Forwarded-For.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# Sessions end after SESSION_IDLE_MINUTES without a request (accounts.middleware.IdleTimeoutMiddleware
# moves the expiry forward, at most once a minute), and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Vietnamese interface, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded contributions and booklets: outside the media path, served only by permission-checked views.
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", VAR_DIR / "private"))
CONTRIBUTION_MAX_BYTES = int(os.environ.get("CONTRIBUTION_MAX_MB", "20")) * 1024 * 1024

# Upload limits (config/uploads.py). A request body over MAX_REQUEST_BODY_MB
# (default: 40, or the contribution limit + 10 when that is larger) gets the
# "too large" page (413); each upload form has its own, smaller limit.
MB = 1024 * 1024
MAX_REQUEST_BODY_BYTES = int(float(os.environ.get("MAX_REQUEST_BODY_MB") or max(40, CONTRIBUTION_MAX_BYTES // MB + 10)) * MB)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("DATA_UPLOAD_MAX_MEMORY_MB", "2.5")) * MB)  # fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("FILE_UPLOAD_MAX_MEMORY_MB", "2.5")) * MB)  # larger: to a temp file
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000"))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "10"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.staticfiles.StaticFilesStorage"
        )
    },
}

# Widget templates may live in templates/ (the directory picker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: Django 6.1 MAILERS. Default writes each message to var/mail/.
MAILERS = {"default": mailer_from_url(os.environ.get("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}", base_dir=BASE_DIR)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hội nghị CCHC <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Address of the site in links sent by mail (reply links of the Giấy mời, downloads).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Digital signatures (workflow/signing.py): the organisation's PKCS#12 file and
# its passphrase (from the environment only; empty = an unencrypted demo file).
# `manage.py create_demo_certificate` writes a self-signed one for the local default.
SIGNING_PKCS12 = Path(os.environ.get("SIGNING_PKCS12") or VAR_DIR / "signing" / "organisation.p12")
SIGNING_PKCS12_PASSPHRASE = os.environ.get("SIGNING_PKCS12_PASSPHRASE", "")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [])

# Redis: cache and Celery broker when REDIS_URL is set; otherwise local memory
# and tasks executed in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_IMPORTS = ("config.jobs",)  # the job sweeper (config is not an app)
# A broker that is down must not hold a web request: connect quickly, retry
# a publish once, then give up (config/tasks.py logs it; the job's row stays
# queued and the sweepers below send it again).
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Document rendering has its own queue: run workers with -Q celery,documents.
CELERY_TASK_ROUTES = {
    "documents.tasks.*": {"queue": "documents"},
    "invitations.tasks.issue_invitations_task": {"queue": "documents"},
    "contributions.tasks.build_booklet_task": {"queue": "documents"},
}
# Celery beat: the mail outbox sweeper and the reply reminders (invitations app).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "invitations.tasks.sweep_outbox_task", "schedule": 60.0},
    "jobs-sweep": {"task": "config.jobs.sweep_jobs_task", "schedule": 60.0},
    "invitation-reminders": {"task": "invitations.tasks.send_reminders_task", "schedule": 15 * 60.0},
    "contribution-reminders": {"task": "contributions.tasks.send_reminders_task", "schedule": 60 * 60.0},
}
# Job rows (renderings, Giấy mời issuance, booklets) queued and not started
# after JOB_REQUEUE_AFTER seconds, or running without a heartbeat for
# JOB_STALE_AFTER seconds (the worker died), are sent to a worker again.
JOB_REQUEUE_AFTER = float(os.environ.get("JOB_REQUEUE_AFTER", "120"))
JOB_STALE_AFTER = float(os.environ.get("JOB_STALE_AFTER", "600"))
# Workers log through LOGGING below (JSON lines with the task id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# WeasyPrint (documents queue) grows slowly over hundreds of renders: recycle worker processes.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "100"))

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and
# redirects; SECURE_SSL_REDIRECT can be turned off behind a proxy that
# already redirects.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP (ops.middleware answers them first anyway).
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?/?$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Requests per reply link (invitations/views.py) and minute; benchmarks/replies_load.py raises it.
REPLY_LINK_HITS_PER_MINUTE = int(os.environ.get("REPLY_LINK_HITS_PER_MINUTE", "60"))

# Health checks (/healthz, ops/health.py).
HEALTH_WORKER_MAX_AGE = float(os.environ.get("HEALTH_WORKER_MAX_AGE", "120"))  # seconds since a worker's heartbeat
HEALTH_MIN_FREE_MB = float(os.environ.get("HEALTH_MIN_FREE_MB", "500"))  # on MEDIA_ROOT and PRIVATE_FILES_ROOT
# benchmarks/replies_load.py only: the bare reference page /van-hanh/benchmark-bare/.
BENCHMARK_BARE_VIEW = env_bool("BENCHMARK_BARE_VIEW", False)

# Logs: one JSON object per line in production (LOG_FORMAT=json), readable
# lines when DEBUG is on; every record carries the request id (X-Request-ID)
# and, in a worker, the task id and name (ops/logs.py).
from ops.logs import logging_config  # noqa: E402

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))
# django-axes logs every successful login at INFO; keep its warnings (lockouts) only.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}
