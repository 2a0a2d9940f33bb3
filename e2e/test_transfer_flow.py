"""広域調整: a worker at center A hands a case to center B (both use yorisoi) with the person's consent: preview,
then send (the provision is recorded). A worker at center B finds it in 他センターからの引継ぎ, reads the package and
accepts it into a new case of B. Back at A, the transfer shows where the case went."""

import datetime as dt
import re

import pytest

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.models import DisclosureRecord
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.transfers.models import Transfer, TransferStatus
from yorisoi.transfers.tests.factories import center_entry, consent_and_agreement

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(center, worker, other_center, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the provision's PDF goes to a temporary folder
    person = PersonFactory(center=center, family_name="架空", given_name="夏子", family_name_kana="カクウ",
                           given_name_kana="ナツコ", birth_date=dt.date(1956, 8, 20), phone="048-000-7788",
                           medication="架空錠（テスト用）朝夕", wishes="姉の近くで穏やかに暮らしたい")
    case = CaseFactory(person=person, main_staff=worker)
    entry = center_entry(center, target_center=other_center)
    consent_and_agreement(person, entry)
    return case


def test_a_case_is_handed_to_another_center_and_accepted_there(logged_in, director, worker, outsider, other_center,
                                                               case):
    # 0. Center A's director sees the directory entry linked to center B (a center of this deployment).
    boss = logged_in(director)
    boss.goto("/transfers/centers/")
    row = boss.locator("table tbody tr", has_text=str(other_center))
    assert "対応づけ済み" in row.inner_text()
    shot(boss, "transfer_0_centers")

    # 1. Center A: the worker writes the letter, ticks the items and previews the package.
    page = logged_in(worker)
    page.goto(f"/transfers/cases/{case.pk}/new/")
    assert "他センターへの引継ぎ" in page.locator("main").inner_text()
    page.locator("#id_recipient").select_option(index=1)
    page.get_by_label("依頼の理由・経緯").fill("本人が姉の住む他県で暮らすことを希望し、転居が決まったため。")
    page.get_by_label("依頼する支援の内容").fill("転居後のフォローアップと障害福祉サービスの利用調整をお願いします。")
    page.get_by_label("転居予定日").fill("令和8年12月1日")
    page.get_by_label("転居先（市区町村・居所）").fill("他県みなと市（姉宅）")
    for label in ("フリガナ", "生年月日", "電話番号", "常用薬", "本人の意向（本人の言葉で）"):
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="内容を確認").click()
    preview = page.locator("#preview")
    preview.wait_for()
    text = preview.inner_text()
    assert "支援業務協力依頼書" in text and "情報提供書" in text
    assert "架空錠（テスト用）朝夕" in text and "転居後のフォローアップ" in text
    assert "事件・処分の概要" not in text  # not ticked, not given
    shot(page, "transfer_1_preview")

    # 2. Send: the provision is recorded, the transfer waits at center B.
    page.get_by_role("button", name="送付して記録する").click()
    page.wait_for_url(re.compile(r"/transfers/\d+/$"))
    transfer = Transfer.objects.get()
    record = DisclosureRecord.objects.get()
    assert transfer.status == TransferStatus.PENDING and transfer.receiving_center == other_center
    assert transfer.disclosure_record == record and record.consent is not None
    body = page.locator("main").inner_text()
    assert f"第三者提供記録（{record.number}）に記録しました" in body and "受入待ち" in body
    shot(page, "transfer_2_sent")
    assert page.console_problems == []

    # 3. Center B: the incoming list, the package, and the accept form.
    other = logged_in(outsider)
    other.goto("/transfers/incoming/")
    row = other.locator("table tbody tr", has_text=transfer.number)
    assert "受入待ち" in row.inner_text() and "架空 夏子" in row.inner_text()
    shot(other, "transfer_3_incoming_list")
    row.get_by_role("link", name=transfer.number).click()
    other.wait_for_url(re.compile(r"/transfers/incoming/\d+/$"))
    assert "架空錠（テスト用）朝夕" in other.locator(".transfers-sheet").inner_text()
    assert other.get_by_label("氏", exact=True).input_value() == "架空"
    shot(other, "transfer_4_incoming_detail")
    other.get_by_label("支援の種別").select_option(label="フォローアップ")
    other.get_by_role("button", name="受け入れて支援ケースを開始").click()
    other.wait_for_url(re.compile(r"/cases/\d+/$"))
    transfer.refresh_from_db()
    new_case = transfer.receiving_case
    assert transfer.status == TransferStatus.ACCEPTED and new_case.center == other_center
    assert new_case.person.center == other_center and new_case.person.birth_date == dt.date(1956, 8, 20)
    assert "を受け入れ、支援ケース" in other.locator("main").inner_text()
    shot(other, "transfer_5_accepted_case")
    assert other.console_problems == []

    # 4. Center A: the transfer (and the case) show where it went.
    page.goto("/transfers/")
    row = page.locator("table tbody tr", has_text=transfer.number)
    assert "引継ぎ済み" in row.inner_text() and str(other_center) in row.inner_text()
    shot(page, "transfer_6_sent_list")
    row.get_by_role("link", name=transfer.number).click()
    outcome = page.locator(".transfers-outcome").inner_text()
    assert f"{other_center}が" in outcome and "受け入れました" in outcome and str(outsider) in outcome
    shot(page, "transfer_7_destination")
    page.goto(f"/cases/{case.pk}/")
    section = page.locator("#transfers")
    assert "引継ぎ済み" in section.inner_text() and str(other_center) in section.inner_text()
    shot(page, "transfer_8_case")
    assert page.console_problems == []
