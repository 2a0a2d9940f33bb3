"""Documents of a procedure: PDF, JPEG or PNG up to 10MB, Japanese errors, private storage, downloads through the
policy with a DOWNLOAD row in the access log."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.procedures.models import ProcedureDocument
from yorisoi.procedures.tests.factories import CaseProcedureFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def procedure(case):
    return CaseProcedureFactory(case=case)


def _upload(client, procedure, name, content, content_type="application/octet-stream"):
    url = reverse("procedures:document_upload", args=[procedure.case_id, procedure.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("申請書控え.pdf", PDF, "application/pdf"), ("手帳の写し.PNG", PNG, "image/png"),
    ("通知.jpeg", JPEG, "image/jpeg"), ("通知.jpg", JPEG, "image/jpeg")])
def test_pdf_jpeg_and_png_are_accepted(procedure, worker_client, private_media, name, content, content_type):
    response = _upload(worker_client, procedure, name, content)
    assert response.status_code == 302
    document = ProcedureDocument.objects.get(procedure=procedure)
    assert (document.original_name, document.content_type, document.size) == (name, content_type, len(content))
    # stored under a random name in the private area, not under the original name
    assert document.file.name.startswith(f"procedures/{procedure.center_id}/")
    assert "申請書" not in document.file.name and "手帳" not in document.file.name
    assert os.path.exists(os.path.join(private_media, "private", document.file.name))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("メモ.txt", b"plain text", "添付できるのは PDF・JPEG・PNG のファイルだけです。"),
    ("偽物.pdf", b"MZ\x90\x00 not a pdf", "添付できるのは PDF・JPEG・PNG のファイルだけです。"),
    ("画像.pdf", PNG, "拡張子と中身の形式が一致しません"),
    ("空.pdf", b"", "選んだファイルが空です。"),
])
def test_other_files_are_refused_in_japanese(procedure, worker_client, name, content, message):
    response = _upload(worker_client, procedure, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProcedureDocument.objects.exists()


def test_a_file_over_10mb_is_refused(procedure, worker_client):
    response = _upload(worker_client, procedure, "大きい.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 200
    assert "ファイルが大きすぎます。10MB以下のファイルにしてください" in response.content.decode()
    assert not ProcedureDocument.objects.exists()


@override_settings(YORISOI_PROCEDURE_DOCUMENT_MAX_MB=1)
def test_the_size_limit_comes_from_settings(procedure, worker_client):
    response = _upload(worker_client, procedure, "大きい.pdf", PDF + b"0" * (1024 * 1024))
    assert "1MB以下" in response.content.decode()


def test_download_is_served_through_the_policy_and_logged(procedure, worker, worker_client):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    response = worker_client.get(reverse("procedures:document_download", args=[procedure.case_id, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    row = AccessLog.objects.filter(action=AccessAction.DOWNLOAD).get()
    assert (row.staff, row.object_id, row.person_id_value, row.section) == (
        worker, document.pk, procedure.case.person_id, "procedure_document")


def test_clerk_and_auditor_may_download_but_auditor_may_not_upload(procedure, worker_client, clerk_client,
                                                                   auditor_client):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    url = reverse("procedures:document_download", args=[procedure.case_id, document.pk])
    assert clerk_client.get(url).status_code == 200
    assert auditor_client.get(url).status_code == 200
    assert _upload(auditor_client, procedure, "b.pdf", PDF).status_code == 403
    assert auditor_client.post(reverse("procedures:document_delete", args=[procedure.case_id, document.pk])
                               ).status_code == 403
    assert _upload(clerk_client, procedure, "c.pdf", PDF).status_code == 302


def test_another_center_gets_404_and_the_refusal_is_logged(procedure, worker_client, outsider, outsider_client):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    response = outsider_client.get(reverse("procedures:document_download", args=[procedure.case_id, document.pk]))
    assert response.status_code == 404
    assert AccessLog.objects.filter(staff=outsider, action=AccessAction.DENIED).exists()
    assert not AccessLog.objects.filter(staff=outsider, action=AccessAction.DOWNLOAD).exists()


def test_a_document_of_another_case_is_404_under_this_case(procedure, center, worker, worker_client):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    other_case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    url = reverse("procedures:document_download", args=[other_case.pk, document.pk])
    assert worker_client.get(url).status_code == 404


def test_there_is_no_public_url_for_a_document(procedure, worker_client):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


def test_deleting_a_document_removes_the_file(procedure, worker_client, private_media,
                                              django_capture_on_commit_callbacks):
    _upload(worker_client, procedure, "決定通知.pdf", PDF)
    document = ProcedureDocument.objects.get()
    path = os.path.join(private_media, "private", document.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("procedures:document_delete", args=[procedure.case_id, document.pk]))
    assert response.status_code == 302
    assert not ProcedureDocument.objects.exists() and not os.path.exists(path)
