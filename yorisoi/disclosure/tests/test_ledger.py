"""Agreements warned before expiry, the ledger with its filters and the link to its export (through the export
control of the privacy app), receipts, retention and the purge command."""

import datetime as dt
import os

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from yorisoi.disclosure import selectors, services
from yorisoi.disclosure.models import Basis, DisclosureRecord, Purpose, ReceiptRecord
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.privacy.services import purge_deleted, soft_delete_person

from .factories import AgreementFactory, ConsentFactory, ReceiptFactory, municipality, provider

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def _provide(worker, person, recipient, **values):
    return services.provide_information(actor=worker, person=person, recipient=recipient, purpose=Purpose.WELFARE,
                                        item_codes=values.pop("items", ["phone"]), basis=values.pop("basis",
                                                                                                    Basis.CONSENT),
                                        **values)


@pytest.fixture
def city(center):
    city = municipality(center)
    AgreementFactory(organization=city, valid_from=dt.date(2020, 4, 1), valid_to=None)
    return city


# --- agreements -------------------------------------------------------------------------------------


def test_an_agreement_ending_within_the_warning_days_is_listed_for_the_home_screen(worker, center):
    ending = AgreementFactory(organization=municipality(center), valid_to=dt.date(2027, 1, 31))
    AgreementFactory(organization=provider(center), valid_to=dt.date(2027, 6, 30))
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=JST), tick=False):
        assert selectors.agreements_expiring(worker) == []  # 62 days left
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=JST), tick=False):
        rows = selectors.agreements_expiring(worker)
    assert [(r.agreement, r.days_left) for r in rows] == [(ending, 60)]
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=JST), tick=False):
        (row,) = selectors.agreements_expiring(worker)
        assert row.expired


def test_the_warning_days_are_configurable(worker, center, settings):
    AgreementFactory(organization=municipality(center), valid_to=dt.date(2027, 1, 31))
    settings.YORISOI_AGREEMENT_WARNING_DAYS = 90
    assert len(selectors.agreements_expiring(worker, dt.date(2026, 11, 2))) == 1
    assert selectors.agreements_expiring(worker, dt.date(2026, 11, 2), days=30) == []


def test_the_agreement_list_warns_before_expiry(worker_client, center):
    AgreementFactory(organization=municipality(center), valid_to=dt.date(2026, 12, 15))
    # (back in time: a client travelling forward would pass its session's idle timeout)
    with time_machine.travel(dt.datetime(2026, 11, 15, 9, 0, tzinfo=JST), tick=False):
        text = worker_client.get(reverse("disclosure:agreements")).content.decode()
    assert "期限が近い取り決めがあります" in text and "あと30日" in text


def test_agreements_of_another_center_are_never_listed(outsider, center):
    AgreementFactory(organization=municipality(center), valid_to=dt.date(2027, 1, 31))
    assert selectors.agreements_expiring(outsider, dt.date(2027, 1, 1)) == []


def test_a_director_registers_an_agreement(director_client, center):
    city = municipality(center)
    response = director_client.post(reverse("disclosure:agreement_create"), {
        "organization": city.pk, "title": "個人情報の提供に関する覚書", "purposes": ["welfare"],
        "item_groups": ["basic", "contact"], "valid_from": "令和8年4月1日", "valid_to": "2027-03-31",
        "status": "active"})
    assert response.status_code == 302
    agreement = city.sharing_agreements.get()
    assert agreement.item_groups == ["basic", "contact"] and agreement.valid_to == dt.date(2027, 3, 31)


def test_an_agreement_limited_to_some_items_refuses_others(worker, person, center):
    city = municipality(center)
    AgreementFactory(organization=city, item_groups=["contact"], valid_from=dt.date(2024, 4, 1), valid_to=None)
    ConsentFactory(person=person)
    from yorisoi.disclosure.services import ProvisionRefused

    with pytest.raises(ProvisionRefused, match="取り決めの対象項目に「健康（要配慮個人情報）」が含まれていません"):
        _provide(worker, person, city, items=["phone", "medication"])
    assert _provide(worker, person, city, items=["phone"]).agreement is not None


# --- ledger -------------------------------------------------------------------------------------------


def test_the_ledger_lists_and_filters_the_centers_provisions(worker, worker_client, person, city, center):
    ConsentFactory(person=person)
    first = _provide(worker, person, city)
    other = PersonFactory(center=center, family_name="仮名", given_name="次郎")
    second = _provide(worker, other, city, basis=Basis.LAW, legal_reason="法令に基づく照会（架空）")
    page = worker_client.get(reverse("disclosure:ledger"))
    assert [r.pk for r in page.context["page"]] == [second.pk, first.pk]
    by_basis = worker_client.get(reverse("disclosure:ledger"), {"basis": "law"})
    assert [r.pk for r in by_basis.context["page"]] == [second.pk]
    by_person = worker_client.get(reverse("disclosure:ledger"), {"person": "仮名 次郎"})
    assert [r.pk for r in by_person.context["page"]] == [second.pk]
    by_id = worker_client.get(reverse("disclosure:ledger"), {"person": f"#{person.pk}"})
    assert [r.pk for r in by_id.context["page"]] == [first.pk]


