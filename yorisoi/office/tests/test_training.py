"""Staff development: the year's plan against what was done, who records what, trainings for partners."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from yorisoi.office import training
from yorisoi.office.models import Training
from yorisoi.partners.tests.factories import OrganizationFactory

from .factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_the_fiscal_year_runs_from_april():
    assert training.fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert training.fiscal_year_of(dt.date(2026, 4, 1)) == 2026


def test_the_plan_shows_what_was_done_and_what_was_not(center, director, worker):
    block = training.add_plan_item(actor=director, fiscal_year=2026, kind="off_jt", title="ブロック研修",
                                   planned_month=10)
    training.add_plan_item(actor=director, fiscal_year=2026, kind="ojt", title="他センターでのOJT")
    member = StaffMemberFactory(center=center, account=worker)
    training.record_training(actor=worker, kind="off_jt", title="関東ブロック研修", start_on=dt.date(2026, 10, 8),
                             hours=6, attendees=[member], plan_item=block, learned="意思決定支援の進め方",
                             changes="面接の記録に本人の言葉を残すようにした")
    year = training.training_year(worker, year=2026)
    assert [(row.item.title, len(row.done)) for row in year.plan] == [("ブロック研修", 1), ("他センターでのOJT", 0)]
    assert year.plan_done == 1 and year.hours == 6
    with pytest.raises(PermissionDenied):
        training.add_plan_item(actor=worker, fiscal_year=2026, kind="off_jt", title="計画")


def test_an_auditor_records_nothing_and_another_centers_agency_is_refused(center, auditor, director, other_center):
    with pytest.raises(PermissionDenied):
        training.record_training(actor=auditor, kind="in_house", title="所内研修", start_on=dt.date(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        training.record_training(actor=director, kind="for_partners", title="制度説明会",
                                 start_on=dt.date(2026, 5, 1),
                                 participations=[(OrganizationFactory(center=other_center), 3)])


def test_a_training_for_partners_lists_the_agencies_and_their_numbers(center, director, director_client):
    city, office = OrganizationFactory(center=center, name="架空市福祉課"), OrganizationFactory(center=center)
    response = director_client.post(reverse("office:training_create"), {
        "kind": "for_partners", "title": "地域生活定着支援の説明会", "start_on": "令和8年7月10日",
        "organizations": [city.pk, office.pk], "participants": "3"})
    assert response.status_code == 200 and "選んだ機関の数だけ" in response.content.decode()
    response = director_client.post(reverse("office:training_create"), {
        "kind": "for_partners", "title": "地域生活定着支援の説明会", "start_on": "令和8年7月10日",
        "organizations": [city.pk, office.pk], "participants": "3、2"})
    assert response.status_code == 302
    done = Training.objects.get()
    assert sorted(p.participants for p in done.participations.all()) == [2, 3]
    page = director_client.get(reverse("office:trainings") + "?year=2026").content.decode()
    assert "架空市福祉課 3人" in page
