"""`make bench-load`: the production settings, served over plain HTTP on the loopback address.

Everything production sets stays (DEBUG off, PostgreSQL, the same middleware, sessions, caches, templates); only
what needs TLS is relaxed, because the load generator talks to gunicorn directly on 127.0.0.1: the cookies are not
marked Secure (a client drops Secure cookies over http://) and there is no redirect to https. Never deploy this.
"""

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
