"""「一覧で表示」: a page that shows several persons writes one access-log row naming them (policy.log_listed), sealed
in the center's chain with the row; a person's access history and the audit screen show those rows too."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy
from yorisoi.privacy.audit import chain_key, log_access, verify_chains
from yorisoi.privacy.models import AccessAction, AccessLog, AccessLogPerson
from yorisoi.privacy.tests.tampering import tampering

pytestmark = pytest.mark.django_db


def page_request(user):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    request.user = user
    return request


def listed(row) -> list[int]:
    return sorted(AccessLogPerson.objects.filter(log=row).values_list("person_id_value", flat=True))


@pytest.fixture
def persons(center):
    return [PersonFactory(center=center) for _ in range(3)]


def test_a_list_writes_one_row_naming_each_person_once(persons, worker):
    case = CaseFactory(person=persons[0], main_staff=worker)
    before = AccessLog.objects.count()
    # persons, objects of a person (a case) and ids: the case's person and the first person are the same person
    policy.log_listed(page_request(worker), [*persons, case, persons[1].pk, None], section="person_list")
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("id")
    assert (row.staff_id, row.action, row.section, row.person_id_value, row.detail) == (
        worker.pk, AccessAction.VIEW, "person_list", None, "listed=3")
    assert listed(row) == sorted(p.pk for p in persons)


def test_an_empty_list_writes_nothing_unless_the_page_is_always_logged(worker):
    before = AccessLog.objects.count()
    policy.log_listed(page_request(worker), [], section="case_list")
    assert AccessLog.objects.count() == before
    policy.log_listed(page_request(worker), [], section="disclosure_ledger", always=True, detail="条件なし")
    row = AccessLog.objects.latest("id")
    assert (row.section, row.detail, listed(row)) == ("disclosure_ledger", "条件なし", [])


def test_the_cost_of_a_list_row_does_not_grow_with_the_persons_shown(center, worker):
    log_access(actor=worker, action=AccessAction.VIEW, detail="チェーンの開始")  # the chain's head exists

    def queries(n):
        shown = [PersonFactory(center=center) for _ in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            policy.log_listed(page_request(worker), shown, section="person_list")
        return len(ctx.captured_queries)

    assert queries(2) == queries(50)


def test_the_persons_of_a_list_row_are_sealed_with_it(persons, worker, center):
    policy.log_listed(page_request(worker), persons, section="person_list")
    row = AccessLog.objects.latest("id")
    log_access(actor=worker, action=AccessAction.VIEW, detail="後の行")
    assert all(report.ok for report in verify_chains())
    with tampering():  # hide that the list showed the first person
        AccessLogPerson.objects.filter(log=row, person_id_value=persons[0].pk).delete()
    report = {r.chain: r for r in verify_chains()}[chain_key(center.pk)]
    assert [(r.pk, why) for r, why in report.problems] == [(row.pk, "この行の内容が変更されています")]


def test_a_person_added_to_a_list_row_afterwards_is_noticed(persons, worker, center):
    policy.log_listed(page_request(worker), persons[:2], section="person_list")
    row = AccessLog.objects.latest("id")
    with tampering():
        AccessLogPerson.objects.create(log=row, person_id_value=persons[2].pk)
    report = {r.chain: r for r in verify_chains()}[chain_key(center.pk)]
    assert [r.pk for r, _why in report.problems] == [row.pk]


def test_the_person_list_page_logs_the_persons_it_shows(persons, worker, worker_client):
    response = worker_client.get("/people/")
    assert response.status_code == 200
    row = AccessLog.objects.filter(staff=worker, section="person_list").get()
    assert listed(row) == sorted(p.pk for p in persons)


def test_the_access_history_of_a_person_shows_the_lists_that_showed_them(persons, worker, colleague, director_client):
    shown, other = persons[0], persons[1]
    policy.log_listed(page_request(colleague), [shown, persons[2]], section="case_list", detail="この人を含む一覧")
    policy.log_listed(page_request(colleague), [other], section="case_list", detail="この人を含まない一覧")
    page = director_client.get(f"/privacy/people/{shown.pk}/access/").content.decode()
    assert "この人を含む一覧" in page and "一覧で表示" in page
    assert "この人を含まない一覧" not in page
    face_sheet = director_client.get(f"/people/{shown.pk}/").content.decode()  # the embedded last accesses
    assert "ケースの一覧（一覧で表示）" in face_sheet


def test_the_audit_screen_counts_the_persons_of_a_list_row_and_finds_it_by_person(persons, colleague,
                                                                                 director_client):
    policy.log_listed(page_request(colleague), persons[:2], section="inbox")
    page = director_client.get("/privacy/audit/").content.decode()
    assert "一覧で表示（2人）" in page and "やること" in page
    found = director_client.get(f"/privacy/audit/?person={persons[1].pk}").content.decode()
    assert "一覧で表示（2人）" in found
    not_found = director_client.get(f"/privacy/audit/?person={persons[2].pk}").content.decode()
    assert "一覧で表示（2人）" not in not_found


def test_the_audit_screen_lists_the_persons_it_names(persons, worker, director, director_client):
    log_access(actor=worker, action=AccessAction.VIEW, obj=persons[0], person_id=persons[0].pk)
    director_client.get("/privacy/audit/")
    row = AccessLog.objects.filter(staff=director, section="audit").get()
    assert listed(row) == [persons[0].pk]
