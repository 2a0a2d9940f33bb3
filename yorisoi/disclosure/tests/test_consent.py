"""Consent: versioned wording frozen after first use, recording with a scanned form (checked, private, logged
download), withdrawal, and the consent partial of the person page."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from yorisoi.disclosure import services
from yorisoi.disclosure.models import Consent, ConsentTemplate, Purpose
from yorisoi.partners.tests.factories import kind
from yorisoi.privacy.models import AccessAction, AccessLog

from .factories import ConsentFactory, ConsentTemplateFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
PDF = b"%PDF-1.4\n% test consent form\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _consent_data(template, **extra):
    return {"template": template.pk, "purposes": [Purpose.WELFARE, Purpose.HOUSING],
            "agency_kinds": [kind("municipality").pk, kind("hospital").pk], "consented_on": "令和8年11月9日",
            "form": "written", "taken_by": extra.pop("taken_by"), "note": "", **extra}


def test_a_director_creates_versions_of_the_wording(director, center):
    first = services.create_consent_template(actor=director, title="同意書", body="第1版の文面")
    second = services.create_consent_template(actor=director, title="同意書", body="第2版の文面")
    assert (first.version, second.version) == (1, 2)


def test_a_template_version_is_frozen_once_a_person_has_agreed(director, worker, person):
    template = services.create_consent_template(actor=director, title="同意書", body="最初の文面")
    services.update_consent_template(actor=director, template=template, title="同意書", body="直した文面")
    services.record_consent(actor=worker, person=person, template=template, purposes=[Purpose.WELFARE],
                            agency_kinds=[kind("municipality")], consented_on=dt.date(2026, 11, 9), form="oral",
                            taken_by=worker)
    template.refresh_from_db()
    assert template.is_frozen
    with pytest.raises(ValidationError, match="すでに同意に使われたため変更できません"):
        services.update_consent_template(actor=director, template=template, title="同意書", body="もう一度直す")
    assert ConsentTemplate.objects.get(pk=template.pk).body == "直した文面"


def test_the_edit_page_of_a_frozen_version_says_so_and_changes_nothing(director_client, center, person):
    template = ConsentTemplateFactory(center=center, frozen_at=NOW)
    page = director_client.get(reverse("disclosure:template_edit", args=[template.pk]))
    assert "変更できません" in page.content.decode()
    response = director_client.post(reverse("disclosure:template_edit", args=[template.pk]),
                                     {"title": "改", "body": "改めた文面"})
    assert response.status_code == 200
    template.refresh_from_db()
    assert template.body != "改めた文面"


def test_a_worker_records_a_consent_with_a_scanned_form(worker_client, worker, person, center):
    template = ConsentTemplateFactory(center=center)
    upload = SimpleUploadedFile("同意書.pdf", PDF, content_type="application/pdf")
    response = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]),
                                  _consent_data(template, taken_by=worker.pk, file=upload))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.consented_on == dt.date(2026, 11, 9)
    assert consent.purposes == [Purpose.WELFARE, Purpose.HOUSING]
    assert {k.code for k in consent.agency_kinds.all()} == {"municipality", "hospital"}
    assert consent.file_name == "同意書.pdf" and "同意書" not in consent.file.name  # a random name on disk
    template.refresh_from_db()
    assert template.is_frozen
    download = worker_client.get(reverse("disclosure:consent_file", args=[consent.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, object_id=consent.pk,
                                    section="consent_file").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("scan.exe", b"MZ\x90\x00", "添付できるのは PDF・JPEG・PNG のファイルだけです。"),
    ("scan.png", PDF, "ファイル名の拡張子と中身の形式が一致しません。"),
])
def test_an_attachment_of_the_wrong_type_is_refused_in_japanese(worker_client, worker, person, center, name, content,
                                                                message):
    template = ConsentTemplateFactory(center=center)
    upload = SimpleUploadedFile(name, content)
    response = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]),
                                  _consent_data(template, taken_by=worker.pk, file=upload))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(worker_client, worker, person, center, settings):
    settings.YORISOI_DISCLOSURE_ATTACHMENT_MAX_MB = 1
    template = ConsentTemplateFactory(center=center)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]),
                                  _consent_data(template, taken_by=worker.pk, file=upload))
    assert "ファイルが大きすぎます。1MB以下のファイルにしてください" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_consent_needs_a_purpose_and_a_kind(worker_client, worker, person, center):
    template = ConsentTemplateFactory(center=center)
    data = _consent_data(template, taken_by=worker.pk)
    data.update(purposes=[], agency_kinds=[])
    text = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]), data).content.decode()
    assert "利用目的を1つ以上選んでください。" in text and "提供先の種別を1つ以上選んでください。" in text


def test_withdrawing_a_consent(worker_client, person):
    consent = ConsentFactory(person=person)
    response = worker_client.post(reverse("disclosure:consent_withdraw", args=[consent.pk]),
                                  {"version": consent.version, "withdrawn_on": "2026-11-10", "method": "oral",
                                   "note": "電話で申出"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawal_method) == (dt.date(2026, 11, 10), "oral")
    assert not consent.in_force_on(dt.date(2026, 11, 10))
    assert consent.in_force_on(dt.date(2026, 11, 9))


def test_a_stale_withdrawal_is_refused(worker_client, person):
    consent = ConsentFactory(person=person, version=3)
    response = worker_client.post(reverse("disclosure:consent_withdraw", args=[consent.pk]),
                                  {"version": 2, "withdrawn_on": "2026-11-10", "method": "oral"})
    assert response.status_code == 409
    assert "保存できませんでした" in response.content.decode()


def _render_partial(user, person) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load disclosure_tags %}{% person_consents person %}").render(
        Context({"request": request, "person": person}))


def test_the_person_page_partial_warns_when_no_consent(worker, person):
    assert "同意未取得" in _render_partial(worker, person)


def test_the_person_page_partial_shows_the_scope_of_the_consent(worker, person):
    ConsentFactory(person=person, purposes=[Purpose.WELFARE, Purpose.MEDICAL])
    html = _render_partial(worker, person)
    assert "同意未取得" not in html
    assert "福祉サービス調整、医療機関との連携" in html and "市区町村" in html


def test_the_person_page_partial_warns_after_withdrawal(worker, person):
    ConsentFactory(person=person, withdrawn_on=dt.date(2026, 11, 1), withdrawal_method="written")
    html = _render_partial(worker, person)
    assert "同意未取得" in html and "令和8年11月1日に撤回" in html


def test_the_person_page_partial_shows_nothing_to_a_clerk(clerk, person):
    assert "同意" not in _render_partial(clerk, person)
