"""Lock-out after repeated wrong passwords (django-axes), by user name."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from yorisoi.accounts.tests.factories import TEST_PASSWORD
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def fail(client, username="worker"):
    return client.post(LOGIN, {"username": username, "password": "wrong-password-123"})


def test_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_four_failures_still_show_the_form(client, worker):
    for _ in range(4):
        response = fail(client)
        assert response.status_code == 200
    assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 302


def test_fifth_failure_shows_japanese_lockout_page_with_429(client, worker):
    for _ in range(4):
        fail(client)
    response = fail(client)
    body = response.content.decode()
    assert response.status_code == 429
    assert "ログインが一時停止されています" in body
    assert "パスワードの誤りが5回続いたため" in body
    assert "30分程度" in body
    assert '<html lang="ja">' in body


def test_locked_account_refuses_even_the_right_password(client, worker):
    for _ in range(5):
        fail(client)
    response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_by_user_name_so_colleagues_at_the_same_office_still_log_in(client, worker, colleague):
    for _ in range(5):
        fail(client)
    response = client.post(LOGIN, {"username": "colleague", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            fail(client)
        traveller.shift(timedelta(minutes=31))
        assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 302


def test_an_attempt_during_lockout_starts_the_cool_off_again(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            fail(client)
        traveller.shift(timedelta(minutes=29))
        assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 429
        traveller.shift(timedelta(minutes=2))
        assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 429
        traveller.shift(timedelta(minutes=31))
        assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 302


def test_success_resets_the_failure_count(client, worker):
    for _ in range(4):
        fail(client)
    client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")
    for _ in range(4):
        assert fail(client).status_code == 200


def test_unknown_user_name_is_locked_the_same_way(client):
    for _ in range(4):
        fail(client, "no-such-user")
    assert fail(client, "no-such-user").status_code == 429


def test_every_attempt_during_lockout_is_logged(client, worker):
    for _ in range(6):
        fail(client)
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, username="worker").count() == 6


# --- the current password on the change-password page counts the same way ---------------------------------------

PASSWORD_PAGE = "/accounts/password/"


def wrong_current_password(client):
    new = "しずかな湖の朝に三羽の鳥-2026"
    data = {"old_password": "wrong-password-123", "new_password1": new, "new_password2": new}
    return client.post(PASSWORD_PAGE, data)


def test_wrong_current_passwords_on_the_change_page_lock_the_account_and_end_the_session(worker, worker_client):
    for _ in range(4):
        response = wrong_current_password(worker_client)
        assert response.status_code == 200
        assert "現在のパスワードが正しくありません。" in response.content.decode()
    response = wrong_current_password(worker_client)
    assert response.status_code == 429
    assert "ログインが一時停止されています" in response.content.decode()
    assert "_auth_user_id" not in worker_client.session
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, username="worker").count() == 5
    from django.test import Client

    assert Client().post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 429
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)


def test_the_change_page_and_the_log_in_share_one_count(client, worker, worker_client):
    for _ in range(3):
        wrong_current_password(worker_client)
    fail(client)
    assert fail(client).status_code == 429
