"""The fictional demo data of `manage.py seed_demo`: deterministic, complete, consistent with its fictional
directory, encrypted, and kind to user data."""

import datetime as dt
import hashlib
import itertools
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from yorisoi.accounts.demo import DEMO_CENTER, DEMO_OTHER_CENTER
from yorisoi.accounts.models import Center, Staff
from yorisoi.cases import selectors as case_selectors
from yorisoi.cases.models import OPEN_PHASES, Case, Phase
from yorisoi.cases.services import next_case_number
from yorisoi.common.crypto import decrypt, key_id_of
from yorisoi.common.names import strict_fold
from yorisoi.disclosure.models import Consent, DisclosureRecord, SharingAgreement
from yorisoi.inbox.rules import CENTER
from yorisoi.inbox.selectors import inbox
from yorisoi.intake.models import Consultation, PreConsultation
from yorisoi.partners.models import Organization
from yorisoi.people.models import Person
from yorisoi.people.services import derive_search_key
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import Placement, PlacementInquiry, ServiceConnection
from yorisoi.planning.models import Assessment, SupportPlan
from yorisoi.procedures.models import CaseProcedure, FollowUp, UrgentProtection
from yorisoi.records.models import Activity

TODAY = dt.date(2026, 4, 15)
N = 30

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The provision document of the demo goes to a temporary MEDIA_ROOT, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def seed(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    assert not err.getvalue(), err.getvalue()  # every detail the services were asked for was written
    return out.getvalue()


def demo_center() -> Center:
    return Center.objects.get(name=DEMO_CENTER)


def digest() -> str:
    """Names, dates and texts of everything generated, in creation order (ids and ciphertexts left out)."""
    h = hashlib.sha256()

    def add(queryset, *fields):
        for row in queryset.order_by("id").values_list(*fields):
            h.update(repr(row).encode())

    for p in Person.objects.order_by("id"):
        h.update(repr((p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, p.birth_date,
                       p.address, p.health_conditions, p.justice_details, p.wishes)).encode())
    add(Organization.objects, "name", "department", "municipality", "phone")
    add(Case.objects, "number", "kind", "phase", "referral_agency", "referral_officer", "referral_date",
        "expected_release_date", "end_date", "closure_outcome")
    for a in Activity.objects.order_by("id"):
        h.update(repr((a.occurred_at, a.kind, a.counterpart, a.narrative, a.minutes)).encode())
    add(Placement.objects, "organization__name", "facility_name", "kind", "funding", "entered_on", "exited_on")
    add(PlacementInquiry.objects, "organization__name", "inquired_at", "result", "refusal_reason")
    add(ServiceConnection.objects, "organization__name", "service_kind", "status", "requested_on", "started_on")
    add(CaseProcedure.objects, "title", "status", "due_date", "started_on", "completed_on")
    add(UrgentProtection.objects, "application_date", "start_date", "end_date", "status")
    add(Assessment.objects, "kind", "assessed_on")
    add(SupportPlan.objects, "revision", "status", "plan_date", "review_date")
    add(FollowUp.objects, "target", "due_date", "status", "done_on")
    add(Consent.objects, "person__family_name", "consented_on", "form", "purposes")
    add(PreConsultation.objects, "family_name", "consulted_on", "status")
    add(Consultation.objects, "consulted_on", "topic", "summary")
    return h.hexdigest()


def test_the_same_seed_gives_the_same_directory_names_dates_texts_and_details():
    empty = transaction.savepoint()
    seed("--persons", str(N), "--seed", "7")
    first = digest()
    assert Placement.objects.exists() and CaseProcedure.objects.exists()  # the details are in the digest
    transaction.savepoint_rollback(empty)
    seed("--persons", str(N), "--seed", "7")
    assert digest() == first
    transaction.savepoint_rollback(empty)
    seed("--persons", str(N), "--seed", "8")
    assert digest() != first


def test_chunks_built_in_a_child_process_give_the_same_data():
    empty = transaction.savepoint()
    seed("--persons", str(N), "--seed", "7", "--detailed", "0")  # one chunk, built in this process
    inline = digest()
    transaction.savepoint_rollback(empty)
    out = seed("--persons", str(N), "--seed", "7", "--chunk-size", "7", "--detailed", "0")  # five, in a child
    assert digest() == inline
    assert out.count("人/秒") == 5


def test_the_demo_has_cases_in_every_phase_with_consistent_transitions():
    seed("--persons", str(N), "--detailed", "0")
    # 休止 is entered through its service (features.py, the detailed cases), never by the bulk generator
    assert set(Case.objects.values_list("phase", flat=True)) == set(Phase.values) - {Phase.PAUSED}
    for case in Case.objects.prefetch_related("transitions"):
        moves = list(case.transitions.order_by("changed_at", "id"))
        assert (moves[0].from_phase, moves[0].to_phase) == ("", Phase.INTAKE)
        assert moves[-1].to_phase == case.phase
        assert all(a.to_phase == b.from_phase for a, b in itertools.pairwise(moves))
        assert [m.changed_at for m in moves] == sorted(m.changed_at for m in moves)
        if case.phase == Phase.CLOSED:
            assert case.closure_outcome and case.closure_summary and case.end_date
            assert case.end_date <= TODAY
        else:
            assert not case.closure_outcome and case.end_date is None


def test_cases_are_assigned_to_the_demo_workers_and_some_are_released_this_week():
    seed("--persons", str(N))
    workers = set(Staff.objects.filter(username__in=["soudan1", "soudan2", "soudan3"]).values_list("pk", flat=True))
    assert set(Case.objects.values_list("main_staff", flat=True)) == workers
    week = Case.objects.filter(phase__in=OPEN_PHASES, expected_release_date__gte=TODAY,
                               expected_release_date__lte=TODAY + dt.timedelta(days=7))
    assert week.exists()
    soudan1 = Staff.objects.get(username="soudan1")
    assert list(case_selectors.upcoming_releases(user=soudan1, today=TODAY))  # what the home screen shows


def test_records_are_stored_encrypted_and_read_back():
    seed("--persons", str(N), "--detailed", "0")
    assert N * 5 <= Activity.objects.count() <= N * 20
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM records_activity")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT health_conditions, justice_details FROM people_person")
        stored += [value for row in cursor.fetchall() for value in row if value]
    assert all(key_id_of(value) for value in stored)
    assert all(not any("\u3040" <= ch <= "\u9fff" for ch in value) for value in stored)  # no Japanese plaintext
    activity = Activity.objects.order_by("id").first()
    assert "本人" in activity.narrative or "より" in activity.narrative
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM records_activity WHERE id = %s", [activity.pk])
        assert decrypt(cursor.fetchone()[0]) == activity.narrative


