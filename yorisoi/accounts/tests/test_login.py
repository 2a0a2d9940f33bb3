"""Log-in with password, then the second factor; log-out; where `next` may lead."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts.tests.factories import TEST_PASSWORD
from yorisoi.accounts.tests.helpers import totp_code
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)


def test_login_page_is_japanese(client):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert "ログイン" in body and "ユーザー名" in body and "パスワード" in body
    assert "5回続けて間違えると" in body


def test_wrong_password_shows_japanese_error(client, worker):
    response = client.post(LOGIN, {"username": "worker", "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_log_in(client, worker):
    worker.is_active = False
    worker.save()
    response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_then_code_reaches_home(client, worker):
    device = confirmed_device(worker)
    response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == f"{OTP}?next=%2F"

    page = client.get(OTP, {"next": "/"})
    assert "確認コードの入力" in page.content.decode()
    response = client.post(OTP, {"token": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "さんのホーム" in home.content.decode()


def test_full_width_digits_are_accepted_as_code(client, worker):
    device = confirmed_device(worker)
    client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    full_width = totp_code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post(OTP, {"token": full_width, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_next_survives_both_steps(client, worker):
    device = confirmed_device(worker)
    target = "/cases/?phase=intake&mine=1"
    response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD, "next": target})
    assert response["Location"] == target
    to_otp = client.get(response["Location"])
    assert to_otp["Location"] == f"{OTP}?next=%2Fcases%2F%3Fphase%3Dintake%26mine%3D1"
    response = client.post(to_otp["Location"], {"token": totp_code(device), "next": target})
    assert response["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/steal", "javascript:alert(1)",
                                    "http://testserver.evil.example/"])
def test_next_never_leaves_the_site_after_login(client, worker, target):
    confirmed_device(worker)
    response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD, "next": target})
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/steal", "javascript:alert(1)"])
def test_next_never_leaves_the_site_after_code(client, worker, target):
    device = confirmed_device(worker)
    client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    page = client.get(OTP, {"next": target})
    assert target not in page.content.decode()
    response = client.post(OTP, {"token": totp_code(device), "next": target})
    assert response["Location"] == "/"


def test_logged_in_user_on_login_page_goes_on(worker_client):
    assert worker_client.get(LOGIN)["Location"] == reverse("home")


def test_logout_ends_the_session(worker_client):
    response = worker_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert worker_client.get("/")["Location"].startswith(LOGIN)


def test_logout_by_get_is_refused(worker_client):
    assert worker_client.get("/accounts/logout/").status_code == 405
    assert worker_client.get("/").status_code == 200


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/people/?q=abc")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/people/%3Fq%3Dabc"


# --- access log ---------------------------------------------------------------------------------


def test_login_writes_access_log_row(client, worker):
    client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    row = AccessLog.objects.get(action=AccessAction.LOGIN)
    assert row.staff == worker and row.username == "worker" and row.center_id_value == worker.center_id
    assert row.ip_address == "127.0.0.1"


def test_failed_login_writes_access_log_row_with_typed_name(client, worker):
    client.post(LOGIN, {"username": "worker", "password": "wrong-password-123"})
    client.post(LOGIN, {"username": "nobody-like-this", "password": "wrong-password-123"})
    rows = AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED).order_by("id")
    assert [(r.staff_id, r.username) for r in rows] == [(None, "worker"), (None, "nobody-like-this")]
    assert not AccessLog.objects.filter(action=AccessAction.LOGIN).exists()


def test_logout_writes_access_log_row(worker, worker_client):
    worker_client.post("/accounts/logout/")
    row = AccessLog.objects.get(action=AccessAction.LOGOUT)
    assert row.staff == worker


def test_wrong_code_writes_failed_login_row(client, worker):
    confirmed_device(worker)
    client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD})
    client.post(OTP, {"token": "000000"})
    client.post(OTP, {"token": "12"})  # too short: a form error, not a wrong code
    rows = AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED)
    assert rows.count() <= 1  # 000000 may, once in a million, be the right code
    assert all(row.staff == worker and "二要素" in row.detail for row in rows)


def test_viewing_the_login_page_writes_nothing(client):
    client.get(LOGIN)
    assert not AccessLog.objects.exists()
