"""A fictional directory of agencies and social resources for the demo (`seed_demo` calls `seed_directory`).

Every name, address, person and phone number is invented. Phone numbers have a local exchange that begins
with 0 (e.g. 028-012-3456): Japanese exchanges never begin with 0, so no such number can ring anyone.
E-mail addresses use example.jp, which is reserved for examples.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Center

from .models import Organization, OrganizationContact, OrganizationKind, Outreach, PostEndReason
from .normalize import organization_search_key

# municipality: (kana stem, area code). Area codes of 3 digits get a 3-digit exchange "0NN", 4 digits "0N".
MUNICIPALITIES = {
    "みどり市": ("ミドリシ", "028"),
    "あおば市": ("アオバシ", "0285"),
    "さくら市": ("サクラシ", "0287"),
    "ひかり町": ("ヒカリマチ", "0288"),
    "かわせみ町": ("カワセミマチ", "0289"),
    "やまびこ村": ("ヤマビコムラ", "0280"),
}
CITIES = ["みどり市", "あおば市", "さくら市"]
TOWNS = ["本町", "栄町", "中央", "緑が丘", "旭町", "駅前", "東町", "若葉台", "川端", "新町"]

FAMILY = [("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"),
          ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
          ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("小川", "オガワ"),
          ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"),
          ("齋藤", "サイトウ"), ("髙木", "タカギ")]
GIVEN = [("裕子", "ユウコ"), ("隆", "タカシ"), ("明美", "アケミ"), ("浩二", "コウジ"), ("由美", "ユミ"),
         ("健太", "ケンタ"), ("恵", "メグミ"), ("大輔", "ダイスケ"), ("真由美", "マユミ"), ("誠", "マコト"),
         ("亜希子", "アキコ"), ("剛", "ツヨシ"), ("直美", "ナオミ"), ("和也", "カズヤ"), ("智子", "トモコ")]


class _Phones:
    """Unassigned-looking numbers, unique within the directory."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, municipality: str) -> str:
        area = MUNICIPALITIES.get(municipality, ("", "028"))[1]
        while True:
            exchange = "0" + "".join(str(self.rng.randrange(10)) for _ in range(5 - len(area)))
            number = f"{area}-{exchange}-{self.rng.randrange(10000):04d}"
            if number not in self.used:
                self.used.add(number)
                return number


