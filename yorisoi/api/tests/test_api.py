"""The API answers each role as the pages do: same policy, same access log, same services."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.procedures.models import FollowUpStatus
from yorisoi.procedures.tests.factories import FollowUpFactory
from yorisoi.records.models import Activity

from .helpers import token_client

pytestmark = pytest.mark.django_db
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center, justice_details="窃盗で服役"), main_staff=worker)


@pytest.fixture
def other_case(other_center, outsider):
    return CaseFactory(person=PersonFactory(center=other_center), main_staff=outsider)


def test_anonymous_gets_401_with_a_japanese_message(case):
    from django.test import Client

    response = Client().get(reverse("api:persons-list"))
    assert response.status_code == 401
    assert "認証" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_gets_401(case):
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION="Bearer ys_nothing").get(reverse("api:persons-list"))
    assert response.status_code == 401
    assert response.json()["detail"] == "トークンが無効です（失効したか、存在しません）。"


def test_worker_lists_the_persons_of_their_center_only_and_the_list_is_logged(worker, case, other_case):
    response = token_client(worker).get(reverse("api:persons-list"))
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["results"]] == [case.person_id]
    assert body["count"] == 1
    row = AccessLog.objects.filter(section="api_persons").get()
    assert row.staff == worker and row.action == AccessAction.VIEW


def test_outsider_gets_404_for_a_person_and_a_case_of_another_center(outsider, case):
    client = token_client(outsider)
    for url in (reverse("api:persons-detail", args=[case.person_id]), reverse("api:cases-detail", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert AccessLog.objects.filter(section="other_center", action=AccessAction.DENIED).count() == 2


def test_reading_a_person_writes_the_access_log_row(worker, case):
    response = token_client(worker).get(reverse("api:persons-detail", args=[case.person_id]))
    assert response.status_code == 200
    assert response.json()["justice_details"] == "窃盗で服役"
    row = AccessLog.objects.get(section="api_person")
    assert row.person_id_value == case.person_id and row.action == AccessAction.VIEW


def test_clerk_never_receives_justice_or_health_fields(clerk, case):
    client = token_client(clerk)
    person = client.get(reverse("api:persons-detail", args=[case.person_id])).json()
    assert "justice_details" not in person and "health_conditions" not in person and "medication" not in person
    listed = client.get(reverse("api:persons-list")).json()["results"][0]
    assert "justice_status" not in listed
    assert client.get(reverse("api:records-list")).status_code == 403


def test_clerk_cannot_write_justice_fields_through_the_api(clerk, case):
    client = token_client(clerk)
    response = client.patch(reverse("api:persons-detail", args=[case.person_id]),
                            {"version": case.person.version, "justice_details": "書き換え"},
                            content_type="application/json")
    assert response.status_code == 200
    case.person.refresh_from_db()
    assert case.person.justice_details == "窃盗で服役"


def test_auditor_reads_but_never_writes(auditor, case):
    client = token_client(auditor)
    assert client.get(reverse("api:persons-detail", args=[case.person_id])).status_code == 200
    assert client.get(reverse("api:records-list")).status_code == 200
    response = client.patch(reverse("api:persons-detail", args=[case.person_id]),
                            {"version": 1, "phone": "000"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "この操作をする権限がありません。"
    assert client.post(reverse("api:persons-list"), {"family_name": "山田", "family_name_kana": "ヤマダ"},
                       content_type="application/json").status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="persons.edit").exists()


def test_director_registers_a_person_through_the_service(director):
    response = token_client(director).post(
        reverse("api:persons-list"), {"family_name": "架空", "given_name": "一郎", "family_name_kana": "かくう",
                                      "birth_date": "1950-04-01"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["family_name_kana"] == "カクウ"  # normalised by register_person
    assert AccessLog.objects.filter(section="face_sheet", action=AccessAction.CREATE,
                                    person_id_value=body["id"]).exists()


def test_a_birth_date_outside_the_date_rule_is_a_400_in_japanese(director):
    response = token_client(director).post(
        reverse("api:persons-list"), {"family_name": "架空", "family_name_kana": "カクウ", "birth_date": "0001-01-01"},
        content_type="application/json")
    assert response.status_code == 400
    assert "生年月日" in response.json()["errors"]["birth_date"][0]


def test_a_stale_version_is_refused_with_409_and_nothing_is_saved(worker, case):
    client = token_client(worker)
    url = reverse("api:persons-detail", args=[case.person_id])
    first = client.patch(url, {"version": 1, "phone": "03-0000-0001"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "phone": "03-0000-0002"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version" and stale.json()["current_version"] == 2
    assert "版" in stale.json()["detail"]
    case.person.refresh_from_db()
    assert case.person.phone == "03-0000-0001"


def test_an_update_without_a_version_is_a_400(worker, case):
    response = token_client(worker).patch(reverse("api:cases-detail", args=[case.pk]), {"release_place": "府中"},
                                          content_type="application/json")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_case_update_and_stale_case_update(worker, case):
    client = token_client(worker)
    url = reverse("api:cases-detail", args=[case.pk])
    assert client.patch(url, {"version": case.version, "release_place": "府中刑務所"},
                        content_type="application/json").status_code == 200
    assert client.patch(url, {"version": case.version, "release_place": "別"},
                        content_type="application/json").status_code == 409


def test_worker_opens_a_case_through_the_workflow(worker, case):
    response = token_client(worker).post(reverse("api:cases-list"), {
        "person": case.person_id, "kind": case.kind, "referral_source": case.referral_source,
        "referral_date": "2026-11-01"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["phase"] == "intake" and response.json()["number"]


def test_a_case_for_another_centers_person_is_refused(worker, other_case):
    response = token_client(worker).post(reverse("api:cases-list"), {
        "person": other_case.person_id, "kind": other_case.kind, "referral_source": other_case.referral_source,
        "referral_date": "2026-11-01"}, content_type="application/json")
    assert response.status_code == 400
    assert "person" in response.json()["errors"]


def test_support_records_are_added_and_corrected_through_the_services(worker, case):
    client = token_client(worker)
    created = client.post(reverse("api:records-list"), {
        "case": case.pk, "occurred_at": "2026-11-01T10:00:00+09:00", "kind": "phone",
        "narrative": "電話で様子を聞いた"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    record = created.json()
    url = reverse("api:records-detail", args=[record["id"]])
    fixed = client.patch(url, {"version": record["version"], "narrative": "電話で様子を聞いた（訂正）",
                               "change_reason": "誤字"}, content_type="application/json")
    assert fixed.status_code == 200 and fixed.json()["version"] == record["version"] + 1
    assert client.patch(url, {"version": record["version"], "narrative": "古い版"},
                        content_type="application/json").status_code == 409
    assert AccessLog.objects.filter(section="activity", action=AccessAction.UPDATE).exists()


def test_follow_ups_are_listed_and_moved_with_their_version(worker, case, other_case):
    follow_up = FollowUpFactory(case=case)
    FollowUpFactory(case=other_case)
    client = token_client(worker)
    listed = client.get(reverse("api:follow-ups-list")).json()
    assert [f["id"] for f in listed["results"]] == [follow_up.pk]
    url = reverse("api:follow-ups-detail", args=[follow_up.pk])
    moved = client.patch(url, {"version": follow_up.version, "due_date": "2026-12-20"},
                         content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert client.patch(url, {"version": follow_up.version, "notes": "古い"},
                        content_type="application/json").status_code == 409


def test_a_follow_up_is_completed_with_its_support_record_in_one_step(worker, case, other_case):
    follow_up = FollowUpFactory(case=case)
    client = token_client(worker)
    url = reverse("api:follow-ups-complete", args=[follow_up.pk])
    record = {"version": follow_up.version, "occurred_at": "2026-12-07T10:00:00+09:00", "kind": "phone",
              "counterpart": "本人", "narrative": "電話で様子を聞いた。通院は続けている。"}
    missing = client.post(url, {**record, "narrative": ""}, content_type="application/json")
    assert missing.status_code == 400 and "narrative" in missing.json()["errors"]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED and not Activity.objects.filter(case=case).exists()
    done = client.post(url, record, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == FollowUpStatus.DONE and done.json()["activity"]
    activity = Activity.objects.get(pk=done.json()["activity"])
    assert activity.case_id == case.pk and "通院は続けている" in activity.narrative
    again = client.post(url, {**record, "version": done.json()["version"]}, content_type="application/json")
    assert again.status_code == 400  # done already: nothing more is written
    assert client.post(url, record, content_type="application/json").status_code == 409  # the version read before
    foreign = FollowUpFactory(case=other_case)
    assert client.post(reverse("api:follow-ups-complete", args=[foreign.pk]), {**record, "version": foreign.version},
                       content_type="application/json").status_code == 404
    assert Activity.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(("url_name", "query"), [
    ("api:persons-list", {"updated_since": "2026-13-01"}),
    ("api:cases-list", {"phase": "nonsense"}),
    ("api:cases-list", {"person": str(2**63)}),
    ("api:records-list", {"since": "9999-12-31"}),
    ("api:follow-ups-list", {"case": "-1"}),
    ("api:persons-list", {"page": "abc"}),
    ("api:persons-list", {"page_size": "100000"}),
    ("api:meetings-list", {"kind": "\x00"}),
])
def test_bad_filters_are_a_400_in_japanese_never_a_500(director, case, url_name, query):
    response = token_client(director).get(reverse(url_name), query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_query"
    messages = [m for field_messages in body["errors"].values() for m in field_messages]
    assert messages and all(JAPANESE.search(m) for m in messages)


def test_pagination_pages_and_a_page_past_the_end(worker, center):
    for _ in range(3):
        CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    client = token_client(worker)
    first = client.get(reverse("api:cases-list"), {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(reverse("api:cases-list"), {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get(reverse("api:cases-list"), {"page": 9}).status_code == 404


def test_huge_ids_in_the_url_are_404(worker, case):
    assert token_client(worker).get(f"/api/persons/{2**64}/").status_code == 404


def test_statistics_count_what_the_user_sees(worker, case, other_case):
    body = token_client(worker).get(reverse("api:statistics")).json()
    assert body["persons"] == 1 and body["open_cases"] == 1
    assert AccessLog.objects.filter(section="api_statistics").exists()


def test_organizations_and_meetings_are_of_the_own_center(worker, center, other_center):
    from yorisoi.meetings.tests.factories import MeetingFactory
    from yorisoi.partners.tests.factories import OrganizationFactory

    own, other = OrganizationFactory(center=center), OrganizationFactory(center=other_center)
    meeting = MeetingFactory(center=center)
    other_meeting = MeetingFactory(center=other_center)
    client = token_client(worker)
    assert [o["id"] for o in client.get(reverse("api:organizations-list")).json()["results"]] == [own.pk]
    assert client.get(reverse("api:organizations-detail", args=[other.pk])).status_code == 404
    assert [m["id"] for m in client.get(reverse("api:meetings-list")).json()["results"]] == [meeting.pk]
    assert client.get(reverse("api:meetings-detail", args=[other_meeting.pk])).status_code == 404


def test_the_session_of_a_verified_user_may_read_but_not_write(worker_client, case):
    assert worker_client.get(reverse("api:persons-list")).status_code == 200
    response = worker_client.post(reverse("api:persons-list"), {"family_name": "架空", "family_name_kana": "カクウ"},
                                  content_type="application/json")
    assert response.status_code == 401


def test_throttling_answers_429_in_japanese(worker, case, settings):
    settings.YORISOI_API_RATE = "2/minute"
    from django.core.cache import cache

    cache.clear()
    client = token_client(worker)
    statuses = [client.get(reverse("api:statistics")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert JAPANESE.search(client.get(reverse("api:statistics")).json()["detail"])
    cache.clear()
