"""Two-factor for every account: set-up with a QR code, the code page, and nothing else before it."""

import base64
import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts.tests.factories import TEST_PASSWORD, StaffFactory
from yorisoi.accounts.tests.helpers import totp_code, wrong_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"
OPEN_BEFORE_CODE = {"/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/healthz"}


def password_only_client(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _sample(route: str) -> str:
    """Turn a route like 'people/<int:pk>/' into a URL that the pattern matches."""
    samples = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.uuid4())}
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), route)


def all_urls(resolver=None, prefix="/") -> list[str]:
    """Every URL pattern of the site (regex-only patterns skipped), with sample arguments."""
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            urls += all_urls(entry, prefix + _sample(route))
        elif isinstance(entry, URLPattern):
            urls.append(prefix + _sample(route))
    return urls


def test_every_page_sends_an_unverified_session_to_the_code_page(client, worker):
    TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    guarded = [url for url in all_urls() if url not in OPEN_BEFORE_CODE]
    assert "/" in guarded and "/people/" in guarded and "/admin/" in guarded
    for url in guarded:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (method.__name__, url)
            assert response["Location"].startswith(f"{OTP}?next="), (method.__name__, url)


def test_unverified_htmx_request_gets_a_full_page_redirect(client, worker):
    TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    response = client.get("/people/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{OTP}?next=%2Fpeople%2F"


def test_first_log_in_shows_set_up_page_with_qr_and_key(client, worker):
    password_only_client(client, worker)
    page = client.get(OTP)
    body = page.content.decode()
    assert page.status_code == 200
    assert "二要素認証の設定" in body
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=worker)
    assert device.confirmed is False
    shown_key = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    assert base64.b32decode(shown_key) == device.bin_key
    # A reload shows the same key, so a half-done scan is not lost.
    client.get(OTP)
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_set_up_confirms_the_device_with_the_right_code(client, worker):
    password_only_client(client, worker)
    client.get(OTP)
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(OTP, {"token": f"{totp(device.bin_key):06d}", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200


def test_set_up_with_a_wrong_code_keeps_the_device_unconfirmed(client, worker):
    password_only_client(client, worker)
    client.get(OTP)
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(OTP, {"token": wrong_code(device)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "確認コードが正しくありません。" in body
    assert "二要素認証の設定" in body
    device.refresh_from_db()
    assert device.confirmed is False


def test_wrong_code_shows_japanese_error(client, worker):
    device = TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    response = client.post(OTP, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "確認コードが正しくありません。認証アプリの最新のコードを入力してください。" in response.content.decode()
    assert client.get("/")["Location"].startswith(OTP)


@pytest.mark.parametrize(("token", "message"), [
    ("", "確認コードを入力してください。"), ("12345", "確認コードは6桁です。"), ("abcdef", "確認コードは数字6桁です。"),
])
def test_malformed_code_shows_japanese_error(client, worker, token, message):
    TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    response = client.post(OTP, {"token": token})
    assert message in response.content.decode()


def test_right_code_after_wrong_one_waits_then_succeeds(client, worker):
    device = TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(OTP, {"token": wrong_code(device)})
        response = client.post(OTP, {"token": totp_code(device)})
        assert "秒ほど待ってから入力してください。" in response.content.decode()
        traveller.shift(timedelta(seconds=3))
        response = client.post(OTP, {"token": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_code_is_accepted_only_once(client, worker):
    device = TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False):
        code = f"{totp(device.bin_key):06d}"
        password_only_client(client, worker)
        assert client.post(OTP, {"token": code})["Location"] == "/"
        client.post("/accounts/logout/")
        other = type(client)()
        password_only_client(other, worker)
        assert other.post(OTP, {"token": code}).status_code == 200  # replayed code refused


def test_another_users_device_does_not_verify(client, worker, colleague):
    theirs = TOTPDevice.objects.create(user=colleague, name="認証アプリ", confirmed=True)
    TOTPDevice.objects.create(user=worker, name="認証アプリ", confirmed=True)
    password_only_client(client, worker)
    assert client.post(OTP, {"token": totp_code(theirs)}).status_code == 200


def test_code_page_needs_the_password_first(client):
    response = client.get(OTP)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_verified_user_on_code_page_goes_on(worker_client):
    assert worker_client.get(OTP)["Location"] == "/"


def test_superuser_also_needs_two_factor(client, db):
    admin = StaffFactory(username="root", center=None, is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=admin, name="認証アプリ", confirmed=True)
    password_only_client(client, admin)
    assert client.get("/admin/")["Location"].startswith(OTP)
