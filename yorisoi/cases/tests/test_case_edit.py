"""Editing a case: versioned, a stale save is refused (409) with the user's input kept."""

import datetime as dt

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, referral_officer="最初の担当（架空）")


def _form(case, **overrides) -> dict:
    data = {"kind": case.kind, "referral_source": case.referral_source, "referral_agency": case.referral_agency,
            "referral_officer": case.referral_officer, "referral_contact": "", "referral_date": "2026-11-01",
            "expected_release_date": "", "release_place": "", "start_date": "", "main_staff": case.main_staff_id,
            "sub_staff": "", "version": case.version}
    return {**data, **overrides}


def test_edit_form_shows_current_values_in_era_form(case, worker_client):
    body = worker_client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert 'value="令和8年11月1日"' in body
    assert 'value="最初の担当（架空）"' in body
    assert f'name="version" value="{case.version}"' in body


def test_worker_saves_the_case(case, colleague, worker_client):
    response = worker_client.post(reverse("cases:edit", args=[case.pk]), _form(
        case, expected_release_date="R8.12.1", release_place="架空刑務所", sub_staff=colleague.pk))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.expected_release_date, case.release_place, case.sub_staff, case.version) == (
        dt.date(2026, 12, 1), "架空刑務所", colleague, 2)


def test_stale_edit_is_refused_with_409_and_nothing_is_lost(case, director_client, worker_client):
    opened = _form(case)
    first = director_client.post(reverse("cases:edit", args=[case.pk]), {**opened, "referral_officer": "管理者の変更"})
    assert first.status_code == 302
    second = worker_client.post(reverse("cases:edit", args=[case.pk]), {**opened, "release_place": "相談員の入力"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "保存できませんでした。" in body
    assert 'value="相談員の入力"' in body  # what the worker typed stays on the page
    assert "管理者の変更" in body  # and the other person's change is shown
    assert 'name="version" value="2"' in body
    case.refresh_from_db()
    assert (case.referral_officer, case.release_place, case.version) == ("管理者の変更", "", 2)


def test_invalid_edit_keeps_input_with_japanese_errors(case, worker_client):
    response = worker_client.post(reverse("cases:edit", args=[case.pk]), _form(
        case, referral_date="", release_place="入力した場所"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "依頼日を入力してください。" in body
    assert 'value="入力した場所"' in body


def test_auditor_cannot_edit(case, auditor_client):
    assert auditor_client.get(reverse("cases:edit", args=[case.pk])).status_code == 403
    assert auditor_client.post(reverse("cases:edit", args=[case.pk]), _form(case)).status_code == 403
