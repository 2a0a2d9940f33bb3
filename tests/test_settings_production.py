"""The production profile: `check --deploy` is silent, and the real responses carry the security headers.

Both run in a subprocess, because settings are read once per process and the tests run on config.settings.test.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        YORISOI_FIELD_KEYS="k1:" + Fernet.generate_key().decode(),
        ALLOWED_HOSTS="yorisoi.example.jp",
        DATABASE_URL="postgres://yorisoi:unused@127.0.0.1:5432/yorisoi",
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("fail_level", [[], ["--fail-level", "WARNING"]], ids=["default", "fail-level-warning"])
def test_check_deploy_reports_nothing(fail_level):
    result = run(["manage.py", "check", "--deploy", *fail_level], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (" not in output, output


def test_production_refuses_to_start_without_its_secrets():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "環境変数 SECRET_KEY を設定してください。" in result.stderr


def test_production_has_debug_off_and_no_default_secret():
    probe = "import django; django.setup(); from django.conf import settings as s; " \
            "print(s.DEBUG, s.SECRET_KEY.startswith('django-insecure'), s.ADMINS)"
    result = run(["-c", probe], production_env())
    assert result.stdout.split() == ["False", "False", "[]"], result.stderr


# A log-in over HTTPS behind the proxy, under the production profile (SQLite in memory stands in for PostgreSQL).
PROBE = r"""
import json, django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
# The tables straight from the models (the migrations are tested elsewhere and take a minute to run).
settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from yorisoi.accounts.models import Center, Staff

center = Center.objects.create(name="架空センター", prefecture="埼玉県")
user = Staff.objects.create_user("probe", password="a-long-password-for-probe-42", center=center)
TOTPDevice.objects.create(user=user, name="x", confirmed=True)
https = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "yorisoi.example.jp"}
client = Client()
plain = client.get("/accounts/login/", HTTP_HOST="yorisoi.example.jp")
page = client.get("/accounts/login/", **https)
login = client.post("/accounts/login/", {"username": "probe", "password": "a-long-password-for-probe-42"}, **https)

def cookie(response, name):
    c = response.cookies[name]
    return {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"],
            "max_age": str(c["max-age"])}

print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "status": page.status_code, "headers": dict(page.headers),
    "login_status": login.status_code,
    "csrf_cookie": cookie(page, "csrftoken"), "session_cookie": cookie(login, "sessionid"),
}))
"""


@pytest.fixture(scope="module")
def production_responses():
    result = run(["-c", PROBE], production_env(DATABASE_URL="sqlite://:memory:"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production_responses):
    assert production_responses["plain_status"] == 301
    assert production_responses["plain_location"] == "https://yorisoi.example.jp/accounts/login/"


def test_hsts_header_for_a_year_with_subdomains_and_preload(production_responses):
    assert production_responses["status"] == 200
    hsts = production_responses["headers"]["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_production_security_headers(production_responses):
    headers = production_responses["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_cookies_are_secure_and_http_only(production_responses):
    assert production_responses["login_status"] == 302
    csrf = production_responses["csrf_cookie"]
    session = production_responses["session_cookie"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["max_age"] == ""  # a browser-session cookie; the server ends it after 30 idle minutes


def test_production_trusts_no_proxy_unless_one_is_configured():
    probe = "import django; django.setup(); from django.conf import settings as s; print(s.YORISOI_TRUSTED_PROXIES)"
    assert run(["-c", probe], production_env()).stdout.strip() == "[]"
    configured = run(["-c", probe], production_env(YORISOI_TRUSTED_PROXIES="127.0.0.1,::1"))
    assert configured.stdout.strip() == "['127.0.0.1', '::1']"


# The optional parts of a production deployment, against the machine's real Redis and PostgreSQL.
REDIS_URL = os.environ.get("YORISOI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SESSION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.cache import cache, caches
from django.utils.module_loading import import_string
cache.set("yorisoi-probe", "寄り添い", 30)
print(json.dumps({"engine": settings.SESSION_ENGINE, "cached": cache.get("yorisoi-probe"),
                  "backend": type(caches["default"]).__name__,
                  "store": import_string(settings.SESSION_ENGINE + ".SessionStore").__module__}))
"""


def _reachable(host: str, port: int) -> bool:
    import socket

    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _reachable("127.0.0.1", 6379), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_gives_a_redis_cache_and_sessions_written_through_to_the_database():
    result = run(["-c", SESSION_PROBE], production_env(REDIS_URL=REDIS_URL))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"engine": "django.contrib.sessions.backends.cached_db", "cached": "寄り添い",
                     "backend": "RedisCache", "store": "django.contrib.sessions.backends.cached_db"}


POOL_PROBE = r"""
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
    one = cursor.fetchone()[0]
print(json.dumps({"one": one, "pool": type(connection.pool).__name__ if connection.pool else None}))
"""


@pytest.mark.skipif(not _reachable("127.0.0.1", 5432), reason="no PostgreSQL on 127.0.0.1:5432")
def test_db_pool_max_size_opens_django_s_psycopg_pool():
    env = production_env(DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres", DB_POOL_MAX_SIZE="2")
    result = run(["-c", POOL_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"one": 1, "pool": "ConnectionPool"}
