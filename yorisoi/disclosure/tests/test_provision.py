"""Providing information: refused without consent or legal basis, with a withdrawn consent or without an
agreement; accepted with consent covering the recipient's kind, or with a legal basis; the document holds only
the ticked items (HTML and PDF); the record, the PDF and the PROVIDE log row are written in one transaction."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from yorisoi.disclosure import services
from yorisoi.disclosure.models import Basis, DisclosureRecord, Purpose
from yorisoi.partners.tests.factories import kind
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.tests.factories import ActivityFactory

from .factories import AgreementFactory, ConsentFactory, municipality, provider

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def city(center):
    city = municipality(center)
    AgreementFactory(organization=city)
    return city


def _post(client, person, recipient, *, items=("phone", "wishes"), basis=Basis.CONSENT, reason="",
          purpose=Purpose.WELFARE, action="provide", activities=()):
    data = {"recipient": recipient.pk, "purpose": purpose, "items": list(items), "basis": basis,
            "legal_reason": reason, "note": "", action: "1"}
    if activities:
        data["activities"] = [a.pk for a in activities]
    return client.post(reverse("disclosure:provide", args=[person.pk]), data)


def _pdf_text(record) -> str:
    with record.document.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages)


def test_provision_without_consent_or_legal_basis_is_refused_with_a_japanese_message(worker_client, person, city):
    response = _post(worker_client, person, city)
    assert response.status_code == 200
    text = response.content.decode()
    assert "本人の同意が確認できないため提供できません。" in text
    assert "この対象者の同意は記録されていません。" in text
    assert not DisclosureRecord.objects.exists()
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="disclosure",
                                    person_id_value=person.pk).exists()


def test_provision_with_a_withdrawn_consent_is_refused(worker_client, person, city):
    ConsentFactory(person=person, withdrawn_on=dt.date(2026, 11, 1), withdrawal_method="oral")
    response = _post(worker_client, person, city)
    text = response.content.decode()
    assert "同意は令和8年11月1日に撤回されています。" in text
    assert not DisclosureRecord.objects.exists()


def test_a_consent_withdrawn_later_still_covered_the_days_before(worker, person, city):
    consent = ConsentFactory(person=person, withdrawn_on=dt.date(2026, 11, 20), withdrawal_method="written")
    record = services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                          item_codes=["phone"], basis=Basis.CONSENT)
    assert record.consent == consent


def test_provision_with_consent_not_covering_the_recipients_kind_is_refused(worker_client, person, center):
    ConsentFactory(person=person)  # municipalities only
    office = provider(center)
    AgreementFactory(organization=office)
    response = _post(worker_client, person, office)
    assert "同意の範囲に提供先の種別「相談支援事業所」が含まれていません。" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_provision_with_consent_for_another_purpose_is_refused(worker_client, person, city):
    ConsentFactory(person=person, purposes=[Purpose.HOUSING])
    response = _post(worker_client, person, city)
    assert "同意の利用目的に「福祉サービス調整」が含まれていません。" in response.content.decode()


def test_provision_with_consent_covering_the_kind_is_accepted_and_recorded(worker_client, worker, person, city):
    consent = ConsentFactory(person=person)
    response = _post(worker_client, person, city)
    record = DisclosureRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure:record_detail", args=[record.pk])
    assert (record.person, record.recipient, record.staff, record.basis, record.consent) == (
        person, city, worker, Basis.CONSENT, consent)
    assert record.provided_on == dt.date(2026, 11, 10)
    assert record.items == ["phone", "wishes"]
    assert record.item_summary == "氏名、連絡先・住所（電話番号）、本人の意向（本人の言葉で）"
    assert record.recipient_is_public_body and not record.statutory  # a municipality: recorded anyway, flagged
    assert record.document and len(record.document_sha256) == 64
    log = AccessLog.objects.get(action=AccessAction.PROVIDE)
    assert (log.staff_id, log.object_id, log.person_id_value, log.section) == (worker.pk, record.pk, person.pk,
                                                                                "disclosure")


def test_a_provision_with_consent_to_a_private_body_is_a_statutory_record(worker, person, center):
    office = provider(center)
    AgreementFactory(organization=office)
    ConsentFactory(person=person, kinds=[kind("consultation_support")])
    record = services.provide_information(actor=worker, person=person, recipient=office, purpose=Purpose.WELFARE,
                                          item_codes=["phone"], basis=Basis.CONSENT)
    assert record.statutory and not record.recipient_is_public_body


def test_provision_with_a_legal_basis_without_consent_is_accepted(worker_client, person, city):
    response = _post(worker_client, person, city, basis=Basis.LAW, reason="生活保護法29条に基づく照会（架空）")
    assert response.status_code == 302
    record = DisclosureRecord.objects.get()
    assert (record.basis, record.consent) == (Basis.LAW, None)
    assert record.legal_reason == "生活保護法29条に基づく照会（架空）"
    assert not record.statutory


def test_a_legal_basis_needs_a_reason(worker_client, person, city):
    response = _post(worker_client, person, city, basis=Basis.LAW, reason="")
    assert "同意以外の根拠で提供するときは、根拠の説明・理由を入力してください。" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_without_an_agreement_a_consent_is_not_enough(worker_client, person, center):
    city = municipality(center)
    ConsentFactory(person=person)
    response = _post(worker_client, person, city)
    text = response.content.decode()
    assert "との情報共有の取り決めが有効ではないため提供できません。" in text
    assert "この機関との取り決めは登録されていません。" in text
    assert not DisclosureRecord.objects.exists()


def test_without_an_agreement_a_legal_basis_still_allows_it(worker, person, center):
    city = municipality(center)
    record = services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                          item_codes=["phone"], basis=Basis.PROTECTION,
                                          legal_reason="本人が意識不明で救急搬送、医療機関からの照会（架空）")
    assert record.agreement is None


def test_an_expired_agreement_is_named_in_the_refusal(worker_client, person, center):
    city = municipality(center)
    AgreementFactory(organization=city, valid_to=dt.date(2026, 10, 31))
    ConsentFactory(person=person)
    response = _post(worker_client, person, city)
    assert "取り決めの有効期間が令和8年10月31日で終わっています。" in response.content.decode()


def test_the_other_basis_without_agreement_is_refused(worker_client, person, center):
    city = municipality(center)
    response = _post(worker_client, person, city, basis=Basis.OTHER, reason="本人の希望（口頭）")
    assert "取り決めが有効ではないため提供できません" in response.content.decode()


def test_the_document_holds_only_the_ticked_items_in_html_and_pdf(worker_client, person, city):
    ConsentFactory(person=person)
    activity = ActivityFactory(case=person.cases.get(), narrative="架空の面接記録：住まいの希望を確認した")
    ActivityFactory(case=person.cases.get(), narrative="提供しない架空の記録：家族との関係")
    _post(worker_client, person, city, items=["phone", "wishes"], activities=[activity])
    record = DisclosureRecord.objects.get()
    html = worker_client.get(reverse("disclosure:record_detail", args=[record.pk])).content.decode()
    pdf = _pdf_text(record)
    for text in ("".join(html.split()), "".join(pdf.split())):  # the PDF's title is letter-spaced
        assert "情報提供書" in text
        assert "架空一郎" in text
        assert "048-000-1234" in text
        assert "地元のみどり市で暮らしたい" in text
        assert "住まいの希望を確認した" in text
        assert "架空錠" not in text  # medication: not ticked
        assert "架空の事件概要" not in text  # justice: not ticked
        assert "家族との関係" not in text  # a record not chosen
        assert "さいたま市浦和区" not in text  # the address: not ticked


def test_the_preview_shows_the_document_and_writes_nothing(worker_client, person, city):
    ConsentFactory(person=person)
    response = _post(worker_client, person, city, action="preview")
    text = response.content.decode()
    assert response.status_code == 200
    assert "情報提供書の確認" in text and "048-000-1234" in text and "架空錠" not in text
    assert not DisclosureRecord.objects.exists()
    assert not AccessLog.objects.filter(action=AccessAction.PROVIDE).exists()


def test_the_pdf_embeds_the_japanese_font(worker, person, city):
    ConsentFactory(person=person)
    record = services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                          item_codes=["phone"], basis=Basis.CONSENT)
    with record.document.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    descendants = [f.get_object()["/DescendantFonts"][0].get_object() for f in fonts]
    assert any("IPAexGothic" in d["/BaseFont"] for d in descendants)
    assert all("/FontFile2" in d["/FontDescriptor"] for d in descendants)


def test_the_record_and_its_log_row_are_written_in_the_same_transaction(worker, person, city, settings, tmp_path):
    """If storing the document fails after the record was written, neither the record nor the log row stay."""
    ConsentFactory(person=person)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker)  # the private storage cannot create its folders under a file
    logs_before = AccessLog.objects.count()
    with pytest.raises(OSError):
        services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                     item_codes=["phone"], basis=Basis.CONSENT)
    assert not DisclosureRecord.objects.exists()
    assert AccessLog.objects.count() == logs_before


def test_the_content_is_stored_as_given_even_if_the_person_changes_later(worker_client, person, city):
    ConsentFactory(person=person)
    _post(worker_client, person, city, items=["phone"])
    person.phone = "048-999-9999"
    person.save()
    record = DisclosureRecord.objects.get()
    assert json.loads(record.content)["groups"][0]["rows"] == [{"label": "電話番号", "value": "048-000-1234"}]
    html = worker_client.get(reverse("disclosure:record_detail", args=[record.pk])).content.decode()
    assert "048-000-1234" in html and "048-999-9999" not in html


def test_the_pdf_is_downloaded_through_the_policy_and_logged(worker, worker_client, person, city):
    ConsentFactory(person=person)
    record = services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                          item_codes=["phone"], basis=Basis.CONSENT)
    response = worker_client.get(reverse("disclosure:record_pdf", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, object_id=record.pk,
                                    section="disclosure_document").exists()


def test_a_worker_may_not_tick_items_of_another_persons_records(worker, person, city, center):
    from django.core.exceptions import PermissionDenied

    from yorisoi.cases.tests.factories import CaseFactory
    from yorisoi.people.tests.factories import PersonFactory

    ConsentFactory(person=person)
    other = ActivityFactory(case=CaseFactory(person=PersonFactory(center=center), main_staff=worker))
    with pytest.raises(PermissionDenied):
        services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                     item_codes=["phone"], activities=[other], basis=Basis.CONSENT)
