"""Settings shared by every environment.

Safe as it stands: DEBUG is off and secrets come only from the environment.
``dev``, ``test`` and ``production`` start with ``from .base import *`` and
change what differs. Every environment variable is read through ``env`` and
listed in the README's configuration table.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------

DJANGO_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    "django_tasks",
    "django_tasks_db",
]

LOCAL_APPS = [
    "lms",
    "accounts",
    "courses",
    "workshops",
    "mentoring",
    "certificates",
    "reports",
    "notifications",
]

INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS + THIRD_PARTY_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.SecurityHeadersMiddleware",
    "lms.middleware.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle expiry, and staff powers only for sessions that completed MFA
    # (accounts/session_policy.py); after authentication and messages.
    "accounts.middleware.SessionPolicyMiddleware",
    # Admin pages follow the signed-in person's language
    # (accounts/admin_language.py); it needs request.user.
    "accounts.admin_language.AdminLanguageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Anonymous visitors get the catalogue from the cache before Wagtail
    # routes the request (courses/middleware.py); it sits last, after
    # sessions, authentication and messages, which it reads.
    "courses.middleware.CatalogueCacheMiddleware",
]

# Content-Security-Policy: pages load scripts, styles, images, fonts, media
# and connections from this site only, so no page can reach a third party,
# not even through injected markup. Style attributes stay allowed (progress
# bars set their width with one). The paths that serve files rather than
# pages go without; the Wagtail admin has its own policy, below.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/documents/", "/media/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# The Wagtail admin's policy (lms.middleware.SiteCSPMiddleware): this site
# only, like the pages, with what Wagtail 8 cannot do without. Its date and
# time widgets, choosers and inline panels write inline <script> elements,
# so scripts need 'unsafe-inline' (no nonce: Wagtail writes none); the page
# editor adds <style> elements and style attributes as it runs, so styles do
# too. Image uploads preview through blob: URLs, and page previews load in a
# same-site frame. Nothing may come from another host; no eval
# (docs/security.md).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
ASGI_APPLICATION = "lms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site",
                "notifications.context_processors.unread_notices",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Data stores. Embedded defaults; production and CI set DATABASE_URL/REDIS_URL.
# ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves live rooms too: write-ahead logging lets
    # pages read while a room writes, NORMAL syncs at checkpoints rather than
    # on every commit (a power cut may lose the last moments, never corrupt),
    # and IMMEDIATE takes the write lock when a transaction opens, so two
    # writers queue instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
#: Names this deployment's keys and pub/sub channels on a Redis it may share.
CHANNEL_LAYER_PREFIX = env.str("CHANNEL_LAYER_PREFIX", default="lms")
# Seconds a live-room connection may leave its queued events unread before it is
# closed with 4409 (docs/workshop-protocol.md documents the default).
WORKSHOP_STALL_TIMEOUT = env.float("WORKSHOP_STALL_TIMEOUT", default=20.0)


def _layer_prefix(name: str, redis_url: str) -> str:
    """The channel layer's key prefix: ``name`` and the Redis database number.

    Redis keeps keys per database, but a ``PUBLISH`` reaches subscribers of
    every database: without the number, two deployments on one Redis (the
    pub/sub layer, or the lists of the default layer with the same name)
    would receive each other's room events.
    """
    from urllib.parse import parse_qs, urlsplit

    url = urlsplit(redis_url)
    db = parse_qs(url.query).get("db", [""])[0]
    if not db and url.scheme != "unix":  # redis://host:port/<db>; a socket's path is a file
        db = url.path.strip("/")
    return f"{name}.db{int(db or 0)}"


# The channel layer's Redis connection. Its socket timeout must outlast the
# layer's blocking pop (5 s): redis-py 8 made 5 s the default, which tears
# down every consumer of a quiet room every five seconds.
REDIS_LAYER_HOST = {"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: pages render without the cache rather than fail (lms/cache.py).
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lms",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_LAYER_HOST],
                "prefix": _layer_prefix(CHANNEL_LAYER_PREFIX, REDIS_URL),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lms",
        }
    }
    # The embedded default layer, without the per-receive sweep that makes a
    # room's fan-out cost grow with the square of its size (workshops/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "workshops.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Finished rows of the database task backend (production) are deleted by the
# worker (manage.py worker, or manage.py prune_tasks): successful ones after
# a day, failed ones after a week, checked every hour.
TASKS_RESULTS_RETENTION = env.int("TASKS_RESULTS_RETENTION", default=24 * 60 * 60)
TASKS_FAILED_RESULTS_RETENTION = env.int("TASKS_FAILED_RESULTS_RETENTION", default=7 * 24 * 60 * 60)
TASKS_PRUNE_INTERVAL = env.int("TASKS_PRUNE_INTERVAL", default=60 * 60)

# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Security e-mails (password changed or set, an address added or removed, MFA
# changed) always go, in the person's language (accounts.adapters).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"request_login_code": "accounts.login_forms.RequestLoginCodeForm"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Sign-in codes: twelve digits, shown as 1234-5678-9012 (digits are easy to
# type on a phone with a Khmer keyboard; dashes are optional when typing).
# With three tries per code and three codes per address every ten minutes,
# an attacker gets 54 guesses an hour: about one chance in two million of
# guessing in a year of trying without pause (docs/security.md).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 12, "dashed": True}
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Adding, removing or choosing an e-mail address and setting a password ask
# for the password (or a code) again; so do MFA changes (allauth's default),
# the data export, account deletion and organisation changes (accounts/views.py).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
# allauth's rate limits (login, signup, resets) stay at their defaults except
# for sign-in codes and reauthentication, which bound guessing (above). They
# count in the cache, which is Redis in production, so they hold across every
# worker process.
ACCOUNT_RATE_LIMITS = {
    "request_login_code": "20/m/ip,3/10m/key",
    "reauthenticate": "10/m/user,30/h/user",
}
# Idle sessions end: three days for learners (who come back every day or
# two on a phone), thirty minutes for staff. Absolute lifetime: Django's
# SESSION_COOKIE_AGE (two weeks) with "remember me", the browser session
# without it; a sign-in by code is never remembered.
ACCOUNTS_SESSION_IDLE_TIMEOUT = 3 * 24 * 60 * 60
ACCOUNTS_STAFF_SESSION_IDLE_TIMEOUT = 30 * 60

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CSO Academy"
MFA_RECOVERY_CODE_COUNT = 10
# Staff powers need MFA in each session (accounts/session_policy.py): a
# "trusted browser" that skips the code would leave them withheld.
MFA_TRUST_ENABLED = False
# Fernet keys that encrypt the stored TOTP keys and recovery-code seeds, newest
# first (the others only decrypt). Empty: derived from SECRET_KEY, which
# production does not allow (accounts/mfa_secrets.py).
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[])

# Every sign-in goes through allauth (its MFA, rate limits and mandatory
# verification): the admin's, and the one private pages ask for. Wagtail's
# own login views redirect there (lms/urls.py), and pages or documents cannot
# be protected with a shared password, which nothing rate-limits.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses are turned off for every page and frame
# (lms/middleware.py); full screen stays for lesson videos.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "bluetooth=()",
        "browsing-topics=()",
        "camera=()",
        "display-capture=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "serial=()",
        "usb=()",
    ]
)

# ---------------------------------------------------------------------------
# Languages: Khmer first, English second. URLs carry the language prefix.
# ---------------------------------------------------------------------------

LANGUAGE_CODE = "km"
LANGUAGES = [
    ("km", _("Khmer")),
    ("en", _("English")),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The admin speaks both languages too (its Khmer is in lms/locale_overrides/);
# each person's choice is theirs, see accounts/admin_language.py.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "lms" / "locale_overrides"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Phnom_Penh"
# Dates in one style everywhere: templates say DATE_FORMAT, never a pattern.
FORMAT_MODULE_PATH = ["lms.formats"]

# ---------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Files that belong to someone (certificate PDFs, mentoring files) live here,
# outside MEDIA_ROOT, and are only ever served by views that check ownership.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        # Static files are public and the proxy serves them (README): readable by
        # all, whatever FILE_UPLOAD_PERMISSIONS keeps uploads to.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# ---------------------------------------------------------------------------
# E-mail: SMTP from EMAIL_URL in production, the console elsewhere.
# ---------------------------------------------------------------------------

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CSO Academy <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "CSO Academy"
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip", "mp3", "mp4"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_FINDERS = []  # never fetch oEmbed data from third parties
# The admin is a page too: no upgrade check from releases.wagtail.org, no
# avatars from gravatar.com (Wagtail's defaults), no banner about its news.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Django's own "django" logger has a console handler when DEBUG is on and
    # also passes each record up to the root's: the development server printed
    # every request twice. Here it only passes records up, so each is printed
    # once, by the root's handler, in every mode.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# --- certificates ---
# The Ed25519 key that signs certificates: base64 of the 32-byte seed, or a PEM.
# Required in production; elsewhere a key is generated on first use into
# CERTIFICATES_DEV_KEY_FILE. Keys used before a rotation stay trusted when
# listed in CERTIFICATES_RETIRED_PUBLIC_KEYS (base64 of the 32 raw bytes).
CERTIFICATES_SIGNING_KEY = env.str("CERTIFICATES_SIGNING_KEY", default="")
CERTIFICATES_DEV_KEY_FILE = BASE_DIR / "var" / "certificates" / "dev-signing-key.pem"
CERTIFICATES_RETIRED_PUBLIC_KEYS = env.list("CERTIFICATES_RETIRED_PUBLIC_KEYS", default=[])
# Requests per client address and minute on the public verification pages.
CERTIFICATES_RATE_LIMITS = {"verify": 60, "lookup": 20, "check": 10}
CERTIFICATES_RENDER_MAX_ATTEMPTS = 4
CERTIFICATES_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# Static instances of the variable Khmer font, made once (see certificates/fonts.py).
CERTIFICATES_FONT_CACHE = env.path(
    "CERTIFICATES_FONT_CACHE", default=BASE_DIR / "var" / "cache" / "certificate-fonts"
)
# WeasyPrint reports each rendering step at INFO; keep that out of the logs.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}

# --- courses ---
# Media larger than this stay online in offline packs (linked, with their size).
COURSES_OFFLINE_MEDIA_CAP = env.int("COURSES_OFFLINE_MEDIA_CAP", default=5 * 1024 * 1024)

# --- workshops ---
# Minutes present that count as attending a workshop (or half of it, if shorter).
WORKSHOPS_ATTENDANCE_MINUTES = env.int("WORKSHOPS_ATTENDANCE_MINUTES", default=30)
# Channels 4.2+ runs close_old_connections before every consumer handler; the
# room consumer skips it (its ORM calls clean up themselves). True restores it.
WORKSHOPS_CLOSE_OLD_CONNECTIONS_PER_HANDLER = env.bool(
    "WORKSHOPS_CLOSE_OLD_CONNECTIONS_PER_HANDLER", default=False
)
