"""Settings for Helpdesk, read from the environment.

Every variable is listed with its default in `.env.example`. Small strict helpers
turn the environment's strings into values and refuse anything they cannot read,
so a typo fails at start-up rather than at three in the morning.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A variable's value; set but empty counts as not set."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local use).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "helpdesk.apps.HelpdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "import_export",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "accounts",
    "incidents",
]

MIDDLEWARE = [
    "helpdesk.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "helpdesk.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "django.template.context_processors.csp",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages join an incident to up to a dozen people, places and things by primary
    # key. Left to search every join order, PostgreSQL spent 30 ms planning the
    # queue's query (1 ms running it); the order Django writes is already right.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c join_collapse_limit=4"
    # The statements `incidents.prepared` keeps are sent with their parameters apart
    # and prepared on a connection once they have run there this many times, so
    # PostgreSQL stops planning them for every page. Django's own queries bind their
    # parameters into the text and are never prepared. 0 turns it off (for a pooler
    # that cannot keep prepared statements).
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        env_int("DATABASE_PREPARE_THRESHOLD", 5) or None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The reports' covering indexes (`Incident.Meta`) keep columns beside their key for
# PostgreSQL; SQLite (development, tests) builds them without those, which is right.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password reset e-mails asked for in an hour, per address and per client address.
PASSWORD_RESET_PER_ADDRESS = env_int("PASSWORD_RESET_PER_ADDRESS", 3)
PASSWORD_RESET_PER_CLIENT = env_int("PASSWORD_RESET_PER_CLIENT", 20)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Signing in with the school's own accounts (accounts.sso): each school's provider,
# tenant or domains and app are set in the admin. Only the school sign-in runs
# through allauth; the password form is Django's, with its own second factor.
SSO_MICROSOFT_AUTHORITY = env("SSO_MICROSOFT_AUTHORITY", "https://login.microsoftonline.com")
SSO_GOOGLE_ISSUER = env("SSO_GOOGLE_ISSUER", "https://accounts.google.com")
SSO_FORM_ACTION = [
    SSO_MICROSOFT_AUTHORITY,
    SSO_GOOGLE_ISSUER,
    *env_list("SSO_FORM_ACTION"),
]
ACCOUNT_ADAPTER = "accounts.sso.adapter.HelpdeskAccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.sso.adapter.SchoolSocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_TIMEOUT_SECONDS", 10)
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Helpdesk")

# Reverse proxies of our own in front of the app: the client's address is read
# from X-Forwarded-For only through them (accounts.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0))

# Lock out a username from one address after repeated failures: the lock is on
# that pair, so nobody can lock a colleague out from elsewhere. Never by address
# alone: a whole school reaches us from one public IP. Support admins see and
# lift locks in the admin (Axes > Access attempts: delete the attempt). A browser
# holding a device cookie from an earlier sign-in of that username is judged by its
# own failures instead, so a colleague's guesses cannot lock the real person out
# (accounts.device_cookie).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
AXES_HANDLER = "accounts.device_cookie.DeviceCookieAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Photos of error screens: limits checked by incidents.uploads.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# How long after resolution a user may still say "it is not fixed".
REOPEN_WINDOW_DAYS = env_int("REOPEN_WINDOW_DAYS", 10)
# A search counts its results up to this many, then says "more than".
SEARCH_COUNT_CAP = env_int("SEARCH_COUNT_CAP", 1000)
# Reminders (`manage.py send_reminders`): after how many school days the desk hears of
# a resolved call nobody closed, and the user of a sheet still waiting for their answer.
REMIND_NOT_CLOSED_SCHOOL_DAYS = env_int("REMIND_NOT_CLOSED_SCHOOL_DAYS", 3)
REMIND_WAITING_SCHOOL_DAYS = env_int("REMIND_WAITING_SCHOOL_DAYS", 3)

# Local use prints e-mails on the console; production sends them over SMTP.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, Any]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Helpdesk <helpdesk@school.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications are queued in the database with the change and sent by
# `manage.py db_worker`. NOTIFY_MAX_ATTEMPTS bounds the retries.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 30)

# E-mail in (`manage.py fetch_mail`, run every MAIL_EVERY_SECONDS by scripts/mail):
# mailboxes are set up in the admin. A message over MAIL_MAX_BYTES is refused with an
# answer; a sender over MAIL_SENDER_LIMIT_PER_HOUR messages an hour is held for the
# desk. Staff who chose a daily digest get it by `manage.py send_digest` from
# MAIL_DIGEST_HOUR (local time) on.
MAIL_MAX_BYTES = env_int("MAIL_MAX_BYTES", 20 * 1024 * 1024)
MAIL_SENDER_LIMIT_PER_HOUR = env_int("MAIL_SENDER_LIMIT_PER_HOUR", 10)
MAIL_BATCH = env_int("MAIL_BATCH", 50)
MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 30)
MAIL_DIGEST_HOUR = env_int("MAIL_DIGEST_HOUR", 7)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: only our own scripts and styles run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # The school sign-in's button posts here and is sent on to the school's provider.
    "form-action": [CSP.SELF, *SSO_FORM_ACTION],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Reports on a read replica, and the shared cache ---
# With DATABASE_REPLICA_URL (a PostgreSQL streaming replica of DATABASE_URL) the
# dashboard, the service report and the CSV exports read from it; nothing writes
# there (helpdesk.replica). A person who just changed something reads their reports
# from the primary for REPLICA_STICKY_SECONDS, so a report never lags what they did.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 10)
DATABASE_ROUTERS = ["helpdesk.replica.ReplicaRouter"]
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL replica.")
    # A replica that is down is given up on quickly: reports then read the primary.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": 3,
    }
    # Tests never build a database on the replica: there it is the primary's.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MIDDLEWARE = [*MIDDLEWARE, "helpdesk.replica.PrimaryAfterWriteMiddleware"]

# Redis (REDIS_URL) shares cached values between every worker and server; without
# it each process keeps its own in memory. Keys are named, versioned and
# invalidated by helpdesk.cache; CACHE_KEY_PREFIX keeps two sites on one Redis apart.
REDIS_URL = env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "helpdesk")
CACHE_TIMEOUT_SECONDS = env_int("CACHE_TIMEOUT_SECONDS", 600)
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "helpdesk",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": CACHE_TIMEOUT_SECONDS,
    }
}
if REDIS_URL:
    CACHES["default"] |= {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that stops answering slows a page by at most this, then the page
        # is built without the cache (helpdesk.cache).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Sign-ins refused and accepted (accounts.sso, the second factor): for the
    # organisation's admin to read; INFO shows the accepted ones too.
    "loggers": {"helpdesk.security": {"level": env("SECURITY_LOG_LEVEL", "INFO")}},
}
