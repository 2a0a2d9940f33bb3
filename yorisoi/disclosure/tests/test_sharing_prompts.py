"""Sharing where the work happens: a 受入照会 or つなぎ offers the 第三者提供記録 (pre-filled) or an explicit
「提供なし」; a refused provision says why and links to the 取り決め; a worker drafts a 取り決め for the director."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from yorisoi.disclosure.models import AgreementStatus, Basis, DisclosureRecord, Purpose, SharingAgreement
from yorisoi.partners.tests.factories import kind
from yorisoi.placements.models import Sharing
from yorisoi.placements.tests.factories import ConnectionFactory, InquiryFactory

from .factories import AgreementFactory, ConsentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def inquiry(case):
    return InquiryFactory(case=case, inquired_at=dt.datetime(2026, 11, 9, 10, 0, tzinfo=dt.UTC))


def _provide(client, person, inquiry, **extra):
    data = {"recipient": inquiry.organization_id, "purpose": Purpose.HOUSING, "items": ["sex", "birth_date"],
            "basis": Basis.CONSENT, "legal_reason": "", "note": "", "inquiry": inquiry.pk, "provide": "1", **extra}
    return client.post(reverse("disclosure:provide", args=[person.pk]), data)


def test_the_inquiry_list_offers_the_record_or_no_sharing(case, inquiry, worker_client):
    page = worker_client.get(reverse("placements:case", args=[case.pk])).content.decode()
    assert "個人情報の提供：未記録" in page
    assert f"{reverse('disclosure:provide', args=[case.person_id])}?inquiry={inquiry.pk}" in page
    assert "提供なし（口頭・匿名での照会）" in page


def test_the_provision_form_opens_filled_in_from_the_inquiry(case, inquiry, worker_client):
    url = f"{reverse('disclosure:provide', args=[case.person_id])}?inquiry={inquiry.pk}"
    page = worker_client.get(url).content.decode()
    assert f'<option value="{inquiry.organization_id}" selected>' in page
    assert '<option value="housing" selected>' in page
    ticked = set(re.findall(r'<input type="checkbox" name="items" value="(\w+)"[^>]*checked', page))
    assert ticked == {"kana", "sex", "birth_date", "care_level", "disability_support_level", "certificates"}
    assert f'name="inquiry" value="{inquiry.pk}"' in page
    assert "受入照会「" in page


def test_providing_during_an_inquiry_names_it_and_marks_it_recorded(case, inquiry, worker_client):
    ConsentFactory(person=case.person, purposes=[Purpose.HOUSING], kinds=[kind("self_reliance_home")])
    AgreementFactory(organization=inquiry.organization, purposes=[])
    response = _provide(worker_client, case.person, inquiry)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = DisclosureRecord.objects.get()
    assert record.inquiry == inquiry
    inquiry.refresh_from_db()
    assert inquiry.sharing == Sharing.RECORDED
    page = worker_client.get(reverse("placements:case", args=[case.pk])).content.decode()
    assert "第三者提供記録あり" in page and "個人情報の提供：未記録" not in page


def test_an_inquiry_of_another_person_is_not_found(case, center, worker, worker_client):
    other = InquiryFactory(case__person__center=center, case__main_staff=worker)
    url = f"{reverse('disclosure:provide', args=[case.person_id])}?inquiry={other.pk}"
    assert worker_client.get(url).status_code == 404


def test_no_sharing_is_stated_and_a_recorded_one_cannot_be_undone(case, inquiry, worker_client):
    response = worker_client.post(reverse("placements:inquiry_no_sharing", args=[inquiry.pk]))
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.sharing == Sharing.NONE
    connection = ConnectionFactory(case=case, sharing=Sharing.RECORDED)
    worker_client.post(reverse("placements:connection_no_sharing", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.sharing == Sharing.RECORDED


def test_a_provision_refused_for_want_of_an_agreement_links_to_drafting_one(case, inquiry, worker_client):
    ConsentFactory(person=case.person, purposes=[Purpose.HOUSING], kinds=[kind("self_reliance_home")])
    response = _provide(worker_client, case.person, inquiry)
    text = response.content.decode()
    assert "情報共有の取り決めが有効ではないため提供できません" in text
    assert f"{reverse('disclosure:agreement_create')}?organization={inquiry.organization_id}" in text
    assert "下書きする（管理者の決裁へ）" in text
    assert not DisclosureRecord.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.sharing == Sharing.UNRECORDED


def _agreement(organization, status):
    return {"organization": organization.pk, "title": "個人情報の提供に関する協定書（案）", "purposes": ["housing"],
            "item_groups": [], "scope_note": "", "valid_from": "R8.11.10", "valid_to": "", "status": status}


def test_a_worker_drafts_an_agreement_for_the_directors_decision(inquiry, worker_client, director_client):
    page = worker_client.get(f"{reverse('disclosure:agreement_create')}?organization={inquiry.organization_id}")
    assert f'<option value="{inquiry.organization_id}" selected>' in page.content.decode()
    refused = worker_client.post(reverse("disclosure:agreement_create"),
                                 _agreement(inquiry.organization, AgreementStatus.ACTIVE))
    assert refused.status_code == 200 and not SharingAgreement.objects.exists()
    response = worker_client.post(reverse("disclosure:agreement_create"),
                                  _agreement(inquiry.organization, AgreementStatus.DRAFT))
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get()
    assert agreement.status == AgreementStatus.DRAFT
    home = director_client.get("/").content.decode()
    assert "取り決めの締結待ち（下書き）" in home
    assert worker_client.get(reverse("disclosure:agreement_edit", args=[agreement.pk])).status_code == 403
