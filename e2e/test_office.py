"""Issue 14 in a real browser: a worker records an accompaniment trip linked to the support record of the case, with
both alcohol checks, and prints the month's trip log; the director reports the worker's lost phone, sees the persons
who may be affected, completes the remote wipe step and sees the deadlines of the report to the 個人情報保護委員会."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.office.models import Incident, Trip
from yorisoi.office.tests.factories import DeviceFactory, TripFactory, VehicleFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.models import ActivityKind
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def office_world(center, worker):
    person = PersonFactory(center=center, family_name="架空", given_name="七郎")
    case = CaseFactory(person=person, main_staff=worker, phase="temporary")
    activity = ActivityFactory(case=case, author=worker, kind=ActivityKind.ACCOMPANY, counterpart="架空市福祉事務所",
                               occurred_at=timezone.now() - dt.timedelta(hours=2))
    vehicle = VehicleFactory(center=center, name="1号車", business_use=True)
    TripFactory(vehicle=vehicle, driver=worker, date=timezone.localdate() - dt.timedelta(days=1),
                odometer_start=12000, odometer_end=12040)
    phone = DeviceFactory(center=center, holder=worker, label="携帯3号")
    return case, activity, vehicle, phone


def test_a_trip_for_an_accompaniment_and_a_lost_phone(logged_in, worker, director, office_world):
    case, activity, vehicle, phone = office_world

    # the worker records the trip of the accompaniment, both alcohol checks included
    page = logged_in(worker)
    page.get_by_role("link", name="センター運営").first.click()
    page.get_by_role("link", name="運行を記録").first.click()
    page.locator("select[name=vehicle]").select_option(str(vehicle.pk))
    page.get_by_label("用務").fill("同行支援（生活保護の申請）")
    page.get_by_label("行き先").fill("架空市福祉事務所")
    page.get_by_label("出発時の走行距離計（km）").fill("12039")
    page.get_by_label("帰着時の走行距離計（km）").fill("12073")
    for side in ("pre", "post"):
        page.locator(f"select[name={side}_check_result]").select_option("none")
        page.locator(f"select[name={side}_check_method]").select_option("detector_face")
    page.locator("select[name=activity]").select_option(str(activity.pk))
    page.get_by_role("button", name="記録する").click()
    # the odometer went backwards (12039 < 12040): refused in Japanese, what was typed is kept
    expect(page.get_by_text("距離計は戻りません")).to_be_visible()
    expect(page.get_by_label("行き先")).to_have_value("架空市福祉事務所")
    page.get_by_label("出発時の走行距離計（km）").fill("12040")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(r"/office/trips/\?year="))
    expect(page.get_by_text("走行距離 33 km")).to_be_visible()
    row = page.locator("table.trip-table tr", has_text="架空市福祉事務所")
    expect(row).to_contain_text(case.number)
    expect(row).to_contain_text("酒気帯びなし")
    trip = Trip.objects.get(odometer_start=12040)
    assert (trip.case_id, trip.activity_id, trip.distance) == (case.pk, activity.pk, 33)

    # the month's trip log on A4
    page.get_by_role("link", name="A4で印刷").click()
    expect(page.get_by_role("heading", name=re.compile("運行表"))).to_be_visible()
    expect(page.locator("table.trip-table tbody tr")).to_have_count(2)
    page.emulate_media(media="print")
    shot(page, "office_trip_log_print")
    page.emulate_media(media="screen")

    # the director reports the worker's lost phone
    boss = logged_in(director)
    boss.goto("/office/incidents/new/")
    boss.locator("select[name=kind]").select_option("lost_device")
    boss.get_by_label("発覚した日時（知った日時）").fill("令和8年11月20日 10:00")
    boss.get_by_label("何が起きたか").fill("外出先で業務用の携帯電話を紛失した（架空）")
    boss.locator("select[name=device]").select_option(str(phone.pk))
    boss.get_by_role("button", name="報告する").click()
    boss.wait_for_url(re.compile(r"/office/incidents/\d+/$"))
    incident = Incident.objects.get()
    affected = boss.locator("#affected")
    expect(affected).to_contain_text("架空 七郎")
    expect(affected).to_contain_text("担当ケースの対象者")
    expect(boss.get_by_test_id("preliminary-due")).to_contain_text("令和8年11月25日")
    expect(boss.get_by_test_id("final-due")).to_contain_text("令和8年12月20日")

    # the remote wipe: asked for, done, confirmed
    boss.get_by_label("遠隔消去を指示した日時").fill("令和8年11月20日 10:20")
    boss.get_by_label("遠隔消去が完了した日時").fill("令和8年11月20日 10:35")
    boss.get_by_label("消去の完了を管理画面等で確認した").check()
    boss.get_by_role("button", name="遠隔消去を記録").click()
    expect(boss.get_by_test_id("wipe-confirmed")).to_contain_text("確認済み")
    expect(boss.get_by_test_id("final-due")).to_contain_text("30日以内")
    shot(boss, "office_incident_detail")
    incident.refresh_from_db()
    assert incident.wipe_confirmed and incident.wipe_by == director
