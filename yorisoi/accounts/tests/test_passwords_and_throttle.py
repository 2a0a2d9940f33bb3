"""The password policy (length, not like the user name, not common, not only digits) on the change page, and the
log-in limit per address that stops guessing across many user names from one place."""

import pytest
from django.test import Client
from django.urls import reverse

from yorisoi.accounts.tests.factories import TEST_PASSWORD, StaffFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db
URL = "/accounts/password/"
GOOD = "しずかな湖の朝に三羽の鳥-2026"


def change(client, old=TEST_PASSWORD, new=GOOD, again=None):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new})


@pytest.mark.parametrize("weak, message", [
    ("short-1", "短すぎます"),              # under 12 characters
    ("123456789012345", "数字しか"),        # digits only
    ("1qaz2wsx3edc", "一般的すぎます"),     # a common password
    ("yamashita.haruka", "似すぎています"),  # like the user name
])
def test_weak_passwords_are_refused_with_a_japanese_reason(center, weak, message):
    from conftest import verified_client

    user = StaffFactory(center=center, username="yamashita-haruka")
    response = change(verified_client(user), new=weak)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("weak, message", [
    ("aaaaaaaaaaaa", "繰り返し"),                      # one character repeated
    ("qwertyuiopas", "よく使われるパスワードに似ています"),  # a keyboard row
    ("passwordpassword", "繰り返し"),                  # a dictionary word twice
    ("yamashita-harukayamashita-haruka", "繰り返し"),  # the user name twice
])
def test_guessable_passwords_are_refused_with_a_japanese_reason(center, weak, message):
    from conftest import verified_client

    user = StaffFactory(center=center, username="yamashita-haruka")
    response = change(verified_client(user), new=weak)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "推測しやすすぎます" in page
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_the_current_password_must_be_right_and_the_two_new_ones_equal(worker_client):
    assert "現在のパスワードが正しくありません。" in change(worker_client, old="wrong").content.decode()
    assert "一致しません" in change(worker_client, again=GOOD + "x").content.decode()
    assert "現在のパスワードと違うもの" in change(worker_client, new=TEST_PASSWORD).content.decode()


def test_a_good_password_is_saved_logged_and_keeps_this_session(worker, worker_client):
    response = change(worker_client)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(GOOD)
    assert worker_client.get("/").status_code == 200  # still logged in, still past two-factor
    row = AccessLog.objects.get(section="password")
    assert row.staff == worker and row.action == AccessAction.UPDATE
    assert GOOD not in row.detail


def test_the_change_page_needs_a_log_in():
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- the limit per address -------------------------------------------------------------------------------------------


def attempt(client, username, password="wrong-password-123", ip="198.51.100.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_many_failures_from_one_address_stop_log_ins_from_it_for_every_name(settings, center):
    settings.YORISOI_LOGIN_IP_FAILURE_LIMIT = 6
    StaffFactory(center=center, username="victim")
    client = Client()
    for n in range(6):  # one try per name: no account reaches its own limit of 5
        assert attempt(client, f"guess{n}").status_code == 200
    blocked = attempt(client, "victim", password=TEST_PASSWORD)
    assert blocked.status_code == 429
    assert "ログインを一時的に受け付けていません" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, detail__contains="試行が多すぎる").exists()
    # Another address (a colleague at home) is not affected.
    assert attempt(Client(), "victim", password=TEST_PASSWORD, ip="203.0.113.5").status_code == 302


def test_the_limit_per_address_ends_after_its_window(settings, center):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    settings.YORISOI_LOGIN_IP_FAILURE_LIMIT = 3
    settings.YORISOI_LOGIN_IP_WINDOW_MINUTES = 15
    StaffFactory(center=center, username="victim")
    client = Client()
    for n in range(3):
        attempt(client, f"guess{n}")
    assert attempt(client, "victim", password=TEST_PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert attempt(Client(), "victim", password=TEST_PASSWORD).status_code == 302


def test_the_default_limit_per_address_is_higher_than_the_per_account_lock(settings):
    from yorisoi.accounts.services import ip_failure_limit

    assert ip_failure_limit() >= 6 * settings.AXES_FAILURE_LIMIT  # an office of several people behind one address


# --- behind the reverse proxy ---------------------------------------------------------------------------------


def test_the_client_address_comes_from_a_trusted_proxy_only(rf, settings):
    from yorisoi.privacy.audit import client_ip

    settings.YORISOI_TRUSTED_PROXIES = ["127.0.0.1"]
    via_nginx = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.9, 198.51.100.7")
    assert client_ip(via_nginx) == "198.51.100.7"  # the address nginx saw, not what the client claimed before it
    spoofed = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(spoofed) == "203.0.113.5"
    garbage = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "127.0.0.1"


def test_behind_the_proxy_the_limit_applies_to_the_client_not_to_everyone(settings, center):
    settings.YORISOI_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.YORISOI_LOGIN_IP_FAILURE_LIMIT = 3
    StaffFactory(center=center, username="victim")
    client = Client()
    for n in range(3):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "x" * 12}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, ip_address="198.51.100.7").count() == 3
    blocked = Client().post("/accounts/login/", {"username": "victim", "password": TEST_PASSWORD},
                            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert blocked.status_code == 429
    colleague = Client().post("/accounts/login/", {"username": "victim", "password": TEST_PASSWORD},
                              REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert colleague.status_code == 302


def test_without_a_configured_proxy_a_forwarded_address_is_never_believed(rf, settings):
    from yorisoi.privacy.audit import client_ip

    settings.YORISOI_TRUSTED_PROXIES = []
    claimed = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(claimed) == "127.0.0.1"
