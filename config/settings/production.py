"""Production: behind nginx over HTTPS, PostgreSQL through DATABASE_URL, every secret from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env_bool, env_list

DEBUG = False
for required in ("SECRET_KEY", "YORISOI_FIELD_KEYS", "ALLOWED_HOSTS"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"環境変数 {required} を設定してください。")

for _alias in DATABASES:  # the primary and, with DATABASE_REPLICA_URL, the replica
    DATABASES[_alias]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    # Django 5.2's psycopg pool (docs/deployment.md): DB_POOL_MAX_SIZE=N opens a pool of at most N connections per
    # process instead of one persistent connection; the pool requires CONN_MAX_AGE = 0. Leave it unset with PgBouncer.
    if os.environ.get("DB_POOL_MAX_SIZE"):
        DATABASES[_alias]["CONN_MAX_AGE"] = 0
        DATABASES[_alias].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": int(os.environ["DB_POOL_MAX_SIZE"]), "timeout": 10}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For is believed: none unless configured (docs/operations.md). With nginx on the same
# host (proxy_add_x_forwarded_for) set YORISOI_TRUSTED_PROXIES=127.0.0.1,::1; without a proxy, a forwarded address
# is never trusted, so no client can choose the address that is logged and throttled.
YORISOI_TRUSTED_PROXIES = env_list("YORISOI_TRUSTED_PROXIES")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
    # Sessions are read from Redis and written through to the database: a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
