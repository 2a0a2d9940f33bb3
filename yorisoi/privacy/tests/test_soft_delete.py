"""Soft delete and restore: director only, with a reason, logged, cascading to what the record owns, and
restoring exactly what was deleted with it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import verified_client
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy, services
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.privacy.roles import Role
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

REASON = "重複して登録されていたため（テスト）"


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def person(case):
    return case.person


@pytest.fixture
def records(case):
    return [ActivityFactory(case=case), ActivityFactory(case=case)]


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def test_director_soft_deletes_a_person_with_their_cases_and_records(person, case, records, director):
    counts = services.soft_delete_person(actor=director, person=person, reason=REASON)
    assert counts == {"cases.case": 1, "records.activity": 2}
    stamp = fresh(person).deleted_at
    assert stamp is not None
    assert fresh(case).deleted_at == stamp
    assert {fresh(r).deleted_at for r in records} == {stamp}
    assert not policy.persons_for(director).filter(pk=person.pk).exists()
    assert not policy.cases_for(director).filter(pk=case.pk).exists()
    assert not policy.activities_for(director).exists()


def test_the_deletion_is_logged_with_the_reason_and_what_went_with_it(person, case, records, director):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    row = AccessLog.objects.get(action=AccessAction.DELETE)
    assert (row.staff, row.object_type, row.object_id, row.person_id_value) == (
        director, "people.person", person.pk, person.pk)
    assert REASON in row.detail
    assert "支援ケース 1件" in row.detail and "支援経過記録 2件" in row.detail


def test_the_change_history_names_who_deleted_and_why(person, case, records, director):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    for obj in (person, case, *records):
        last = obj.history.order_by("-history_id").first()
        assert (last.history_user, last.history_change_reason) == (director, REASON), obj
        assert last.deleted_at is not None


def test_deleting_bumps_the_version_so_an_open_edit_form_is_refused(person, director):
    version = person.version
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    assert fresh(person).version == version + 1


@pytest.mark.parametrize("role", ["worker", "colleague", "clerk", "auditor"])
def test_only_the_director_may_delete_or_restore(request, person, director, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.soft_delete_person(actor=user, person=person, reason=REASON)
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    with pytest.raises(PermissionDenied):
        services.restore_person(actor=user, person=fresh(person))


def test_a_director_of_another_center_may_not_delete(person, other_center):
    from yorisoi.accounts.models import Role
    from yorisoi.accounts.tests.factories import StaffFactory

    foreign_director = StaffFactory(center=other_center, role=Role.DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.soft_delete_person(actor=foreign_director, person=person, reason=REASON)


def test_a_reason_is_required(person, director):
    with pytest.raises(ValidationError):
        services.soft_delete_person(actor=director, person=person, reason="  ")
    assert fresh(person).deleted_at is None


def test_restore_brings_back_exactly_what_was_deleted_with_it(person, case, records, director):
    earlier = records[0]
    services.soft_delete(actor=director, obj=earlier, reason="誤って登録した記録（テスト）")
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    counts = services.restore_person(actor=director, person=fresh(person), reason="誤って削除したため")
    assert counts == {"cases.case": 1, "records.activity": 1}
    assert fresh(person).deleted_at is None and fresh(case).deleted_at is None
    assert fresh(records[1]).deleted_at is None
    assert fresh(earlier).deleted_at is not None  # deleted on its own before: stays deleted
    row = AccessLog.objects.get(action=AccessAction.RESTORE)
    assert row.staff == director and "誤って削除したため" in row.detail
    last = person.history.order_by("-history_id").first()
    assert (last.history_user, last.history_change_reason) == (director, "誤って削除したため")


def test_a_case_cannot_be_restored_while_its_person_is_deleted(person, case, director):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    with pytest.raises(ValidationError, match="先に対象者を復元してください"):
        services.restore_case(actor=director, case=fresh(case))


def test_deleting_twice_is_refused(person, director):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    with pytest.raises(ValidationError):
        services.soft_delete_person(actor=director, person=fresh(person), reason=REASON)


def test_a_long_reason_stays_whole_in_the_history_and_the_log(person, director):
    reason = "長い理由。" * 60
    services.soft_delete_person(actor=director, person=person, reason=reason)
    assert person.history.order_by("-history_id").first().history_change_reason == reason
    assert AccessLog.objects.get(action=AccessAction.DELETE).detail.startswith(f"理由: {reason[:200]}")


# --- pages -------------------------------------------------------------------------------------------


def test_the_director_deletes_through_the_confirmation_page(person, case, director_client):
    page = director_client.get(f"/privacy/delete/person/{person.pk}/")
    assert page.status_code == 200
    assert "支援ケース 1件" in page.content.decode()
    response = director_client.post(f"/privacy/delete/person/{person.pk}/", {"reason": REASON})
    assert response.status_code == 302 and response.url == "/privacy/deleted/"
    assert fresh(person).deleted_at is not None
    assert director_client.get(f"/people/{person.pk}/").status_code == 404


def test_the_delete_page_without_a_reason_keeps_the_form(person, director_client):
    response = director_client.post(f"/privacy/delete/person/{person.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "削除の理由を入力してください。" in response.content.decode()
    assert fresh(person).deleted_at is None


def test_delete_and_restore_pages_answer_403_to_other_roles_and_404_to_other_centers(
        person, director, worker_client, clerk_client, auditor_client, outsider_client, other_center):
    other_director = verified_client(StaffFactory(center=other_center, role=Role.DIRECTOR))
    for client in (worker_client, clerk_client, auditor_client, outsider_client):
        assert client.get(f"/privacy/delete/person/{person.pk}/").status_code == 403  # the role, before any lookup
        assert client.post(f"/privacy/delete/person/{person.pk}/", {"reason": REASON}).status_code == 403
    assert other_director.get(f"/privacy/delete/person/{person.pk}/").status_code == 404
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    for client in (worker_client, clerk_client, auditor_client, outsider_client):
        assert client.post(f"/privacy/restore/person/{person.pk}/").status_code == 403
    assert other_director.post(f"/privacy/restore/person/{person.pk}/").status_code == 404
    assert fresh(person).deleted_at is not None


def test_unknown_kinds_are_404(person, director_client):
    assert director_client.get(f"/privacy/delete/staff/{person.pk}/").status_code == 404
    assert director_client.get(f"/privacy/delete/accounts.staff/{person.pk}/").status_code == 404


def test_the_deleted_list_shows_who_deleted_what_and_why_and_restores(person, case, records, director,
                                                                     director_client):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    page = director_client.get("/privacy/deleted/").content.decode()
    assert person.family_name in page
    assert REASON in page and str(director) in page
    # the case and records went with the person and come back with them: not listed on their own
    assert case.number not in page and "支援経過記録" not in page
    response = director_client.post(f"/privacy/restore/person/{person.pk}/")
    assert response.status_code == 302
    assert fresh(person).deleted_at is None and fresh(case).deleted_at is None
    assert "削除済みの記録はありません。" in director_client.get("/privacy/deleted/").content.decode()


def test_a_case_deleted_on_its_own_is_listed_with_its_person(center, director, director_client):
    case = CaseFactory(person=PersonFactory(center=center))
    services.soft_delete_case(actor=director, case=case, reason="別に削除したケース（テスト）")
    page = director_client.get("/privacy/deleted/").content.decode()
    assert case.number in page and case.person.family_name in page


def test_the_deleted_list_is_for_the_director_only(worker_client, clerk_client, auditor_client, outsider_client):
    for client in (worker_client, clerk_client, auditor_client, outsider_client):
        assert client.get("/privacy/deleted/").status_code == 403


def test_the_deleted_list_shows_only_the_own_center(other_center, director, director_client):
    from yorisoi.accounts.models import Role
    from yorisoi.accounts.tests.factories import StaffFactory

    foreign = PersonFactory(center=other_center, family_name="他県削除")
    services.soft_delete_person(actor=StaffFactory(center=other_center, role=Role.DIRECTOR), person=foreign,
                                reason=REASON)
    assert "他県削除" not in director_client.get("/privacy/deleted/").content.decode()


def test_restore_refused_for_a_case_of_a_deleted_person_shows_why(person, case, director, director_client):
    services.soft_delete_person(actor=director, person=person, reason=REASON)
    response = director_client.post(f"/privacy/restore/case/{case.pk}/")
    assert response.status_code == 200
    assert "先に対象者を復元してください" in response.content.decode()


def test_models_with_deleted_at_are_the_soft_deletable_ones():
    assert services.soft_deletable_model("person") is Person
    assert services.soft_deletable_model("case") is Case
    assert services.soft_deletable_model("activity") is Activity
    assert services.soft_deletable_model("accounts.staff") is None
    assert services.soft_deletable_model("nonsense") is None
    assert services.soft_deletable_model("people.historicalperson") is None
    assert Person.history.model not in services.purge_order()
