"""The case summary for a case conference: the external version holds only what consent and the 取り決め allow,
and handing it over writes one 第三者提供記録 per receiving agency."""

import pytest
from django.urls import reverse

from yorisoi.disclosure.models import DisclosureRecord, Purpose
from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory
from yorisoi.meetings import summary
from yorisoi.meetings.models import Handout
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory, kind

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

HEALTH = "統合失調症の疑いで通院中（テスト）"
JUSTICE = "窃盗で起訴猶予（テスト）"
PHONE = "090-0000-1234"


@pytest.fixture
def conference(center, worker, case):
    person = case.person
    person.health_conditions = HEALTH
    person.justice_details = JUSTICE
    person.phone = PHONE
    person.wishes = "市内で一人暮らしをしたい"
    person.save()
    city = OrganizationFactory(center=center, name="テスト市障害福祉課", kind=kind("municipality"))
    office = OrganizationFactory(center=center, name="テスト相談支援事業所", kind=kind("consultation_support"))
    ConsentFactory(person=person, purposes=[Purpose.WELFARE],
                   kinds=[kind("municipality"), kind("consultation_support")])
    # the city may get the basic items and the wishes only; the office everything but justice
    AgreementFactory(organization=city, item_groups=["basic", "wishes"], purposes=[Purpose.WELFARE])
    AgreementFactory(organization=office, item_groups=["basic", "contact", "welfare", "health", "wishes"],
                     purposes=[Purpose.WELFARE])
    contacts = [ContactFactory(organization=city), ContactFactory(organization=office)]
    return MeetingFactory(center=center, cases=[case], staff=[worker], contacts=contacts), city, office


def test_the_summary_for_an_agency_leaves_out_what_its_agreement_does_not_cover(worker, case, conference):
    _meeting, city, office = conference
    internal = summary.build(case, groups=summary.internal_groups(worker)).text
    assert HEALTH in internal and JUSTICE in internal and PHONE in internal
    for_city = summary.build(case, groups=summary.allowed_for(worker, case, city).groups).text
    assert "市内で一人暮らしをしたい" in for_city
    assert HEALTH not in for_city and JUSTICE not in for_city and PHONE not in for_city
    for_office = summary.build(case, groups=summary.allowed_for(worker, case, office).groups).text
    assert HEALTH in for_office and PHONE in for_office and JUSTICE not in for_office


def test_without_consent_for_an_agencys_kind_nothing_is_given_to_it(worker, case, center, conference):
    court = OrganizationFactory(center=center, name="テスト就労支援", kind=kind("hello_work"))
    AgreementFactory(organization=court, purposes=[Purpose.WELFARE])
    allowance = summary.allowed_for(worker, case, court)
    assert not allowance.allowed and "同意の範囲" in allowance.problems[0]


def test_the_summary_page_for_an_agency_does_not_show_excluded_items(worker_client, case, conference):
    meeting, city, _office = conference
    page = worker_client.get(reverse("meetings:case_summary", args=[meeting.pk, case.pk]) + f"?for={city.pk}")
    text = page.content.decode()
    assert page.status_code == 200 and HEALTH not in text and JUSTICE not in text and PHONE not in text


def test_handing_the_summary_writes_one_provision_record_per_agency(worker_client, worker, case, conference):
    meeting, city, office = conference
    response = worker_client.post(reverse("meetings:hand_summary", args=[meeting.pk, case.pk]))
    assert response.status_code == 302
    records = {r.recipient_id: r for r in DisclosureRecord.objects.all()}
    assert set(records) == {city.pk, office.pk}
    assert "health_conditions" not in records[city.pk].items and "phone" not in records[city.pk].items
    assert "health_conditions" in records[office.pk].items
    assert not any(code in r.items for r in records.values() for code in ("justice_details", "offence_category"))
    assert Handout.objects.filter(meeting=meeting, case=case).count() == 2


def test_a_clerk_cannot_hand_a_summary(clerk_client, case, conference):
    meeting, *_ = conference
    assert clerk_client.post(reverse("meetings:hand_summary", args=[meeting.pk, case.pk])).status_code == 403
    assert not DisclosureRecord.objects.exists()
