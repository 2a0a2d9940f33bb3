"""Contacts keep their history: ending a post keeps the row; a 異動 may name the successor and the new post."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.partners import services
from yorisoi.partners.models import OrganizationContact
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory, kind
from yorisoi.partners.tests.helpers import body, form_data

pytestmark = pytest.mark.django_db


def test_worker_adds_a_contact(center, worker_client):
    org = OrganizationFactory(center=center)
    response = worker_client.post(f"/partners/{org.pk}/contacts/new/", {
        "name": "架空 花子", "name_kana": "かくう はなこ", "title": "保護観察官", "phone": "048-012-0001",
        "started_on": "R6.4.1",
    })
    assert response.status_code == 302
    contact = OrganizationContact.objects.get(name="架空 花子")
    assert contact.center_id == center.pk
    assert contact.name_kana == "カクウ ハナコ"
    assert contact.started_on == dt.date(2024, 4, 1)
    assert contact.is_current


def test_transfer_ends_the_post_keeps_the_row_and_records_the_successor(center, worker_client):
    office = OrganizationFactory(center=center, name="みどり保護観察所", kind=kind("probation_office"))
    other_office = OrganizationFactory(center=center, name="あおば保護観察所", kind=kind("probation_office"))
    officer = ContactFactory(organization=office, name="架空 一郎", title="保護観察官",
                             started_on=dt.date(2022, 4, 1))
    page = worker_client.get(f"/partners/contacts/{officer.pk}/end/")
    data = form_data(page) | {"ended_on": "2025-03-31", "reason": "transfer", "successor_name": "架空 次郎",
                              "successor_phone": "048-012-0002", "moved_to": str(other_office.pk)}
    response = worker_client.post(f"/partners/contacts/{officer.pk}/end/", data)
    assert response.status_code == 302

    officer.refresh_from_db()
    assert officer.ended_on == dt.date(2025, 3, 31)
    assert officer.end_reason == "transfer"
    assert not officer.is_current
    successor = officer.successor
    assert successor.name == "架空 次郎"
    assert successor.organization == office
    assert successor.title == "保護観察官"  # the post's title carries over when none is given
    assert successor.started_on == dt.date(2025, 3, 31)
    assert successor.is_current
    new_post = OrganizationContact.objects.get(organization=other_office, name="架空 一郎")
    assert new_post.started_on == dt.date(2025, 3, 31) and new_post.is_current

    detail = body(worker_client.get(f"/partners/{office.pk}/"))
    assert "以前の担当者（1人）" in detail
    assert "後任：架空 次郎" in detail
    assert officer.history.count() >= 2  # the change itself is in the history table


def test_a_post_cannot_end_twice_nor_before_it_began(center, worker):
    contact = ContactFactory(organization=OrganizationFactory(center=center), started_on=dt.date(2024, 4, 1))
    with pytest.raises(ValidationError):
        services.end_contact_post(actor=worker, contact=contact, ended_on=dt.date(2024, 3, 1), reason="transfer",
                                  expected_version=contact.version)
    contact.refresh_from_db()
    assert contact.ended_on is None
    services.end_contact_post(actor=worker, contact=contact, ended_on=dt.date(2025, 3, 31), reason="retirement",
                              expected_version=contact.version)
    contact.refresh_from_db()
    with pytest.raises(ValidationError):
        services.end_contact_post(actor=worker, contact=contact, ended_on=dt.date(2025, 4, 30),
                                  reason="transfer", expected_version=contact.version)


def test_ending_a_post_in_the_page_with_bad_dates_speaks_japanese(center, worker_client):
    contact = ContactFactory(organization=OrganizationFactory(center=center), started_on=dt.date(2024, 4, 1))
    data = form_data(worker_client.get(f"/partners/contacts/{contact.pk}/end/"))
    response = worker_client.post(f"/partners/contacts/{contact.pk}/end/", data | {"ended_on": "2024-03-01"})
    assert response.status_code == 200
    assert "離任日は着任日より後の日付にしてください。" in body(response)


def test_an_ended_contact_offers_no_second_end(center, worker_client):
    contact = ContactFactory(organization=OrganizationFactory(center=center), ended_on=dt.date(2025, 3, 31),
                             end_reason="transfer")
    response = worker_client.get(f"/partners/contacts/{contact.pk}/end/")
    assert response.status_code == 302


def test_moving_to_another_centers_organization_is_refused(center, other_center, worker):
    contact = ContactFactory(organization=OrganizationFactory(center=center))
    foreign = OrganizationFactory(center=other_center)
    with pytest.raises(PermissionDenied):
        services.end_contact_post(actor=worker, contact=contact, ended_on=dt.date(2025, 3, 31),
                                  reason="transfer", expected_version=contact.version, moved_to=foreign)
    contact.refresh_from_db()
    assert contact.ended_on is None
    assert not OrganizationContact.objects.filter(organization=foreign).exists()
