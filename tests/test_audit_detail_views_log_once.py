"""Every view of a person or case page writes exactly one access-log row: who, which record, which person."""

import pytest
from django.urls import reverse

from conftest import verified_client
from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

# URL name → which object of the case fixture it shows. Add a detail page of a person or case here.
DETAIL_PAGES = {
    "people:detail": "person",
    "cases:detail": "case",
}
ROLES = ["director", "worker", "colleague", "clerk", "auditor"]


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(DETAIL_PAGES))
def test_a_detail_view_writes_exactly_one_access_log_row(request, case, url_name, role):
    user = request.getfixturevalue(role)
    client = verified_client(user)
    obj = case if DETAIL_PAGES[url_name] == "case" else case.person
    before = AccessLog.objects.count()
    response = client.get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 200
    new_rows = list(AccessLog.objects.order_by("id")[before:])
    assert len(new_rows) == 1, [(r.action, r.section) for r in new_rows]
    row = new_rows[0]
    assert (row.staff_id, row.action, row.object_type, row.object_id, row.person_id_value,
            row.center_id_value) == (user.pk, AccessAction.VIEW, obj._meta.label_lower, obj.pk, case.person_id,
                                     case.center_id)
    assert row.ip_address == "127.0.0.1"


@pytest.mark.parametrize("url_name", sorted(DETAIL_PAGES))
def test_a_detail_view_opened_through_break_glass_also_writes_one_row(case, center, colleague, url_name):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    client = verified_client(colleague)
    obj = case if DETAIL_PAGES[url_name] == "case" else case.person
    client.post(f"/privacy/break-glass/{DETAIL_PAGES[url_name]}/{obj.pk}/", {"reason": "緊急の連絡（テスト）"})
    before = AccessLog.objects.count()
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 200
    assert AccessLog.objects.count() == before + 1


def test_every_detail_page_in_the_table_exists():
    for name in DETAIL_PAGES:
        reverse(name, args=[1])
