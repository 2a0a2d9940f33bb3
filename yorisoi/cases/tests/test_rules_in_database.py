"""Two rules of cases kept by the database too: main ≠ sub staff, and one active 注意事項 per label.

The pages show the rule's Japanese message beside the field and keep what was typed; a row written around
the services (a script, the admin, a race between two users) is refused by the database itself.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from yorisoi.cases import services
from yorisoi.cases.models import FLAG_ALREADY_ACTIVE, SAME_MAIN_AND_SUB_STAFF, Case, CaseFlag
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


def _error_beside(field_id: str, message: str) -> str:
    """The error paragraph that templates/_field.html draws under the field."""
    return f'<p class="error" id="{field_id}_error">{message}</p>'


# --- main ≠ sub staff -------------------------------------------------------------------------------------


def test_edit_page_shows_the_rule_beside_sub_staff_and_keeps_the_input(case, worker, worker_client):
    response = worker_client.post(reverse("cases:edit", args=[case.pk]), {
        "kind": case.kind, "referral_source": case.referral_source, "referral_agency": case.referral_agency,
        "referral_officer": "入力した担当者（架空）", "referral_contact": "", "referral_date": "2026-11-01",
        "expected_release_date": "", "release_place": "", "start_date": "", "main_staff": worker.pk,
        "sub_staff": worker.pk, "version": case.version})
    assert response.status_code == 200
    body = response.content.decode()
    assert _error_beside("id_sub_staff", SAME_MAIN_AND_SUB_STAFF) in body
    assert 'value="入力した担当者（架空）"' in body
    case.refresh_from_db()
    assert (case.sub_staff, case.version) == (None, 1)


def test_service_refuses_the_same_staff_twice_with_the_message_on_sub_staff(case, worker):
    with pytest.raises(ValidationError) as caught:
        services.update_case(actor=worker, case=case, expected_version=case.version, sub_staff=worker)
    assert caught.value.message_dict == {"sub_staff": [SAME_MAIN_AND_SUB_STAFF]}
    case.refresh_from_db()
    assert (case.sub_staff, case.version) == (None, 1)


def test_the_database_refuses_the_same_staff_as_main_and_sub(case, worker, colleague):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(sub_staff=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(person=case.person, main_staff=colleague, sub_staff=colleague)
    Case.objects.filter(pk=case.pk).update(sub_staff=colleague)  # two people, or only a main one, are fine
    Case.objects.filter(pk=case.pk).update(sub_staff=None)


# --- one active 注意事項 per label ---------------------------------------------------------------------------


def test_adding_an_active_label_again_shows_the_rule_beside_the_label_and_keeps_the_input(case, worker_client):
    CaseFlagFactory(case=case, label="医療的ケア")
    response = worker_client.post(reverse("cases:add_flag", args=[case.pk]), {
        "flag-label": "医療的ケア", "flag-instruction": "入力した指示（架空）"})
    assert response.status_code == 200
    body = response.content.decode()
    assert _error_beside("id_flag-label", FLAG_ALREADY_ACTIVE) in body
    assert 'value="医療的ケア"' in body
    assert "入力した指示（架空）</textarea>" in body
    assert CaseFlag.objects.filter(case=case).count() == 1


def test_reactivating_a_label_that_is_active_again_is_refused_in_japanese(case, worker_client):
    ended = CaseFlagFactory(case=case, label="医療的ケア", active=False)
    CaseFlagFactory(case=case, label="医療的ケア")
    response = worker_client.post(reverse("cases:flag_active", args=[case.pk, ended.pk]), {"active": "1"},
                                  follow=True)
    assert FLAG_ALREADY_ACTIVE in response.content.decode()
    ended.refresh_from_db()
    assert ended.active is False


def test_an_ended_label_may_be_added_again(case, worker):
    CaseFlagFactory(case=case, label="医療的ケア", active=False)
    services.add_case_flag(actor=worker, case=case, label="医療的ケア")
    assert list(CaseFlag.objects.filter(case=case).values_list("active", flat=True).order_by("id")) == [False, True]


def test_the_database_refuses_a_second_active_flag_of_a_label(case):
    CaseFlagFactory(case=case, label="医療的ケア")
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFlagFactory(case=case, label="医療的ケア")
    ended = CaseFlagFactory(case=case, label="医療的ケア", active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFlag.objects.filter(pk=ended.pk).update(active=True)
    CaseFlagFactory(case=CaseFactory(person=case.person), label="医療的ケア")  # another case: its own header


def test_full_clean_reports_a_second_active_flag_in_japanese(case, worker):
    CaseFlagFactory(case=case, label="医療的ケア")
    with pytest.raises(ValidationError) as caught:
        CaseFlag(case=case, label="医療的ケア", created_by=worker).full_clean()
    assert caught.value.message_dict == {"__all__": [FLAG_ALREADY_ACTIVE]}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite runs writers one at a time (IMMEDIATE transactions): no race to provoke")
def test_two_users_adding_the_same_label_at_once_get_one_flag_and_a_japanese_message(center, worker, colleague,
                                                                                    monkeypatch):
    """Both pass the service's check before either commits; the unique index decides, the loser is told why."""
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    barrier = threading.Barrier(2)
    original = services._save_flag
    refused = []

    def save_after_both_checked(flag, **kwargs):
        barrier.wait(timeout=10)
        original(flag, **kwargs)

    def add(actor):
        try:
            services.add_case_flag(actor=actor, case=case, label="医療的ケア")
        except ValidationError as error:
            refused.append(error.message_dict)
        finally:
            connections.close_all()

    monkeypatch.setattr(services, "_save_flag", save_after_both_checked)
    threads = [threading.Thread(target=add, args=(actor,)) for actor in (worker, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert refused == [{"label": [FLAG_ALREADY_ACTIVE]}]
    assert CaseFlag.objects.filter(case=case, active=True).count() == 1
