"""Fictional demo accounts for `make run`. Never used outside DEBUG."""

import hashlib

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Center, Role, Staff

DEMO_PASSWORD = "yorisoi-demo-2026"
DEMO_CENTER = "みどり県地域生活定着支援センター"
DEMO_OTHER_CENTER = "あおば県地域生活定着支援センター"
# username, family, given, kana, role
DEMO_STAFF = [
    ("kanri", "高橋", "恵子", "タカハシ ケイコ", Role.DIRECTOR),
    ("soudan1", "佐藤", "健一", "サトウ ケンイチ", Role.WORKER),
    ("soudan2", "鈴木", "美咲", "スズキ ミサキ", Role.WORKER),
    ("soudan3", "渡邊", "翔太", "ワタナベ ショウタ", Role.WORKER),
    ("jimu", "伊藤", "直子", "イトウ ナオコ", Role.CLERK),
    ("kansa", "山本", "誠", "ヤマモト マコト", Role.AUDITOR),
]
DEMO_OTHER_STAFF = [("tanin", "中村", "大輔", "ナカムラ ダイスケ", Role.WORKER)]


def demo_totp_key(username: str) -> str:
    """A fixed secret per demo user, so the printed key works in an authenticator app across restarts."""
    return hashlib.sha1(f"yorisoi-demo-totp:{username}".encode()).hexdigest()


@transaction.atomic
def ensure_demo_accounts() -> tuple[Center, Center, bool]:
    """Create the demo centers and staff once; returns (center, other_center, created_now)."""
    center, created = Center.objects.get_or_create(name=DEMO_CENTER, defaults={"prefecture": "みどり県"})
    other, _ = Center.objects.get_or_create(name=DEMO_OTHER_CENTER, defaults={"prefecture": "あおば県"})
    hashed = None  # one hash for every demo user (the password is public): each hash takes most of a second
    for home, rows in ((center, DEMO_STAFF), (other, DEMO_OTHER_STAFF)):
        for username, family, given, kana, role in rows:
            staff, made = Staff.objects.get_or_create(
                username=username,
                defaults={"center": home, "role": role, "last_name": family, "first_name": given,
                          "display_name": f"{family} {given}", "display_name_kana": kana},
            )
            if made:
                hashed = hashed or make_password(DEMO_PASSWORD)
                staff.password = hashed
                staff.save()
                TOTPDevice.objects.create(user=staff, name="デモ用認証アプリ", confirmed=True,
                                          key=demo_totp_key(username))
    return center, other, created
