"""deploy/ names only things that exist: management commands, the settings module, the WSGI module, environment
variables the settings read, and the forwarded-for rule the application believes (docs/deployment.md)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
MANAGE = re.compile(r"manage\.py (\w+)")


def _settings_source() -> str:
    return "\n".join(p.read_text() for p in (Path(settings.BASE_DIR) / "config" / "settings").glob("*.py"))


def _all_source() -> str:
    return _settings_source() + "\n".join(p.read_text() for p in (Path(settings.BASE_DIR) / "yorisoi").rglob("*.py"))


def test_every_service_and_script_runs_management_commands_that_exist():
    commands = get_commands()
    named = set()
    for path in [*UNITS, DEPLOY / "backup" / "yorisoi-backup.sh"]:
        named |= set(MANAGE.findall(path.read_text()))
    assert {"db_worker", "run_scheduler", "backup"} <= named
    assert not named - set(commands), f"unknown commands: {named - set(commands)}"


def test_the_units_serve_the_wsgi_module_with_the_production_settings():
    web = (DEPLOY / "systemd" / "yorisoi-web.service").read_text()
    assert "gunicorn config.wsgi --config /srv/yorisoi/deploy/gunicorn.conf.py" in web
    assert (Path(settings.BASE_DIR) / "config" / "wsgi.py").exists()
    env = (DEPLOY / "yorisoi.env.example").read_text()
    module = re.search(r"^DJANGO_SETTINGS_MODULE=(\S+)$", env, re.M).group(1)
    assert module == "config.settings.production"
    assert (Path(settings.BASE_DIR) / (module.replace(".", "/") + ".py")).exists()
    for unit in UNITS:
        text = unit.read_text()
        assert "EnvironmentFile=/etc/yorisoi/yorisoi.env" in text, unit.name
        for helper in re.findall(r"/srv/yorisoi/(deploy/\S+)", text):
            assert (Path(settings.BASE_DIR) / helper).exists(), helper


def test_every_variable_of_the_env_example_is_read_by_the_application():
    source = _all_source()
    env = (DEPLOY / "yorisoi.env.example").read_text()
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", env, re.M)
    assert "YORISOI_TRUSTED_PROXIES" in names
    missing = [name for name in names if name != "DJANGO_SETTINGS_MODULE" and f'"{name}"' not in source]
    assert not missing, f"variables nothing reads: {missing}"


def test_nginx_appends_the_peer_address_as_the_client_ip_rule_expects():
    nginx = (DEPLOY / "nginx" / "yorisoi.conf").read_text()
    # client_ip takes the last X-Forwarded-For address that is not a trusted proxy: nginx must append, not replace.
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    # SECURE_PROXY_SSL_HEADER of the production settings
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_pass http://yorisoi_app;" in nginx and "server 127.0.0.1:8000;" in nginx
    env = (DEPLOY / "yorisoi.env.example").read_text()
    assert "YORISOI_TRUSTED_PROXIES=127.0.0.1,::1" in env
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in _settings_source()


def test_access_logs_leave_out_query_strings_where_a_search_would_put_a_name():
    nginx = (DEPLOY / "nginx" / "yorisoi.conf").read_text()
    log_format = re.search(r"log_format yorisoi '([^']*)'", nginx).group(1)
    assert "$request " not in log_format + " " and "$args" not in log_format and "$request_uri" not in log_format
    assert "access_log /var/log/nginx/yorisoi.access.log yorisoi;" in nginx
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    assert "%(U)s" in gunicorn and "%(r)s" not in gunicorn and "%(q)s" not in gunicorn


def test_static_files_come_from_where_collectstatic_puts_them():
    nginx = (DEPLOY / "nginx" / "yorisoi.conf").read_text()
    env = (DEPLOY / "yorisoi.env.example").read_text()
    var_dir = re.search(r"^YORISOI_VAR_DIR=(\S+)$", env, re.M).group(1)
    assert f"alias {var_dir}/static/;" in nginx
    assert settings.STATIC_URL == "/static/" and Path(settings.STATIC_ROOT).name == "static"
