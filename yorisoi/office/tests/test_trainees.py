"""Hosted trainees (実習生): the account sees only its assigned cases, reads and never writes, sees justice only where
the assignment allows it, needs the pledge, and ends itself after the last day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import verified_client
from yorisoi.accounts.models import Role, Staff
from yorisoi.accounts.tests.factories import TEST_PASSWORD
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.office import trainees
from yorisoi.office.models import Trainee
from yorisoi.office.tests.factories import hosted_trainee
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))
DURING = dt.datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)   # the period is 2026-12-01 .. 2026-12-11
LAST_DAY = dt.datetime(2026, 12, 11, 23, 30, tzinfo=TOKYO)
DAY_AFTER = dt.datetime(2026, 12, 12, 0, 30, tzinfo=TOKYO)
BEFORE = dt.datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO)
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _remove_pledges():
    yield
    for trainee in Trainee.objects.exclude(pledge_file=""):
        trainee.pledge_file.delete(save=False)


@pytest.fixture
def cases(center, worker):
    """The assigned case and another case of the same center."""
    assigned = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    return assigned, other


@pytest.fixture
def trainee(director, cases):
    with time_machine.travel(DURING, tick=False):
        return hosted_trainee(director, cases=[cases[0]])


def fresh(trainee) -> Staff:
    return Staff.objects.get(pk=trainee.account_id)


# --- what the trainee sees -------------------------------------------------------------------------------------


@time_machine.travel(DURING, tick=False)
def test_trainee_sees_only_the_assigned_case_and_its_person(trainee, cases, outsider):
    assigned, other = cases
    foreign = CaseFactory(person=PersonFactory(center=outsider.center), main_staff=outsider)
    client = verified_client(fresh(trainee))

    assert client.get(reverse("cases:detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[assigned.person_id])).status_code == 200
    # another case of the same center answers exactly like another center's: 404
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[other.person_id])).status_code == 404
    assert client.get(reverse("cases:detail", args=[foreign.pk])).status_code == 404

    listed = client.get(reverse("cases:list")).content.decode()
    assert assigned.number in listed and other.number not in listed
    home = client.get(reverse("home")).content.decode()
    assert assigned.number in home and other.number not in home
    user = fresh(trainee)
    assert set(policy.cases_for(user)) == {assigned}
    assert set(policy.persons_for(user)) == {assigned.person}


@time_machine.travel(DURING, tick=False)
def test_every_view_of_the_trainee_is_logged_and_a_refusal_too(trainee, cases):
    assigned, other = cases
    client = verified_client(fresh(trainee))
    client.get(reverse("cases:detail", args=[assigned.pk]))
    client.get(reverse("cases:detail", args=[other.pk]))
    rows = AccessLog.objects.filter(staff_id=trainee.account_id)
    assert rows.filter(action=AccessAction.VIEW, object_id=assigned.pk, person_id_value=assigned.person_id).exists()
    assert rows.filter(action=AccessAction.DENIED, object_id=other.pk, section="trainee_not_assigned").exists()


@time_machine.travel(DURING, tick=False)
def test_trainee_support_records_only_of_the_assigned_case(trainee, cases, worker):
    assigned, other = cases
    mine = ActivityFactory(case=assigned, author=worker)
    ActivityFactory(case=other, author=worker)
    assert set(policy.activities_for(fresh(trainee))) == {mine}


@time_machine.travel(DURING, tick=False)
def test_trainee_does_not_see_justice_unless_the_assignment_allows_it(director, cases, worker):
    assigned, _ = cases
    hidden = hosted_trainee(director, cases=[assigned], username="trainee-a")
    shown = hosted_trainee(director, cases=[assigned], username="trainee-b", shows_justice=True)
    url = reverse("people:detail", args=[assigned.person_id])
    assert 'id="justice"' not in verified_client(fresh(hidden)).get(url).content.decode()
    assert 'id="justice"' in verified_client(fresh(shown)).get(url).content.decode()
    # the services ask the same policy
    with pytest.raises(PermissionDenied):
        policy.require(fresh(hidden), "see_justice", assigned)
    policy.require(fresh(shown), "see_justice", assigned)


@time_machine.travel(DURING, tick=False)
def test_trainee_cannot_edit_print_export_or_use_the_api(trainee, cases):
    assigned, _ = cases
    client = verified_client(fresh(trainee))
    assert client.get(reverse("people:edit", args=[assigned.person_id])).status_code == 403
    assert client.get(reverse("people:print", args=[assigned.person_id])).status_code == 403
    assert client.get(reverse("records:add", args=[assigned.pk])).status_code == 403
    assert client.get(reverse("reports:export_create") + "?target=persons").status_code == 403
    assert client.get(reverse("api:persons-list")).status_code == 403
    assert client.get(reverse("partners:list")).status_code == 403
    assert client.get(reverse("meetings:list")).status_code == 403
    assert client.get(reverse("office:index")).status_code == 403
    case_page = client.get(reverse("cases:detail", args=[assigned.pk])).content.decode()
    assert reverse("planning:case", args=[assigned.pk]) not in case_page  # no links to pages refused to them
    assert reverse("records:add", args=[assigned.pk]) not in case_page
    user = fresh(trainee)
    for action in ("edit", "add_record", "print", "change_phase"):
        with pytest.raises(PermissionDenied):
            policy.require(user, action, assigned)
    assert not policy.may_request_export(user)
    assert trainee.account not in policy.staff_for(user)  # never offered as a colleague


# --- the period and the pledge ---------------------------------------------------------------------------------


def test_trainee_expires_on_the_day_after_the_end_date(trainee, cases):
    assigned, _ = cases
    url = reverse("cases:detail", args=[assigned.pk])
    with time_machine.travel(LAST_DAY, tick=False):
        assert verified_client(fresh(trainee)).get(url).status_code == 200
    with time_machine.travel(DAY_AFTER, tick=False):
        user = fresh(trainee)
        assert not policy.account_in_force(user)
        assert not policy.cases_for(user).exists()
        assert verified_client(user).get(url).status_code == 403
        response = failed_login(trainee.account.username)
        assert "実習の期間外" in response.content.decode()


def failed_login(username):
    from django.test import Client

    client = Client()
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    return response


def test_trainee_cannot_log_in_before_the_first_day(trainee):
    with time_machine.travel(BEFORE, tick=False):
        response = failed_login(trainee.account.username)
    assert "実習の期間外" in response.content.decode()
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, staff_id=trainee.account_id).exists()


@time_machine.travel(DURING, tick=False)
def test_trainee_logs_in_within_the_period(trainee):
    from django.test import Client

    client = Client()
    response = client.post(LOGIN, {"username": trainee.account.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@time_machine.travel(DURING, tick=False)
def test_trainee_cannot_log_in_without_a_pledge(director, cases):
    trainee = hosted_trainee(director, cases=[cases[0]], pledge=False)
    assert not fresh(trainee).is_active
    failed_login(trainee.account.username)
    assert not policy.cases_for(fresh(trainee)).exists()
    # with the pledge on file, the account opens
    trainees.record_pledge(actor=director, trainee=trainee, signed_on=dt.date(2026, 12, 6),
                           upload=SimpleUploadedFile("pledge.pdf", b"%PDF-1.4 signed"))
    assert fresh(trainee).is_active
    assert set(policy.cases_for(fresh(trainee))) == {cases[0]}


@time_machine.travel(DURING, tick=False)
def test_the_pledge_needs_both_its_date_and_a_real_file(director):
    with pytest.raises(ValidationError) as error:
        trainees.host_trainee(actor=director, username="t1", password=TEST_PASSWORD, name="実習 一郎",
                              home_center_name="隣県センター", starts_on=dt.date(2026, 12, 1),
                              ends_on=dt.date(2026, 12, 11), pledge_signed_on=dt.date(2026, 12, 1))
    assert "pledge_file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        trainees.host_trainee(actor=director, username="t2", password=TEST_PASSWORD, name="実習 二郎",
                              home_center_name="隣県センター", starts_on=dt.date(2026, 12, 1),
                              ends_on=dt.date(2026, 12, 11), pledge_signed_on=dt.date(2026, 12, 1),
                              pledge_upload=SimpleUploadedFile("pledge.pdf", b"not a pdf"))
    assert "pledge_file" in error.value.message_dict
    assert not Staff.objects.filter(username__in=["t1", "t2"]).exists()


def test_nightly_job_deactivates_the_trainee_after_the_last_day(trainee):
    from yorisoi.common import nightly

    job = nightly.job("expire_trainees")
    with time_machine.travel(LAST_DAY, tick=False):
        job.run()
        assert fresh(trainee).is_active
    with time_machine.travel(DAY_AFTER, tick=False):
        job.run()
    trainee.refresh_from_db()
    assert trainee.ended_at is not None and trainee.ended_by is None
    assert not fresh(trainee).is_active
    assert AccessLog.objects.filter(section="office_trainees", object_id=trainee.pk,
                                    action=AccessAction.UPDATE).exists()


@time_machine.travel(DURING, tick=False)
def test_ending_early_closes_the_account_and_the_session(trainee, director, cases):
    client = verified_client(fresh(trainee))
    trainees.end_trainee(actor=director, trainee=trainee)
    assert not fresh(trainee).is_active
    response = client.get(reverse("cases:detail", args=[cases[0].pk]))
    assert response.status_code == 302  # the session's user is gone: back to the log-in


@time_machine.travel(DURING, tick=False)
def test_a_revoked_assignment_closes_the_case(trainee, director, cases):
    assignment = trainee.assignments.get()
    trainees.revoke_assignment(actor=director, assignment=assignment)
    assert not policy.cases_for(fresh(trainee)).exists()


# --- the director's pages ----------------------------------------------------------------------------------------


@time_machine.travel(DURING, tick=False)
def test_director_hosts_a_trainee_with_the_pledge_and_assigns_a_case(director_client, cases):
    assigned, _ = cases
    upload = SimpleUploadedFile("誓約書.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = director_client.post(reverse("office:trainee_create"), {
        "name": "実習 太郎", "home_center_name": "隣県地域生活定着支援センター", "starts_on": "令和8年12月1日",
        "ends_on": "令和8年12月11日", "username": "jisshu-taro", "password": "a-long-pass-phrase-4821",
        "pledge_signed_on": "2026-12-01", "pledge_file": upload})
    assert response.status_code == 302
    trainee = Trainee.objects.get(name="実習 太郎")
    assert trainee.has_pledge and trainee.account.is_active and trainee.account.role == Role.TRAINEE
    response = director_client.post(reverse("office:trainee_assign", args=[trainee.pk]), {"case": assigned.pk})
    assert response.status_code == 302
    page = director_client.get(reverse("office:trainee_detail", args=[trainee.pk])).content.decode()
    assert assigned.number in page and "実習中" in page
    download = director_client.get(reverse("office:trainee_pledge_download", args=[trainee.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@time_machine.travel(DURING, tick=False)
def test_a_bad_form_keeps_what_was_typed(director_client):
    response = director_client.post(reverse("office:trainee_create"), {
        "name": "実習 太郎", "home_center_name": "隣県センター", "starts_on": "令和8年12月11日",
        "ends_on": "令和8年12月1日", "username": "jisshu", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "実習の終了日は開始日以降の日付にしてください。" in body and "隣県センター" in body


@time_machine.travel(DURING, tick=False)
def test_the_trainee_page_shows_the_trainees_access_log(trainee, cases, director_client):
    verified_client(fresh(trainee)).get(reverse("cases:detail", args=[cases[0].pk]))
    page = director_client.get(reverse("office:trainee_detail", args=[trainee.pk])).content.decode()
    assert 'data-testid="trainee-log"' in page and "閲覧" in page


@time_machine.travel(DURING, tick=False)
def test_trainee_edit_refuses_a_stale_save(trainee, director_client, director):
    url = reverse("office:trainee_edit", args=[trainee.pk])
    data = {"name": "実習 花子", "home_center_name": "隣県センター", "starts_on": "2026-12-01",
            "ends_on": "2026-12-15", "purpose": "", "version": trainee.version}
    trainees.update_trainee(actor=director, trainee=trainee, expected_version=trainee.version, purpose="先に保存")
    response = director_client.post(url, data)
    assert response.status_code == 409 and "保存できませんでした" in response.content.decode()


def test_other_roles_and_other_centers_cannot_manage_trainees(trainee, worker_client, outsider, director):
    assert worker_client.get(reverse("office:trainees")).status_code == 403
    other_director = Staff.objects.create(username="other-director", center=outsider.center, role=Role.DIRECTOR)
    assert verified_client(other_director).get(reverse("office:trainee_detail", args=[trainee.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        trainees.end_trainee(actor=other_director, trainee=trainee)


# --- presence at a case conference -------------------------------------------------------------------------------


@time_machine.travel(DURING, tick=False)
def test_presence_without_personal_data_is_recorded_and_kept_by_later_edits(trainee, director, cases, worker):
    from yorisoi.meetings import services as meeting_services
    from yorisoi.meetings.tests.factories import MeetingFactory

    meeting = MeetingFactory(center=director.center, cases=[cases[0]], staff=[worker],
                             date=dt.date(2026, 12, 7))
    assert trainees.record_presence(actor=director, trainee=trainee, meeting=meeting,
                                    shows_personal_data=False) == []
    meeting.refresh_from_db()
    assert trainee.account in meeting.staff.all()
    meeting_services.update_meeting(actor=director, meeting=meeting, expected_version=meeting.version,
                                    staff=[worker], contacts=[], cases=[cases[0]])
    assert trainee.account in meeting.staff.all()
    # a trainee is never added in passing through the meeting form
    with pytest.raises(PermissionDenied):
        meeting_services.update_meeting(actor=director, meeting=meeting, expected_version=meeting.version + 1,
                                        staff=[worker, fresh(trainee)], contacts=[], cases=[cases[0]])


@time_machine.travel(DURING, tick=False)
def test_presence_showing_personal_data_writes_the_provision_record(director, cases, worker):
    from yorisoi.disclosure.models import DisclosureRecord, Purpose
    from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory
    from yorisoi.meetings.tests.factories import MeetingFactory
    from yorisoi.partners.tests.factories import OrganizationFactory, kind

    assigned = cases[0]
    home = OrganizationFactory(center=director.center, name="隣県地域生活定着支援センター", kind=kind("other_center"))
    trainee = hosted_trainee(director, cases=[assigned], home_organization=home, username="trainee-p")
    meeting = MeetingFactory(center=director.center, cases=[assigned], staff=[worker], date=dt.date(2026, 12, 7))
    # without the person's consent nothing may be shown: refused, nothing recorded
    with pytest.raises(ValidationError):
        trainees.record_presence(actor=director, trainee=trainee, meeting=meeting, shows_personal_data=True)
    assert not DisclosureRecord.objects.exists()
    assert trainee.account not in meeting.staff.all()

    ConsentFactory(person=assigned.person, purposes=[Purpose.WELFARE], kinds=[kind("other_center")])
    AgreementFactory(organization=home, item_groups=["basic", "wishes"], purposes=[Purpose.WELFARE])
    handed = trainees.record_presence(actor=director, trainee=trainee, meeting=meeting, shows_personal_data=True)
    record = DisclosureRecord.objects.get()
    assert len(handed) == 1 and record.recipient == home and record.person == assigned.person
    assert trainee.account in meeting.staff.all()
