"""Stored dates outside the date rule are reported (manage.py check_dates) and listed for the director on the
定期処理 page with a link to where they are corrected; no value of the record is printed."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.operations.date_check import center_path, out_of_range
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_center_of_every_kind_of_record_is_found_through_its_foreign_keys():
    from yorisoi.people.models import DisabilityCertificate
    from yorisoi.planning.models import PlanAction

    assert center_path(Person) == "center"
    assert center_path(DisabilityCertificate) == "person__center"
    assert center_path(PlanAction) is not None and center_path(PlanAction).endswith("__center")


def test_the_command_names_model_field_and_id_but_no_value(center, worker):
    person = PersonFactory(center=center)
    Person.objects.filter(pk=person.pk).update(birth_date=dt.date(9999, 12, 31))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("check_dates", stdout=out)
    assert exit_status.value.code == 1
    text = out.getvalue()
    assert f"people.Person.birth_date（対象者の生年月日）: 1件 id={person.pk}" in text
    assert "9999" not in text and person.family_name not in text


def test_the_command_says_so_when_every_date_is_in_range(center):
    PersonFactory(center=center, birth_date=dt.date(1965, 1, 2))
    out = StringIO()
    call_command("check_dates", stdout=out)
    assert "見つかりませんでした" in out.getvalue()


def test_the_director_sees_the_records_of_the_center_with_a_link_and_not_those_of_another(
        center, other_center, director, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    other = CaseFactory(person=PersonFactory(center=other_center))
    type(case).objects.filter(pk__in=[case.pk, other.pk]).update(referral_date=dt.date(1, 1, 1))
    assert [f.count for f in out_of_range(center_id=center.id)] == [1]
    page = verified_client(director).get(reverse("operations:nightly")).content.decode()
    assert "日付の確認" in page and "ケースの依頼日" in page
    assert f'href="{reverse("cases:edit", args=[case.pk])}"' in page
    assert f'href="{reverse("cases:edit", args=[other.pk])}"' not in page
