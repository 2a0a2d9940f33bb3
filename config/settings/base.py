"""Settings shared by every profile. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("YORISOI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "yorisoi.accounts.admin_apps.YorisoiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # for its Japanese messages (locale/ja): the password strength validator below
    "django_zxcvbn_password_validator",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "yorisoi.common",
    "yorisoi.accounts",
    "yorisoi.privacy",
    "yorisoi.people",
    "yorisoi.cases",
    "yorisoi.records",
    "yorisoi.partners",
    "yorisoi.procedures",
    "yorisoi.medical",
    "yorisoi.placements",
    "yorisoi.intake",
    "yorisoi.planning",
    "yorisoi.disclosure",
    "yorisoi.inbox",
    "yorisoi.transfers",
    "yorisoi.meetings",
    "yorisoi.workflow",
    "yorisoi.network",
    "yorisoi.desk",
    "yorisoi.reports",
    "yorisoi.imports",
    "yorisoi.operations",
    "yorisoi.office",
    "yorisoi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every response to a logged-in user (pages with personal data).
    "yorisoi.common.middleware.NoStoreForAuthenticatedMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yorisoi.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A worker limited to assigned cases who opens another case gets the break-the-glass page (privacy).
    "yorisoi.privacy.middleware.BreakGlassMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yorisoi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["yorisoi.common.templatetags.yorisoi_tags"],
        },
    }
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "yorisoi.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
# Scaling path (docs/deployment.md): reads that tolerate lag (reports, search, audit screens) go to a streaming
# replica when DATABASE_REPLICA_URL is set (yorisoi/common/replica.py); without it there is one database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["yorisoi.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Strength as an attacker would guess it (zxcvbn): repeats (aaaaaaaaaaaa, the user name twice), keyboard rows
    # (qwertyuiopas), dictionary words (passwordpassword), the user's own names. Japanese messages.
    {"NAME": "yorisoi.accounts.passwords.StrengthValidator"},
]
# zxcvbn's score 0–4: 3 is "safely unguessable" even for an attacker who has the password hashes.
PASSWORD_MINIMAL_STRENGTH = 3
PASSWORD_EXTRA_DICTIONARY = ["yorisoi", "寄り添い", "よりそい", "ヨリソイ", "teichaku", "定着", "支援センター"]

# Inactivity timeout: the cookie's age is renewed on every request, so it ends after N idle minutes.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# A center's staff share one office address behind NAT: locking by address would lock the whole
# office out after one person's typos, so accounts are locked by user name (axes.W006 says why not).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "yorisoi"

# Change reasons (訂正理由, 差戻し理由…) are often longer than 100 characters: a text column, not varchar(100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- field encryption -----------------------------------------------------------------------
# "keyid:base64-fernet-key,..." ; the first key encrypts, all keys decrypt (rotation without downtime).
YORISOI_FIELD_KEYS = os.environ.get("YORISOI_FIELD_KEYS", "")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- background tasks -------------------------------------------------------------------------
# django-tasks with its database backend: the queue is a table of our own database (SQLite or PostgreSQL), so no
# other server is needed; `manage.py db_worker` runs the tasks (started by `make run`, a service in production) and
# `manage.py run_scheduler` enqueues the nightly jobs (yorisoi/operations/nightly.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Export files wait here between the task that builds them and the one download (never under MEDIA_ROOT: they are
# not uploads, and a backup must not carry them).
YORISOI_EXPORT_DIR = Path(os.environ.get("YORISOI_EXPORT_DIR", VAR_DIR / "exports"))
# Uploaded import files and their check results wait here between the wizard's steps (never under MEDIA_ROOT).
YORISOI_IMPORT_DIR = Path(os.environ.get("YORISOI_IMPORT_DIR", VAR_DIR / "imports"))
# Local time (HH:MM) after which run_scheduler enqueues the nightly jobs of the day.
YORISOI_NIGHTLY_AT = os.environ.get("YORISOI_NIGHTLY_AT", "02:30")
# The nightly purge removes records deleted (論理削除) more than this many days ago; 0 turns the nightly purge off.
YORISOI_PURGE_DELETED_AFTER_DAYS = int(os.environ.get("YORISOI_PURGE_DELETED_AFTER_DAYS", "90"))

# --- security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API (yorisoi/api, docs/api.md) ----------------------------------------------------------------------
# Tokens for programs; a logged-in session past two-factor may read (the documentation's "Try it out"), never write.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "yorisoi.api.authentication.HashedTokenAuthentication",
        "yorisoi.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["yorisoi.api.permissions.FollowsPolicyRule"],
    "DEFAULT_THROTTLE_CLASSES": ["yorisoi.api.throttling.StaffRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "yorisoi.api.pagination.ApiPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "yorisoi.api.schema.PolicyAutoSchema",
    "EXCEPTION_HANDLER": "yorisoi.api.errors.handle",
    # JSON only: no ?format= for DRF to read beside the QueryForms
    "URL_FORMAT_OVERRIDE": None,
}
YORISOI_API_RATE = os.environ.get("YORISOI_API_RATE", "600/hour")  # requests per staff member
SPECTACULAR_SETTINGS = {
    "TITLE": "寄り添い API",
    "DESCRIPTION": ("対象者・ケース・支援経過記録・フォローアップ・関係機関・会議・件数。"
                    "認証・エラー・版については docs/api.md。"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN (CSP 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "yorisoi.records.models.ActivityKind",
        "MeetingKindEnum": "yorisoi.meetings.models.MeetingKind",
        "CaseKindEnum": "yorisoi.cases.models.CaseKind",
    },
}

# --- domain settings (kept here so a center can change them without code) --------------------
YORISOI_RELEASE_WINDOW_DAYS = 7

# Logs name ids and actions only; personal data never goes to a log line (tests/test_security_no_pii_in_logs.py).
# Exception messages may quote values (a database error, a typed value): their tracebacks are logged without the
# message (yorisoi/privacy/logs.py), on the loggers that log exceptions and on the console handler.
_NO_MESSAGES = ["withhold_exception_messages"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"withhold_exception_messages": {"()": "yorisoi.privacy.logs.WithholdExceptionMessages"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": _NO_MESSAGES}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": _NO_MESSAGES},
        "django.server": {"filters": _NO_MESSAGES},
        "django.template": {"filters": _NO_MESSAGES},
    },
}

# --- hardening of the log-in ------------------------------------------------------------------------
# Failed log-ins per address (any user names) before that address waits; higher than the per-account lock-out
# above because a center's staff share one office address (yorisoi/accounts/services.py: login_throttled).
YORISOI_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("YORISOI_LOGIN_IP_FAILURE_LIMIT", "30"))
YORISOI_LOGIN_IP_WINDOW_MINUTES = float(os.environ.get("YORISOI_LOGIN_IP_WINDOW_MINUTES", "15"))
# Reverse proxies whose X-Forwarded-For is believed (the client address of the access log and of the limit above).
YORISOI_TRUSTED_PROXIES = env_list("YORISOI_TRUSTED_PROXIES")
