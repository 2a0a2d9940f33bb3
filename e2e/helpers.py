"""Helpers for the browser tests: screenshots and logging in through the real pages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as var/screenshots/<name>.png (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^0-9A-Za-z_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def device_for(user):
    """The user's confirmed authenticator (made on first use, as if set up earlier)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)


def log_in(page, user, password: str | None = None, *, next_path: str = ""):
    """Log in through the real pages: user name and password, then the authenticator's code."""
    from yorisoi.accounts.tests.factories import TEST_PASSWORD
    from yorisoi.accounts.tests.helpers import totp_code

    device = device_for(user)
    page.goto(f"/accounts/login/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    page.get_by_label("確認コード（6桁）").fill(totp_code(device))
    page.get_by_role("button", name="確認").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    return page
