"""センターの設定: the director chooses who sees which cases (all staff, or only the staff assigned and the
director); the change is kept in the history and the access log, a stale save is refused, others may not."""

import pytest
from django.urls import reverse

from conftest import verified_client
from yorisoi.accounts.models import Center, Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db
URL = "/accounts/center/"


def form(center, **changes):
    return {"name": center.name, "phone": center.phone, "case_visibility": center.case_visibility,
            "version": center.version, **changes}


def test_the_director_switches_to_assigned_staff_only_and_a_colleague_then_needs_break_the_glass(
        center, director, director_client, worker, colleague_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    assert colleague_client.get(f"/cases/{case.pk}/").status_code == 200
    page = director_client.get(URL)
    assert page.status_code == 200 and "担当職員と管理者だけが見られる" in page.content.decode()
    response = director_client.post(URL, form(center, case_visibility=Center.CaseVisibility.ASSIGNED))
    assert response.status_code == 302
    center.refresh_from_db()
    assert center.case_visibility == Center.CaseVisibility.ASSIGNED and center.version == 2
    assert center.updated_by == director
    blocked = colleague_client.get(f"/cases/{case.pk}/")
    assert blocked.status_code == 403 and b"data-break-glass" in blocked.content
    log = AccessLog.objects.get(section="center_settings")
    assert log.staff == director and log.action == AccessAction.UPDATE
    assert "all_staff→assigned" in log.detail
    assert center.history.order_by("-history_id").first().history_user == director


def test_a_break_the_glass_opening_is_shown_to_the_director(center, director_client, worker, colleague,
                                                           colleague_client):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    colleague_client.post(reverse("privacy:break_glass", args=["case", case.pk]),
                          {"reason": "担当者不在中に本人から緊急の電話（架空）"})
    assert colleague_client.get(f"/cases/{case.pk}/").status_code == 200
    page = director_client.get(reverse("privacy:break_glass_list")).content.decode()
    assert "担当者不在中に本人から緊急の電話（架空）" in page and str(colleague) in page
    assert "有効" in page


def test_only_directors_open_the_settings(worker_client, clerk_client, auditor_client, outsider_client, center):
    for client in (worker_client, clerk_client, auditor_client):
        assert client.get(URL).status_code == 403
        assert client.post(URL, form(center, case_visibility="assigned")).status_code == 403
    center.refresh_from_db()
    assert center.case_visibility == Center.CaseVisibility.ALL_STAFF


def test_a_director_changes_only_their_own_center(director_client, center, other_center):
    director_client.post(URL, form(center, name="新しい名称のセンター"))
    other_center.refresh_from_db()
    center.refresh_from_db()
    assert center.name == "新しい名称のセンター" and other_center.name == "他県地域生活定着支援センター"


def test_a_missing_name_is_refused_in_japanese_and_keeps_what_was_typed(director_client, center):
    response = director_client.post(URL, form(center, name=" ", phone="048-000-9999"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "センター名を入力してください。" in body and 'value="048-000-9999"' in body


def test_a_second_director_saving_meanwhile_makes_the_first_save_stale(center, director_client):
    opened = form(center)
    second = verified_client(StaffFactory(center=center, role=Role.DIRECTOR, username="director2"))
    assert second.post(URL, form(center, phone="048-111-2222")).status_code == 302
    response = director_client.post(URL, {**opened, "case_visibility": "assigned"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "保存できませんでした" in body and "048-111-2222" in body
    center.refresh_from_db()
    assert center.case_visibility == Center.CaseVisibility.ALL_STAFF and center.phone == "048-111-2222"
