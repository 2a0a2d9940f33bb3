"""A worker provides a face-sheet extract to a municipality with the person's consent and sees the ledger entry;
an attempt to a recipient outside the consent and without an agreement is refused first. Then an auditor opens
the person's access history and sees the worker's provision."""

import datetime as dt
import re

import pytest

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.models import DisclosureRecord, Purpose
from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory, municipality, provider
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def person(center, worker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the provision's PDF goes to a temporary folder
    person = PersonFactory(center=center, family_name="架空", given_name="春子", phone="048-000-5678",
                           medication="架空錠（テスト用）", wishes="みどり市のアパートで一人で暮らしたい")
    CaseFactory(person=person, main_staff=worker)
    ConsentFactory(person=person, purposes=[Purpose.WELFARE, Purpose.HOUSING], consented_on=dt.date(2026, 1, 5))
    return person


def test_worker_provides_an_extract_and_the_auditor_sees_it_in_the_access_history(logged_in, center, worker,
                                                                                   auditor, person):
    city = municipality(center, name="みどり市役所")
    AgreementFactory(organization=city, valid_from=dt.date(2020, 4, 1), valid_to=None)
    office = provider(center, name="架空の相談支援事業所")

    page = logged_in(worker)
    page.goto(f"/disclosure/people/{person.pk}/provide/")
    assert "関係機関への情報提供" in page.locator("h1").inner_text()

    # 1. A recipient outside the consent, without an agreement: refused, with the reasons in Japanese.
    page.locator("#id_recipient").select_option(label=f"{office}（相談支援事業所）")
    page.locator("#id_purpose").select_option(label="福祉サービス調整")
    page.get_by_label("電話番号").check()
    page.get_by_label("本人の意向（本人の言葉で）").check()
    page.get_by_role("button", name="提供して記録する").click()
    refusal = page.locator("#refusal")
    refusal.wait_for()
    assert "本人の同意が確認できないため提供できません。" in refusal.inner_text()
    assert "取り決めが有効ではないため提供できません" in refusal.inner_text()
    shot(page, "disclosure_1_refused")
    assert not DisclosureRecord.objects.exists()

    # 2. The municipality, covered by the consent and an agreement: preview, then provide.
    page.locator("#id_recipient").select_option(label=f"{city}（市区町村）")
    assert page.get_by_label("電話番号").is_checked()  # what was ticked is kept
    page.get_by_role("button", name="内容を確認").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert "048-000-5678" in preview.inner_text() and "架空錠" not in preview.inner_text()
    shot(page, "disclosure_2_preview")
    page.get_by_role("button", name="提供して記録する").click()
    page.wait_for_url(re.compile(r"/disclosure/ledger/\d+/$"))
    record = DisclosureRecord.objects.get()
    assert record.recipient == city and record.consent is not None and record.staff == worker
    body = page.locator("main").inner_text()
    assert f"第三者提供記録（{record.number}）に記録しました" in body
    assert "みどり市のアパートで一人で暮らしたい" in body and "架空錠" not in body
    shot(page, "disclosure_3_record")

    # 3. The ledger lists it.
    page.get_by_role("link", name="第三者提供記録簿").first.click()
    page.wait_for_url(re.compile(r"/disclosure/ledger/$"))
    row = page.locator("table tbody tr", has_text=record.number)
    assert "みどり市役所" in row.inner_text() and str(person) in row.inner_text()
    assert "本人の同意" in row.inner_text()
    shot(page, "disclosure_4_ledger")
    assert page.console_problems == []

    # 4. The auditor opens the person's access history and sees the provision by the worker.
    audit = logged_in(auditor)
    audit.goto(f"/privacy/people/{person.pk}/access/")
    provided = audit.locator("tr, li", has_text="情報提供").filter(has_text=str(worker))
    assert provided.count() >= 1
    shot(audit, "disclosure_5_access_history")