def _directory_rows(prefecture: str) -> list[dict]:
    """(kind code, name, department, municipality, extra fields) of the fictional directory."""
    rows: list[dict] = []

    def add(kind, name, municipality, department="", **extra):
        rows.append({"kind": kind, "name": name, "department": department, "municipality": municipality, **extra})

    pref = prefecture.removesuffix("県").removesuffix("府").removesuffix("都")
    # justice
    add("prosecutors_office", f"{pref}地方検察庁", "みどり市", "再犯防止対策室", opening_hours="平日 8:30〜17:15")
    add("prosecutors_office", f"{pref}地方検察庁 あおば支部", "あおば市", "刑事部")
    add("probation_office", f"{pref}保護観察所", "みどり市", "社会復帰対策官室", opening_hours="平日 8:30〜17:15")
    add("probation_office", f"{pref}保護観察所 あおば駐在官事務所", "あおば市")
    add("police", f"{prefecture}警察本部", "みどり市", "生活安全部 人身安全対策課")
    for city in CITIES:
        add("police", f"{city.removesuffix('市')}中央警察署", city, "生活安全課")
    add("lawyer", f"{pref}弁護士会", "みどり市", "刑事弁護センター", opening_hours="平日 10:00〜16:00")
    add("lawyer", "ひまわり通り法律事務所", "みどり市", notes="被疑者段階からの福祉連携に理解がある")
    add("lawyer", "あおば中央法律事務所", "あおば市")
    add("correctional_facility", f"{pref}刑務所", "さくら市", "分類審議室（福祉専門官）")
    add("correctional_facility", f"{pref}拘置支所", "みどり市")
    add("correctional_facility", f"{pref}少年院", "ひかり町", "教育部門")
    # government
    add("prefecture", prefecture, "みどり市", "福祉部 社会福祉課")
    add("prefecture", prefecture, "みどり市", "福祉部 障害者福祉推進課")
    for city in CITIES:
        add("municipality", f"{city}役所", city, "障害福祉課")
        add("municipality", f"{city}役所", city, "高齢介護課")
        add("municipality", f"{city}役所", city, "生活福祉課（生活保護）",
            notes="福祉事務所。ケースワーカーは地区担当制")
    for town in ("ひかり町", "かわせみ町", "やまびこ村"):
        add("municipality", f"{town}役場", town, "福祉課")
    add("municipality", f"{prefecture} ひかり福祉事務所", "ひかり町", "生活保護担当",
        notes="町村部の生活保護を担当（ひかり町・かわせみ町・やまびこ村）")
    # consultation and community support
    add("consultation_support", "さくら相談支援事業所", "さくら市")
    add("consultation_support", "相談支援センター みちしるべ", "みどり市")
    add("consultation_support", "あおば障害者相談支援センター", "あおば市")
    add("consultation_support", "ひかり町基幹相談支援センター", "ひかり町")
    add("community_support_center", "みどり市中央地域包括支援センター", "みどり市")
    add("community_support_center", "みどり市北部地域包括支援センター", "みどり市")
    add("community_support_center", "あおば市地域包括支援センター ささえ", "あおば市")
    add("community_support_center", "さくら市地域包括支援センター", "さくら市")
    add("needy_support", "みどり市くらしサポートセンター", "みどり市", "自立相談支援窓口")
    add("needy_support", f"{pref}県 町村部自立相談支援センター", "ひかり町")
    add("multilayered_support", "あおば市 ふくしまるごと相談窓口", "あおば市", "重層的支援推進室")
    # health and medical
    add("health_center", f"{prefecture} みどり保健所", "みどり市", "精神保健福祉担当")
    add("health_center", f"{prefecture} あおば保健所", "あおば市", "精神保健福祉担当")
    add("health_center", "さくら市保健センター", "さくら市")
    add("hospital", f"{pref}県立こころの医療センター", "さくら市", "地域連携室",
        notes="精神科。医療保護入院の相談は地域連携室のPSWへ", is_medical_partner=True, offers_psychiatry=True,
        accepts_emergencies=True)
    add("hospital", "社会福祉法人 みどり済生会病院", "みどり市", "医療福祉相談室", offers_free_low_cost_care=True,
        notes="無料低額診療事業を実施。受診前にMSWへ電話", is_medical_partner=True, offers_internal_medicine=True,
        offers_dentistry=True, accepts_emergencies=True)
    add("hospital", "あおば市民病院", "あおば市", "地域医療連携室", offers_internal_medicine=True,
        accepts_emergencies=True)
    add("hospital", "ひかり内科クリニック", "ひかり町",
        opening_hours="月〜土 9:00〜12:00、15:00〜18:00（木・土午後休診）", is_medical_partner=True,
        offers_internal_medicine=True)
    add("hospital", "さくらメンタルクリニック", "さくら市", notes="初診は予約制（2〜3週間待ち）",
        offers_psychiatry=True)
    add("hospital", "かわせみ診療所", "かわせみ町", offers_free_low_cost_care=True, offers_internal_medicine=True,
        offers_dentistry=True)
    # welfare providers
    add("welfare_provider", "就労継続支援B型 みどり工房", "みどり市", service_kinds="就労継続支援B型")
    add("welfare_provider", "ワークス あおば", "あおば市", service_kinds="就労継続支援A型、就労移行支援")
    add("welfare_provider", "グループホーム こもれび", "さくら市", service_kinds="共同生活援助",
        capacity=6, accepts_sex="male", accepts_intellectual_disability=True, accepts_mental_disability=True)
    add("welfare_provider", "ヘルパーステーション つばさ", "みどり市", service_kinds="居宅介護、重度訪問介護、同行援護")
    add("welfare_provider", "居宅介護支援事業所 ほほえみ", "あおば市", service_kinds="居宅介護支援")
    add("welfare_provider", "地域活動支援センター ひだまり", "ひかり町", service_kinds="地域活動支援センター")
    add("other", f"{prefecture}社会福祉協議会", "みどり市", "地域福祉課", notes="日常生活自立支援事業・生活福祉資金")
    add("other", "NPO法人 フードバンクみどり", "みどり市", notes="食料支援。前日までに申込み")
    # employment
    add("hello_work", "ハローワークみどり", "みどり市", "専門援助部門", opening_hours="平日 8:30〜17:15")
    add("hello_work", "ハローワークあおば", "あおば市", "専門援助部門")
    add("cooperating_employer", "株式会社 みどり建設", "みどり市", notes="協力雇用主。寮あり（2名分）")
    add("cooperating_employer", "有限会社 あおば清掃サービス", "あおば市", notes="協力雇用主。短時間勤務から可")
    add("cooperating_employer", "さくら農園", "さくら市", notes="協力雇用主。住み込み可")
    # residential (temporary placement)
    add("rehabilitation_facility", "更生保護施設 みどり荘", "みどり市", capacity=20, accepts_sex="male",
        accepts_age_min=20, accepts_care_level="independent", smoking_allowed=True,
        accepts_conditions="更生緊急保護・仮釈放者。門限21時。飲酒不可")
    add("rehabilitation_facility", "更生保護施設 あけぼの寮", "あおば市", capacity=10, accepts_sex="female",
        accepts_age_min=18, accepts_care_level="support", smoking_allowed=False)
    add("self_reliance_home", "あおぞら自立準備ホーム", "みどり市", capacity=4, accepts_sex="male", accepts_age_min=20,
        accepts_age_max=75, accepts_intellectual_disability=True, accepts_mental_disability=True,
        accepts_care_level="c1", smoking_allowed=False, pets_allowed=False,
        accepts_conditions="1階に2部屋（車いす不可）。服薬管理の支援あり")
    add("self_reliance_home", "自立準備ホーム ひだまりの家", "さくら市", capacity=3, accepts_sex="any",
        accepts_age_min=18, accepts_care_level="support", smoking_allowed=True)
    add("free_low_cost_lodging", "無料低額宿泊所 みどりハウス", "みどり市", capacity=30, accepts_sex="male",
        accepts_care_level="c2", smoking_allowed=True, accepts_conditions="生活保護の申請と同時に入所。個室")
    add("free_low_cost_lodging", "無料低額宿泊所 あおば寮", "あおば市", capacity=18, accepts_sex="any",
        accepts_care_level="support")
    add("relief_facility", "救護施設 みどり救護園", "かわせみ町", capacity=80, accepts_sex="any",
        accepts_physical_disability=True, accepts_intellectual_disability=True, accepts_mental_disability=True,
        accepts_care_level="c3", accepts_conditions="措置は福祉事務所経由")
    # other centers
    add("other_center", "あおば県地域生活定着支援センター", "", notes="隣県。県外への帰住調整の窓口")
    add("other_center", "かすみ県地域生活定着支援センター", "")
    return rows


