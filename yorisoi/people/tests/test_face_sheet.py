"""The face sheet page, editing with no lost updates, the change history and the print view."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from conftest import verified_client
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people import services
from yorisoi.people.models import Person
from yorisoi.people.selectors import person_history
from yorisoi.people.tests.factories import (
    CertificateFactory,
    ExternalContactFactory,
    FamilyContactFactory,
    PersonFactory,
)
from yorisoi.privacy import policy
from yorisoi.privacy.models import AccessLog
from yorisoi.records.tests.factories import ActivityFactory

from .helpers import body, form_data

pytestmark = pytest.mark.django_db

SECRET_JUSTICE = "架空の事件概要（テスト用）"
SECRET_HEALTH = "架空の疾病（テスト用）"


@pytest.fixture
def person(center, worker):
    return PersonFactory(center=center, family_name="架空", given_name="次郎", medication="架空の薬（テスト用）",
                         justice_agencies="架空の検察庁（テスト用）", wishes="地元に戻って畑仕事がしたい")


# --- detail ------------------------------------------------------------------------------------


def test_worker_sees_every_section(person, worker_client):
    FamilyContactFactory(person=person, name="架空 姉子", relationship="姉")
    ExternalContactFactory(person=person, agency_reference="R7-0042")
    CertificateFactory(person=person, grade="B", issuing_prefecture="埼玉県")
    page = body(worker_client.get(f"/people/{person.pk}/"))
    for text in ("架空 次郎", "地元に戻って畑仕事がしたい", "架空 姉子", "緊急連絡先", "保護観察官", "R7-0042",
                 "療育手帳", "B（中軽度）（埼玉県）", SECRET_JUSTICE, SECRET_HEALTH, "起訴猶予", 'id="justice"',
                 'id="health"', f"/people/{person.pk}/history/"):
        assert text in page, text


def test_detail_writes_exactly_one_view_row(person, worker_client):
    before = AccessLog.objects.count()
    assert worker_client.get(f"/people/{person.pk}/").status_code == 200
    rows = AccessLog.objects.order_by("id")[before:]
    assert [(r.action, r.person_id_value) for r in rows] == [("view", person.pk)]


def test_clerk_does_not_get_health_or_justice_in_html(person, clerk_client):
    page = body(clerk_client.get(f"/people/{person.pk}/"))
    assert person.family_name in page
    for text in (SECRET_JUSTICE, SECRET_HEALTH, "架空の薬", "架空の検察庁", "起訴猶予", 'id="justice"', 'id="health"'):
        assert text not in page, text


def test_auditor_sees_sheet_without_edit_buttons(person, auditor_client):
    page = body(auditor_client.get(f"/people/{person.pk}/"))
    assert SECRET_JUSTICE in page
    assert f"/people/{person.pk}/edit/" not in page
    assert "手帳を追加" not in page


def test_certificate_renewal_warnings(person, worker):
    CertificateFactory(person=person, kind="mental", grade="2", issuing_prefecture="", renewal_due=dt.date(2027, 1, 30))
    CertificateFactory(person=person, kind="physical", grade="3", issuing_prefecture="",
                       renewal_due=dt.date(2026, 11, 20))
    CertificateFactory(person=person, kind="intellectual", grade="A", renewal_due=dt.date(2028, 4, 1))
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)):
        page = body(verified_client(worker).get(f"/people/{person.pk}/"))
    assert "更新期限まであと60日" in page
    assert "更新期限を11日過ぎています" in page
    assert page.count('class="renewal ') == 2


def test_cases_and_timeline_on_the_sheet(person, worker, worker_client):
    case = CaseFactory(person=person, main_staff=worker)
    ActivityFactory(case=case, narrative="架空の面接記録（テスト用）")
    page = body(worker_client.get(f"/people/{person.pk}/"))
    assert f"/cases/{case.pk}/" in page
    assert case.number in page
    assert "架空の面接記録（テスト用）" in page


def test_clerk_sees_timeline_without_narratives(person, worker, clerk_client):
    ActivityFactory(case=CaseFactory(person=person, main_staff=worker), narrative="架空の面接記録（テスト用）")
    page = body(clerk_client.get(f"/people/{person.pk}/"))
    assert "架空の面接記録" not in page


# --- edit --------------------------------------------------------------------------------------


def test_worker_edits_with_reason(person, worker, worker_client):
    data = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    data.update(phone="080-0000-1111", change_reason="本人から連絡")
    response = worker_client.post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "080-0000-1111"
    assert person.version == 2
    assert person.updated_by == worker
    assert person.history.first().history_change_reason == "本人から連絡"


def test_edit_form_shows_birth_date_in_era(person, worker_client):
    page = body(worker_client.get(f"/people/{person.pk}/edit/"))
    assert 'value="昭和30年4月1日"' in page
    assert 'name="version"' in page


def test_stale_edit_is_refused_and_keeps_both_sides(person, worker_client, colleague_client):
    first = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    second = form_data(colleague_client.get(f"/people/{person.pk}/edit/"))
    assert first["version"] == second["version"] == "1"

    first.update(phone="080-1111-2222")
    assert worker_client.post(f"/people/{person.pk}/edit/", first).status_code == 302

    second.update(wishes="同僚が入力した本人の意向（テスト用）")
    response = colleague_client.post(f"/people/{person.pk}/edit/", second)

    assert response.status_code == 409
    page = body(response)
    assert "保存できませんでした" in page
    assert "同僚が入力した本人の意向（テスト用）" in page  # what the second user typed is on the page
    assert "電話番号" in page and "080-1111-2222" in page  # what the first user changed is shown
    person.refresh_from_db()
    assert person.phone == "080-1111-2222"  # the first save survives
    assert person.wishes == "地元に戻って畑仕事がしたい"
    assert person.version == 2
    # The form moved on to the current version and took the other's change where this user typed nothing.
    form = response.context["form"]
    assert form["version"].value() == "2"
    assert form["phone"].value() == "080-1111-2222"

    again = colleague_client.post(f"/people/{person.pk}/edit/", form_data(response))
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.phone == "080-1111-2222"
    assert person.wishes == "同僚が入力した本人の意向（テスト用）"


def test_stale_notice_hides_justice_changes_from_clerk(person, worker_client, clerk_client):
    clerk_form = form_data(clerk_client.get(f"/people/{person.pk}/edit/"))
    worker_form = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    worker_form.update(justice_details="改訂された架空の概要（テスト用）")
    assert worker_client.post(f"/people/{person.pk}/edit/", worker_form).status_code == 302

    response = clerk_client.post(f"/people/{person.pk}/edit/", {**clerk_form, "phone": "03-0000-0000"})
    assert response.status_code == 409
    page = body(response)
    assert "改訂された架空の概要" not in page
    assert "事件・処分の概要" not in page


def test_clerk_cannot_change_justice_or_health_by_post(person, clerk_client):
    data = form_data(clerk_client.get(f"/people/{person.pk}/edit/"))
    assert "justice_details" not in data and "health_conditions" not in data
    data.update(phone="03-1234-5678", justice_details="書き換え", justice_status="parole", health_conditions="書換")
    assert clerk_client.post(f"/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.phone == "03-1234-5678"
    assert person.justice_details == SECRET_JUSTICE
    assert person.justice_status == "suspended_prosecution"
    assert person.health_conditions == SECRET_HEALTH


def test_clerk_edit_form_does_not_contain_sensitive_values(person, clerk_client):
    page = body(clerk_client.get(f"/people/{person.pk}/edit/"))
    assert SECRET_JUSTICE not in page and SECRET_HEALTH not in page


def test_auditor_cannot_edit(person, auditor_client):
    assert auditor_client.get(f"/people/{person.pk}/edit/").status_code == 403
    response = auditor_client.post(f"/people/{person.pk}/edit/", {"family_name": "改ざん", "version": 1})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.family_name == "架空"


def test_invalid_edit_keeps_input(person, worker_client):
    data = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    data.update(birth_date="昭和40年2月30日", wishes="書きかけの意向")
    response = worker_client.post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 200
    page = body(response)
    assert "1965年2月30日は存在しない日付です。" in page
    assert "書きかけの意向" in page


# --- history -------------------------------------------------------------------------------------


def test_history_shows_before_and_after_with_reason(person, worker, worker_client):
    services.update_person(actor=worker, person=person, expected_version=1, phone="048-000-0000",
                           care_level="c2", change_reason="転居のため")
    page = body(worker_client.get(f"/people/{person.pk}/history/"))
    assert "変更理由：転居のため" in page
    assert "電話番号" in page and "048-000-0000" in page
    assert "要介護度・要支援" in page and "要介護2" in page and "未申請・不明" in page
    assert "登録" in page


def test_history_shows_decrypted_sensitive_changes_to_worker(person, worker, worker_client):
    services.update_person(actor=worker, person=person, expected_version=1, justice_details="新しい架空の概要")
    page = body(worker_client.get(f"/people/{person.pk}/history/"))
    assert SECRET_JUSTICE in page and "新しい架空の概要" in page


def test_history_without_health_and_justice_for_a_clerk_access(person, worker, clerk):
    services.update_person(actor=worker, person=person, expected_version=1, justice_details="新しい架空の概要")
    services.update_person(actor=worker, person=person, expected_version=2, phone="048-111-1111")
    entries = person_history(person=person, access=policy.access_for(clerk))
    labels = {c.label for e in entries for c in e.changes}
    texts = {c.after for e in entries for c in e.changes} | {c.before for e in entries for c in e.changes}
    assert "電話番号" in labels
    assert not labels & {"事件・処分の概要", "司法上の立場", "疾病・障害の状況"}
    assert "新しい架空の概要" not in texts and SECRET_JUSTICE not in texts
    assert [e.kind for e in entries] == ["変更", "登録"]  # the justice-only change is left out entirely


def test_history_includes_sub_records(person, worker, worker_client):
    contact = services.add_family_contact(actor=worker, person=person, name="架空 弟夫", relationship="弟")
    services.update_family_contact(actor=worker, contact=contact, phone="090-2222-3333", change_reason="番号変更")
    services.remove_family_contact(actor=worker, contact=contact, change_reason="関係終了")
    page = body(worker_client.get(f"/people/{person.pk}/history/"))
    assert "家族・緊急連絡先：架空 弟夫（弟）" in page
    assert "090-2222-3333" in page
    assert "削除の理由：関係終了" in page
    assert "削除した内容" in page


def test_history_shows_certificate_grade_labels(person, worker, worker_client):
    certificate = services.add_certificate(actor=worker, person=person, kind="mental", grade="2")
    services.update_certificate(actor=worker, certificate=certificate, grade="1")
    page = body(worker_client.get(f"/people/{person.pk}/history/"))
    assert "2級" in page and "1級" in page


def test_textarea_line_breaks_do_not_count_as_changes(person, worker, worker_client):
    services.update_person(actor=worker, person=person, expected_version=1, wishes="一行目\n二行目")
    data = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    data.update(wishes="一行目\r\n二行目", phone="03-0000-1234")  # as a browser sends a textarea back
    assert worker_client.post(f"/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.wishes == "一行目\n二行目"
    latest = person.history.first()
    assert latest.diff_against(latest.prev_record, excluded_fields=["version"]).changed_fields == ["phone"]


def test_clerk_has_no_history_page(person, clerk_client):
    # policy: only roles with can_view_history see the change history
    assert clerk_client.get(f"/people/{person.pk}/history/").status_code == 403


# --- print -------------------------------------------------------------------------------------


def test_print_view_is_logged_as_print(person, worker_client):
    before = AccessLog.objects.count()
    response = worker_client.get(f"/people/{person.pk}/print/")
    assert response.status_code == 200
    page = body(response)
    assert "フェイスシート" in page and "data-print" in page and SECRET_JUSTICE in page
    assert "要配慮個人情報を含む" in page
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.action, r.person_id_value) for r in rows] == [("print", person.pk)]


def test_clerk_print_has_no_sensitive_sections(person, clerk_client):
    page = body(clerk_client.get(f"/people/{person.pk}/print/"))
    assert SECRET_JUSTICE not in page and SECRET_HEALTH not in page and "起訴猶予" not in page


def test_auditor_may_not_print(person, auditor_client):
    assert auditor_client.get(f"/people/{person.pk}/print/").status_code == 403


# --- other centers ------------------------------------------------------------------------------


def _person_urls(person):
    family = FamilyContactFactory(person=person)
    certificate = CertificateFactory(person=person)
    contact = ExternalContactFactory(person=person)
    urls = [f"/people/{person.pk}/{suffix}" for suffix in ("", "edit/", "history/", "print/", "family/add/",
                                                           "certificates/add/", "contacts/add/")]
    for prefix, item in (("family", family), ("certificates", certificate), ("contacts", contact)):
        urls += [f"/people/{person.pk}/{prefix}/{item.pk}/edit/", f"/people/{person.pk}/{prefix}/{item.pk}/delete/"]
    return urls


def test_outsider_gets_404_on_every_person_url(person, outsider_client):
    for url in _person_urls(person):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {"family_name": "改ざん", "version": 1}).status_code == 404, url
    person.refresh_from_db()
    assert person.family_name == "架空"
    assert person.family_contacts.count() == 1


def test_sub_record_of_another_person_is_404(center, person, worker_client):
    other = FamilyContactFactory(person=PersonFactory(center=center))
    assert worker_client.get(f"/people/{person.pk}/family/{other.pk}/edit/").status_code == 404


def test_deleted_person_is_404(person, worker_client):
    Person.objects.filter(pk=person.pk).update(deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert worker_client.get(f"/people/{person.pk}/").status_code == 404


def test_anonymous_user_is_sent_to_log_in(person):
    response = Client().get(f"/people/{person.pk}/")
    assert response.status_code == 302
    assert "/accounts/" in response.url
