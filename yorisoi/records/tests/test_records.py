"""Support records: add (plain and htmx), correct (versioned, history kept), history page, roles."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records import services
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)  # 15:00 in Japan


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


def _record(**overrides) -> dict:
    data = {"occurred_at": "2026-11-20T14:30", "kind": "interview", "counterpart": "本人",
            "narrative": "面接で本人の希望を聞いた（架空）", "minutes": "45"}
    return {**data, **overrides}


@time_machine.travel(NOW, tick=False)
def test_add_form_defaults_to_now_in_japan_time(case, worker_client):
    body = worker_client.get(reverse("records:add", args=[case.pk])).content.decode()
    assert 'value="令和8年11月20日 15:00"' in body and 'type="datetime-local"' not in body


@time_machine.travel(NOW, tick=False)
def test_worker_adds_a_record_without_javascript(case, worker, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record())
    activity = Activity.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + f"#activity-{activity.pk}"
    assert (activity.kind, activity.counterpart, activity.minutes, activity.author, activity.person_id) == (
        "interview", "本人", 45, worker, case.person_id)
    assert activity.occurred_at == dt.datetime(2026, 11, 20, 5, 30, tzinfo=dt.UTC)
    body = worker_client.get(response["Location"]).content.decode()
    assert "記録を追加しました。" in body
    assert "面接で本人の希望を聞いた（架空）" in body


@time_machine.travel(NOW, tick=False)
def test_htmx_add_returns_only_the_timeline_partial(case, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="timeline"')
    assert "<html" not in body
    assert "面接で本人の希望を聞いた（架空）" in body
    assert "記録を追加しました。" in body
    assert 'name="narrative"' in body and "面接で本人の希望を聞いた（架空）</textarea>" not in body  # fresh form
    assert Activity.objects.filter(case=case).count() == 1


@time_machine.travel(NOW, tick=False)
def test_htmx_add_with_errors_keeps_input_in_the_partial(case, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record(kind="", counterpart="残す相手"),
                                  headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="timeline"')
    assert "種別を選んでください。" in body
    assert 'value="残す相手"' in body
    assert not Activity.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_plain_add_with_errors_renders_the_full_page(case, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record(narrative="", minutes="-5"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "内容を入力してください。" in body
    assert "所要時間は0分から1440分（24時間）までの間で入力してください。" in body


@time_machine.travel(NOW, tick=False)
def test_an_era_date_time_is_accepted_and_a_bad_one_is_kept_with_a_japanese_error(case, worker_client):
    bad = worker_client.post(reverse("records:add", args=[case.pk]), _record(occurred_at="R8.11.20 25:00"))
    assert bad.status_code == 200
    assert "時刻はありません" in bad.content.decode() and 'value="R8.11.20 25:00"' in bad.content.decode()
    worker_client.post(reverse("records:add", args=[case.pk]), _record(occurred_at="Ｒ８．１１．２０ １４時３０分"))
    saved = Activity.objects.get(case=case)
    assert timezone.localtime(saved.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 14:30"


@time_machine.travel(NOW, tick=False)
def test_a_record_in_the_future_is_refused(case, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record(occurred_at="2026-11-21T10:00"))
    assert response.status_code == 200
    assert "これからの予定は記録できません。" in response.content.decode()


@pytest.mark.parametrize("client_name", ["auditor_client", "clerk_client"])
def test_auditor_and_clerk_cannot_add_records(request, case, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse("records:add", args=[case.pk])).status_code == 403
    assert client.post(reverse("records:add", args=[case.pk]), _record()).status_code == 403
    assert not Activity.objects.exists()


def test_clerk_sees_records_without_their_narrative(case, worker, clerk_client):
    ActivityFactory(case=case, author=worker, narrative="事務には見せない架空の本文", counterpart="保護観察所")
    body = clerk_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "事務には見せない架空の本文" not in body
    assert "保護観察所" in body
    assert "記録の内容は、この役割では表示されません。" in body


@pytest.mark.parametrize("name", ["records:edit", "records:history"])
def test_clerk_gets_403_for_record_text_pages(case, worker, clerk_client, name):
    activity = ActivityFactory(case=case, author=worker)
    assert clerk_client.get(reverse(name, args=[activity.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_correction_keeps_the_earlier_text_in_the_history(case, worker, director, worker_client, director_client):
    activity = services.add_activity(actor=worker, case=case, occurred_at=NOW - dt.timedelta(hours=1),
                                     kind="phone", counterpart="保護観察所", narrative="最初の架空の本文", minutes=10)
    response = director_client.post(reverse("records:edit", args=[activity.pk]), {
        **_record(narrative="訂正後の架空の本文", kind="phone", counterpart="保護観察所", minutes="10",
                  occurred_at="2026-11-20T14:00"), "version": activity.version, "change_reason": "聞き取りの誤り"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.narrative, activity.version, activity.updated_by) == ("訂正後の架空の本文", 2, director)
    oldest = activity.history.order_by("history_id").first()
    assert oldest.narrative == "最初の架空の本文"
    newest = activity.history.order_by("-history_id").first()
    assert (newest.history_user, newest.history_change_reason) == (director, "聞き取りの誤り")

    timeline = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "訂正あり" in timeline
    assert reverse("records:history", args=[activity.pk]) in timeline
    history = worker_client.get(reverse("records:history", args=[activity.pk])).content.decode()
    assert "最初の架空の本文" in history
    assert "訂正後の架空の本文" in history
    assert "聞き取りの誤り" in history
    assert str(director) in history and str(worker) in history


@time_machine.travel(NOW, tick=False)
def test_stale_correction_is_refused_with_409_and_nothing_is_lost(case, worker, director_client, worker_client):
    activity = ActivityFactory(case=case, author=worker, narrative="元の架空の本文",
                               occurred_at=NOW - dt.timedelta(hours=2))
    opened = {**_record(occurred_at="2026-11-20T13:00", kind="phone", counterpart="保護観察所", minutes="15"),
              "version": activity.version}
    first = director_client.post(reverse("records:edit", args=[activity.pk]), {**opened, "narrative": "管理者の訂正"})
    assert first.status_code == 302
    second = worker_client.post(reverse("records:edit", args=[activity.pk]), {**opened, "narrative": "相談員の訂正"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "保存できませんでした。" in body
    assert "相談員の訂正</textarea>" in body
    assert "管理者の訂正" in body
    activity.refresh_from_db()
    assert (activity.narrative, activity.version) == ("管理者の訂正", 2)
    assert [h.narrative for h in activity.history.order_by("history_id")] == ["元の架空の本文", "管理者の訂正"]


def test_auditor_reads_history_but_cannot_correct(case, worker, auditor_client):
    activity = ActivityFactory(case=case, author=worker)
    assert auditor_client.get(reverse("records:history", args=[activity.pk])).status_code == 200
    assert auditor_client.get(reverse("records:edit", args=[activity.pk])).status_code == 403
    assert auditor_client.post(reverse("records:edit", args=[activity.pk]), {
        **_record(), "version": 1}).status_code == 403


def test_timeline_entry_shows_era_date_time_kind_counterpart_minutes_and_author(case, worker, worker_client):
    ActivityFactory(case=case, author=worker, kind="visit", counterpart="架空ホーム", minutes=90,
                    occurred_at=dt.datetime(2026, 11, 2, 1, 5, tzinfo=dt.UTC))
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = body.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    for text in ["令和8年11月2日", "10:05", "訪問", "架空ホーム", "90分", str(worker)]:
        assert text in timeline, text
    assert "訂正あり" not in timeline


@time_machine.travel(NOW, tick=False)
def test_a_record_is_linked_to_the_longest_organization_name_its_counterpart_contains(case, worker, other_center):
    from yorisoi.partners.tests.factories import OrganizationFactory

    city = OrganizationFactory(center=case.center, name="架空市役所")
    welfare = OrganizationFactory(center=case.center, name="架空市役所 福祉課")
    OrganizationFactory(center=other_center, name="架空市役所 福祉課 生活保護係")  # another center's: never
    OrganizationFactory(center=case.center, name="市役")  # too short to match free text
    activity = services.add_activity(actor=worker, case=case, occurred_at=NOW - dt.timedelta(hours=1),
                                     kind="phone", counterpart="架空市役所 福祉課 生活保護係 田中様",
                                     narrative="架空の本文", minutes=10)
    assert activity.organization_id == welfare.pk
    activity = services.correct_activity(actor=worker, activity=activity, expected_version=activity.version,
                                         counterpart="架空市役所 市民課")
    assert activity.organization_id == city.pk
    activity = services.correct_activity(actor=worker, activity=activity, expected_version=activity.version,
                                         counterpart="本人")
    assert activity.organization_id is None


def test_the_backfill_links_existing_records_to_the_longest_name_set_based(case, worker):
    import importlib

    from django.apps import apps

    from yorisoi.partners.tests.factories import OrganizationFactory

    backfill = importlib.import_module("yorisoi.records.migrations.0007_link_activity_organization")
    city = OrganizationFactory(center=case.center, name="架空市役所")
    welfare = OrganizationFactory(center=case.center, name="架空市役所 福祉課")
    rows = [ActivityFactory(case=case, author=worker, counterpart=text)
            for text in ("架空市役所 福祉課 田中様", "架空市役所 市民課", "本人")]
    Activity.objects.update(organization=None)  # as before the migration
    backfill.link(apps, None)
    assert [Activity.objects.get(pk=a.pk).organization_id for a in rows] == [welfare.pk, city.pk, None]


def test_records_follow_a_new_or_renamed_organization_of_the_directory(case, worker, director):
    from yorisoi.partners import services as partner_services
    from yorisoi.partners.tests.factories import OrganizationFactory

    city = OrganizationFactory(center=case.center, name="架空市役所")
    record = ActivityFactory(case=case, author=worker, counterpart="架空市役所 福祉課 田中様")
    assert record.organization_id == city.pk
    welfare = partner_services.create_organization(actor=director, name="架空市役所 福祉課", kind=city.kind)
    record.refresh_from_db()
    assert record.organization_id == welfare.pk
    partner_services.update_organization(actor=director, organization=welfare, expected_version=welfare.version,
                                         name="架空町役場 福祉課")
    record.refresh_from_db()
    assert record.organization_id == city.pk
