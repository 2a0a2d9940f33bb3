"""Issue 14, hosted trainees, in a real browser: the director hosts a trainee from another center (period, signed pledge
uploaded) and assigns one case; the trainee logs in and sees only that case (another case of the center is 404);
after the last day the account no longer works."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import log_in, shot
from yorisoi.accounts.models import Staff
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

PASSWORD = "jisshu-pass-phrase-7291"


@pytest.fixture
def two_cases(center, worker):
    assigned = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="八郎"),
                           main_staff=worker, phase="temporary", number="2026-0801")
    other = CaseFactory(person=PersonFactory(center=center, family_name="仮名", given_name="九郎"),
                        main_staff=worker, phase="temporary", number="2026-0802")
    return assigned, other


def test_a_trainee_sees_only_the_assigned_case_and_expires(logged_in, new_context, director, two_cases, tmp_path):
    assigned, other = two_cases
    today = timezone.localdate()
    pledge = tmp_path / "pledge.pdf"
    pledge.write_bytes(b"%PDF-1.4 signed pledge (test)")

    # the director hosts the trainee: the period ends today, the signed pledge is uploaded
    page = logged_in(director)
    page.goto("/office/trainees/")
    page.get_by_role("link", name="実習生を登録").click()
    page.get_by_label("氏名").fill("実習 花子")
    page.locator("input[name=home_center_name]").fill("隣県地域生活定着支援センター")
    page.get_by_label("実習の開始日").fill(today.isoformat())
    page.get_by_label("実習の終了日").fill(today.isoformat())
    page.get_by_label("ユーザー名（ログインに使う名前）").fill("jisshu-hanako")
    page.get_by_label("初期パスワード").fill(PASSWORD)
    page.get_by_label("誓約書の署名日").fill(today.isoformat())
    page.get_by_label("誓約書（署名済み）").set_input_files(str(pledge))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/office/trainees/\d+/$"))
    expect(page.get_by_test_id("trainee-status")).to_have_text("実習中")
    page.locator("select[name=case]").select_option(str(assigned.pk))
    page.get_by_role("button", name="ケースを割り当てる").click()
    expect(page.locator("#assignments table")).to_contain_text("2026-0801")
    shot(page, "trainee-director")

    # the trainee logs in and sees the assigned case only
    trainee = Staff.objects.get(username="jisshu-hanako")
    mine = log_in(new_context(), trainee, PASSWORD)
    expect(mine.get_by_test_id("trainee-cases")).to_contain_text("2026-0801")
    expect(mine.get_by_test_id("trainee-cases")).not_to_contain_text("2026-0802")
    mine.get_by_role("link", name=re.compile("2026-0801")).click()
    expect(mine.get_by_role("heading", level=1)).to_contain_text("架空")
    mine.goto(f"/people/{assigned.person_id}/")
    expect(mine.locator("#health")).to_have_count(1)
    expect(mine.locator("#justice")).to_have_count(0)  # justice is not shown unless the assignment allows it
    mine.goto("/cases/")
    expect(mine.get_by_text("2026-0802")).to_have_count(0)
    response = mine.goto(f"/cases/{other.pk}/")
    assert response.status == 404
    expect(mine.get_by_role("heading", name="ページが見つかりません")).to_be_visible()
    shot(mine, "trainee-home")

    # the day after the last day, the account is over: the case is out of reach (the session has also run out over
    # night, which sends the browser to the log-in) and a new log-in is refused
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(tomorrow, tick=True):
        response = mine.goto(f"/cases/{assigned.pk}/")
        assert response.status == 403 or "/accounts/login/" in response.url
        expect(mine.get_by_text("八郎")).to_have_count(0)
        again = new_context()
        again.goto("/accounts/login/")
        again.get_by_label("ユーザー名").fill("jisshu-hanako")
        again.get_by_label("パスワード").fill(PASSWORD)
        again.get_by_role("button", name="ログイン").click()
        expect(again.get_by_text("実習の期間外")).to_be_visible()
        shot(again, "trainee-expired")
