"""Sessions end after SESSION_IDLE_MINUTES (30) without a request; activity keeps them alive."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from conftest import verified_client

pytestmark = pytest.mark.django_db


def test_idle_timeout_defaults_to_thirty_minutes():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_idle_for_31_minutes_is_sent_to_login(worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = verified_client(worker)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/people/"


def test_session_active_every_20_minutes_stays(worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = verified_client(worker)
        for _ in range(6):  # two hours in all
            traveller.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200


def test_expired_session_is_not_verified_again_by_the_old_cookie(worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = verified_client(worker)
        traveller.shift(timedelta(minutes=31))
        client.get("/")
        traveller.shift(timedelta(minutes=1))
        assert client.get("/")["Location"].startswith("/accounts/login/")


def test_expired_session_on_htmx_request_reloads_the_login_page(worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = verified_client(worker)
        traveller.shift(timedelta(minutes=31))
        response = client.get("/people/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/people/"


def test_session_cookie_is_http_only_and_not_persistent(client, worker):
    from yorisoi.accounts.tests.factories import TEST_PASSWORD

    response = client.post("/accounts/login/", {"username": "worker", "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser as well