def test_every_object_has_its_initial_history_row():
    seed("--persons", str(N), "--detailed", "0")
    assert Person.history.filter(history_type="+").count() == Person.objects.count()
    assert Case.history.filter(history_type="+").count() == Case.objects.count()
    assert Activity.history.filter(history_type="+").count() == Activity.objects.count()
    activity = Activity.objects.order_by("id").last()
    first = activity.history.get()
    assert first.narrative == activity.narrative and first.history_user_id == activity.author_id
    assert first.history_date == activity.created_at


def test_face_sheets_are_complete_and_searchable():
    seed("--persons", str(N), "--detailed", "0")
    people = list(Person.objects.all())
    assert all(p.search_key == derive_search_key(p) for p in people)
    assert all(p.family_name_kana and p.given_name_kana for p in people)
    assert all(dt.date(1912, 7, 30) <= p.birth_date <= dt.date(2006, 1, 1) for p in people)
    assert any(p.postal_code for p in people) and any(p.wishes for p in people)
    assert all(p.created_at.date() <= TODAY and p.created_by_id for p in people)


def test_some_names_use_old_or_variant_kanji_stored_as_typed():
    seed("--persons", str(N), "--detailed", "0")
    names = [p.family_name + p.given_name for p in Person.objects.all()]
    assert any(strict_fold(name) != name for name in names)


def generated(persons):
    """The persons the generator made, without the two it registers a second time (features._registered_twice)."""
    return persons.filter(distinct_statements__isnull=True)