@transaction.atomic
def seed_directory(center: Center, rng: random.Random, *, today: dt.date | None = None,
                   prefecture: str = "みどり県") -> list[Organization]:
    """Create the fictional directory, contacts (with some past posts) and outreach for `center`.

    The places are fictional too (`prefecture`, default みどり県 like the demo center, and its cities
    みどり市, あおば市, さくら市…), so no name can be a real office's. Idempotent: if the center already has
    organizations it returns them and creates nothing. Deterministic for the state of `rng` (and `today`,
    from which outreach dates count back)."""
    existing = list(Organization.objects.filter(center=center).order_by("id"))
    if existing:
        return existing
    today = today or timezone.localdate()
    kinds = {k.code: k for k in OrganizationKind.objects.filter(center__isnull=True)}
    phone = _Phones(rng)
    organizations: list[Organization] = []
    for row in _directory_rows(prefecture):
        row = dict(row)
        municipality = row.pop("municipality")
        kind = kinds[row.pop("kind")]
        org = Organization(center=center, kind=kind, prefecture=prefecture if municipality else "",
                           municipality=municipality, version=1, **row)
        if municipality:
            org.address_line = f"{rng.choice(TOWNS)}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
            org.phone = phone(municipality)
            if rng.random() < 0.6:
                org.fax = phone(municipality)
        else:
            org.phone = phone("みどり市")
        if not org.opening_hours and kind.group in ("government", "justice", "welfare") and rng.random() < 0.5:
            org.opening_hours = "平日 8:30〜17:15"
        if rng.random() < 0.3:
            org.email = f"info{len(organizations) + 1:03d}@example.jp"
        org.name_kana = ""
        org.search_key = organization_search_key(name=org.name, name_kana=org.name_kana, department=org.department)
        org.full_clean()
        org.save()
        organizations.append(org)
    _seed_contacts(center, organizations, rng, today, phone)
    _seed_outreach(center, organizations, rng, today)
    return organizations


def _person(rng: random.Random) -> tuple[str, str]:
    family, family_kana = rng.choice(FAMILY)
    given, given_kana = rng.choice(GIVEN)
    return f"{family} {given}", f"{family_kana} {given_kana}"


TITLES = {
    "prosecutors_office": "検察事務官", "probation_office": "保護観察官", "police": "生活安全課 係長",
    "lawyer": "弁護士", "correctional_facility": "福祉専門官", "prefecture": "主査", "municipality": "ケースワーカー",
    "consultation_support": "相談支援専門員", "community_support_center": "社会福祉士", "health_center": "保健師",
    "hospital": "医療ソーシャルワーカー", "welfare_provider": "サービス管理責任者", "needy_support": "主任相談支援員",
    "multilayered_support": "相談支援包括化推進員", "hello_work": "就職支援ナビゲーター",
    "cooperating_employer": "代表", "rehabilitation_facility": "補導主任", "self_reliance_home": "管理者",
    "free_low_cost_lodging": "施設長", "relief_facility": "生活指導員", "other_center": "相談員", "other": "担当",
}

