"""Support records, meetings, referrals, consultations, procedures and provisions in an organization's
relationship history and its date of last contact (relations.py)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.models import Basis, DisclosureRecord, Purpose
from yorisoi.disclosure.tests.factories import ReceiptFactory
from yorisoi.intake.models import ConsultationMethod
from yorisoi.intake.tests.factories import ConsultationFactory, PreConsultationFactory
from yorisoi.network import relations
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import history
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def case(center, worker):
    # A name no organization or staff member can have, so "not in" checks cannot collide by chance.
    return CaseFactory(person=PersonFactory(center=center, family_name="関係試験"), main_staff=worker,
                       number="2026-0042")


@pytest.fixture
def office(center):
    return OrganizationFactory(center=center, name="さいたま保護観察所")


def kinds(user, organization) -> list[tuple[dt.date, str]]:
    return [(e.on, e.kind) for e in partner_selectors.relationship_history(user=user, organization=organization)]


def last(user, organization):
    return partner_selectors.last_contact_date(user=user, organization=organization)


def provision(*, center, person, recipient, staff, on: dt.date) -> DisclosureRecord:
    return DisclosureRecord.objects.create(
        center=center, provided_on=on, provided_at=at(on), person=person, recipient=recipient,
        recipient_name=str(recipient), recipient_kind=recipient.kind.label, purpose=Purpose.WELFARE,
        items=["basic"], item_summary="基本情報", basis=Basis.LAW, legal_reason="法令に基づく（テスト）",
        statutory=True, staff=staff, content="{}")


def test_the_other_apps_sources_are_registered_once():
    history.register()
    history.register()
    for source in relations.CONTACT_DATE_SOURCES:
        assert partner_selectors.CONTACT_DATE_SOURCES.count(source) == 1
    for source in relations.HISTORY_SOURCES:
        assert partner_selectors.HISTORY_SOURCES.count(source) == 1


@time_machine.travel(T0, tick=False)
def test_support_records_and_meetings_naming_the_organization_are_its_history(worker, case, office):
    ActivityFactory(case=case, author=worker, kind="phone", counterpart="さいたま保護観察所 担当官",
                    occurred_at=at(dt.date(2026, 10, 1)))
    ActivityFactory(case=case, author=worker, kind="meeting", counterpart="ケース会議（さいたま保護観察所ほか）",
                    occurred_at=at(dt.date(2026, 10, 8)))
    ActivityFactory(case=case, author=worker, kind="visit", counterpart="本人", occurred_at=at(dt.date(2026, 11, 1)))
    assert kinds(worker, office) == [(dt.date(2026, 10, 8), "会議"), (dt.date(2026, 10, 1), "支援記録")]
    events = partner_selectors.relationship_history(user=worker, organization=office)
    assert events[1].summary == "ケース 2026-0042（電話：さいたま保護観察所 担当官）"
    assert events[1].url.startswith(reverse("cases:detail", args=[case.pk]) + "#activity-")
    assert last(worker, office) == dt.date(2026, 10, 8)


@time_machine.travel(T0, tick=False)
def test_a_record_naming_a_longer_name_belongs_to_that_organization_only(worker, case, office, center):
    branch = OrganizationFactory(center=center, name="さいたま保護観察所大宮駐在官事務所")
    ActivityFactory(case=case, author=worker, counterpart="さいたま保護観察所大宮駐在官事務所",
                    occurred_at=at(dt.date(2026, 11, 2)))
    assert kinds(worker, branch) == [(dt.date(2026, 11, 2), "支援記録")]
    assert kinds(worker, office) == []
    assert last(worker, branch) == dt.date(2026, 11, 2)
    assert last(worker, office) is None


@time_machine.travel(T0, tick=False)
def test_deleted_records_and_records_of_cases_the_user_may_not_open(worker, colleague, case, office, center):
    ActivityFactory(case=case, author=worker, counterpart="さいたま保護観察所", occurred_at=at(dt.date(2026, 9, 1)),
                    deleted_at=T0)
    assert kinds(worker, office) == [] and last(worker, office) is None
    ActivityFactory(case=case, author=worker, counterpart="さいたま保護観察所", occurred_at=at(dt.date(2026, 9, 2)))
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    colleague.refresh_from_db()
    assert kinds(colleague, office) == []
    # the date names no person: it counts for everyone of the center
    assert last(colleague, office) == dt.date(2026, 9, 2)


@time_machine.travel(T0, tick=False)
def test_the_record_of_a_follow_up_with_the_facility_counts_whatever_its_counterpart(worker, case, center):
    home = OrganizationFactory(center=center, name="架空ホームけやき")
    for _ in range(3):  # the record's id differs from the organization's (a mix-up of the two would show)
        ActivityFactory(case=case, author=worker, counterpart="本人", occurred_at=at(dt.date(2026, 11, 1)))
    record = ActivityFactory(case=case, author=worker, kind="visit", counterpart="寮長",
                             occurred_at=at(dt.date(2026, 11, 10)))
    assert record.pk != home.pk
    FollowUpFactory(case=case, target="facility", organization=home, status="done", done_on=dt.date(2026, 11, 10),
                    activity=record)
    assert kinds(worker, home) == [(dt.date(2026, 11, 10), "フォローアップ")]
    assert last(worker, home) == dt.date(2026, 11, 10)


@time_machine.travel(T0, tick=False)
def test_referrals_consultations_meetings_and_pre_consultations(worker, clerk, center, office):
    CaseFactory(person=PersonFactory(center=center), main_staff=worker, referral_agency="さいたま保護観察所",
                referral_date=dt.date(2026, 8, 1), number="2026-0007")
    ConsultationFactory(center=center, organization=office, consulted_on=dt.date(2026, 8, 10))
    ConsultationFactory(center=center, organization=office, consulted_on=dt.date(2026, 8, 20),
                        method=ConsultationMethod.MEETING)
    PreConsultationFactory(center=center, organization=office, consulted_on=dt.date(2026, 9, 5))
    assert kinds(worker, office) == [(dt.date(2026, 9, 5), "事前相談"), (dt.date(2026, 8, 20), "会議"),
                                     (dt.date(2026, 8, 10), "相談支援"), (dt.date(2026, 8, 1), "依頼")]
    # a clerk sees no justice data: no pre-consultation entry, but the same date of last contact
    assert "事前相談" not in [kind for _on, kind in kinds(clerk, office)]
    assert last(clerk, office) == last(worker, office) == dt.date(2026, 9, 5)


@time_machine.travel(T0, tick=False)
def test_procedures_count_on_their_start_and_completion_not_in_the_future(worker, case, center):
    city = OrganizationFactory(center=center, name="架空市役所 生活福祉課")
    CaseProcedureFactory(case=case, organization=city, status="done", started_on=dt.date(2026, 10, 1),
                         completed_on=dt.date(2026, 10, 20))
    CaseProcedureFactory(case=case, organization=city, status="in_progress", started_on=dt.date(2026, 12, 1))
    assert kinds(worker, city) == [(dt.date(2026, 10, 20), "手続き"), (dt.date(2026, 10, 1), "手続き")]
    assert last(worker, city) == dt.date(2026, 10, 20)


@time_machine.travel(T0, tick=False)
def test_provisions_and_receipts_without_names(worker, case, center, office):
    record = provision(center=center, person=case.person, recipient=office, staff=worker, on=dt.date(2026, 11, 3))
    ReceiptFactory(person=case.person, provider=office, received_on=dt.date(2026, 10, 20), staff=worker)
    events = partner_selectors.relationship_history(user=worker, organization=office)
    assert [(e.on, e.kind) for e in events] == [(dt.date(2026, 11, 3), "情報提供"), (dt.date(2026, 10, 20), "情報受領")]
    assert events[0].summary == f"{record.number}（福祉サービス調整）"
    assert case.person.family_name not in " ".join(e.summary for e in events)
    assert last(worker, office) == dt.date(2026, 11, 3)


@time_machine.travel(T0, tick=False)
def test_the_organization_page_shows_every_kind_of_contact(worker_client, worker, case, center, office):
    ActivityFactory(case=case, author=worker, counterpart="さいたま保護観察所", occurred_at=at(dt.date(2026, 11, 1)))
    ConsultationFactory(center=center, organization=office, consulted_on=dt.date(2026, 10, 1))
    provision(center=center, person=case.person, recipient=office, staff=worker, on=dt.date(2026, 9, 1))
    body = worker_client.get(reverse("partners:detail", args=[office.pk])).content.decode()
    for text in ("支援記録", "相談支援", "情報提供", "ケース 2026-0042"):
        assert text in body, text
    assert "できしだい" not in body
    dormant = [o.pk for o in partner_selectors.organizations_not_contacted(user=worker, days=30)]
    assert office.pk not in dormant


def test_the_network_map_counts_procedures_follow_ups_and_contacts_without_a_case(worker, case, center, office):
    from yorisoi.network import network
    from yorisoi.placements.tests.factories import VacancyReportFactory, residence

    home = residence(center=center, name="架空ホームけやき")
    city = OrganizationFactory(center=center, name="架空市役所 生活福祉課")
    record = ActivityFactory(case=case, author=worker, counterpart="寮長", occurred_at=at(dt.date(2026, 5, 10)))
    FollowUpFactory(case=case, target="facility", organization=home, status="done", done_on=dt.date(2026, 5, 10),
                    activity=record)
    CaseProcedureFactory(case=case, organization=city, status="in_progress", started_on=dt.date(2026, 4, 1))
    CaseProcedureFactory(case=case, organization=city, status="done", started_on=dt.date(2025, 1, 1),
                         completed_on=dt.date(2025, 2, 1))  # before the period
    VacancyReportFactory(organization=home, reported_at=at(dt.date(2026, 6, 1)), staff=worker)
    ConsultationFactory(center=center, organization=office, consulted_on=dt.date(2026, 6, 2))
    provision(center=center, person=case.person, recipient=office, staff=worker, on=dt.date(2026, 6, 3))
    result = network.build(user=worker, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    by_name = {n.organization.name: n for n in result.nodes}
    assert by_name["架空ホームけやき"].joint_cases == {case.pk}
    assert by_name["架空ホームけやき"].contacts["call"] == 1
    assert by_name["架空市役所 生活福祉課"].cases["procedure"] == {case.pk}
    assert by_name["さいたま保護観察所"].contact_counts == [0, 0, 1, 1]
    assert by_name["さいたま保護観察所"].weight == 2 and not by_name["さいたま保護観察所"].joint_cases
    pairs = {frozenset((p.a.organization.name, p.b.organization.name)) for p in result.pairs}
    assert pairs == {frozenset(("架空ホームけやき", "架空市役所 生活福祉課"))}
