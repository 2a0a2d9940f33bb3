"""Support records and follow-ups from a center's sheets: each row finds its case by the yorisoi case number or the
external id of an imported case, every problem is named in Japanese, nothing is half-imported, and the same file
imported again adds nothing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.imports.models import BatchStatus
from yorisoi.privacy.models import AccessLog
from yorisoi.procedures.models import FollowUp, FollowUpStatus
from yorisoi.records.models import Activity

from .helpers import check, commit, csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen")]

RECORD_HEADINGS = ["ケース番号", "日付", "時刻", "支援の方法", "相手方", "支援内容"]
FOLLOW_UP_HEADINGS = ["ケース番号", "確認先", "予定日", "備考"]


@pytest.fixture
def _frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False):
        yield


@pytest.fixture
def case(center):
    return CaseFactory(center=center, number="2026-0042")


def test_records_are_imported_into_their_case_and_a_second_import_adds_nothing(director_client, director, case):
    rows = [RECORD_HEADINGS,
            ["2026-0042", "令和8年11月2日", "10:30", "電話", "本人", "電話で様子を聞いた。"],
            ["２０２６－００４２", "2026/11/05 14:00", "", "訪問", "グループホーム", "居室で面談した。"],
            ["2026-0042", "R8.11.9", "", "", "", "通院の同行を打ち合わせた。"]]
    batch = check(director_client, director, xlsx_bytes(rows), target="records")
    assert batch.counts["new"] == 3, batch.errors
    commit(director_client, batch)
    assert batch.status == BatchStatus.DONE, batch.errors
    records = list(Activity.objects.filter(case=case).order_by("occurred_at"))
    assert [timezone.localtime(r.occurred_at).strftime("%m-%d %H:%M") for r in records] == [
        "11-02 10:30", "11-05 14:00", "11-09 00:00"]
    assert [r.kind for r in records] == ["phone", "visit", "other"]  # no method given: その他
    assert {r.person_id for r in records} == {case.person_id}
    assert AccessLog.objects.filter(section="activity", person_id_value=case.person_id).count() == 3
    again = check(director_client, director, xlsx_bytes(rows), target="records")
    assert again.counts["already"] == 3 and again.counts["new"] == 0


def test_bad_record_rows_are_named_and_nothing_is_imported(director_client, director, case, other_center):
    foreign = CaseFactory(center=other_center, number="2026-0900")
    rows = [RECORD_HEADINGS,
            ["2026-0042", "令和8年11月2日", "10:30", "電話", "本人", "よい行"],
            ["2026-0900", "令和8年11月2日", "", "電話", "", "他センターのケース"],
            ["2026-0042", "令和8年12月24日", "", "電話", "", "未来の日付"],
            ["2026-0042", "令和8年2月30日", "", "電話", "", "ない日付"],
            ["2026-0042", "令和8年11月3日", "25:00", "伝書鳩", "", ""],
            ["2026-0042", "令和8年11月4日", "朝", "電話", "", "時刻が読めない"]]
    batch = check(director_client, director, csv_bytes(rows, encoding="cp932"), name="記録.csv", target="records")
    assert batch.counts == {"total": 6, "new": 1, "already": 0, "error": 5, "duplicate": 0}
    page = director_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "ケース番号『2026-0900』の支援ケースが見つかりません" in page  # another center's case: as if missing
    assert "これからの予定は記録できません" in page and "存在しない日付です" in page
    assert "『伝書鳩』は選択肢にありません" in page and "内容がありません" in page
    assert "時刻：25時0分という時刻はありません" in page and "時刻：時刻の形式が正しくありません" in page
    commit(director_client, batch)
    assert batch.status == BatchStatus.CHECKED  # a row with a problem must be fixed or skipped first
    assert not Activity.objects.filter(case__in=[case, foreign]).exists()


def test_follow_ups_are_imported_as_scheduled_by_the_external_id_of_an_imported_case(
        director_client, director, case):
    rows = [FOLLOW_UP_HEADINGS, ["2026-0042", "本人", "令和9年1月10日", "電話で"],
            ["2026-0042", "受入先", "2027-02-10", ""], ["2026-0042", "本人", "令和9年1月10日", "同じ行"]]
    batch = check(director_client, director, xlsx_bytes(rows), target="follow_ups")
    assert batch.counts["new"] == 2 and batch.counts["error"] == 1  # the third repeats the first
    commit(director_client, batch, skip_all_problems="1")
    assert batch.status == BatchStatus.DONE, batch.errors
    follow_ups = FollowUp.objects.filter(case=case).order_by("due_date")
    assert [(f.target, f.due_date, f.status) for f in follow_ups] == [
        ("person", dt.date(2027, 1, 10), FollowUpStatus.SCHEDULED),
        ("facility", dt.date(2027, 2, 10), FollowUpStatus.SCHEDULED)]