SECOND_TITLES = {"justice": "統括官", "government": "係長", "medical": "相談室長", "residential": "施設長",
                 "welfare": "管理者", "employment": "担当"}


def _seed_contacts(center, organizations, rng, today, phone) -> None:
    april = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    for org in organizations:
        if rng.random() < 0.25:
            continue
        title = TITLES.get(org.kind.code, "担当")
        started = april.replace(year=april.year - rng.randint(0, 3))
        if org.kind.code in ("probation_office", "prosecutors_office", "municipality", "correctional_facility") \
                and rng.random() < 0.6:
            # officers move every few years: keep the predecessor with the end of their post
            name, kana = _person(rng)
            previous = OrganizationContact(
                center=center, organization=org, name=name, name_kana=kana, department=org.department,
                title=title, started_on=started.replace(year=started.year - 3),
                ended_on=started - dt.timedelta(days=1), end_reason=PostEndReason.TRANSFER)
            previous.save()
            successor = _add_contact(center, org, rng, title, started, phone)
            previous.successor = successor
            previous.save(update_fields=["successor"])
        else:
            _add_contact(center, org, rng, title, started, phone)
        if rng.random() < 0.3:
            _add_contact(center, org, rng, SECOND_TITLES.get(org.kind.group, "担当"), started, phone)


def _add_contact(center, org, rng, title, started, phone) -> OrganizationContact:
    name, kana = _person(rng)
    contact = OrganizationContact(center=center, organization=org, name=name, name_kana=kana,
                                  department=org.department, title=title, started_on=started,
                                  phone=phone(org.municipality) if rng.random() < 0.3 else "")
    contact.save()
    return contact


# kind group or code → (theme, materials)
OUTREACH_TOPICS = {
    "prosecutors_office": ("入口支援（被疑者等支援）の連携について", "連携の手引き（案）、支援の流れ図"),
    "police": ("入口支援（被疑者等支援）の連携について", "事業案内リーフレット"),
    "lawyer": ("被疑者・被告人段階からの福祉的支援", "事例集（匿名化済み）"),
    "probation_office": ("特別調整と出口支援の流れ", "特別調整の手順書"),
    "correctional_facility": ("特別調整と出口支援の流れ", "支援の流れ図、事例集（匿名化済み）"),
    "government": ("福祉につなぐ出口支援の事例紹介", "事例集（匿名化済み）、スライド（30枚）"),
    "welfare": ("高齢・障害のある人の再犯防止：地域での見守り", "スライド（30枚）"),
    "medical": ("医療との連携：受診同行と常用薬の確保", "事業案内リーフレット"),
    "employment": ("協力雇用主・ハローワークとの意見交換会", "就労支援の案内"),
    "residential": ("更生緊急保護と一時受け入れの流れ", "一時受け入れの手順書"),
    "other": ("地域生活定着支援センターの事業説明", "事業案内リーフレット"),
}
FOLLOW_UPS = ["事前相談の窓口を確認した。", "次回は事例検討を希望された。",
              "担当者が異動予定のため、来年度も説明が必要。",
              "受け入れ条件（要介護度・喫煙）を再確認することになった。", ""]


def _seed_outreach(center, organizations, rng, today) -> None:
    """Per kind: the organizations the center met recently share one session, those it met long ago another,
    and some were never met, so the "not contacted for a while" list has all three."""
    from yorisoi.accounts.models import Role, Staff

    staff = list(Staff.objects.filter(center=center, role__in=[Role.DIRECTOR, Role.WORKER], is_active=True)
                 .order_by("username"))
    by_kind: dict[str, list[Organization]] = {}
    for org in organizations:
        by_kind.setdefault(org.kind.code, []).append(org)
    for code, orgs in by_kind.items():
        recent, fading = [], []
        for org in orgs:
            roll = rng.random()
            (recent if roll < 0.5 else fading if roll < 0.8 else []).append(org)
        kind = orgs[0].kind
        title, materials = OUTREACH_TOPICS.get(code) or OUTREACH_TOPICS.get(kind.group) or OUTREACH_TOPICS["other"]
        for group, (low, high) in ((recent, (7, 170)), (fading, (200, 700))):
            if not group:
                continue
            held_on = today - dt.timedelta(days=rng.randint(low, high))
            outreach = Outreach(
                center=center, held_on=held_on, title=title, audience=f"{TITLES.get(code, '職員')}など",
                attendees=rng.randint(3, 30), materials=materials, follow_up_notes=rng.choice(FOLLOW_UPS),
                follow_up_on=held_on + dt.timedelta(days=180) if rng.random() < 0.4 else None,
            )
            outreach.save()
            outreach.organizations.set(group)
            if staff:
                outreach.staff.set(rng.sample(staff, k=min(len(staff), rng.randint(1, 2))))
