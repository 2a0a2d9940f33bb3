"""The case drives the procedures app from cases.services, in the same transaction: the usual procedures of the
case's kind on opening, due dates that follow a moved release date, follow-ups on reaching 定着支援 or
フォローアップ. Closing goes through 終結の決裁 (planning). And the pages that tie the apps together."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from yorisoi.cases.models import Case, CaseKind, Phase, ReferralSource
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.intake import services as intake_services
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import PlacementFactory
from yorisoi.planning import services as planning_services
from yorisoi.procedures.models import CaseProcedure, FollowUp, FollowUpTarget, ProcedureStatus
from yorisoi.procedures.tests.factories import UrgentProtectionFactory
from yorisoi.workflow import services

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)  # a Friday
NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 12:00 in Japan


def _open(worker, *, kind=CaseKind.ENTRANCE, release=TODAY + dt.timedelta(days=3), person=None) -> Case:
    return services.open_case(actor=worker, person=person or PersonFactory(center=worker.center), kind=kind,
                              referral_source=ReferralSource.PROSECUTOR, referral_date=TODAY,
                              expected_release_date=release, main_staff=worker)


def _due(case, title) -> dt.date | None:
    return CaseProcedure.objects.get(case=case, title=title).due_date


# --- procedures on opening ---------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_opening_an_entrance_case_adds_the_usual_procedures_due_from_the_release(worker):
    case = _open(worker)
    titles = set(CaseProcedure.objects.filter(case=case).values_list("title", flat=True))
    assert {"生活保護申請", "住民票の回復", "受診・無料低額診療"} <= titles
    # 受診 is due 7 calendar days after the release (11/23 → 11/30); nothing is done yet
    assert _due(case, "受診・無料低額診療") == dt.date(2026, 11, 30)
    assert not CaseProcedure.objects.filter(case=case).exclude(status=ProcedureStatus.NOT_STARTED).exists()


@time_machine.travel(NOON, tick=False)
def test_a_phone_referral_opens_the_case_with_its_procedures(worker):
    case = intake_services.take_referral(
        actor=worker, person_values={"family_name": "架空", "given_name": "太郎", "family_name_kana": "カクウ",
                                     "given_name_kana": "タロウ"},
        case_values={"kind": CaseKind.ENTRANCE, "referral_source": ReferralSource.PROSECUTOR,
                     "referral_date": TODAY, "expected_release_date": TODAY + dt.timedelta(days=3),
                     "main_staff": worker},
        first_note="検察庁から電話（架空）")
    assert CaseProcedure.objects.filter(case=case).count() > 5


@time_machine.travel(NOON, tick=False)
def test_a_consultation_case_has_no_template_and_opens_without_procedures(worker):
    case = _open(worker, kind=CaseKind.CONSULTATION, release=None)
    assert case.phase == Phase.INTAKE
    assert not CaseProcedure.objects.filter(case=case).exists()


@time_machine.travel(NOON, tick=False)
def test_a_reopened_case_gets_the_usual_procedures_again(worker):
    closed = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.CLOSED,
                         closure_outcome="lost_contact")
    new_case = services.reopen_case(actor=worker, closed_case=closed, reason="再び依頼（架空）")
    assert CaseProcedure.objects.filter(case=new_case).exists()
    assert not CaseProcedure.objects.filter(case=closed).exists()


# --- due dates follow the release date ------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_moving_the_release_date_moves_the_open_procedures_but_not_the_done_ones(worker):
    case = _open(worker)
    done = CaseProcedure.objects.get(case=case, title="住民票の回復")
    CaseProcedure.objects.filter(pk=done.pk).update(status=ProcedureStatus.DONE, completed_on=TODAY)
    before_done = _due(case, "住民票の回復")
    case.refresh_from_db()
    services.update_case(actor=worker, case=case, expected_version=case.version,
                         expected_release_date=TODAY + dt.timedelta(days=10))
    assert _due(case, "受診・無料低額診療") == dt.date(2026, 12, 7)  # 11/30 + 7 days
    assert _due(case, "住民票の回復") == before_done


@time_machine.travel(NOON, tick=False)
def test_an_edit_that_keeps_the_dates_does_not_touch_the_procedures(worker):
    case = _open(worker)
    versions = dict(CaseProcedure.objects.filter(case=case).values_list("pk", "version"))
    services.update_case(actor=worker, case=case, expected_version=case.version, release_place="架空拘置支所")
    assert dict(CaseProcedure.objects.filter(case=case).values_list("pk", "version")) == versions


# --- follow-ups on 定着支援 ---------------------------------------------------------------------------------


def _move(case, actor, *phases):
    for phase in phases:
        case.refresh_from_db()
        case = services.change_case_phase(actor=actor, case=case, to_phase=phase, reason="架空",
                                          expected_version=case.version)
    return case


@time_machine.travel(NOON, tick=False)
def test_reaching_settlement_schedules_follow_ups_with_the_person_and_the_current_facility(worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.COORDINATING)
    home = PlacementFactory(case=case).organization
    assert not FollowUp.objects.filter(case=case).exists()
    _move(case, worker, Phase.SETTLEMENT)
    person = FollowUp.objects.filter(case=case, target=FollowUpTarget.PERSON).order_by("due_date")
    facility = FollowUp.objects.filter(case=case, target=FollowUpTarget.FACILITY)
    assert person.count() == facility.count() == 5
    assert person.first().due_date == TODAY + dt.timedelta(weeks=1)
    assert set(facility.values_list("organization", flat=True)) == {home.pk}


@time_machine.travel(NOON, tick=False)
def test_follow_ups_are_scheduled_once_through_settlement_and_follow_up(worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.COORDINATING)
    _move(case, worker, Phase.SETTLEMENT, Phase.FOLLOW_UP, Phase.SETTLEMENT)
    assert FollowUp.objects.filter(case=case).count() == 10


@time_machine.travel(NOON, tick=False)
def test_other_phases_schedule_no_follow_ups(worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker)
    _move(case, worker, Phase.COORDINATING, Phase.TEMPORARY_PLACEMENT)
    assert not FollowUp.objects.filter(case=case).exists()


def test_a_refused_phase_change_schedules_nothing(worker, clerk):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.COORDINATING)
    with pytest.raises(PermissionDenied):
        _move(case, clerk, Phase.SETTLEMENT)
    assert not FollowUp.objects.filter(case=case).exists()


# --- closure through 決裁 -------------------------------------------------------------------------------------


def test_the_case_page_links_to_the_closure_request_and_shows_its_state(worker, director, worker_client):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.SETTLEMENT)
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("planning:closure", args=[case.pk]) in body
    assert "決裁の記録はまだありません。" in body
    closure = planning_services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                                services=["none"], summary="落ち着いて暮らしている（架空）")
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("planning:closure_detail", args=[case.pk, closure.pk]) in body
    assert "決裁待ち" in body
    planning_services.approve(actor=director, subject=closure, comment="承認します（架空）")
    case.refresh_from_db()
    assert (case.phase, case.closure_outcome) == (Phase.CLOSED, "stable")
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "承認します（架空）" in body and "終結の決裁" in body


def test_the_case_header_links_the_pages_of_the_other_apps(worker_client, worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker)
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    header = body.split('class="case-nav', 1)[1].split("</nav>", 1)[0]
    for url in (reverse("planning:case", args=[case.pk]), reverse("procedures:case", args=[case.pk]),
                reverse("placements:case", args=[case.pk]), reverse("disclosure:person", args=[case.person_id])):
        assert url in header, url
    planning = worker_client.get(reverse("planning:case", args=[case.pk])).content.decode()
    current = planning.split('class="case-nav', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("planning:case", args=[case.pk])}" aria-current="page"' in current


def test_a_clerk_gets_no_disclosure_link_and_no_closure_button(clerk_client, worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker)
    body = clerk_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("disclosure:person", args=[case.person_id]) not in body
    assert reverse("planning:closure", args=[case.pk]) not in body


def test_only_the_director_gets_the_delete_link_of_the_case(director_client, worker_client, worker):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker)
    delete = reverse("privacy:delete", args=["case", case.pk])
    assert delete in director_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert delete not in worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()


# --- the home screen and the navigation -------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_home_lists_protection_ends_procedures_and_follow_ups_of_my_cases(worker, worker_client):
    case = _open(worker)
    UrgentProtectionFactory(case=case, end_date=TODAY + dt.timedelta(days=10))
    _move(case, worker, Phase.COORDINATING, Phase.SETTLEMENT)
    body = worker_client.get(reverse("home")).content.decode()
    assert 'id="inbox-summary-h"' in body
    protections = body.split('id="my-protections-h"', 1)[1].split("</section>", 1)[0]
    assert "更生緊急保護の期間が終わります" in protections and "14日前の警告" in protections
    procedures = body.split('id="my-procedures-h"', 1)[1].split("</section>", 1)[0]
    assert "援護の実施者の確定" in procedures  # due 2 business days before the release
    follow_ups = body.split('id="my-follow-ups-h"', 1)[1].split("</section>", 1)[0]
    assert "フォローアップ：本人・1週間後" in follow_ups


@time_machine.travel(NOON, tick=False)
def test_the_director_home_links_approvals_with_their_count_and_the_break_glass_list(worker, director,
                                                                                     director_client):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker, phase=Phase.SETTLEMENT)
    planning_services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                      services=["none"], summary="架空")
    body = director_client.get(reverse("home")).content.decode()
    admin = body.split('id="admin-h"', 1)[1].split("</section>", 1)[0]
    assert reverse("planning:approvals") in admin and "1件" in admin
    assert reverse("privacy:break_glass_list") in admin
    nav = body.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'class="nav-count">1<' in nav


@pytest.mark.parametrize(("client_name", "intake", "approvals", "disclosure"), [
    ("director_client", "intake:referral", True, True),
    ("worker_client", "intake:referral", True, True),
    ("clerk_client", "intake:consultation_list", False, False),
    ("auditor_client", "intake:preconsultation_list", False, True),
])
def test_the_site_navigation_offers_each_role_its_pages(request, client_name, intake, approvals, disclosure):
    body = request.getfixturevalue(client_name).get(reverse("home")).content.decode()
    nav = body.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse(intake)}"' in nav
    for name in ("inbox:index", "people:list", "cases:list", "partners:list", "placements:vacancy_search"):
        assert reverse(name) in nav, name
    assert (reverse("planning:approvals") in nav) == approvals
    assert (reverse("disclosure:ledger") in nav) == disclosure


def test_the_person_page_shows_the_consents_to_who_may_read_them(worker, worker_client, clerk_client):
    case = CaseFactory(person=PersonFactory(center=worker.center), main_staff=worker)
    url = reverse("people:detail", args=[case.person_id])
    assert "同意未取得" in worker_client.get(url).content.decode()
    assert 'id="consent"' not in clerk_client.get(url).content.decode()
