"""Production: PostgreSQL, Redis, SMTP and the database task backend.

Start-up fails with ``ImproperlyConfigured`` when a secret or a required
service address is missing, rather than running with a default.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *


def _require(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"The {name} environment variable is required in production.")
    return value


SECRET_KEY = _require("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or [_require("ALLOWED_HOSTS")]
DATABASES = {"default": env.db_url_config(_require("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# base.py builds the cache and the channel layer from REDIS_URL; here it is required.
REDIS_URL = _require("REDIS_URL")
CHANNEL_LAYERS["default"]["BACKEND"] = env.str(
    "CHANNEL_LAYER_BACKEND", default=CHANNEL_LAYERS["default"]["BACKEND"]
)
if not CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis."):
    # Another layer (the in-memory one for a single process) takes no Redis
    # hosts: passed them, it fails every WebSocket handshake.
    CHANNEL_LAYERS["default"].pop("CONFIG", None)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

_email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
MFA_TRUST_COOKIE_SECURE = True

# The key that encrypts stored MFA secrets must not change with SECRET_KEY.
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[]) or [
    _require("MFA_ENCRYPTION_KEYS")
]

LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="INFO")

# --- certificates ---
# Certificates must be signed with the organisation's own, stable key.
CERTIFICATES_SIGNING_KEY = _require("CERTIFICATES_SIGNING_KEY")
CERTIFICATES_DEV_KEY_FILE = None
