"""Services: the one-current-placement rule, inquiries, service-connection moves, roles, the access log."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.common.concurrency import StaleEditError
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import services
from yorisoi.placements.models import (
    CONNECTION_MOVES,
    ConnectionStatus,
    ConnectionStatusChange,
    Placement,
)
from yorisoi.placements.tests.factories import ConnectionFactory, InquiryFactory, PlacementFactory, residence
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def home(center):
    return residence(center=center)


def _place(actor, case, home, entered_on=dt.date(2026, 11, 1), **kwargs):
    return services.record_placement(actor=actor, case=case, organization=home, kind="self_reliance_home",
                                     funding="urgent_protection", entered_on=entered_on, **kwargs)


# --- one current placement per person ----------------------------------------------------------------------


def test_a_person_has_at_most_one_current_placement_in_the_database(case, home):
    PlacementFactory(case=case, organization=home)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(center=case.center, case=case, person=case.person, facility_name="親族宅",
                                 kind="other", funding="self_pay", entered_on=dt.date(2026, 11, 2),
                                 occupancy_changed_at=timezone.now())


def test_the_rule_holds_across_the_persons_cases(worker, case, home, center):
    _place(worker, case, home)
    later_case = CaseFactory(person=case.person, main_staff=worker)
    with pytest.raises(ValidationError) as error:
        _place(worker, later_case, home, entered_on=dt.date(2026, 11, 10))
    assert "close_previous" in error.value.message_dict


@time_machine.travel(T0, tick=False)
def test_a_new_placement_closes_the_previous_one_when_asked(worker, case, home, center):
    first = _place(worker, case, home)
    second = _place(worker, case, OrganizationFactory(center=center), entered_on=dt.date(2026, 11, 20),
                    close_previous_on=dt.date(2026, 11, 20))
    first.refresh_from_db()
    assert (first.exited_on, first.exit_reason, first.version) == (dt.date(2026, 11, 20), "moved_on", 2)
    assert first.occupancy_changed_at == T0
    assert list(Placement.objects.filter(person=case.person, exited_on__isnull=True)) == [second]


@pytest.mark.parametrize("close_on", [dt.date(2026, 10, 31), dt.date(2026, 11, 21)])
def test_the_previous_exit_date_lies_between_its_entry_and_the_new_entry(worker, case, home, close_on):
    _place(worker, case, home)
    with pytest.raises(ValidationError) as error:
        _place(worker, case, home, entered_on=dt.date(2026, 11, 20), close_previous_on=close_on)
    assert "close_previous_on" in error.value.message_dict
    assert Placement.objects.filter(person=case.person).count() == 1


def test_reopening_an_ended_placement_is_refused_while_another_is_current(worker, case, home):
    first = _place(worker, case, home)
    _place(worker, case, home, entered_on=dt.date(2026, 11, 20), close_previous_on=dt.date(2026, 11, 20))
    first.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.update_placement(actor=worker, placement=first, expected_version=first.version, exited_on=None)
    assert "この対象者にはすでに現在の居所があります。" in str(error.value)


def test_ending_a_placement_checks_dates_and_state(worker, case, home):
    placement = _place(worker, case, home)
    with pytest.raises(ValidationError):
        services.end_placement(actor=worker, placement=placement, exited_on=dt.date(2026, 10, 1),
                               exit_reason="moved_on", expected_version=1)
    services.end_placement(actor=worker, placement=placement, exited_on=dt.date(2026, 11, 3),
                           exit_reason="own_wish", expected_version=1)
    with pytest.raises(ValidationError):
        services.end_placement(actor=worker, placement=placement, exited_on=dt.date(2026, 11, 4),
                               exit_reason="own_wish", expected_version=2)


def test_a_stale_edit_raises_with_the_other_persons_changes(worker, colleague, case, home):
    placement = _place(worker, case, home)
    services.update_placement(actor=colleague, placement=placement, expected_version=1, funding="public_assistance")
    with pytest.raises(StaleEditError) as error:
        services.update_placement(actor=worker, placement=placement, expected_version=1, funding="self_pay")
    assert [c.label for c in error.value.changes] == ["費用の根拠"]


def test_a_placement_must_name_a_place(worker, case):
    with pytest.raises(ValidationError):
        services.record_placement(actor=worker, case=case, kind="apartment", funding="self_pay",
                                  entered_on=dt.date(2026, 11, 1))
    placement = services.record_placement(actor=worker, case=case, kind="apartment", funding="self_pay",
                                          entered_on=dt.date(2026, 11, 1), facility_name=" 〇〇荘 ")
    assert placement.place_name == "〇〇荘"


# --- roles --------------------------------------------------------------------------------------------------


def test_clerk_records_placements_but_never_narratives(clerk, case, home):
    _place(clerk, case, home)
    with pytest.raises(PermissionDenied):
        services.record_inquiry(actor=clerk, case=case, organization=home, inquired_at=timezone.now(),
                                result="accepted", notes="架空のメモ")


def test_auditor_never_writes(auditor, case, home):
    with pytest.raises(PermissionDenied):
        _place(auditor, case, home)
    with pytest.raises(PermissionDenied):
        services.report_vacancy(actor=auditor, organization=home, vacancies=1)


def test_nobody_writes_into_another_centers_case_or_names_its_organizations(outsider, worker, case, home,
                                                                             other_center):
    with pytest.raises(PermissionDenied):
        _place(outsider, case, home)
    with pytest.raises(PermissionDenied):
        _place(worker, case, OrganizationFactory(center=other_center))


def test_every_write_is_logged_with_the_person(worker, case, home):
    before = AccessLog.objects.count()
    placement = _place(worker, case, home)
    services.end_placement(actor=worker, placement=placement, exited_on=dt.date(2026, 11, 3), exit_reason="died",
                           expected_version=1)
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.action, r.section, r.person_id_value) for r in rows] == [
        (AccessAction.CREATE, "placement", case.person_id),
        (AccessAction.UPDATE, "procedures", case.person_id),  # the first placement dates the procedures
        (AccessAction.UPDATE, "placement", case.person_id)]


# --- inquiries ----------------------------------------------------------------------------------------------


def test_a_refusal_needs_a_reason_and_only_a_refusal_has_one(worker, case, home):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=now, result="refused")
    assert "refusal_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=now, result="accepted",
                                refusal_reason="full")
    inquiry = services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=now,
                                      result="refused", refusal_reason="full")
    assert inquiry.staff == worker


def test_only_staff_who_see_justice_data_record_a_refusal_because_of_the_offence(clerk, worker, case, home):
    with pytest.raises(PermissionDenied):
        services.record_inquiry(actor=clerk, case=case, organization=home, inquired_at=timezone.now(),
                                result="refused", refusal_reason="offence")
    services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=timezone.now(),
                            result="refused", refusal_reason="offence")


def test_the_answering_contact_belongs_to_the_asked_facility(worker, case, home, center):
    stranger = ContactFactory(organization=OrganizationFactory(center=center))
    with pytest.raises(ValidationError):
        services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=timezone.now(),
                                result="considering", answered_by_contact=stranger)
    own = ContactFactory(organization=home)
    inquiry = services.record_inquiry(actor=worker, case=case, organization=home, inquired_at=timezone.now(),
                                      result="considering", answered_by_contact=own)
    assert inquiry.answered_by_contact == own


def test_an_inquiry_in_the_future_is_refused(worker, case, home):
    with pytest.raises(ValidationError):
        services.record_inquiry(actor=worker, case=case, organization=home, result="accepted",
                                inquired_at=timezone.now() + dt.timedelta(days=1))


def test_changing_a_refusal_to_accepted_requires_dropping_the_reason(worker, case, home):
    inquiry = InquiryFactory(case=case, organization=home)
    with pytest.raises(ValidationError):
        services.update_inquiry(actor=worker, inquiry=inquiry, expected_version=1, result="accepted")
    updated = services.update_inquiry(actor=worker, inquiry=inquiry, expected_version=1, result="accepted",
                                      refusal_reason="")
    assert (updated.result, updated.version) == ("accepted", 2)


# --- service connections --------------------------------------------------------------------------------------


def test_the_allowed_moves_are_data():
    assert CONNECTION_MOVES == {
        "requested": ("coordinating", "started", "failed"),
        "coordinating": ("started", "failed"),
        "started": (),
        "failed": ("coordinating",),
    }


def test_a_connection_walks_requested_coordinating_started_with_a_log(worker, case, center):
    office = OrganizationFactory(center=center)
    connection = services.request_connection(actor=worker, case=case, organization=office,
                                             service_kind="service_plan", requested_on=dt.date(2026, 11, 5))
    connection = services.change_connection_status(actor=worker, connection=connection, to_status="coordinating",
                                                   on=dt.date(2026, 11, 6), expected_version=1, note="面談を調整")
    connection = services.change_connection_status(actor=worker, connection=connection, to_status="started",
                                                   on=dt.date(2026, 11, 20), expected_version=2)
    assert (connection.status, connection.started_on, connection.version) == ("started", dt.date(2026, 11, 20), 3)
    changes = list(ConnectionStatusChange.objects.filter(connection=connection).values_list(
        "from_status", "to_status", "on", "note"))
    assert changes == [("", "requested", dt.date(2026, 11, 5), ""),
                       ("requested", "coordinating", dt.date(2026, 11, 6), "面談を調整"),
                       ("coordinating", "started", dt.date(2026, 11, 20), "")]


@pytest.mark.parametrize(("start", "to_status"), [
    ("started", "failed"), ("started", "requested"), ("coordinating", "requested"), ("failed", "started"),
])
def test_moves_outside_the_table_are_refused(worker, case, start, to_status):
    connection = ConnectionFactory(case=case, status=start,
                                   started_on=dt.date(2026, 11, 6) if start == "started" else None)
    with pytest.raises(ValidationError) as error:
        services.change_connection_status(actor=worker, connection=connection, to_status=to_status,
                                          on=dt.date(2026, 11, 7), expected_version=1)
    assert "へは変更できません" in error.value.message_dict["to_status"][0]


def test_a_failed_connection_may_be_taken_up_again(worker, case):
    connection = ConnectionFactory(case=case)
    connection = services.change_connection_status(actor=worker, connection=connection, to_status="failed",
                                                   on=dt.date(2026, 11, 7), expected_version=1)
    assert connection.failed_on == dt.date(2026, 11, 7)
    connection = services.change_connection_status(actor=worker, connection=connection,
                                                   to_status=ConnectionStatus.COORDINATING,
                                                   on=dt.date(2026, 11, 9), expected_version=2)
    assert (connection.status, connection.failed_on) == ("coordinating", None)


def test_a_status_date_before_the_request_is_refused(worker, case):
    connection = ConnectionFactory(case=case)
    with pytest.raises(ValidationError):
        services.change_connection_status(actor=worker, connection=connection, to_status="started",
                                          on=dt.date(2026, 11, 1), expected_version=1)


def test_a_stale_status_change_is_refused(worker, case):
    connection = ConnectionFactory(case=case, version=2)
    with pytest.raises(StaleEditError):
        services.change_connection_status(actor=worker, connection=connection, to_status="coordinating",
                                          on=dt.date(2026, 11, 7), expected_version=1)


def test_a_start_date_is_set_by_the_status_not_by_editing(worker, case):
    connection = ConnectionFactory(case=case)
    with pytest.raises(ValidationError):
        services.update_connection(actor=worker, connection=connection, expected_version=1,
                                   started_on=dt.date(2026, 11, 8))


def test_clerk_moves_a_connection_but_writes_no_note(clerk, case):
    connection = ConnectionFactory(case=case)
    with pytest.raises(PermissionDenied):
        services.change_connection_status(actor=clerk, connection=connection, to_status="coordinating",
                                          on=dt.date(2026, 11, 7), expected_version=1, note="架空の補足")
    services.change_connection_status(actor=clerk, connection=connection, to_status="coordinating",
                                      on=dt.date(2026, 11, 7), expected_version=1)


# --- vacancy reports ------------------------------------------------------------------------------------------


def test_a_vacancy_report_is_directory_data_logged_without_a_person(clerk, home):
    before = AccessLog.objects.count()
    report = services.report_vacancy(actor=clerk, organization=home, vacancies=2, answered_by="寮長")
    row = AccessLog.objects.order_by("id")[before:].get()
    assert (report.staff, row.section, row.person_id_value) == (clerk, "vacancy", None)
    with pytest.raises(ValidationError):
        services.report_vacancy(actor=clerk, organization=home, vacancies=2,
                                reported_at=timezone.now() + dt.timedelta(days=1))


def test_the_first_placement_of_a_case_is_the_procedures_placement_date(worker, case, home, center):
    from yorisoi.procedures.models import ReferenceDates

    _place(worker, case, home, entered_on=dt.date(2026, 11, 2))
    assert ReferenceDates.objects.get(case=case).placement_date == dt.date(2026, 11, 2)
    # A later move does not shift the date the procedures were counted from.
    other = residence(center=center, name="第二のホーム")
    _place(worker, case, other, entered_on=dt.date(2026, 12, 1), close_previous_on=dt.date(2026, 11, 30))
    assert ReferenceDates.objects.get(case=case).placement_date == dt.date(2026, 11, 2)
