"""A fictional national set of centers for `seed_demo --centers N` (and `make bench-load`).

The first center is the demo center (みどり県, the large one); the others are fictional prefectures named after
plants, birds and the weather (no real prefecture is named). Sizes are unequal like the real centers': the demo
center takes about a tenth of the persons, the others a share that falls off with their rank (Zipf-like).
Each center gets a director, a clerk, an auditor and one worker per WORKER_CASELOAD persons (at least three),
with the public demo password and a fixed authenticator key (accounts.demo.demo_totp_key).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts.demo import DEMO_CENTER, DEMO_PASSWORD, demo_totp_key
from yorisoi.accounts.models import Center, Role, Staff

# Fictional prefecture names (3 kana + 県, within Center.prefecture's 4 characters); みどり and あおば are the demo's.
PREFECTURES = (
    "みどり", "かえで", "つばき", "もみじ", "ひばり", "すみれ", "こぶし", "あやめ", "ひかり", "のぞみ",
    "わかば", "いぶき", "しずく", "あさひ", "ゆうひ", "みなと", "かすみ", "こだま", "はやて", "つばさ",
    "やよい", "さつき", "あかね", "ゆりね", "かもめ", "ひなた", "こはる", "はるか", "みのり", "あおい",
    "ほたる", "すずめ", "つくし", "みさき", "しおり", "かりん", "くるみ", "すずな", "なぎさ", "ことね",
    "こずえ", "ともえ", "ひすい", "るりは", "まどか", "ゆずは", "さやか", "いろは", "かなで", "みやび",
)
LARGE_SHARE = 0.10  # the large center's share of the persons (30,000 of 300,000)
WORKER_CASELOAD = 150  # persons per worker account (a worker carries some dozens of open cases)
MAX_CENTERS = len(PREFECTURES)


def center_sizes(total: int, centers: int) -> list[int]:
    """How many persons each center gets: the first LARGE_SHARE, the rest by 1/rank; sums to `total`."""
    if centers <= 1:
        return [total]
    large = round(total * LARGE_SHARE)
    weights = [1 / (rank + 2) for rank in range(centers - 1)]
    scale = (total - large) / sum(weights)
    sizes = [large] + [int(w * scale) for w in weights]
    sizes[1] += total - sum(sizes)  # rounding goes to the second largest
    return sizes


@transaction.atomic
def ensure_centers(demo_center: Center, sizes: list[int]) -> list[tuple[Center, list[Staff]]]:
    """The centers and their workers (created once; staff added when a larger size asks for more workers)."""
    if len(sizes) > MAX_CENTERS:
        raise ValueError(f"at most {MAX_CENTERS} centers")
    hashed = make_password(DEMO_PASSWORD)
    result = []
    for number, size in enumerate(sizes, start=1):
        if number == 1:
            center = demo_center
        else:
            prefecture = PREFECTURES[number - 1] + "県"
            center, _ = Center.objects.get_or_create(name=f"{prefecture}地域生活定着支援センター",
                                                     defaults={"prefecture": prefecture})
        prefix = "" if center.name == DEMO_CENTER else f"c{number:02d}_"
        wanted = [("kanri", Role.DIRECTOR), ("jimu", Role.CLERK), ("kansa", Role.AUDITOR)] if prefix else []
        wanted += [(f"soudan{n}", Role.WORKER) for n in range(1, max(3, size // WORKER_CASELOAD) + 1)]
        for name, role in wanted:
            username = prefix + name
            staff, made = Staff.objects.get_or_create(
                username=username,
                defaults={"center": center, "role": role, "last_name": "職員", "first_name": name,
                          "display_name": f"職員 {name}", "display_name_kana": "ショクイン", "password": hashed})
            if made:
                TOTPDevice.objects.create(user=staff, name="デモ用認証アプリ", confirmed=True,
                                          key=demo_totp_key(username))
        workers = list(Staff.objects.filter(center=center, role=Role.WORKER, is_active=True).order_by("pk"))
        result.append((center, workers))
    return result
