"""An organization's relationship history and last contact, the refusal summary, and the network map."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.network import network
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.tests.factories import OrganizationFactory, OutreachFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import history, selectors
from yorisoi.placements.tests.factories import (
    ConnectionFactory,
    InquiryFactory,
    PlacementFactory,
    VacancyReportFactory,
    residence,
)
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, number="2026-0042")


def test_the_sources_are_registered_in_partners_lists_once():
    history.register()
    for source in history.CONTACT_DATE_SOURCES:
        assert partner_selectors.CONTACT_DATE_SOURCES.count(source) == 1
    for source in history.HISTORY_SOURCES:
        assert partner_selectors.HISTORY_SOURCES.count(source) == 1


@time_machine.travel(T0, tick=False)
def test_the_organization_page_lists_placements_inquiries_connections_and_calls(worker_client, worker, case,
                                                                                 center):
    home = residence(center=center)
    PlacementFactory(case=case, organization=home, entered_on=dt.date(2026, 11, 1))
    InquiryFactory(case=case, organization=home, inquired_at=T0 - dt.timedelta(days=25))
    ConnectionFactory(case=case, organization=home, requested_on=dt.date(2026, 11, 5))
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=1), staff=worker)
    body = worker_client.get(reverse("partners:detail", args=[home.pk])).content.decode()
    for text in ("入所", "ケース 2026-0042（自立準備ホーム・更生緊急保護）", "受入照会",
                 "ケース 2026-0042（受入不可：満床）", "つなぎ", "空き確認", "空き 2名"):
        assert text in body, text
    assert partner_selectors.last_contact_date(user=worker, organization=home) == dt.date(2026, 11, 19)


@time_machine.travel(T0, tick=False)
def test_an_exit_or_connection_start_counts_as_the_last_contact(worker, case, center):
    home = residence(center=center)
    PlacementFactory(case=case, organization=home, entered_on=dt.date(2026, 9, 1),
                     exited_on=dt.date(2026, 10, 15), exit_reason="moved_on")
    assert partner_selectors.last_contact_date(user=worker, organization=home) == dt.date(2026, 10, 15)
    office = OrganizationFactory(center=center)
    ConnectionFactory(case=case, organization=office, requested_on=dt.date(2026, 9, 1), status="started",
                      started_on=dt.date(2026, 10, 2))
    assert partner_selectors.last_contact_date(user=worker, organization=office) == dt.date(2026, 10, 2)
    dormant = {o.pk for o in partner_selectors.organizations_not_contacted(user=worker, days=30)}
    assert home.pk in dormant and office.pk in dormant


@time_machine.travel(T0, tick=False)
def test_history_names_only_cases_the_user_may_open_and_hides_justice_reasons(center, worker, colleague, clerk,
                                                                             case):
    home = residence(center=center)
    InquiryFactory(case=case, organization=home, refusal_reason="offence")
    events = partner_selectors.relationship_history(user=clerk, organization=home)
    assert [e.summary for e in events] == ["ケース 2026-0042（受入不可：その他）"]
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    colleague.refresh_from_db()
    assert partner_selectors.relationship_history(user=colleague, organization=home) == []
    # A date names nobody: the last contact stays the center's.
    assert partner_selectors.last_contact_date(user=colleague, organization=home) is not None


def test_refusal_summary_counts_per_facility_and_reason(worker, center, case):
    home = residence(center=center, name="みどりホーム")
    other = residence(center=center, name="あおばホーム")
    InquiryFactory(case=case, organization=home, refusal_reason="full")
    InquiryFactory(case=case, organization=home, refusal_reason="full")
    InquiryFactory(case=case, organization=home, refusal_reason="medical_care")
    InquiryFactory(case=case, organization=home, result="accepted", refusal_reason="")
    InquiryFactory(case=case, organization=other, result="considering", refusal_reason="")
    InquiryFactory(case=case, organization=None, facility_name="名簿にない寮", refusal_reason="out_of_area")
    rows = selectors.refusal_summary(user=worker)
    assert [(r.name, r.total, r.accepted, r.refused, r.pending) for r in rows] == [
        ("みどりホーム", 4, 1, 3, 0), ("名簿にない寮", 1, 0, 1, 0), ("あおばホーム", 1, 0, 0, 1)]
    assert rows[0].top_reasons == [("満床", 2), ("医療的ケア", 1)]


def test_refusal_summary_of_another_center_is_empty(outsider, case, center):
    InquiryFactory(case=case, organization=residence(center=center))
    assert selectors.refusal_summary(user=outsider) == []


# --- network -------------------------------------------------------------------------------------------------


def test_network_counts_joint_cases_from_every_source_and_pairs(worker, center, case):
    home = residence(center=center, name="テストホームみどり", municipality="さいたま市浦和区")
    OrganizationFactory(center=center, name="さいたま保護観察所", kind=kind("probation_office"),
                        municipality="さいたま市中央区")
    hospital = OrganizationFactory(center=center, name="みどり中央病院", kind=kind("hospital"), municipality="川越市")
    PlacementFactory(case=case, organization=home, entered_on=dt.date(2026, 3, 1))
    InquiryFactory(case=case, organization=home, inquired_at=T0 - dt.timedelta(days=30))
    ConnectionFactory(case=case, organization=hospital, requested_on=dt.date(2026, 6, 1))
    ActivityFactory(case=case, author=worker, counterpart="さいたま保護観察所 担当官", occurred_at=T0)
    second = CaseFactory(person=PersonFactory(center=center), main_staff=worker,
                         referral_agency="さいたま保護観察所", referral_date=dt.date(2026, 10, 1))
    OutreachFactory(center=center, organizations=[hospital], held_on=dt.date(2026, 7, 1))
    result = network.build(user=worker, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    by_name = {n.organization.name: n for n in result.nodes}
    assert by_name["テストホームみどり"].counts == [1, 1, 0, 0, 0, 0]
    assert by_name["さいたま保護観察所"].joint_cases == {case.pk, second.pk}
    assert by_name["みどり中央病院"].counts == [0, 0, 1, 0, 0, 0] and by_name["みどり中央病院"].outreach == 1
    pairs = {(p.a.organization.name, p.b.organization.name): p.cases for p in result.pairs}
    assert sum(pairs.values()) == 3  # the three organizations share one case, pair by pair
    assert {c.name for c in result.clusters} == {"さいたま市浦和区", "さいたま市中央区", "川越市"}
    assert all(n.drawn and result.view_x < n.x < result.view_x + result.width
               and result.view_y < n.y < result.view_y + result.height for n in result.nodes)


def test_network_leaves_out_the_period_and_other_centers(worker, center, case, other_center):
    home = residence(center=center)
    PlacementFactory(case=case, organization=home, entered_on=dt.date(2025, 1, 1), exited_on=dt.date(2025, 3, 1),
                     exit_reason="moved_on")
    OrganizationFactory(center=other_center, name="他県の機関")
    result = network.build(user=worker, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert result.nodes == []
    everything = network.build(user=worker, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31),
                               show_all=True)
    assert [n.organization for n in everything.nodes] == [home]


def test_a_name_inside_a_longer_name_does_not_match_twice(center):
    short = OrganizationFactory(center=center, name="保護観察所")
    long = OrganizationFactory(center=center, name="さいたま保護観察所")
    match = network._name_matcher([short, long])
    assert match("さいたま保護観察所の担当官") == [long]
    assert match("保護観察所") == [short]


def test_the_network_page_draws_svg_and_the_same_data_as_a_table(worker_client, worker, center, case):
    home = residence(center=center, name="テストホームみどり")
    PlacementFactory(case=case, organization=home, entered_on=dt.date(2026, 3, 1))
    body = worker_client.get(reverse("network:map") + "?date_from=2026-01-01&date_to=2026-12-31").content
    body = body.decode()
    assert '<svg class="network-svg"' in body and 'role="img"' in body
    assert body.count("テストホームみどり") >= 3  # dot title, label or number, and table
    assert "<script" not in body.split('<svg class="network-svg"')[1].split("</svg>")[0]


def test_a_network_period_ending_before_it_starts_is_refused(worker_client):
    response = worker_client.get(reverse("network:map") + "?date_from=2026-12-01&date_to=2026-01-01")
    assert response.status_code == 200
    assert "期間の終わりは始まりより後の日付にしてください。" in response.content.decode()
