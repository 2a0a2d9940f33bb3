"""Who may open which page: workers and directors provide, clerks never (403), auditors read the ledger and
the requests but never write, another center's user gets 404 on every URL naming an object; and the person's
own requests with the subject-access report (directors)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from yorisoi.disclosure import services
from yorisoi.disclosure.models import Basis, DataSubjectRequest, Purpose, RequestOutcome
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.tests.factories import ActivityFactory

from .factories import (
    AgreementFactory,
    ConsentFactory,
    ConsentTemplateFactory,
    ReceiptFactory,
    RequestFactory,
    municipality,
)

pytestmark = pytest.mark.django_db
ROLES = ["director", "worker", "clerk", "auditor", "outsider"]


@pytest.fixture
def world(center, worker, person):
    city = municipality(center)
    agreement = AgreementFactory(organization=city, valid_from=dt.date(2020, 4, 1), valid_to=None)
    agreement.file.save("agreement.pdf", ContentFile(b"%PDF-1.4 agreement"), save=False)
    agreement.file_name, agreement.file_type = "協定書.pdf", "application/pdf"
    agreement.save()
    consent = ConsentFactory(person=person, consented_on=dt.date(2026, 1, 5))
    consent.file.save("consent.pdf", ContentFile(b"%PDF-1.4 consent"), save=False)
    consent.file_name, consent.file_type = "同意書.pdf", "application/pdf"
    consent.save()
    record = services.provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                          item_codes=["phone", "medication"], basis=Basis.CONSENT)
    return {"person": person, "consent": consent, "agreement": agreement, "record": record,
            "template": consent.template, "request": RequestFactory(person=person)}


# url name, object kind (None: a page without an object), expected for director worker clerk auditor outsider
# (the outsider, a worker of another center, is refused by a director-only page's rule before any object is read)
PAGES = [
    ("disclosure:person", "person", "200 200 403 200 404"),
    ("disclosure:consent_create", "person", "200 200 403 403 404"),
    ("disclosure:provide", "person", "200 200 403 403 404"),
    ("disclosure:receipt_create", "person", "200 200 403 403 404"),
    ("disclosure:request_create", "person", "200 403 403 403 403"),
    ("disclosure:consent_detail", "consent", "200 200 403 200 404"),
    ("disclosure:consent_withdraw", "consent", "200 200 403 403 404"),
    ("disclosure:consent_file", "consent", "200 200 403 200 404"),
    ("disclosure:templates", None, "200 200 403 200 200"),
    ("disclosure:template_create", None, "200 403 403 403 403"),
    ("disclosure:template_detail", "template", "200 200 403 200 404"),
    ("disclosure:template_edit", "template", "200 403 403 403 403"),
    ("disclosure:agreements", None, "200 200 403 200 200"),
    ("disclosure:agreement_create", None, "200 200 403 403 200"),  # workers draft one (in their own center)
    ("disclosure:agreement_detail", "agreement", "200 200 403 200 404"),
    ("disclosure:agreement_edit", "agreement", "200 403 403 403 403"),
    ("disclosure:agreement_file", "agreement", "200 200 403 200 404"),
    ("disclosure:ledger", None, "200 200 403 200 200"),
    ("disclosure:record_detail", "record", "200 200 403 200 404"),
    ("disclosure:record_pdf", "record", "200 200 403 200 404"),
    ("disclosure:receipts", None, "200 200 403 200 200"),
    ("disclosure:requests", None, "200 403 403 200 403"),
    ("disclosure:request_edit", "request", "200 403 403 200 403"),
    ("disclosure:request_report", "request", "200 403 403 403 403"),
]


@pytest.mark.parametrize(("name", "kind", "spec"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_answers_each_role_as_expected(request, world, name, kind, spec):
    expected = dict(zip(ROLES, (int(s) for s in spec.split()), strict=True))
    url = reverse(name, args=[world[kind].pk] if kind else [])
    got = {role: request.getfixturevalue(f"{role}_client").get(url).status_code for role in ROLES}
    assert got == expected


def test_a_clerk_may_not_provide_even_by_posting(clerk_client, world):
    response = clerk_client.post(reverse("disclosure:provide", args=[world["person"].pk]), {
        "recipient": world["agreement"].organization_id, "purpose": "welfare", "items": ["phone"],
        "basis": "consent", "provide": "1"})
    assert response.status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="disclosure.write").exists()


def test_an_auditor_never_writes(auditor_client, world):
    person = world["person"]
    assert auditor_client.post(reverse("disclosure:provide", args=[person.pk]), {}).status_code == 403
    assert auditor_client.post(reverse("disclosure:consent_create", args=[person.pk]), {}).status_code == 403
    assert auditor_client.post(reverse("disclosure:request_edit", args=[world["request"].pk]),
                               {"outcome": "fulfilled"}).status_code == 403


def test_a_worker_cannot_tick_health_items_they_may_not_see_nor_clerks_open_documents_with_them(clerk_client,
                                                                                                  world):
    assert clerk_client.get(reverse("disclosure:record_pdf", args=[world["record"].pk])).status_code == 403


def test_a_director_records_and_completes_a_request(director_client, person):
    response = director_client.post(reverse("disclosure:request_create", args=[person.pk]), {
        "kind": "disclosure", "received_on": "2026-11-02", "requester": "本人", "content": "記録を見たい",
        "handling": "", "outcome": "pending", "outcome_note": "", "completed_on": ""})
    found = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    refused = director_client.post(reverse("disclosure:request_edit", args=[found.pk]), {
        "version": found.version, "kind": "disclosure", "received_on": "2026-11-02", "requester": "本人",
        "content": "記録を見たい", "handling": "開示した", "outcome": "fulfilled", "outcome_note": "",
        "completed_on": ""})
    assert "結果を選んだときは対応完了日を入力してください。" in refused.content.decode()
    done = director_client.post(reverse("disclosure:request_edit", args=[found.pk]), {
        "version": found.version, "kind": "disclosure", "received_on": "2026-11-02", "requester": "本人",
        "content": "記録を見たい", "handling": "一覧をお渡しした", "outcome": "fulfilled", "outcome_note": "",
        "completed_on": "2026-11-05"})
    assert done.status_code == 302
    found.refresh_from_db()
    assert (found.outcome, found.completed_on) == (RequestOutcome.FULFILLED, dt.date(2026, 11, 5))


def test_the_subject_access_report_holds_everything_about_the_person(director_client, world, worker):
    person = world["person"]
    ActivityFactory(case=person.cases.get(), author=worker, narrative="架空の訪問記録：体調を確認した")
    ReceiptFactory(person=person, items_detail="判決書の写し（架空）")
    url = reverse("disclosure:request_report", args=[world["request"].pk])
    html = director_client.get(url).content.decode()
    for text in ("保有個人データの開示", person.full_name, "048-000-1234", "架空錠（テスト用）朝夕", "架空の事件概要",
                 "地元のみどり市で暮らしたい", person.cases.get().number, "架空の訪問記録：体調を確認した",
                 world["record"].recipient_name, "判決書の写し（架空）", "この記録へのアクセスの概要", "情報提供"):
        assert text in html, text
    response = director_client.get(url, {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "保有個人データの開示" in text and "".join(person.full_name.split()) in text
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, section="subject_access",
                                    person_id_value=person.pk).exists()
    assert AccessLog.objects.filter(action=AccessAction.PRINT, section="subject_access").exists()


def test_the_consent_template_of_another_center_is_404(outsider_client, center):
    template = ConsentTemplateFactory(center=center)
    assert outsider_client.get(reverse("disclosure:template_detail", args=[template.pk])).status_code == 404