def test_the_ledger_shows_only_the_own_center(outsider_client, worker, person, city):
    ConsentFactory(person=person)
    _provide(worker, person, city)
    page = outsider_client.get(reverse("disclosure:ledger"))
    assert page.status_code == 200 and list(page.context["page"]) == []


def test_the_ledger_query_count_stays_constant(worker, worker_client, person, city, django_assert_max_num_queries):
    ConsentFactory(person=person)
    for _ in range(5):
        _provide(worker, person, city)
    with django_assert_max_num_queries(25):
        worker_client.get(reverse("disclosure:ledger"))


def test_the_ledger_offers_its_export_through_the_export_control(auditor_client, worker_client):
    """The ledger leaves yorisoi only through a request a director approves (privacy/tests/test_exports.py)."""
    page = auditor_client.get(reverse("disclosure:ledger"), {"basis": "consent"}).content.decode()
    assert f'{reverse("reports:export_create")}?target=disclosure_ledger&amp;basis=consent' in page
    assert "target=disclosure_ledger" not in worker_client.get(reverse("disclosure:ledger")).content.decode()


# --- receipts ----------------------------------------------------------------------------------------------


def test_a_worker_records_a_receipt(worker_client, worker, person, center):
    prosecutors = provider(center, name="さいたま地方検察庁")
    response = worker_client.post(reverse("disclosure:receipt_create", args=[person.pk]), {
        "received_on": "2026-11-02", "provider": prosecutors.pk, "item_groups": ["basic", "justice"],
        "items_detail": "特別調整協力等依頼書", "obtained_how": "duties", "obtained_note": "",
        "confirmation_note": "依頼書の記載で確認", "staff": worker.pk})
    assert response.status_code == 302
    receipt = ReceiptRecord.objects.get()
    assert (receipt.person, receipt.provider_name, receipt.item_groups) == (person, str(prosecutors),
                                                                           ["basic", "justice"])
    listed = worker_client.get(reverse("disclosure:receipts"))
    assert "特別調整協力等依頼書" in listed.content.decode()


def test_a_receipt_needs_the_confirmation(worker_client, worker, person, center):
    response = worker_client.post(reverse("disclosure:receipt_create", args=[person.pk]), {
        "received_on": "2026-11-02", "provider": provider(center).pk, "obtained_how": "duties",
        "confirmation_note": "", "staff": worker.pk})
    assert "確認の方法・記録を入力してください" in response.content.decode()


# --- retention ----------------------------------------------------------------------------------------------


def test_the_purge_command_removes_only_records_past_the_retention_period(worker, person, city, center,
                                                                        django_capture_on_commit_callbacks):
    ConsentFactory(person=person, consented_on=dt.date(2022, 1, 1))
    with time_machine.travel(dt.datetime(2023, 5, 1, 9, 0, tzinfo=JST), tick=False):
        old = _provide(worker, person, city)
        ReceiptFactory(person=person, received_on=dt.date(2023, 5, 1))
    with time_machine.travel(dt.datetime(2024, 6, 1, 9, 0, tzinfo=JST), tick=False):
        young = _provide(worker, person, city)
    old_file = old.document.path
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=JST), tick=False):
        call_command("purge_disclosure_records")  # without --yes: counts only
        assert DisclosureRecord.objects.count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_disclosure_records", "--yes")
    assert list(DisclosureRecord.objects.all()) == [young]
    assert not ReceiptRecord.objects.exists()
    assert not os.path.exists(old_file)
    rows = AccessLog.objects.filter(username="system:purge_disclosure_records", action=AccessAction.DELETE)
    assert rows.filter(center_id_value=center.id, detail__contains="提供記録 1件・受領記録 1件").exists()


def test_the_retention_period_is_configurable(worker, person, city, settings):
    ConsentFactory(person=person, consented_on=dt.date(2022, 1, 1))
    with time_machine.travel(dt.datetime(2023, 5, 1, 9, 0, tzinfo=JST), tick=False):
        _provide(worker, person, city)
    settings.YORISOI_DISCLOSURE_RETENTION_YEARS = 5
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=JST), tick=False):
        services.purge_expired_records()
    assert DisclosureRecord.objects.count() == 1


def test_a_person_with_a_provision_record_is_kept_by_the_deletion_purge(director, worker, person, city):
    """The retention purge of soft-deleted records cannot take the person while the ledger names them."""
    ConsentFactory(person=person)
    _provide(worker, person, city)
    soft_delete_person(actor=director, person=person, reason="テスト")
    with time_machine.travel(dt.datetime(2030, 1, 1, 9, 0, tzinfo=JST)):
        purge_deleted(older_than_days=30)
    assert DisclosureRecord.objects.count() == 1
    person.refresh_from_db()
    assert person.deleted_at is not None


def test_there_is_no_delete_page_for_records():
    from django.urls import get_resolver

    names = [n for n in get_resolver().reverse_dict if isinstance(n, str)]
    assert not [n for n in names if "delete" in n and "record" in n]
    from yorisoi.disclosure import urls

    assert not [p for p in urls.urlpatterns if "delete" in str(p.pattern) or "purge" in str(p.pattern)]
