"""Issue 11 in a real browser: a worker schedules a case conference with two external contacts for a case, hands
the case summary to their agencies (one 第三者提供記録 each), records the minutes with two action items, finds them
in their やること and closes one there; raises a concern on the case, a colleague's idea is added, and the concern
is resolved as the organisation's decision; the morning board shows the conference and prints."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.models import DisclosureRecord, Purpose
from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory
from yorisoi.meetings.models import ActionStatus, Concern, ConcernStatus, Handout, Meeting, MeetingAction
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

FIRST_ACTION = "福祉事務所に生活保護の申請日を確認する（架空）"
SECOND_ACTION = "相談支援事業所とグループホームの見学日を決める（架空）"
DISCUSSION = "本人は市内での一人暮らしを希望。福祉事務所と相談支援事業所が同席した。"
CONCERN = "本人が約束の時間に来られないことが続き、関わり方に迷っている。"
IDEA = "前日に電話で思い出してもらう。本人の生活の時間帯を聞く。"
RESOLUTION = "前日の電話と、午後の約束にすることをセンターとして決めた。"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def conference_world(center, worker):
    person = PersonFactory(center=center, family_name="架空", given_name="六郎", wishes="市内で一人暮らしをしたい")
    case = CaseFactory(person=person, main_staff=worker, phase="temporary")
    city = OrganizationFactory(center=center, name="架空市障害福祉課", kind=kind("municipality"))
    office = OrganizationFactory(center=center, name="架空相談支援事業所", kind=kind("consultation_support"))
    ConsentFactory(person=person, purposes=[Purpose.WELFARE],
                   kinds=[kind("municipality"), kind("consultation_support")])
    AgreementFactory(organization=city, item_groups=["basic", "wishes"], purposes=[Purpose.WELFARE])
    AgreementFactory(organization=office, item_groups=["basic", "welfare", "wishes"], purposes=[Purpose.WELFARE])
    contacts = [ContactFactory(organization=city, name="福祉 一郎"), ContactFactory(organization=office,
                                                                                 name="相談 花子")]
    return case, contacts


def test_a_case_conference_from_scheduling_to_the_morning_board(logged_in, worker, conference_world, settings,
                                                                tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the attachment goes to a scratch folder, never to var/
    case, contacts = conference_world
    today = timezone.localdate()
    page = logged_in(worker)

    # schedule the conference with the two external contacts, for the case
    page.goto(f"/meetings/new/?kind=case_conference&case={case.pk}")
    page.get_by_label("日付").fill(today.isoformat())
    page.get_by_label("開始時刻").fill("14:00")
    page.get_by_label("終了時刻").fill("15:30")
    page.get_by_label("場所").fill("センター会議室")
    page.locator("select[name=contacts]").select_option(value=[str(c.pk) for c in contacts])
    expect(page.locator("select[name=cases] option:checked")).to_have_count(1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get()
    facts = page.locator("section[aria-labelledby=facts-h]")
    expect(facts).to_contain_text("福祉 一郎")
    expect(facts).to_contain_text("架空相談支援事業所")
    assert set(meeting.contacts.all()) == set(contacts) and list(meeting.cases.all()) == [case]

    # the summary, handed to the two agencies: one provision record each
    page.get_by_role("link", name="会議資料（ケースの概要）").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/summary/{case.pk}/$"))
    expect(page.locator("h1")).to_have_text("会議資料：ケースの概要")
    page.get_by_role("button", name=re.compile("外部の参加者の機関に渡す")).click()
    expect(page.locator(".messages")).to_contain_text("2機関に会議資料を渡し、第三者提供記録を作成しました。")
    shot(page, "meetings_summary_handed")
    assert Handout.objects.filter(meeting=meeting, case=case).count() == 2
    assert DisclosureRecord.objects.filter(person=case.person).count() == 2
    # the city's copy holds only what its 取り決め covers: no health, no justice
    page.get_by_role("link", name="架空市障害福祉課").click()
    page.wait_for_url(re.compile(r"\?for=\d+$"))
    sheet = page.locator("article.case-summary-sheet")
    expect(sheet).to_contain_text("市内で一人暮らしをしたい")
    expect(sheet).not_to_contain_text("疾病・障害の状況")
    expect(sheet).not_to_contain_text("司法に関する情報")

    # minutes with two action items
    page.get_by_role("link", name="← 会議の画面へ戻る").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    page.get_by_role("textbox", name="協議の内容", exact=True).fill(DISCUSSION)
    page.get_by_role("button", name="議事録を保存").click()
    expect(page.locator(".minutes-text")).to_contain_text("本人は市内での一人暮らしを希望")
    for description, days in ((FIRST_ACTION, 3), (SECOND_ACTION, 5)):
        page.locator("#actions summary").click()
        form = page.locator("#actions form[action$='/actions/']")
        form.locator("[name=description]").fill(description)
        form.locator("select[name=owner]").select_option(value=str(worker.pk))
        form.locator("[name=due_date]").fill((today + dt.timedelta(days=days)).isoformat())
        form.locator("select[name=case]").select_option(value=str(case.pk))
        form.locator("button[type=submit]").click()
        expect(page.locator("#actions table")).to_contain_text(description)
    assert MeetingAction.objects.filter(meeting=meeting, owner=worker, status=ActionStatus.OPEN).count() == 2
    # the handout of the meeting attached to the minutes (a PDF), then downloaded
    page.locator("#attachments input[type=file]").set_input_files(
        files=[{"name": "会議の配布資料.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#attachments").get_by_role("button", name="添付する", exact=True).click()
    expect(page.locator("#attachments")).to_contain_text("会議の配布資料.pdf")
    with page.expect_download() as download:
        page.locator("#attachments").get_by_role("link", name="会議の配布資料.pdf").click()
    assert download.value.suggested_filename == "会議の配布資料.pdf"
    shot(page, "meetings_minutes")

    # the conference stands in the case's timeline with its action items
    page.goto(f"/cases/{case.pk}/")
    entry = page.locator(f"#meeting-{meeting.pk}")
    expect(entry).to_contain_text(SECOND_ACTION)
    expect(entry).to_contain_text("添付")
    shot(page, "meetings_in_case_timeline")

    # both in the owner's やること; one is closed from there
    page.goto("/inbox/")
    first = page.locator("tr.inbox-row", has_text=FIRST_ACTION)
    second = page.locator("tr.inbox-row", has_text=SECOND_ACTION)
    expect(first).to_have_count(1)
    expect(second).to_have_count(1)
    first.get_by_role("button", name="完了にする").click()
    expect(page.locator(".messages")).to_contain_text("対応を完了にしました。")
    expect(page.locator("tr.inbox-row", has_text=FIRST_ACTION)).to_have_count(0)
    expect(page.locator("tr.inbox-row", has_text=SECOND_ACTION)).to_have_count(1)
    statuses = {a.description: a.status for a in MeetingAction.objects.filter(meeting=meeting)}  # encrypted text
    assert statuses == {FIRST_ACTION: ActionStatus.DONE, SECOND_ACTION: ActionStatus.OPEN}

    # a concern on the case: raised, an idea added, resolved as the organisation's decision
    page.goto(f"/meetings/cases/{case.pk}/concerns/")
    page.get_by_role("textbox", name="悩み・課題（自分の言葉で）", exact=True).fill(CONCERN)
    page.get_by_role("button", name="共有する").click()
    expect(page.locator(".messages")).to_contain_text("悩み・課題を共有しました。")
    concern = Concern.objects.get(case=case)
    page.get_by_role("textbox", name="アイデア・別の視点", exact=True).fill(IDEA)
    page.get_by_role("button", name="アイデアを書き足す").click()
    expect(page.locator(".messages")).to_contain_text("アイデア・視点を書き足しました。")
    expect(page.locator(f"#concern-{concern.pk}")).to_contain_text("前日に電話で思い出してもらう")
    page.locator(f"#concern-{concern.pk} summary", has_text="組織として決定して解決にする").click()
    page.get_by_role("textbox", name="組織としての決定", exact=True).fill(RESOLUTION)
    page.get_by_role("button", name="決定を記録して解決にする").click()
    expect(page.locator(".messages")).to_contain_text("悩み・課題を解決にしました。")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED and concern.ideas.count() == 1
    shot(page, "meetings_concern_resolved")

    # the morning board shows today's conference and prints without its buttons
    page.goto("/meetings/morning/")
    expect(page.locator("h1")).to_have_text("朝のボード")
    expect(page.locator("main")).to_contain_text(meeting.title)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="印刷する")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    shot(page, "meetings_morning_board_print")
