"""Center.case_visibility: ALL_STAFF (everyone in the center sees every case) or ASSIGNED (a worker sees only
the cases they are in charge of; directors, clerks and auditors keep the center-wide view)."""

import pytest

from yorisoi.accounts.models import Center
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(center, other_center, worker):
    mine = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    others = CaseFactory(person=PersonFactory(center=center))
    foreign = CaseFactory(person=PersonFactory(center=other_center))
    return {
        "mine": mine, "others": others, "foreign": foreign,
        "mine_record": ActivityFactory(case=mine), "others_record": ActivityFactory(case=others),
        "foreign_record": ActivityFactory(case=foreign),
    }


def assigned_only(center):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()


def visible(user):
    return (set(policy.persons_for(user).values_list("pk", flat=True)),
            set(policy.cases_for(user).values_list("pk", flat=True)),
            set(policy.activities_for(user).values_list("pk", flat=True)))


def test_all_staff_mode_shows_every_case_of_the_center_to_every_role(world, director, worker, colleague, clerk,
                                                                      auditor):
    own = ({world["mine"].person_id, world["others"].person_id}, {world["mine"].pk, world["others"].pk},
           {world["mine_record"].pk, world["others_record"].pk})
    for user in (director, worker, colleague, clerk, auditor):
        assert visible(user) == own, user.username


def test_no_mode_ever_shows_another_centers_rows(world, center, outsider, worker):
    for mode in Center.CaseVisibility.values:
        center.case_visibility = mode
        center.save()
        persons, cases, records = visible(worker)
        assert world["foreign"].person_id not in persons
        assert world["foreign"].pk not in cases
        assert world["foreign_record"].pk not in records
    persons, cases, records = visible(outsider)
    assert persons == {world["foreign"].person_id} and cases == {world["foreign"].pk}


def test_assigned_mode_limits_a_worker_to_their_own_cases(world, center, worker, colleague):
    assigned_only(center)
    assert visible(worker) == ({world["mine"].person_id}, {world["mine"].pk}, {world["mine_record"].pk})
    assert visible(colleague) == (set(), set(), set())


def test_assigned_mode_counts_sub_staff_as_assigned(world, center, colleague):
    assigned_only(center)
    world["others"].sub_staff = colleague
    world["others"].save()
    assert visible(colleague) == ({world["others"].person_id}, {world["others"].pk}, {world["others_record"].pk})


def test_assigned_mode_shows_a_worker_the_persons_they_registered(center, colleague):
    assigned_only(center)
    person = PersonFactory(center=center, created_by=colleague)
    assert policy.persons_for(colleague).filter(pk=person.pk).exists()


def test_assigned_mode_keeps_the_center_wide_view_for_director_clerk_and_auditor(world, center, director, clerk,
                                                                                  auditor):
    assigned_only(center)
    for user in (director, clerk, auditor):
        persons, cases, records = visible(user)
        assert persons == {world["mine"].person_id, world["others"].person_id}, user.username
        assert cases == {world["mine"].pk, world["others"].pk}, user.username
        assert records == {world["mine_record"].pk, world["others_record"].pk}


def test_assigned_mode_does_not_list_a_person_twice_with_several_cases(center, worker):
    assigned_only(center)
    person = PersonFactory(center=center)
    CaseFactory(person=person, main_staff=worker)
    CaseFactory(person=person, sub_staff=worker, main_staff=StaffFactory(center=center))
    assert list(policy.persons_for(worker).values_list("pk", flat=True)) == [person.pk]


def test_soft_deleted_rows_are_invisible_in_every_mode(world, director):
    from django.utils import timezone

    world["others"].deleted_at = timezone.now()
    world["others"].save()
    assert world["others"].pk not in visible(director)[1]


def test_assigned_mode_page_answers(world, center, worker_client, colleague_client, director_client, outsider_client):
    assigned_only(center)
    mine, others, foreign = world["mine"], world["others"], world["foreign"]
    assert worker_client.get(f"/cases/{mine.pk}/").status_code == 200
    assert director_client.get(f"/cases/{others.pk}/").status_code == 200
    assert colleague_client.get(f"/cases/{mine.pk}/").status_code == 403
    assert worker_client.get(f"/cases/{foreign.pk}/").status_code == 404
    assert outsider_client.get(f"/cases/{mine.pk}/").status_code == 404
