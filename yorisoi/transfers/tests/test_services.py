"""Sending a case to another center goes through disclosure (consent or legal basis, agreement, provision record);
the receiving center accepts it into a new case of its own (a new person, or one it already registered with the
same name and birth date); the sending case keeps where it went; nobody else sees the transfer."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory
from yorisoi.cases.models import Case, CaseKind, ReferralSource
from yorisoi.disclosure.models import Basis, DisclosureRecord, ObtainedHow, ReceiptRecord
from yorisoi.disclosure.services import ProvisionRefused
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.models import Activity
from yorisoi.transfers import selectors, services
from yorisoi.transfers.models import Transfer, TransferStatus

from .factories import center_entry, consent_and_agreement, send

pytestmark = pytest.mark.django_db


def _accept(receiver, transfer, **values):
    names = {"family_name": "架空", "given_name": "一郎", "family_name_kana": "カクウ", "given_name_kana": "イチロウ"}
    return services.accept_transfer(actor=receiver, transfer=transfer, kind=values.pop("kind", CaseKind.FOLLOW_UP),
                                    **{**names, **values})


# --- sending ---------------------------------------------------------------------------------------------------


def test_sending_without_consent_or_legal_basis_is_refused_and_writes_nothing(worker, case, entry):
    with pytest.raises(ProvisionRefused) as refused:
        send(worker, case, entry)
    assert "本人の同意が確認できないため提供できません。" in " ".join(refused.value.messages)
    assert not Transfer.objects.exists()
    assert not DisclosureRecord.objects.exists()


def test_sending_with_consent_records_the_provision_and_freezes_the_package(worker, case, entry, consented,
                                                                            other_center):
    consent, agreement = consented
    transfer = send(worker, case, entry)

    record = DisclosureRecord.objects.get()
    assert transfer.disclosure_record == record and transfer.provision_number == record.number
    assert record.recipient == entry and record.person == case.person and record.staff == worker
    assert record.basis == Basis.CONSENT and record.consent == consent and record.agreement == agreement
    assert record.document  # the information-provision PDF is stored with the record
    assert transfer.status == TransferStatus.PENDING and transfer.receiving_center == other_center
    assert transfer.center_id == case.center_id and transfer.item_summary == record.item_summary
    letter = transfer.data["letter"]
    assert letter["provision_number"] == record.number and letter["basis"] == Basis.CONSENT
    assert letter["to_name"] == str(entry) and letter["case_number"] == case.number
    assert AccessLog.objects.filter(action=AccessAction.CREATE, section=services.SECTION, object_id=transfer.pk,
                                    person_id_value=case.person_id).exists()
    assert AccessLog.objects.filter(action=AccessAction.PROVIDE, object_id=record.pk).exists()
    # the sending case's timeline says what went where
    note = Activity.objects.get(case=case)
    assert transfer.number in note.narrative and str(entry) in note.narrative


def test_a_legal_basis_needs_no_consent_nor_agreement(worker, case, other_center):
    bare = center_entry(case.center, target_center=other_center)
    transfer = send(worker, case, bare, basis=Basis.LAW, legal_reason="保護観察所からの法令に基づく依頼（テスト）")
    assert transfer.disclosure_record.basis == Basis.LAW and transfer.disclosure_record.consent is None


def test_the_package_holds_only_the_ticked_items(worker, case, entry, consented):
    transfer = send(worker, case, entry, items=["kana", "birth_date", "wishes"])
    fields = transfer.data["person"]["fields"]
    assert fields["birth_date"] == "1958-06-03" and "medication" not in fields and "phone" not in fields
    labels = [row["label"] for group in transfer.data["content"]["groups"] for row in group["rows"]]
    assert "常用薬" not in labels and "電話番号" not in labels and "生年月日" in labels


def test_the_recipient_must_be_another_center(worker, case, consented):
    office = OrganizationFactory(center=case.center)  # a consultation office, not a center
    with pytest.raises(ValidationError) as error:
        send(worker, case, office)
    assert "他の地域生活定着支援センター" in str(error.value)


def test_a_case_has_one_active_transfer_and_a_withdrawn_one_can_be_sent_again(worker, case, entry, consented):
    first = send(worker, case, entry)
    with pytest.raises(ValidationError, match="すでに「受入待ち」の引継ぎ"):
        send(worker, case, entry)
    with pytest.raises(ValidationError):
        services.withdraw_transfer(actor=worker, transfer=first, reason=" ")
    services.withdraw_transfer(actor=worker, transfer=first, reason="本人の転居の予定が取りやめになった")
    assert send(worker, case, entry).status == TransferStatus.PENDING


def test_clerks_and_auditors_cannot_send(clerk, auditor, case, entry, consented):
    for user in (clerk, auditor):
        with pytest.raises(PermissionDenied):
            send(user, case, entry)


def test_a_center_outside_yorisoi_answers_on_paper_and_the_sender_records_it(worker, case, consented):
    paper = center_entry(case.center, name="かすみ県地域生活定着支援センター")
    consent_and_agreement(case.person, paper)
    transfer = send(worker, case, paper)
    assert transfer.receiving_center is None and not transfer.on_yorisoi
    with pytest.raises(ValidationError):
        services.record_answer(actor=worker, transfer=transfer, accepted=False, answered_on=dt.date(2026, 11, 10))
    answered = services.record_answer(actor=worker, transfer=transfer, accepted=True,
                                      answered_on=dt.date(2026, 11, 10), note="電話で受入の回答")
    assert answered.status == TransferStatus.ACCEPTED and answered.answered_by == worker


# --- receiving ---------------------------------------------------------------------------------------------------


def test_accepting_creates_the_person_and_case_in_the_receiving_center(worker, case, entry, consented, receiver,
                                                                        other_center):
    transfer = send(worker, case, entry)
    assert list(selectors.incoming_for(receiver)) == [transfer]

    accepted = _accept(receiver, transfer)

    new_case, person = accepted.receiving_case, accepted.receiving_person
    assert new_case.center == other_center and person.center == other_center and new_case.person == person
    assert person.pk != case.person_id and new_case.pk != case.pk
    assert (person.family_name, person.given_name, person.birth_date) == ("架空", "一郎", dt.date(1958, 6, 3))
    assert person.medication == "架空錠（テスト用）朝夕" and person.phone == "048-000-1234"
    assert new_case.referral_source == ReferralSource.OTHER_CENTER and new_case.referral_agency == case.center.name
    assert new_case.main_staff == receiver and new_case.kind == CaseKind.FOLLOW_UP
    summary = Activity.objects.get(case=new_case)
    assert transfer.number in summary.narrative and "依頼する支援の内容" in summary.narrative
    receipt = ReceiptRecord.objects.get(person=person)
    assert receipt.center == other_center and receipt.obtained_how == ObtainedHow.CONSENT
    assert receipt.provider.center == other_center and receipt.provider.name == case.center.name
    assert accepted.receipt_record == receipt
    # the sending case records where it went; its own rows are untouched
    sent = selectors.transfers_of_case(case)
    assert [(t.status, t.receiving_center, t.answered_by_name) for t in sent] == [
        (TransferStatus.ACCEPTED, other_center, str(receiver))]
    assert Case.objects.get(pk=case.pk).center == case.center
    assert AccessLog.objects.filter(action=AccessAction.UPDATE, section=services.INCOMING_SECTION,
                                    object_id=transfer.pk, person_id_value=person.pk).exists()


def test_a_summary_longer_than_one_record_holds_continues_in_the_next_record(worker, case, entry, consented,
                                                                             receiver):
    from yorisoi.common.text import TEXT_MAX_LENGTH

    from .factories import letter

    reason, support = "経緯の説明。" * 1000, "支援の内容。" * 1000  # each within a text box's limit, together not
    accepted = _accept(receiver, send(worker, case, entry, letter=letter(reason=reason, support_requested=support)))
    records = list(Activity.objects.filter(case=accepted.receiving_case).order_by("pk"))
    assert len(records) == 2
    assert [r.narrative.split("\n", 1)[0] for r in records] == ["（1/2）", "（2/2）"]
    assert all(len(r.narrative) <= TEXT_MAX_LENGTH for r in records)
    text = "\n".join(r.narrative.split("\n", 1)[1] for r in records)
    assert reason in text and support in text and accepted.number in text


def test_accepting_links_a_person_already_registered_with_the_same_name_and_birth_date(worker, case, entry,
                                                                                         consented, receiver,
                                                                                         other_center):
    known = PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1958, 6, 3),
                          medication="")
    PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1960, 1, 1))
    transfer = send(worker, case, entry)
    assert selectors.matching_persons(receiver, transfer) == [known]

    before = Person.objects.count()
    accepted = services.accept_transfer(actor=receiver, transfer=transfer, kind=CaseKind.FOLLOW_UP, person=known)

    assert Person.objects.count() == before
    assert accepted.receiving_person == known and accepted.receiving_case.person == known
    known.refresh_from_db()
    assert known.medication == ""  # the face sheet of a known person is left as it is


def test_a_new_person_is_refused_while_a_person_of_the_same_name_was_not_shown(worker, case, entry, consented,
                                                                             receiver, other_center):
    """The same-name check of every registration (people.services.register_person), under the center's lock: a
    person of the same name (here another birth date, so not offered as a match) stops the registration."""
    from yorisoi.people.services import SameNameError

    namesake = PersonFactory(center=other_center, family_name="架空", given_name="一郎",
                             birth_date=dt.date(1960, 1, 1))
    transfer = send(worker, case, entry)
    people, cases = Person.objects.count(), Case.objects.count()

    with pytest.raises(SameNameError) as refused:
        _accept(receiver, transfer)
    assert refused.value.candidates == [namesake]
    assert (Person.objects.count(), Case.objects.count()) == (people, cases)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING

    accepted = _accept(receiver, Transfer.objects.get(pk=transfer.pk), same_name_seen={namesake.pk})
    assert accepted.receiving_person != namesake and Person.objects.count() == people + 1


def _transfer_of_a_namesake(worker, entry):
    """Another case of the sending center, of a person with the same name and birth date as `case`'s (a duplicate
    there), sent to the same receiving center."""
    from yorisoi.cases.tests.factories import CaseFactory

    from .factories import consent_and_agreement

    twin = PersonFactory(center=worker.center, family_name="架空", given_name="一郎", family_name_kana="カクウ",
                         given_name_kana="イチロウ", birth_date=dt.date(1958, 6, 3))
    consent_and_agreement(twin, entry)
    return send(worker, CaseFactory(person=twin, main_staff=worker), entry)


def test_a_second_transfer_of_the_same_name_asks_before_registering_a_second_person(worker, case, entry, consented,
                                                                                     receiver):
    first, second = send(worker, case, entry), _transfer_of_a_namesake(worker, entry)
    person = _accept(receiver, first).receiving_person
    with pytest.raises(ValidationError, match="同じ名前の人がいます"):
        _accept(receiver, Transfer.objects.get(pk=second.pk))
    assert Person.objects.filter(center=receiver.center, family_name="架空").count() == 1
    assert selectors.accept_candidates(receiver, second) == [person]  # same name and birth date: offered to link


@pytest.fixture
def seeded_kinds():
    """The shared organization kinds as their migration seeds them: an earlier transaction test may have emptied the
    table (a flush), and `entry` needs 他の地域生活定着支援センター."""
    from importlib import import_module

    from django.apps import apps

    import_module("yorisoi.partners.migrations.0002_seed_organization_kinds").seed(apps, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the in-memory shared-cache SQLite test database answers 'table is locked' to concurrent "
                           "writers instead of queuing them (people/tests/test_register_race.py)")
@pytest.mark.usefixtures("seeded_kinds")
def test_simultaneous_acceptances_of_one_name_register_one_person(worker, case, entry, consented, receiver):
    """The check and the insert are one step per center (common.locks.lock_center in register_person)."""
    tries = 5
    transfers = [send(worker, case, entry)] + [_transfer_of_a_namesake(worker, entry) for _ in range(tries - 1)]
    start = threading.Barrier(tries)
    outcomes, errors = [], []

    def accept(pk):
        try:
            start.wait(timeout=60)
            _accept(receiver, Transfer.objects.get(pk=pk))
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append("asked" if "同じ名前の人がいます" in " ".join(error.messages) else repr(error))
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(t.pk,)) for t in transfers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert sorted(outcomes) == ["accepted"] + ["asked"] * (tries - 1)
    assert Person.objects.filter(center=receiver.center, family_name="架空").count() == 1


def test_no_match_without_a_birth_date_in_the_package(worker, case, entry, consented, receiver, other_center):
    PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1958, 6, 3))
    transfer = send(worker, case, entry, items=["kana", "wishes"])
    assert selectors.matching_persons(receiver, transfer) == []


def test_a_person_of_another_center_cannot_be_linked(worker, case, entry, consented, receiver):
    with pytest.raises(PermissionDenied):
        services.accept_transfer(actor=receiver, transfer=send(worker, case, entry), kind=CaseKind.FOLLOW_UP,
                                 person=case.person)


def test_a_transfer_cannot_be_accepted_twice(worker, case, entry, consented, receiver, other_center):
    transfer = send(worker, case, entry)
    _accept(receiver, transfer)
    colleague = StaffFactory(center=other_center, role=Role.WORKER, username="receiving-colleague")
    with pytest.raises(ValidationError, match="すでに「引継ぎ済み」"):
        _accept(colleague, Transfer.objects.get(pk=transfer.pk))
    with pytest.raises(ValidationError):
        services.decline_transfer(actor=receiver, transfer=transfer, reason="重複")
    assert Case.objects.filter(center=other_center).count() == 1


def test_a_new_person_needs_a_name_and_its_reading(worker, case, entry, consented, receiver):
    transfer = send(worker, case, entry)
    with pytest.raises(ValidationError) as error:
        _accept(receiver, transfer, family_name=" ", family_name_kana="")
    assert set(error.value.message_dict) == {"family_name", "family_name_kana"}
    assert Transfer.objects.get().status == TransferStatus.PENDING


def test_a_withdrawn_transfer_cannot_be_accepted(worker, case, entry, consented, receiver):
    transfer = send(worker, case, entry)
    services.withdraw_transfer(actor=worker, transfer=transfer, reason="本人の予定が変わった")
    with pytest.raises(ValidationError, match="取消"):
        _accept(receiver, transfer)


def test_declining_needs_a_reason_that_goes_back_to_the_sender(worker, case, entry, consented, receiver):
    transfer = send(worker, case, entry)
    with pytest.raises(ValidationError):
        services.decline_transfer(actor=receiver, transfer=transfer, reason="")
    services.decline_transfer(actor=receiver, transfer=transfer, reason="転居先が当県ではなかった")
    sent = selectors.transfers_of_case(case)[0]
    assert sent.status == TransferStatus.DECLINED and sent.answer_note == "転居先が当県ではなかった"


def test_other_centers_neither_see_nor_accept_it(worker, colleague, case, entry, consented, receiver):
    transfer = send(worker, case, entry)
    third = CenterFactory(name="第三県地域生活定着支援センター", prefecture="千葉県")
    stranger = StaffFactory(center=third, role=Role.DIRECTOR, username="third-director")
    assert not selectors.incoming_for(stranger).exists() and selectors.get_incoming(stranger, transfer.pk) is None
    assert selectors.sent_in_center(stranger, transfer.pk) is None
    assert selectors.sent_in_center(receiver, transfer.pk) is None  # the receiver reads it as incoming only
    for user in (stranger, worker, colleague):  # the sender cannot accept its own transfer either
        with pytest.raises(PermissionDenied):
            _accept(user, transfer)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING


def test_auditors_of_the_receiving_center_cannot_accept(worker, case, entry, consented, other_center):
    auditor = StaffFactory(center=other_center, role=Role.AUDITOR, username="receiving-auditor")
    with pytest.raises(PermissionDenied):
        _accept(auditor, send(worker, case, entry))
