"""Issue 4's end-to-end check: one person from a phone referral with release in 3 days, through a minimal
assessment, a placement in a 自立準備ホーム under 更生緊急保護, procedures, a service connection, to 定着支援 with
scheduled follow-ups and a closure approved by the director. Everything is done through the pages, as a worker
would (clicks and form fills); the inbox (やること) is checked at each step.

The days pass with time-machine (the live server runs in this process, so it sees the same clock); a new day
means a new log-in, as the session of the day before has expired. Screenshots: var/screenshots/flow4_*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.helpers import shot
from yorisoi.cases.models import Case, Phase
from yorisoi.common.eras import format_era
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.placements.models import Funding, Placement, PlacementKind
from yorisoi.planning.models import ApprovalStatus, Assessment, ClosureRequest
from yorisoi.procedures.models import CaseProcedure, FollowUp, ProcedureStatus, ProtectionStatus, UrgentProtection

pytestmark = pytest.mark.e2e

JST = ZoneInfo("Asia/Tokyo")
DAY0 = dt.date(2026, 6, 1)           # Monday: the prosecutor calls
RELEASE = DAY0 + dt.timedelta(days=3)  # Thursday 6/4
MAIN_NAV = "主なメニュー"
CASE_NAV = "このケースの画面"


def _set_clock(time_machine, day: dt.date, hour: int = 10) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=JST), tick=True)


def _follow(page, link) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


def _go(page, nav: str, link: str) -> None:
    _follow(page, page.get_by_role("navigation", name=nav).get_by_role("link", name=link, exact=True))


def _tab(page, name: str) -> None:
    """A tab of the procedures app's case pages (手続き・更生緊急保護・フォローアップ)."""
    _follow(page, page.get_by_role("navigation", name="手続き・更生緊急保護・フォローアップ")
            .get_by_role("link", name=name, exact=True))


def _inbox(page, name: str) -> str:
    """Open やること from the site navigation, save a screenshot and return the page's text."""
    _go(page, MAIN_NAV, "やること")
    expect(page.get_by_role("heading", name="やること", level=1)).to_be_visible()
    shot(page, f"flow4_{name}")
    return page.locator("main").inner_text()


def _row(page, section: str, text: str) -> str:
    """The text of the inbox row in `section` (overdue / today / coming / approvals) that contains `text`."""
    return page.locator(f"#{section} tr", has_text=text).first.inner_text()


def _field(scope, label: str):
    """The form field labelled exactly `label` (a required field's label ends with 「必須」)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(必須)?$"))


def _submit(page, button: str, scope=None) -> None:
    """Click a form's submit button and wait for the page that answers."""
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=button).click()


def _message(page) -> str:
    return page.locator(".messages").inner_text()


def _change_phase(page, label: str, reason: str) -> None:
    _go(page, CASE_NAV, "ケースの概要")
    form = page.locator("form.phase-form")
    _field(form, "変更後の段階").select_option(label=label)
    _field(form, "変更の理由").fill(reason)
    _submit(page, "段階を変更する", form)
    assert f"段階を「{label}」に変更しました。" in _message(page)


