"""「この記録を見た人」: accesses to one person, for directors, auditors and the workers in charge of the person."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def person(case):
    return case.person


def test_directors_auditors_and_the_worker_in_charge_see_who_looked(person, colleague, director_client,
                                                                      auditor_client, worker_client):
    log_access(actor=colleague, action=AccessAction.PRINT, obj=person, person_id=person.pk, detail="同僚の印刷")
    for client in (director_client, auditor_client, worker_client):
        response = client.get(f"/privacy/people/{person.pk}/access/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "この記録を見た人" in page
        assert str(colleague) in page and "同僚の印刷" in page


def test_sub_staff_in_charge_also_sees_it(person, case, colleague, colleague_client):
    case.sub_staff = colleague
    case.save()
    assert colleague_client.get(f"/privacy/people/{person.pk}/access/").status_code == 200


def test_unassigned_colleagues_and_clerks_do_not(person, colleague, colleague_client, clerk_client):
    for client in (colleague_client, clerk_client):
        assert client.get(f"/privacy/people/{person.pk}/access/").status_code == 403
    assert AccessLog.objects.filter(staff=colleague, action=AccessAction.DENIED, section="access_history").exists()


def test_another_centers_person_is_404(person, outsider_client, director_client, other_center):
    assert outsider_client.get(f"/privacy/people/{person.pk}/access/").status_code == 404
    foreign = PersonFactory(center=other_center)
    assert director_client.get(f"/privacy/people/{foreign.pk}/access/").status_code == 404
    assert director_client.get("/privacy/people/999999/access/").status_code == 404


def test_only_this_persons_rows_are_listed(center, person, worker, director_client):
    someone_else = PersonFactory(center=center)
    log_access(actor=worker, action=AccessAction.VIEW, obj=someone_else, person_id=someone_else.pk,
               detail="別の人の閲覧")
    log_access(actor=worker, action=AccessAction.VIEW, obj=person, person_id=person.pk, detail="この人の閲覧")
    page = director_client.get(f"/privacy/people/{person.pk}/access/").content.decode()
    assert "この人の閲覧" in page and "別の人の閲覧" not in page


def test_opening_the_access_history_is_logged(person, director, director_client):
    director_client.get(f"/privacy/people/{person.pk}/access/")
    row = AccessLog.objects.get(staff=director, section="access_history")
    assert (row.action, row.person_id_value) == (AccessAction.VIEW, person.pk)


def render_partial(user, person) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load privacy_tags %}{% person_access_history person %}")
    return template.render(Context({"request": request, "person": person}))


def test_the_embedded_partial_shows_the_last_ten_accesses_and_logs_nothing(person, worker, director):
    for n in range(12):
        log_access(actor=worker, action=AccessAction.VIEW, obj=person, person_id=person.pk, section=f"s{n:02d}")
    before = AccessLog.objects.count()
    html = render_partial(director, person)
    assert AccessLog.objects.count() == before
    assert 'id="access-history"' in html
    assert "s11" in html and "s02" in html and "s01" not in html
    assert f'href="/privacy/people/{person.pk}/access/"' in html


def test_the_embedded_partial_is_empty_for_users_who_may_not_see_it(person, colleague, clerk, outsider):
    for user in (colleague, clerk, outsider):
        assert render_partial(user, person).strip() == ""


def render_tag(user, text: str, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load privacy_tags %}" + text).render(Context({"request": request, **context})).strip()


def test_the_audit_link_is_shown_to_directors_and_auditors_only(director, auditor, worker, clerk):
    for user in (director, auditor):
        assert 'href="/privacy/audit/"' in render_tag(user, "{% audit_nav_link %}")
    for user in (worker, clerk):
        assert render_tag(user, "{% audit_nav_link %}") == ""


def test_the_delete_link_is_shown_to_the_director_only(person, case, director, worker, auditor, outsider):
    assert f'href="/privacy/delete/person/{person.pk}/"' in render_tag(
        director, "{% soft_delete_link person %}", person=person)
    assert f'href="/privacy/delete/case/{case.pk}/"' in render_tag(
        director, '{% soft_delete_link case "ケースを削除" %}', case=case)
    for user in (worker, auditor, outsider):
        assert render_tag(user, "{% soft_delete_link person %}", person=person) == ""