def test_case_numbers_stay_unique_when_seeding_twice():
    seed("--persons", str(N))
    seed("--persons", str(N), "--seed", "2")
    numbers = list(Case.objects.filter(center=demo_center()).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert generated(Person.objects).count() == 2 * N


def test_open_case_numbers_continue_after_the_seeded_ones():
    seed("--persons", str(N), "--detailed", "0")
    numbers = Case.objects.filter(number__startswith=f"{TODAY.year}-").values_list("number", flat=True)
    highest = max(int(number.split("-")[1]) for number in numbers)
    with transaction.atomic():
        assert next_case_number(demo_center().pk, TODAY.year) == f"{TODAY.year}-{highest + 1:04d}"


def test_a_later_case_of_a_person_reopens_the_earlier_one():
    seed("--persons", str(N), "--detailed", "0")
    reopened = list(Case.objects.filter(previous_case__isnull=False).select_related("previous_case"))
    assert reopened
    for case in reopened:
        earlier = case.previous_case
        assert earlier.person_id == case.person_id and earlier.phase == Phase.CLOSED
        assert earlier.end_date < case.referral_date


def test_if_empty_keeps_what_the_user_entered_and_still_makes_the_accounts():
    call_command("seed_demo", "--persons", "0", stdout=StringIO())  # the accounts, nothing else
    mine = PersonFactory(center=demo_center(), family_name="利用者", given_name="入力")
    Staff.objects.filter(username="soudan2").delete()
    out = seed("--persons", str(N), "--if-empty")
    assert "作成済み" in out
    assert list(Person.objects.all()) == [mine]
    assert Staff.objects.filter(username="soudan2").exists()


def test_if_empty_fills_an_empty_demo_center():
    out = seed("--persons", "12", "--if-empty")
    assert generated(Person.objects.filter(center=demo_center())).count() == 12
    assert "persons/s" in out


def test_center_option_seeds_another_center_only():
    seed("--persons", "8", "--center", DEMO_OTHER_CENTER)
    assert generated(Person.objects.filter(center__name=DEMO_OTHER_CENTER)).count() == 8
    assert not Person.objects.filter(center__name=DEMO_CENTER).exists()
    assert not Activity.objects.exclude(center__name=DEMO_OTHER_CENTER).exists()


def test_the_small_demo_of_make_run_shows_every_feature():
    seed("--persons", "60", "--seed", "1", "--if-empty")  # as `make run` does
    center = demo_center()
    soon = TODAY + dt.timedelta(days=14)
    assert set(Case.objects.values_list("phase", flat=True)) == set(Phase.values)
    assert Organization.objects.filter(center=center).count() > 50  # the fictional directory
    # placements: inquiries, a stay in a facility of the directory, a stay ended by a move, a flat
    assert {"refused", "accepted", "considering"} <= set(PlacementInquiry.objects.values_list("result", flat=True))
    assert Placement.objects.filter(exited_on__isnull=True, organization__kind__is_residential=True).exists()
    assert Placement.objects.filter(exited_on__isnull=False, exit_reason="moved_on").exists()
    assert Placement.objects.filter(exited_on__isnull=True, kind="apartment", term="lasting").exists()
    # 更生緊急保護 whose period ends within 14 days
    assert UrgentProtection.objects.filter(status="active", end_date__gte=TODAY, end_date__lte=soon).exists()
    # procedures done, under way, not started, and overdue
    assert {"done", "in_progress", "not_started"} <= set(CaseProcedure.objects.values_list("status", flat=True))
    assert CaseProcedure.objects.filter(status__in=["not_started", "in_progress"], due_date__lt=TODAY).exists()
    # assessments and plans: both kinds, approved plans and exactly one awaiting 決裁
    assert set(Assessment.objects.values_list("kind", flat=True)) == {"minimal", "full"}
    assert SupportPlan.objects.filter(status="approved").exists()
    assert SupportPlan.objects.filter(status="pending").count() == 1
    # つなぎ, follow-ups (done with a record, due this week), consent, agreements, one provision record
    assert {"started", "coordinating"} <= set(ServiceConnection.objects.values_list("status", flat=True))
    assert FollowUp.objects.filter(status="done", activity__isnull=False).exists()
    assert FollowUp.objects.filter(status="scheduled", due_date__gte=TODAY,
                                   due_date__lte=TODAY + dt.timedelta(days=7)).exists()
    assert Consent.objects.filter(center=center).count() >= 5
    assert SharingAgreement.objects.filter(center=center, valid_to__lte=soon).exists()  # ending soon
    provision = DisclosureRecord.objects.get(center=center)
    assert provision.basis == "consent" and provision.statutory and provision.document_sha256
    # before a case: a pre-consultation for the liaison meeting, a consultation-only contact
    assert PreConsultation.objects.filter(center=center, status="considering", for_liaison_meeting=True).exists()
    assert Consultation.objects.filter(center=center).exists()
    # meetings: a weekly review with outcomes, a morning meeting, a case conference with its minutes
    from yorisoi.meetings.models import Meeting

    assert Meeting.objects.filter(center=center, kind="weekly_review", review_outcomes__isnull=False).exists()
    assert Meeting.objects.filter(center=center, kind="morning", date=TODAY).exists()
    conference = Meeting.objects.get(center=center, kind="case_conference")
    assert conference.has_minutes and conference.decisions.count() == 2 and conference.actions.count() == 2
    assert conference.contacts.count() == 2
    # a 事例検討会 with its anonymised material, released by its author
    study = Meeting.objects.get(center=center, kind="case_study")
    assert study.materials.filter(status="released").count() == 1
    # two persons registered twice (the worker stated "someone else" at intake): pairs for the director to merge
    from yorisoi.people.duplicates import duplicate_candidates
    from yorisoi.people.models import DistinctPersonStatement

    statements = DistinctPersonStatement.objects.filter(person__center=center).select_related("person", "other")
    assert statements.count() >= 2
    director = Staff.objects.get(username="kanri")
    for statement in statements[:2]:
        twin = statement.person
        found = duplicate_candidates(actor=director, family_name=twin.family_name, given_name=twin.given_name,
                                     family_name_kana=twin.family_name_kana, given_name_kana=twin.given_name_kana,
                                     birth_date=twin.birth_date)
        assert statement.other in [c.person for c in found]
    # and the director's inbox shows them, with a plan to decide
    box = inbox(Staff.objects.get(username="kanri"), today=TODAY, scope=CENTER)
    kinds = {item.kind for item in box.overdue + box.due_today + box.coming}
    assert {"protection", "release", "procedure", "follow_up", "agreement"} <= kinds
    assert len(box.approvals) == 1
    # センター運営: the staffing table, vehicles with a month of trips (checks complete), a lost phone wiped
    from yorisoi.office.models import Incident, StaffMember, Trip, Vehicle

    assert StaffMember.objects.filter(center=center).count() == 7
    assert Vehicle.objects.filter(center=center).count() == 2
    assert Trip.objects.filter(center=center).count() >= 10
    assert all(trip.checks_complete for trip in Trip.objects.filter(center=center))
    assert Incident.objects.get(center=center).wipe_confirmed
    assert {"vehicle", "incident"} <= kinds
    # 医療連携: the list of medication and visits not secured and health checks due is not empty
    from yorisoi.medical.selectors import continuity_list

    continuity = continuity_list(user=Staff.objects.get(username="kanri"), today=TODAY, days=14, check_days=30)
    assert continuity.supply and continuity.unbooked and continuity.checks
    assert {m.state for m in continuity.supply} >= {"out", "unknown"}
    assert Organization.objects.filter(center=center, is_medical_partner=True).exists()


def test_persons_live_in_the_prefecture_of_the_directory_and_their_agencies_are_its_organizations():
    seed("--persons", str(N))
    center = demo_center()
    organizations = list(Organization.objects.filter(center=center).select_related("kind"))
    names = {str(o) for o in organizations} | {o.name for o in organizations}
    municipalities = {o.municipality for o in organizations if o.municipality}
    people = list(Person.objects.filter(center=center))
    assert {p.prefecture for p in people if p.prefecture} == {center.prefecture} == {"みどり県"}
    assert {p.municipality for p in people if p.municipality} <= municipalities
    assert all(p.postal_code.startswith("000-") for p in people if p.postal_code)  # never allocated
    offices = {str(o) for o in organizations if o.kind.code == "municipality"}
    assert all(p.public_assistance_office in offices for p in people if p.public_assistance_office)
    referred = Case.objects.filter(center=center).exclude(referral_source__in=["court", "self_or_family", "other"])
    assert referred.exists()
    assert set(referred.values_list("referral_agency", flat=True)) <= names
    placed = Placement.objects.filter(center=center, organization__isnull=False).select_related("organization")
    assert placed.exists() and all(p.organization.center_id == center.pk for p in placed)


def test_make_run_twice_keeps_the_data_and_adds_nothing():
    models = (Person, Case, Activity, Organization, Placement, CaseProcedure, Consent, SupportPlan, FollowUp)
    seed("--persons", "12", "--seed", "1", "--if-empty")
    counts = {model: model.objects.count() for model in models}
    mine = PersonFactory(center=demo_center(), family_name="利用者", given_name="入力")
    counts[Person] += 1
    out = seed("--persons", "12", "--seed", "1", "--if-empty")
    assert "作成済み" in out
    assert {model: model.objects.count() for model in models} == counts
    assert Person.objects.filter(pk=mine.pk).exists()


def test_no_certificate_renewal_is_years_overdue_in_the_demo():
    # the first screen of やること once opened with 「療育手帳の更新・再判定 令和2年11月3日 2225日超過」
    from yorisoi.people.models import DisabilityCertificate

    seed("--persons", str(N), "--detailed", "0")
    renewals = [c.renewal_due for c in DisabilityCertificate.objects.exclude(renewal_due=None)]
    assert renewals and min(renewals) >= TODAY - dt.timedelta(days=200)
