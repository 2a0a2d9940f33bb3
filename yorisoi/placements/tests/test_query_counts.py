"""The case section, the organization page, the vacancy search, the refusal summary and the network map run the
same number of queries for 1 row as for 50; so do the partners pages that gather every kind of contact (the
directory, an organization's page with its relationship history, the not-contacted list, outreach)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import (
    ConnectionFactory,
    InquiryFactory,
    PlacementFactory,
    VacancyReportFactory,
    residence,
)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("client_name", ["worker_client", "clerk_client"])
@time_machine.travel(NOON, tick=False)
def test_case_section_query_count_is_constant(request, center, worker, client_name):
    client = request.getfixturevalue(client_name)
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            home = residence(center=center, name=f"ホーム{i}")
            PlacementFactory(case=case, organization=home, entered_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                             exited_on=dt.date(2020, 1, 1) + dt.timedelta(days=i), exit_reason="moved_on")
            InquiryFactory(case=case, organization=home, refusal_reason="offence" if i % 2 else "full")
            ConnectionFactory(case=case, staff=worker)

    add(1, 0)
    url = reverse("placements:case", args=[case.pk])
    one = _queries(client, url)
    add(49, 1)
    PlacementFactory(case=case, organization=residence(center=center, name="現在のホーム"))
    assert _queries(client, url) == one


@time_machine.travel(NOON, tick=False)
def test_vacancy_search_query_count_is_constant(center, worker, worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            home = residence(center=center, name=f"ホーム{i}", capacity=5)
            PlacementFactory(case=CaseFactory(person=PersonFactory(center=center)), organization=home)
            VacancyReportFactory(organization=home, vacancies=2, staff=worker)
            InquiryFactory(case=case, organization=home, result="considering", refusal_reason="")

    add(1, 0)
    url = reverse("placements:vacancy_search") + f"?case={case.pk}"
    one = _queries(worker_client, url)
    add(49, 1)
    assert _queries(worker_client, url) == one
    assert len(worker_client.get(url).context["results"]) == 50


@time_machine.travel(NOON, tick=False)
def test_organization_page_query_count_is_constant(center, worker, worker_client):
    home = residence(center=center, capacity=40)

    def add(n: int) -> None:
        for _ in range(n):
            case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
            PlacementFactory(case=case, organization=home)
            PlacementFactory(case=CaseFactory(person=PersonFactory(center=center)), organization=home,
                             entered_on=dt.date(2026, 1, 1), exited_on=dt.date(2026, 2, 1), exit_reason="died")
            InquiryFactory(case=case, organization=home)
            VacancyReportFactory(organization=home, staff=worker)

    add(1)
    url = reverse("placements:organization", args=[home.pk])
    one = _queries(worker_client, url)
    add(49)
    assert _queries(worker_client, url) == one


@time_machine.travel(NOON, tick=False)
def test_refusal_summary_and_network_query_counts_are_constant(center, worker, worker_client):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
            home = residence(center=center, name=f"ホーム{i}", municipality=f"市{i % 7}")
            PlacementFactory(case=case, organization=home, entered_on=dt.date(2026, 6, 1))
            InquiryFactory(case=case, organization=home)
            ConnectionFactory(case=case)

    add(1, 0)
    urls = [reverse("placements:refusals"), reverse("network:map")]
    ones = [_queries(worker_client, url) for url in urls]
    add(49, 1)
    assert [_queries(worker_client, url) for url in urls] == ones


# --- partners pages with every kind of contact ---------------------------------------------------------------


def _every_kind_of_contact(*, center, worker, organization, case, i: int) -> None:
    """One contact of each kind with the organization, on day `i` of 2026."""
    from django.utils import timezone

    from yorisoi.disclosure.models import Basis, DisclosureRecord, Purpose
    from yorisoi.disclosure.tests.factories import ReceiptFactory
    from yorisoi.intake.tests.factories import ConsultationFactory, PreConsultationFactory
    from yorisoi.partners.tests.factories import OutreachFactory
    from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory
    from yorisoi.records.tests.factories import ActivityFactory

    day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    PlacementFactory(case=case, organization=organization, entered_on=day, exited_on=day, exit_reason="moved_on")
    InquiryFactory(case=case, organization=organization, inquired_at=moment)
    ConnectionFactory(case=case, organization=organization, requested_on=day, staff=worker)
    VacancyReportFactory(organization=organization, reported_at=moment, staff=worker)
    OutreachFactory(center=center, organizations=[organization], held_on=day)
    record = ActivityFactory(case=case, author=worker, counterpart=f"{organization.name} 担当", occurred_at=moment)
    FollowUpFactory(case=case, target="facility", organization=organization, status="done", done_on=day,
                    activity=record)
    CaseFactory(person=PersonFactory(center=center), referral_agency=organization.name, referral_date=day)
    ConsultationFactory(center=center, organization=organization, consulted_on=day)
    PreConsultationFactory(center=center, organization=organization, consulted_on=day)
    CaseProcedureFactory(case=case, organization=organization, status="done", started_on=day, completed_on=day)
    DisclosureRecord.objects.create(
        center=center, provided_on=day, provided_at=moment, person=case.person, recipient=organization,
        recipient_name=organization.name, recipient_kind="自立準備ホーム", purpose=Purpose.HOUSING, items=["basic"],
        item_summary="基本情報", basis=Basis.LAW, legal_reason="テスト", statutory=True, staff=worker, content="{}")
    ReceiptFactory(person=case.person, provider=organization, received_on=day, staff=worker)


@time_machine.travel(NOON, tick=False)
def test_organization_page_with_its_relationship_history_query_count_is_constant(center, worker, worker_client):
    home = residence(center=center, name="架空ホームけやき", capacity=100)
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    _every_kind_of_contact(center=center, worker=worker, organization=home, case=case, i=0)
    url = reverse("partners:detail", args=[home.pk])
    one = _queries(worker_client, url)
    for i in range(1, 50):
        _every_kind_of_contact(center=center, worker=worker, organization=home,
                               case=CaseFactory(person=PersonFactory(center=center), main_staff=worker), i=i)
    assert _queries(worker_client, url) == one
    assert len(worker_client.get(url).context["history"]) == 100


@time_machine.travel(NOON, tick=False)
def test_directory_pages_query_counts_are_constant(center, worker, worker_client):
    from yorisoi.partners.tests.factories import OrganizationFactory, kind

    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            organization = OrganizationFactory(center=center, name=f"架空の機関{i:03d}",
                                               kind=kind("hospital" if i % 2 else "self_reliance_home"))
            _every_kind_of_contact(center=center, worker=worker, organization=organization, case=case, i=i)

    add(1, 0)
    urls = [reverse("partners:list"), reverse("partners:not_contacted") + "?days=90",
            reverse("partners:outreach_list")]
    ones = [_queries(worker_client, url) for url in urls]
    add(49, 1)
    assert [_queries(worker_client, url) for url in urls] == ones
    assert len(worker_client.get(urls[0]).context["page"].object_list) == 50
