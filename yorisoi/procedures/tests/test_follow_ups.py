"""Follow-ups: scheduled at the configured intervals for the person and the accepting facility, idempotent, and
done by writing a support record in the same transaction."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from yorisoi.cases.models import Phase
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.procedures import services
from yorisoi.procedures.models import FollowUp, FollowUpStatus, FollowUpTarget
from yorisoi.procedures.selectors import follow_ups_due
from yorisoi.procedures.tests.factories import FollowUpFactory
from yorisoi.records.models import Activity
from yorisoi.workflow import services as case_services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
START = dt.date(2026, 1, 31)


def test_schedule_creates_each_interval_for_the_person_and_the_facility(case, worker, center):
    home = OrganizationFactory(center=center, name="架空自立準備ホーム")
    created = services.schedule_follow_ups(case=case, actor=worker, start=START, facility=home)
    assert len(created) == 10
    person = [(f.interval_label, f.due_date) for f in created if f.target == FollowUpTarget.PERSON]
    assert person == [("1週間後", dt.date(2026, 2, 7)), ("1か月後", dt.date(2026, 2, 28)),
                      ("3か月後", dt.date(2026, 4, 30)), ("6か月後", dt.date(2026, 7, 31)),
                      ("12か月後", dt.date(2027, 1, 31))]
    assert {f.organization for f in created if f.target == FollowUpTarget.FACILITY} == {home}


def test_scheduling_again_does_not_duplicate(case, worker):
    services.schedule_follow_ups(case=case, actor=worker, start=START)
    FollowUp.objects.filter(case=case).update(status=FollowUpStatus.CANCELLED)
    assert services.schedule_follow_ups(case=case, actor=worker, start=dt.date(2026, 3, 1)) == []
    assert FollowUp.objects.filter(case=case).count() == 10


def test_without_the_facility_only_the_person_is_scheduled(case, worker):
    created = services.schedule_follow_ups(case=case, actor=worker, start=START, include_facility=False)
    assert {f.target for f in created} == {FollowUpTarget.PERSON}
    assert len(services.schedule_follow_ups(case=case, actor=worker, start=START)) == 5  # the facility ones now


@override_settings(YORISOI_FOLLOW_UP_INTERVALS=["10d", "2m", "1y"])
def test_intervals_come_from_settings(case, worker):
    created = services.schedule_follow_ups(case=case, actor=worker, start=START, include_facility=False)
    assert [(f.interval_label, f.due_date) for f in created] == [
        ("10日後", dt.date(2026, 2, 10)), ("2か月後", dt.date(2026, 3, 31)), ("1年後", dt.date(2027, 1, 31))]


@time_machine.travel(NOW, tick=False)
def test_the_hook_after_a_move_to_settlement(case, worker):
    """cases.services.change_case_phase calls schedule_follow_ups: moving to 定着支援 schedules from today."""
    current = case_services.change_case_phase(actor=worker, case=case, to_phase=Phase.COORDINATING, reason="調整",
                                              expected_version=case.version)
    current = case_services.change_case_phase(actor=worker, case=current, to_phase=Phase.SETTLEMENT,
                                              reason="アパートに入居", expected_version=current.version)
    created = list(FollowUp.objects.filter(case=case))
    assert min(f.due_date for f in created) == dt.date(2026, 11, 9)
    assert services.schedule_follow_ups(case=current, actor=worker) == []  # idempotent


def test_clerk_may_schedule_but_auditor_may_not(case, clerk, auditor):
    assert services.schedule_follow_ups(case=case, actor=clerk, start=START)
    with pytest.raises(PermissionDenied):
        services.schedule_follow_ups(case=case, actor=auditor, start=START)


@time_machine.travel(NOW, tick=False)
def test_record_and_complete_writes_the_record_and_links_it(case, worker, worker_client):
    follow_up = FollowUpFactory(case=case, due_date=dt.date(2026, 11, 1))
    url = reverse("procedures:follow_up_record", args=[case.pk, follow_up.pk])
    page = worker_client.get(url).content.decode()
    assert 'value="本人"' in page  # the counterpart is prefilled
    response = worker_client.post(url, {"record-version": follow_up.version, "record-occurred_at": "2026-11-02T09:30",
                                        "record-kind": "visit", "record-counterpart": "本人",
                                        "record-minutes": "45", "record-narrative": "居室を訪問。体調は安定（架空）。"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    activity = Activity.objects.get(case=case)
    assert (follow_up.status, follow_up.done_on, follow_up.activity) == (FollowUpStatus.DONE, dt.date(2026, 11, 2),
                                                                          activity)
    assert activity.narrative == "居室を訪問。体調は安定（架空）。" and activity.author == worker


@time_machine.travel(NOW, tick=False)
def test_an_invalid_record_leaves_the_follow_up_scheduled(case, worker_client):
    follow_up = FollowUpFactory(case=case)
    response = worker_client.post(reverse("procedures:follow_up_record", args=[case.pk, follow_up.pk]), {
        "record-version": follow_up.version, "record-occurred_at": "2026-11-02T09:30", "record-kind": "",
        "record-narrative": "書きかけ"})
    assert response.status_code == 200
    assert "種別を選んでください。" in response.content.decode()
    assert "書きかけ" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED and not Activity.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_two_workers_completing_the_same_follow_up_write_one_record(case, worker, colleague):
    from yorisoi.common.concurrency import StaleEditError

    follow_up = FollowUpFactory(case=case)
    services.complete_follow_up_with_record(actor=worker, follow_up=follow_up, expected_version=1, occurred_at=NOW,
                                            kind="phone", narrative="架空の記録")
    with pytest.raises(StaleEditError):
        services.complete_follow_up_with_record(actor=colleague, follow_up=follow_up, expected_version=1,
                                                occurred_at=NOW, kind="phone", narrative="二重の記録")
    assert Activity.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_clerk_cannot_write_the_record_and_auditor_cannot_change(case, clerk_client, auditor_client):
    follow_up = FollowUpFactory(case=case)
    record_url = reverse("procedures:follow_up_record", args=[case.pk, follow_up.pk])
    assert clerk_client.get(record_url).status_code == 403
    body = clerk_client.get(reverse("procedures:follow_ups", args=[case.pk])).content.decode()
    assert "記録して完了</a>" not in body and "変更</a>" in body
    assert auditor_client.get(reverse("procedures:follow_ups", args=[case.pk])).status_code == 200
    for url in (record_url, reverse("procedures:follow_up_edit", args=[case.pk, follow_up.pk]),
                reverse("procedures:follow_up_schedule", args=[case.pk]),
                reverse("procedures:follow_up_add", args=[case.pk])):
        assert auditor_client.post(url, {}).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_overdue_follow_ups_stand_out(case, worker, worker_client):
    FollowUpFactory(case=case, due_date=dt.date(2026, 10, 20))
    FollowUpFactory(case=case, due_date=dt.date(2026, 11, 10), target=FollowUpTarget.FACILITY)
    body = worker_client.get(reverse("procedures:follow_ups", args=[case.pk])).content.decode()
    assert body.count('class="is-overdue"') == 1
    assert "期限切れ 1件" in body and "期限切れ・13日超過" in body
    rows = follow_ups_due(worker, dt.date(2026, 11, 2), 7)
    assert [(r.days_left, r.overdue, r.title) for r in rows] == [(-13, True, "フォローアップ：本人")]
    assert len(follow_ups_due(worker, dt.date(2026, 11, 2), 14)) == 2


@time_machine.travel(NOW, tick=False)
def test_schedule_and_edit_through_the_pages(case, worker_client):
    response = worker_client.post(reverse("procedures:follow_up_schedule", args=[case.pk]), {
        "schedule-start": "R8.11.1", "schedule-include_facility": "on"})
    assert response.status_code == 302
    assert FollowUp.objects.filter(case=case).count() == 10
    follow_up = FollowUp.objects.filter(case=case).first()
    url = reverse("procedures:follow_up_edit", args=[case.pk, follow_up.pk])
    data = {"follow_up-version": follow_up.version, "follow_up-target": follow_up.target,
            "follow_up-due_date": "R8.11.10", "follow_up-notes": "本人の都合で延期", "follow_up-status": "scheduled"}
    assert worker_client.post(url, data).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.due_date, follow_up.version) == (dt.date(2026, 11, 10), 2)
    stale = worker_client.post(url, {**data, "follow_up-notes": "古い版からの変更"})
    assert stale.status_code == 409
    assert "古い版からの変更" in stale.content.decode()
