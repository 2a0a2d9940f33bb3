"""The minutes of a case's meetings stand in that case's timeline between its records (each on exactly one page), and
documents attached to the minutes: PDF/JPEG/PNG only, served through the policy, each download logged."""

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.meetings import services
from yorisoi.meetings.models import MinutesAttachment
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records import timeline
from yorisoi.records.tests.factories import ActivityFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _record(case, day: int, text: str):
    return ActivityFactory(case=case, occurred_at=dt.datetime(2026, 11, day, 10, 0, tzinfo=TOKYO), narrative=text)


def _meeting_on(case, day: int, title: str):
    return MeetingFactory(center=case.center, cases=[case], date=dt.date(2026, 11, day), start_time=dt.time(14, 0),
                          title=title)


def test_a_meeting_stands_in_the_case_timeline_between_the_records_before_and_after_it(worker_client, worker, case):
    _record(case, 2, "記録その一（二日）")
    _record(case, 20, "記録その二（二十日）")
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    services.add_decision(actor=worker, meeting=meeting, text="グループホームの見学を進める", case=case)
    page = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    newer, conference, older = (page.index(text) for text in ("記録その二", "十日の個別ケース会議", "記録その一"))
    assert newer < conference < older
    assert "グループホームの見学を進める" in page and "チームとしての決定" in page


def test_each_meeting_is_on_exactly_one_page_of_the_timeline(worker_client, case, monkeypatch):
    monkeypatch.setattr(timeline, "TIMELINE_PAGE_SIZE", 2)
    for day in (1, 5, 9, 13):
        _record(case, day, f"記録{day}日")
    # page 1: records of the 13th and 9th; page 2: the 5th and 1st
    _meeting_on(case, 7, "七日の会議")     # between the pages: on page 2, from its newest record's side
    _meeting_on(case, 11, "十一日の会議")  # inside page 1
    _meeting_on(case, 15, "十五日の会議")  # newer than everything: page 1
    first = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    second = worker_client.get(reverse("cases:detail", args=[case.pk]), {"tpage": 2}).content.decode()
    assert "十五日の会議" in first and "十一日の会議" in first and "七日の会議" not in first
    assert "七日の会議" in second and "十一日の会議" not in second and "十五日の会議" not in second


def test_the_meeting_stays_in_the_timeline_after_a_record_is_added_with_htmx(worker_client, case):
    _meeting_on(case, 10, "十日の個別ケース会議")
    response = worker_client.post(reverse("records:add", args=[case.pk]), {
        "occurred_at": "2026-11-12 10:00", "kind": "phone", "counterpart": "保護観察所", "narrative": "電話で確認した",
        "minutes": "10"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "電話で確認した" in page and "十日の個別ケース会議" in page


def test_a_clerk_sees_no_meeting_in_the_timeline_and_another_centers_meeting_is_never_there(
        clerk_client, worker_client, case, other_center):
    _meeting_on(case, 10, "十日の個別ケース会議")
    MeetingFactory(center=other_center, date=dt.date(2026, 11, 11), title="よそのセンターの会議")
    assert "十日の個別ケース会議" not in clerk_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "よそのセンターの会議" not in worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_a_future_or_cancelled_meeting_is_not_in_the_timeline(worker_client, case):
    MeetingFactory(center=case.center, cases=[case], date=timezone.localdate() + dt.timedelta(days=3),
                   title="来週の会議")
    MeetingFactory(center=case.center, cases=[case], date=dt.date(2026, 11, 3), title="中止した会議",
                   cancelled_at=timezone.now())
    page = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "来週の会議" not in page and "中止した会議" not in page


def _attach(client, meeting, name="ホワイトボード.pdf", content=PDF):
    return client.post(reverse("meetings:attachment_add", args=[meeting.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_a_worker_attaches_a_pdf_to_the_minutes_and_a_download_is_logged(worker_client, auditor_client, case):
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    response = _attach(worker_client, meeting)
    assert response.status_code == 302
    attachment = MinutesAttachment.objects.get(meeting=meeting)
    assert attachment.original_name == "ホワイトボード.pdf"
    # stored under a random name, never the user's file name
    assert "ホワイトボード" not in attachment.file.name and os.path.exists(attachment.file.path)
    detail = auditor_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "ホワイトボード.pdf" in detail and "添付する</button>" not in detail
    download = auditor_client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, section="meeting_attachment",
                                    object_id=attachment.pk).exists()
    timeline_page = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "添付" in timeline_page and "1件" in timeline_page


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_in_japanese_and_nothing_is_kept(worker_client, case):
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    response = _attach(worker_client, meeting, name="偽物.pdf", content=b"MZ\x90\x00 not a pdf")
    assert response.status_code == 400
    assert "添付できるのは PDF・JPEG・PNG のファイルだけです。" in response.content.decode()
    assert not MinutesAttachment.objects.exists()


def test_removing_an_attachment_deletes_its_file_and_is_logged(worker_client, case,
                                                               django_capture_on_commit_callbacks):
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    _attach(worker_client, meeting)
    attachment = MinutesAttachment.objects.get()
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("meetings:attachment_delete", args=[meeting.pk, attachment.pk]))
    assert response.status_code == 302 and not MinutesAttachment.objects.exists()
    assert AccessLog.objects.filter(action=AccessAction.DELETE, section="meeting_attachment").exists()
    assert not os.path.exists(path)


def test_another_center_gets_404_and_a_clerk_403_for_an_attachment(worker_client, clerk_client, outsider_client,
                                                                  case):
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    _attach(worker_client, meeting)
    attachment = MinutesAttachment.objects.get()
    url = reverse("meetings:attachment", args=[meeting.pk, attachment.pk])
    assert outsider_client.get(url).status_code == 404
    assert clerk_client.get(url).status_code == 403
    assert outsider_client.post(reverse("meetings:attachment_delete", args=[meeting.pk, attachment.pk])
                                ).status_code == 404
    assert MinutesAttachment.objects.exists()


def test_an_attachment_of_another_meeting_is_not_found_through_this_one(worker_client, case):
    meeting = _meeting_on(case, 10, "十日の個別ケース会議")
    other = MeetingFactory(center=case.center, cases=[CaseFactory(person=PersonFactory(center=case.center))])
    _attach(worker_client, other)
    attachment = MinutesAttachment.objects.get()
    assert worker_client.get(reverse("meetings:attachment", args=[meeting.pk, attachment.pk])).status_code == 404