def test_coordination_flow_from_phone_referral_to_approved_closure(logged_in, time_machine, center, worker,
                                                                   director):
    prosecutor = OrganizationFactory(center=center, name="みどり地方検察庁", department="再犯防止対策室",
                                     kind=kind("prosecutors_office"))
    home = OrganizationFactory(center=center, name="あおば自立準備ホーム", name_kana="アオバジリツジュンビホーム",
                               kind=kind("self_reliance_home"), capacity=4)
    support_office = OrganizationFactory(center=center, name="みどり相談支援センター",
                                         name_kana="ミドリソウダンシエンセンター", kind=kind("consultation_support"))

    # --- day 0: the prosecutor calls; release in 3 days --------------------------------------------------------
    _set_clock(time_machine, DAY0)
    page = logged_in(worker)
    _go(page, MAIN_NAV, "受付")
    page.locator("#id_organization").select_option(str(prosecutor.pk))
    page.locator("#id_referral_officer").fill("検察事務官 架空")
    page.locator("#id_referral_contact").fill("000-0000-0000")
    page.locator("#id_family_name").fill("寄添")
    page.locator("#id_given_name").fill("一郎")
    page.locator("#id_family_name_kana").fill("ヨリソイ")
    page.locator("#id_given_name_kana").fill("イチロウ")
    page.locator("#id_sex").select_option(label="男性")
    page.locator("#id_birth_date").fill("S30.4.1")
    page.locator("#id_expected_release_date").fill(format_era(RELEASE))
    page.locator("#id_release_place").fill("みどり拘置支所")
    page.get_by_label("至急").check()
    page.locator("#id_first_note").fill("検察庁から電話。3日後に起訴猶予で釈放予定、帰住先なし（架空）。")
    shot(page, "flow4_01_referral")
    _submit(page, "受け付けてケースを開始")
    assert re.search(r"/cases/\d+/$", page.url)
    case = Case.objects.get(person__family_name="寄添")
    assert (case.phase, case.expected_release_date) == (Phase.INTAKE, RELEASE)
    assert "あと3日" in page.locator(".case-header").inner_text()
    # the usual procedures of an entrance case were added at once, due from the release date
    assert CaseProcedure.objects.filter(case=case).count() >= 10
    shot(page, "flow4_02_case_opened")

    text = _inbox(page, "03_inbox_day0")
    assert "釈放予定日（みどり拘置支所）" in _row(page, "coming", "釈放予定") and "あと3日" in text
    # 援護の実施者の確定: two business days before the release (Tue 6/2)
    assert "あと1日" in _row(page, "coming", "援護の実施者の確定")
    assert "寄添 一郎" in text

    _go(page, MAIN_NAV, "ホーム")
    assert "寄添 一郎" in page.locator(".home-releases").inner_text()
    assert "援護の実施者の確定" in page.locator(".home-procedures").inner_text()
    shot(page, "flow4_04_home_day0")

    # minimal assessment before the release
    _go(page, MAIN_NAV, "支援ケース")
    _follow(page, page.get_by_role("link", name="寄添 一郎").first)
    _go(page, CASE_NAV, "アセスメント・支援計画")
    _follow(page, page.get_by_role("link", name="記録する").first)
    _field(page, "種類").select_option(label="必要最低限のアセスメント")
    housing = page.locator("fieldset.domain-fieldset", has_text="住まい")
    _field(housing, "所見（本人の状況）").fill("帰住先なし。住民票は職権消除の可能性（架空）。")
    _field(housing, "支援の必要").fill("釈放日からの一時受入先の確保。")
    _field(housing, "支援の必要度").select_option(label="高")
    income = page.locator("fieldset.domain-fieldset", has_text="収入・債務")
    _field(income, "所見（本人の状況）").fill("所持金わずか（架空）。")
    _field(income, "支援の必要").fill("生活保護の申請。")
    _field(page, "総合的な見立て").fill("釈放当日の居所と当面の生活費の確保が最優先（架空）。")
    shot(page, "flow4_05_assessment_form")
    _submit(page, "保存")
    assert Assessment.objects.filter(case=case, kind="minimal").count() == 1
    shot(page, "flow4_06_assessment_saved")

    _change_phase(page, "調整中", "検察庁から正式な依頼。受入先の調整を始める（架空）。")

    # a bed: ask the 自立準備ホーム (accepted)
    _go(page, CASE_NAV, "居所・照会・つなぎ")
    _follow(page, page.get_by_role("link", name="＋ 受入照会を記録"))
    _field(page, "照会先（関係機関から選ぶ）").select_option(str(home.pk))
    page.get_by_label("受入可").check()
    _submit(page, "照会を記録")
    assert "受入可" in page.locator("#inquiries").inner_text()

    # 更生緊急保護: the written application, made while still in custody
    _go(page, CASE_NAV, "手続き・保護・フォローアップ")
    _tab(page, "更生緊急保護")
    page.get_by_label("書面による申出あり").check()
    _field(page, "申出日").fill(format_era(DAY0))
    page.get_by_label("収容中に申し出た").check()
    _submit(page, "登録する")
    assert "更生緊急保護を登録しました。" in _message(page)
    shot(page, "flow4_07_protection_applied")
    assert page.console_problems == []

    # --- day 3: release day ------------------------------------------------------------------------------------
    _set_clock(time_machine, RELEASE, 9)
    page = logged_in(worker)
    _inbox(page, "08_inbox_release_day")
    assert "今日" in _row(page, "today", "釈放予定")
    assert "2日超過" in _row(page, "overdue", "援護の実施者の確定")

    _follow(page, page.get_by_role("link", name=case.number).first)
    _go(page, CASE_NAV, "居所・照会・つなぎ")
    _follow(page, page.get_by_role("link", name="＋ 居所を登録"))
    _field(page, "施設・居所（関係機関から選ぶ）").select_option(str(home.pk))
    _field(page, "居所の種類").select_option(label="自立準備ホーム")
    _field(page, "費用の根拠").select_option(label="更生緊急保護")
    _field(page, "入所日・入居日").fill(format_era(RELEASE))
    _submit(page, "居所を登録")
    current = page.locator("#current").inner_text()
    assert "あおば自立準備ホーム" in current and "更生緊急保護" in current
    placement = Placement.objects.get(case=case)
    assert (placement.kind, placement.funding) == (PlacementKind.SELF_RELIANCE_HOME, Funding.URGENT_PROTECTION)
    shot(page, "flow4_09_placement")

    # the placement dated the procedures that are due from the placement (a 71-year-old: 要介護認定, 7 開庁日
    # after; the 療育手帳 is not proposed to him)
    _go(page, CASE_NAV, "手続き・保護・フォローアップ")
    assert format_era(RELEASE) in page.locator("#reference").inner_text()
    care = CaseProcedure.objects.get(case=case, title="要介護認定")
    assert care.base_date == RELEASE and care.due_date > RELEASE
    assert not CaseProcedure.objects.filter(case=case, title__startswith="療育手帳").exists()

    # the protection starts with the release: the end date is computed from it
    _tab(page, "更生緊急保護")
    _follow(page, page.locator("main").get_by_role("link", name="編集", exact=True))
    _field(page, "状況").select_option(label="実施中")
    _field(page, "実施の決定日").fill(format_era(RELEASE))
    _field(page, "開始日（釈放日）").fill(format_era(RELEASE))
    _submit(page, "保存")
    protection = UrgentProtection.objects.get(case=case)
    assert protection.status == ProtectionStatus.ACTIVE and protection.end_date > RELEASE + dt.timedelta(days=150)
    assert format_era(protection.end_date) in page.locator("main").inner_text()
    shot(page, "flow4_10_protection_active")

    _change_phase(page, "一時受入", "釈放日に自立準備ホームへ入所（架空）。")
    assert page.console_problems == []

    # --- day 10: procedures during the stay, a service connection ----------------------------------------------
    day10 = DAY0 + dt.timedelta(days=10)
    _set_clock(time_machine, day10)
    page = logged_in(worker)
    _inbox(page, "11_inbox_day10")
    overdue = page.locator("#overdue").inner_text()
    assert "住民票の回復" in overdue and "生活保護申請" in overdue

    _follow(page, page.locator("#overdue").get_by_role("link", name="住民票の回復"))
    page.wait_for_url(re.compile(r"/procedures/case/\d+/"))
    _submit(page, "住民票の回復を今日の日付で完了にする")
    assert "「住民票の回復」を「完了」にしました。" in _message(page)
    done = CaseProcedure.objects.get(case=case, title="住民票の回復")
    assert (done.status, done.completed_on) == (ProcedureStatus.DONE, day10)
    shot(page, "flow4_12_procedures")

    _go(page, CASE_NAV, "居所・照会・つなぎ")
    _follow(page, page.get_by_role("link", name="＋ つなぎを依頼"))
    _field(page, "サービスの種類").select_option(label="サービス等利用計画（相談支援事業所）")
    _field(page, "つなぎ先（関係機関から選ぶ）").select_option(str(support_office.pk))
    _submit(page, "つなぎを登録")
    assert "みどり相談支援センター" in page.locator("#connections").inner_text()
    shot(page, "flow4_13_connection")

    text = _inbox(page, "14_inbox_after_procedure")
    assert "住民票の回復" not in text
    assert "生活保護申請" in page.locator("#overdue").inner_text()
    assert page.console_problems == []

    # --- day 42: the person settles; follow-ups are scheduled ---------------------------------------------------
    day42 = DAY0 + dt.timedelta(days=42)  # Monday 7/13
    _set_clock(time_machine, day42)
    page = logged_in(worker)
    _go(page, MAIN_NAV, "支援ケース")
    _follow(page, page.get_by_role("link", name=case.number).first)
    _go(page, CASE_NAV, "居所・照会・つなぎ")
    _follow(page, page.locator("#connections").get_by_role("link", name="経過・状況"))
    _field(page, "変更後の状況").select_option(label="利用開始")
    _field(page, "日付").fill(format_era(day42))
    _submit(page, "状況を変更")
    assert FollowUp.objects.filter(case=case).count() == 0

    _change_phase(page, "定着支援", "相談支援事業所の計画で通所が始まり、生活が落ち着いてきた（架空）。")
    assert FollowUp.objects.filter(case=case).count() == 10  # 1w 1m 3m 6m 12m × 本人・受入先
    shot(page, "flow4_15_settlement")
    _go(page, CASE_NAV, "手続き・保護・フォローアップ")
    _tab(page, "フォローアップ")
    assert "1週間後" in page.locator("main").inner_text()
    shot(page, "flow4_16_follow_ups")

    _inbox(page, "17_inbox_follow_ups")
    assert "あと7日" in _row(page, "coming", "フォローアップ：本人・1週間後")
    assert "あおば自立準備ホーム" in _row(page, "coming", "フォローアップ：受入先")
    assert page.console_problems == []

    # --- 20 days before the protection ends: the warning ---------------------------------------------------------
    warning_day = protection.end_date - dt.timedelta(days=20)
    _set_clock(time_machine, warning_day)
    page = logged_in(worker)
    _inbox(page, "18_inbox_protection_end")
    row = _row(page, "coming", "更生緊急保護の期間が終わります")
    assert "あと20日" in row and "残り30日以内" in row
    assert "32日超過" in _row(page, "overdue", "フォローアップ：本人・3か月後")

    # a follow-up is done by writing its support record
    _follow(page, page.locator("#overdue").get_by_role("link", name="フォローアップ：本人・3か月後"))
    visit = page.locator("tr").filter(has_text="3か月後").filter(has_text="本人")
    _follow(page, visit.get_by_role("link", name="記録して完了"))
    _field(page, "種別").select_option(label="訪問")
    _field(page, "内容").fill("アパートを訪問。服薬と通所が続いている。生活保護の受給が始まった（架空）。")
    _submit(page, "記録して完了")
    assert "フォローアップを完了にしました" in _message(page)
    shot(page, "flow4_18b_follow_up_done")
    text = _inbox(page, "18c_inbox_after_follow_up")
    assert "フォローアップ：本人・3か月後" not in text
    _go(page, MAIN_NAV, "ホーム")
    assert "更生緊急保護の期間が終わります" in page.locator(".home-protections").inner_text()
    shot(page, "flow4_19_home_protection_warning")

    # the worker asks for the closure (決裁)
    _follow(page, page.locator(".home-protections").get_by_role("link", name="寄添 一郎").first)
    _follow(page, page.get_by_role("link", name="終結を申請する"))
    _field(page, "終結理由").select_option(label="地域生活が安定")
    _field(page, "終結時の居所").select_option(label="自宅・アパート")
    page.get_by_role("checkbox", name="障害福祉サービス", exact=True).check()
    page.get_by_role("checkbox", name="生活保護", exact=True).check()
    _field(page, "終結時のまとめ").fill("生活保護を受けてアパートで暮らし、通所も続いている（架空）。")
    # the checklist lists what is still open; a request that leaves them unhandled is refused, keeping the input
    checklist = page.locator("#checklist tbody tr")
    assert checklist.count() > 0
    assert "あおば自立準備ホーム" in page.locator("#checklist").inner_text()
    _submit(page, "終結の決裁を申請する")
    assert "の扱いを選んでください" in page.locator("#checklist").inner_text()
    assert _field(page, "終結時のまとめ").input_value().startswith("生活保護を受けてアパートで暮らし")
    shot(page, "flow4_20a_closure_refused_unhandled")
    for index in range(checklist.count()):
        row = checklist.nth(index)
        cancel = row.get_by_label("中止する（理由を記録）")
        if cancel.count():
            cancel.check()
            row.get_by_role("textbox").fill("地域の支援者に引き継いだため不要（架空）")
        else:
            row.get_by_label("終結後も継続する（引き継ぐ）").check()
    shot(page, "flow4_20_closure_request")
    _submit(page, "終結の決裁を申請する")
    assert "決裁を申請しました" in _message(page)
    assert "終結時の未完了項目（チェックリスト）" in page.locator("#checklist").inner_text()
    _go(page, CASE_NAV, "ケースの概要")
    assert "決裁待ち" in page.locator("#closure").inner_text()
    assert "申請" in page.locator("#approvals").inner_text()
    shot(page, "flow4_21_case_closure_pending")
    assert page.console_problems == []

    # --- the director approves -----------------------------------------------------------------------------------
    boss = logged_in(director)
    nav = boss.get_by_role("navigation", name=MAIN_NAV)
    assert nav.locator(".nav-count").inner_text().startswith("1")
    _inbox(boss, "22_inbox_director_approval")
    assert "支援の終結の決裁" in _row(boss, "approvals", "寄添 一郎")
    _follow(boss, boss.locator("#approvals").get_by_role("link", name="支援の終結の決裁"))
    # the director sees the same checklist: the place carried over, the rest cancelled with the reason
    decided = boss.locator("#checklist").inner_text()
    assert "あおば自立準備ホーム" in decided and "終結後も継続" in decided
    assert "地域の支援者に引き継いだため不要（架空）" in decided
    boss.get_by_label("承認する").check()
    _field(boss, "コメント").fill("承認します。おつかれさまでした（架空）。")
    shot(boss, "flow4_23_decision")
    _submit(boss, "決裁する")
    assert "終結を承認しました。ケースを終結しました。" in _message(boss)
    case.refresh_from_db()
    assert (case.phase, case.closure_outcome, case.end_date) == (Phase.CLOSED, "stable", warning_day)
    assert ClosureRequest.objects.get(case=case).status == ApprovalStatus.APPROVED
    _go(boss, CASE_NAV, "ケースの概要")
    assert "終結" in boss.locator(".case-header").inner_text()
    assert "承認" in boss.locator("#approvals").inner_text()
    shot(boss, "flow4_24_case_closed")
    # on a tablet the navigation takes a row of its own and wraps
    boss.set_viewport_size({"width": 820, "height": 1180})
    _go(boss, MAIN_NAV, "ホーム")
    shot(boss, "flow4_26_tablet_director_home")
    assert boss.console_problems == []

    # the worker's inbox tells of the approval, with the comment; the closed case's dates are gone
    page.reload()
    text = _inbox(page, "25_inbox_after_closure")
    assert "承認します。おつかれさまでした（架空）。" in _row(page, "approvals", "支援の終結")
    for gone in ("フォローアップ：", "更生緊急保護の期間", "生活保護申請"):
        assert gone not in text, gone
    assert page.console_problems == []
