"""Family contacts, disability certificates and external contacts on the face sheet."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.people import services
from yorisoi.people.models import DisabilityCertificate, ExternalContact, FamilyContact
from yorisoi.people.tests.factories import (
    CertificateFactory,
    ExternalContactFactory,
    FamilyContactFactory,
    PersonFactory,
)
from yorisoi.privacy.models import AccessLog

from .helpers import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(center):
    return PersonFactory(center=center)


# --- services ----------------------------------------------------------------------------------------


def test_add_family_contact_is_logged_and_kept_in_history(person, worker):
    contact = services.add_family_contact(actor=worker, person=person, name="架空 母子", relationship="母",
                                          is_emergency_contact=True)
    assert AccessLog.objects.filter(action="create", object_id=contact.pk, section="family_contacts").exists()
    assert contact.history.get().history_user == worker


def test_auditor_may_not_add_anything(person, auditor):
    with pytest.raises(PermissionDenied):
        services.add_external_contact(actor=auditor, person=person, role="lawyer", name="架空", agency="架空事務所")


def test_outsider_may_not_change_another_centers_contact(person, outsider):
    contact = FamilyContactFactory(person=person)
    with pytest.raises(PermissionDenied):
        services.update_family_contact(actor=outsider, contact=contact, phone="000")


def test_unknown_fields_are_refused(person, worker):
    with pytest.raises(PermissionDenied):
        services.add_family_contact(actor=worker, person=person, name="架空", relationship="兄", person_id=1)


def test_certificate_grade_must_belong_to_kind(person, worker):
    with pytest.raises(ValidationError) as error:
        services.add_certificate(actor=worker, person=person, kind="mental", grade="5")
    assert "grade" in error.value.message_dict


def test_intellectual_certificate_needs_issuing_prefecture(person, worker):
    with pytest.raises(ValidationError) as error:
        services.add_certificate(actor=worker, person=person, kind="intellectual", grade="B1")
    assert "issuing_prefecture" in error.value.message_dict


def test_removed_certificate_stays_in_history(person, worker):
    certificate = CertificateFactory(person=person)
    services.remove_certificate(actor=worker, certificate=certificate, change_reason="返還")
    assert not DisabilityCertificate.objects.exists()
    removed = DisabilityCertificate.history.filter(history_type="-").get()
    assert removed.number == "T-000123" and removed.history_change_reason == "返還"


# --- views -------------------------------------------------------------------------------------------


def test_worker_adds_certificate_with_era_dates(person, worker_client):
    response = worker_client.post(f"/people/{person.pk}/certificates/add/", {
        "kind": "intellectual", "grade": "B1", "issuing_prefecture": "神奈川県", "number": "K-1",
        "issued_on": "R5.4.1", "renewal_due": "令和9年3月31日"})
    assert response.status_code == 302
    assert response.url.endswith("#certificates")
    certificate = DisabilityCertificate.objects.get()
    assert certificate.issued_on == dt.date(2023, 4, 1)
    assert certificate.renewal_due == dt.date(2027, 3, 31)
    assert "B1（神奈川県）" in body(worker_client.get(f"/people/{person.pk}/"))


def test_certificate_form_keeps_input_and_explains(person, worker_client):
    response = worker_client.post(f"/people/{person.pk}/certificates/add/", {
        "kind": "intellectual", "grade": "A", "number": "K-99", "renewal_due": "令和9年2月30日"})
    assert response.status_code == 200
    page = body(response)
    assert "2027年2月30日は存在しない日付です。" in page
    assert 'value="K-99"' in page
    assert not DisabilityCertificate.objects.exists()


def test_certificate_form_shows_service_errors_on_fields(person, worker_client):
    response = worker_client.post(f"/people/{person.pk}/certificates/add/", {"kind": "intellectual", "grade": "A"})
    assert response.status_code == 200
    assert "療育手帳は交付した都道府県・市を入力してください" in body(response)


def test_grade_choices_follow_the_kind(worker_client):
    page = body(worker_client.get("/people/certificate-grades/", {"kind": "mental"}))
    assert 'id="certificate-grade"' in page
    assert "3級" in page and "4級" not in page and "A（重度）" not in page
    grouped = body(worker_client.get("/people/certificate-grades/"))
    assert "<optgroup" in grouped


def test_new_certificate_defaults_to_center_prefecture(person, worker_client):
    response = worker_client.get(f"/people/{person.pk}/certificates/add/")
    assert response.context["form"]["issuing_prefecture"].value() == "埼玉県"


def test_clerk_edits_family_contact(person, clerk_client):
    contact = FamilyContactFactory(person=person)
    response = clerk_client.post(f"/people/{person.pk}/family/{contact.pk}/edit/", {
        "name": contact.name, "relationship": "姉", "phone": "03-9999-0000", "is_emergency_contact": "on",
        "change_reason": "番号変更の連絡"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "03-9999-0000"
    assert contact.history.first().history_change_reason == "番号変更の連絡"


def test_worker_removes_external_contact_after_confirming(person, worker_client):
    contact = ExternalContactFactory(person=person)
    confirm = worker_client.get(f"/people/{person.pk}/contacts/{contact.pk}/delete/")
    assert confirm.status_code == 200 and "保護観察官" in body(confirm)
    assert ExternalContact.objects.exists()
    response = worker_client.post(f"/people/{person.pk}/contacts/{contact.pk}/delete/", {"change_reason": "担当交代"})
    assert response.status_code == 302
    assert not ExternalContact.objects.exists()


def test_auditor_gets_403_on_sub_record_pages(person, auditor_client):
    contact = FamilyContactFactory(person=person)
    assert auditor_client.get(f"/people/{person.pk}/family/add/").status_code == 403
    assert auditor_client.post(f"/people/{person.pk}/family/{contact.pk}/delete/").status_code == 403
    assert FamilyContact.objects.exists()


def test_external_contact_with_agency_reference(person, worker_client):
    worker_client.post(f"/people/{person.pk}/contacts/add/", {
        "role": "lawyer", "name": "架空 弁護", "agency": "架空法律事務所", "agency_reference": "当番-77",
        "active": "on"})
    page = body(worker_client.get(f"/people/{person.pk}/"))
    assert "弁護士" in page and "当番-77" in page


# --- justice agencies' officers are justice information --------------------------------------------------


def test_the_clerk_never_sees_a_justice_agencys_officer_on_the_face_sheet(person, clerk_client, worker_client):
    ExternalContactFactory(person=person, role="prosecutor_clerk", name="架空 検察事務官", agency="架空地方検察庁",
                           agency_reference="検第12345号")
    ExternalContactFactory(person=person, role="caseworker", name="架空 ケースワーカー", agency="架空市福祉課",
                           agency_reference="福-77")
    for url in (f"/people/{person.pk}/", f"/people/{person.pk}/print/"):
        page = body(clerk_client.get(url))
        assert "架空 ケースワーカー" in page and "福-77" in page
        assert "検察事務官" not in page and "検第12345号" not in page and "架空地方検察庁" not in page
    worker_page = body(worker_client.get(f"/people/{person.pk}/"))
    assert "架空 検察事務官" in worker_page and "検第12345号" in worker_page


def test_the_clerk_may_not_open_add_or_change_a_justice_contact(person, clerk, clerk_client, director_client):
    officer = ExternalContactFactory(person=person, role="probation_officer")
    assert director_client.get(f"/people/{person.pk}/contacts/{officer.pk}/edit/").status_code == 200
    assert clerk_client.get(f"/people/{person.pk}/contacts/{officer.pk}/edit/").status_code == 404
    assert clerk_client.post(f"/people/{person.pk}/contacts/{officer.pk}/delete/").status_code == 404
    form = body(clerk_client.get(f"/people/{person.pk}/contacts/add/"))
    assert "市町村のケースワーカー" in form and "保護観察官" not in form and "弁護士" not in form
    response = clerk_client.post(f"/people/{person.pk}/contacts/add/",
                                 {"role": "lawyer", "name": "架空 弁護人", "agency": "架空法律事務所"})
    assert response.status_code == 200 and not ExternalContact.objects.filter(name="架空 弁護人").exists()
    with pytest.raises(PermissionDenied):  # the service holds the same rule for a command or an import
        services.add_external_contact(actor=clerk, person=person, role="lawyer", name="架空", agency="架空事務所")
    with pytest.raises(PermissionDenied):
        services.update_external_contact(actor=clerk, contact=officer, role="other")
    with pytest.raises(PermissionDenied):
        services.remove_external_contact(actor=clerk, contact=officer)
    assert ExternalContact.objects.filter(pk=officer.pk, role="probation_officer").exists()
