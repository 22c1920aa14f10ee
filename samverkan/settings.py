"""Settings, all read from the environment (see samverkan/env.py).

With no environment at all this runs the embedded demo: SQLite under var/,
DEBUG on, bound to localhost. Production sets SECRET_KEY, DEBUG=0,
ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from samverkan.env import (
    ConfigurationError,
    envbool,
    envdatabase,
    envint,
    envlist,
    envstr,
    tile_sources,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("SAMVERKAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", True)
_DEV_SECRET = "insecure-development-key-only-for-the-local-demo"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = envstr("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ConfigurationError("SECRET_KEY must be set when DEBUG is off")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32):
    raise ConfigurationError("SECRET_KEY must be a private value of at least 32 characters")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",  # its Swagger UI assets are served as static files (no CDN)
    "samverkan.core",
    "samverkan.accounts",
    "samverkan.audit",
    "samverkan.notifications",
    "samverkan.organisations",
    "samverkan.agreements",
    "samverkan.governance",
    "samverkan.configurations",
    "samverkan.datasources",
    "samverkan.indicators",
    "samverkan.situations",
    "samverkan.est",
    "samverkan.plans",
    "samverkan.consultations",
    "samverkan.calendar",
    "samverkan.api",
    "samverkan.overview",
]

MIDDLEWARE = [
    "samverkan.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.core.middleware.SwedishFirstLocaleMiddleware",
    "samverkan.core.middleware.RefuseNullCharactersMiddleware",
    "samverkan.core.middleware.RefusePersonalDataInApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "samverkan.core.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samverkan.audit.middleware.AuditActorMiddleware",
    "samverkan.core.middleware.BusyDatabaseMiddleware",
    "samverkan.core.middleware.UnstorableInputMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "samverkan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samverkan.accounts.context_processors.municipality",
                "samverkan.overview.context_processors.map_ground",
                "samverkan.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["ENGINE"] = "samverkan.core.sqlite"  # Django's, with the audit log's guard
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers take the lock when their transaction begins and wait up to 20 s for it, and
    # readers do not block writers (WAL): a page that writes while the worker does is slower,
    # never "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too: an in-memory database shared between threads fails at once
    # ("table is locked") where a file waits its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "samverkan" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# WhiteNoise serves the app's own static files (htmx, Leaflet): no CDN.
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are for a developer's tools, not for browsers to download: not compressed
# (they are most of the API documentation's megabytes and half of collectstatic's time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
# Sign-in throttling: this many failures per username and client address within the window.
SAMVERKAN_SIGN_IN_ATTEMPTS = envint("SIGN_IN_ATTEMPTS", 5, minimum=1)
SAMVERKAN_SIGN_IN_WINDOW_MINUTES = envint("SIGN_IN_WINDOW_MINUTES", 15, minimum=1)
# Passwords are hashed at Django's cost in each web process's low-priority sign-in lane
# (samverkan.accounts.hashers), which holds this many sign-ins at most: by default one fewer
# than the process's threads (WEB_THREADS, as deploy/gunicorn.conf.py runs it).
SAMVERKAN_SIGN_IN_WAITING = envint(
    "SIGN_IN_WAITING", max(1, envint("WEB_THREADS", 4, minimum=1) - 1), minimum=1
)
PASSWORD_HASHERS = [
    "samverkan.accounts.hashers.PBKDF2PasswordHasher",
    # Django's others, so that a hash made by any of them still verifies (and is upgraded).
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Behind a reverse proxy: the request header (as in request.META, e.g. HTTP_X_FORWARDED_FOR)
# whose last entry is the client's address; empty means the connection's own address.
SAMVERKAN_CLIENT_ADDRESS_HEADER = envstr("CLIENT_ADDRESS_HEADER", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The background map's tiles: a URL template with {z}/{x}/{y} (and {s} for
# subdomains). OpenStreetMap's standard tiles by default; Lantmäteriet's open
# topographic tiles ("topowebb", CC BY 4.0) are an option, e.g.
# https://minkarta.lantmateriet.se/map/topowebbcache/?layer=topowebb&style=default&tilematrixset=3857&Service=WMTS&Request=GetTile&Version=1.0.0&Format=image/png&TileMatrix={z}&TileCol={x}&TileRow={y}
# Empty: no background; the app's own polygons are the map. The content
# security policy allows exactly the configured tile host.
SAMVERKAN_MAP_TILES = envstr("SAMVERKAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
SAMVERKAN_MAP_ATTRIBUTION = envstr("SAMVERKAN_MAP_ATTRIBUTION", "© OpenStreetMap-bidragsgivare (ODbL)")
# Content security policy: only the app's own scripts and styles, no inline
# script or style anywhere (behaviour lives in static/samverkan/*.js).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:", *tile_sources(SAMVERKAN_MAP_TILES)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Single sign-on through the municipality's own identity provider (OpenID
# Connect, authorisation-code flow). Off unless OIDC_RP_CLIENT_ID is set; local
# accounts stay available either way. Claims name the user's organisation and
# role (samverkan.accounts.oidc); the administrator role is never granted by a claim.
OIDC_RP_CLIENT_ID = envstr("OIDC_RP_CLIENT_ID", "")
SAMVERKAN_OIDC = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = envstr("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = envstr("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = envstr("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = envstr("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = envstr("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = envstr("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = envstr("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
# What the sign-in button calls the provider ("Logga in med …").
SAMVERKAN_OIDC_PROVIDER_NAME = envstr("OIDC_PROVIDER_NAME", "")
SAMVERKAN_OIDC_ROLE_CLAIM = envstr("OIDC_ROLE_CLAIM", "roles")
# IdP role or group value -> Samverkan role, e.g. "sv-beredning=preparation_group,sv-polis=police_contact".
_role_map = envlist("OIDC_ROLE_MAP", [])
SAMVERKAN_OIDC_ROLE_MAP = dict(item.split("=", 1) for item in _role_map if "=" in item)
if len(SAMVERKAN_OIDC_ROLE_MAP) != len(_role_map):
    raise ConfigurationError("OIDC_ROLE_MAP: write each entry as idp-value=role, separated by commas")
SAMVERKAN_OIDC_ORGANISATION_CLAIM = envstr("OIDC_ORGANISATION_CLAIM", "organisation")
# The organisation (name or short name) of users whose token names none.
SAMVERKAN_OIDC_DEFAULT_ORGANISATION = envstr("OIDC_DEFAULT_ORGANISATION", "")
if SAMVERKAN_OIDC:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not OIDC_OP_JWKS_ENDPOINT:
        _missing.append("OIDC_OP_JWKS_ENDPOINT")
    if _missing:
        raise ConfigurationError(f"OIDC_RP_CLIENT_ID is set, so set {', '.join(_missing)} too")
AUTHENTICATION_BACKENDS = ["samverkan.accounts.backends.PasswordBackend"]
if SAMVERKAN_OIDC:
    AUTHENTICATION_BACKENDS.append("samverkan.accounts.oidc.SignOnBackend")

# Which configured municipality the web app serves by default (its code).
SAMVERKAN_MUNICIPALITY = envstr("SAMVERKAN_MUNICIPALITY", "0180")
# How long what the busiest pages compute (the district overview, the calendar's dates, the
# district page's figures) may be reused; it is kept per process under the latest audited
# change to what it reads (samverkan.audit.stamps), so a change shows at once. 0: never kept.
SAMVERKAN_KEPT_SECONDS = envint("SAMVERKAN_KEPT_SECONDS", 600, minimum=0)
# Days before a validity ends that an agreement is flagged as expiring.
SAMVERKAN_EXPIRY_WARNING_DAYS = envint("SAMVERKAN_EXPIRY_WARNING_DAYS", 120, minimum=1)

# Logs go to standard error: JSON lines in production (LOG_FORMAT=json), plain text in development.
LOG_FORMAT = envstr("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ConfigurationError(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "samverkan.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
SAMVERKAN_NEIGHBOURHOOD_GEOJSON = envstr("SAMVERKAN_NEIGHBOURHOOD_GEOJSON", "")
# Counts from 1 up to this number are not shown (as BRÅ does for small numbers).
SAMVERKAN_SUPPRESS_BELOW = envint("SAMVERKAN_SUPPRESS_BELOW", 5, minimum=0)
# A Server-Timing header on every answer (queue, app, CPU and database time): for load benchmarks.
SAMVERKAN_SERVER_TIMING = envbool("SAMVERKAN_SERVER_TIMING", False)

# Backups keep times to the microsecond (samverkan.core.backup).
SERIALIZATION_MODULES = {"sjson": "samverkan.core.serializers"}

# Background work (large imports, indicator refreshes) runs through Django's
# tasks framework on the database queue: `manage.py db_worker`.
TASKS = {"default": {"BACKEND": envstr("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Files larger than this are checked and imported by the worker, with progress shown.
SAMVERKAN_BACKGROUND_IMPORT_BYTES = envint("SAMVERKAN_BACKGROUND_IMPORT_BYTES", 1_000_000, minimum=0)
# How Samverkan introduces itself to the APIs it reads.
# Where people reach the site, for the links in e-mail sent by the worker (which has no
# request to read it from); empty: e-mail names the page without a link.
SAMVERKAN_SITE_URL = envstr("SAMVERKAN_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SAMVERKAN_USER_AGENT = envstr("SAMVERKAN_USER_AGENT", "Samverkan/0.1 (city-police collaboration platform)")
SAMVERKAN_POLICE_EVENTS_URL = envstr("SAMVERKAN_POLICE_EVENTS_URL", "https://polisen.se/api/events")

# Mail (Django 6.1 MAILERS): the console in the demo and during development;
# SMTP in production, configured by EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
if envbool("EMAIL_SMTP", not DEBUG):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": envstr("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25, minimum=1),
                "username": envstr("EMAIL_HOST_USER", ""),
                "password": envstr("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "samverkan@localhost")

# The yearly cycle (årshjul): a tertial's follow-up is due this many days
# after the tertial ends; the yearly compilation on this (month, day) of the
# following year; reminders go out these many days before a deadline, and
# overdue items are reminded of once if they fell due within the lookback.
SAMVERKAN_REPORT_DAYS_AFTER_TERTIAL = envint("SAMVERKAN_REPORT_DAYS_AFTER_TERTIAL", 15, minimum=0)
SAMVERKAN_ANNUAL_COMPILATION_DUE = tuple(
    int(part) for part in envstr("SAMVERKAN_ANNUAL_COMPILATION_DUE", "02-28").split("-", 1)
)
SAMVERKAN_REMINDER_DAYS = tuple(int(d) for d in envlist("SAMVERKAN_REMINDER_DAYS", ["14", "3"]))
SAMVERKAN_OVERDUE_LOOKBACK_DAYS = envint("SAMVERKAN_OVERDUE_LOOKBACK_DAYS", 60, minimum=0)
