"""Log-in, two-factor set-up, lock-out and log-out in a real browser."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from e2e.helpers import device_for, log_in, shot
from yorisoi.accounts.tests.factories import TEST_PASSWORD
from yorisoi.accounts.tests.helpers import totp_code, wrong_code

pytestmark = pytest.mark.e2e


def no_csp_problems(page) -> None:
    problems = [p for p in page.console_problems if "Content Security Policy" in p or "Refused" in p]
    assert problems == []


def test_worker_logs_in_with_two_factor_and_reaches_home(page, worker):
    page.goto("/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("ログイン")
    shot(page, "login")

    log_in(page, worker)
    assert page.url.endswith("/")
    assert "さんのホーム" in page.locator("h1").inner_text()
    expect(page.get_by_role("navigation", name="主なメニュー")).to_be_visible()
    # htmx runs under the Content-Security-Policy, without its injected styles and without eval.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.locator("head style").count() == 0
    no_csp_problems(page)
    shot(page, "home")


def test_first_log_in_sets_up_the_authenticator_from_the_manual_key(page, worker):
    assert not TOTPDevice.objects.filter(user=worker).exists()
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("worker")
    page.get_by_label("パスワード").fill(TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    expect(page.locator("h1")).to_have_text("二要素認証の設定")
    qr = page.get_by_alt_text("認証アプリ登録用のQRコード")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG data URI is allowed by the CSP
    no_csp_problems(page)
    shot(page, "otp_setup")

    key = base64.b32decode(page.get_by_test_id("otp-secret").inner_text().replace(" ", ""))
    page.get_by_label("確認コード（6桁）").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="設定して続ける").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert "さんのホーム" in page.locator("h1").inner_text()
    assert TOTPDevice.objects.get(user=worker).confirmed is True


def test_wrong_code_shows_japanese_error(page, worker):
    device = device_for(worker)
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("worker")
    page.get_by_label("パスワード").fill(TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード（6桁）").fill(wrong_code(device))
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_text("確認コードが正しくありません。")).to_be_visible()
    assert "/accounts/otp/" in page.url
    shot(page, "otp_wrong_code")


def test_five_wrong_passwords_show_the_lockout_page(page, worker):
    page.goto("/accounts/login/")
    for attempt in range(5):
        page.get_by_label("ユーザー名").fill("worker")
        page.get_by_label("パスワード").fill(f"wrong-password-{attempt}")
        # Wait for the new page itself, not only its response: the next attempt must not type into the old one.
        with page.expect_navigation() as r:
            page.get_by_role("button", name="ログイン").click()
        if attempt < 4:
            assert r.value.status == 200
            expect(page.get_by_text("ユーザー名またはパスワードが正しくありません。")).to_be_visible()
    assert r.value.status == 429
    expect(page.locator("h1")).to_have_text("ログインが一時停止されています")
    shot(page, "lockout")
    # Even the right password is refused now.
    page.get_by_role("link", name="ログイン画面に戻る").click()
    page.get_by_label("ユーザー名").fill("worker")
    page.get_by_label("パスワード").fill(TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_have_text("ログインが一時停止されています")


def test_log_out_ends_the_session(page, worker):
    log_in(page, worker)
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    page.goto("/people/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/people/$"))
    shot(page, "logged_out")


def test_page_asked_for_before_log_in_opens_after_both_steps(page, worker):
    device = device_for(worker)
    page.goto("/people/")
    log_in_url = page.url
    assert "next=/people/" in log_in_url
    page.get_by_label("ユーザー名").fill("worker")
    page.get_by_label("パスワード").fill(TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/accounts/otp/\?next=%2Fpeople%2F$"))
    page.get_by_label("確認コード（6桁）").fill(totp_code(device))
    page.get_by_role("button", name="確認").click()
    page.wait_for_url(re.compile(r"/people/$"))
