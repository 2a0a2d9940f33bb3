"""The pages: a worker starts a transfer from a case (preview, refusal, send), the sending center's list and
detail (printable, PDF), the receiving center's list and detail, accepting and declining; every page goes through
the rules and writes its access-log row; another center gets 404."""

import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from conftest import verified_client
from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory
from yorisoi.cases.models import Case, CaseKind
from yorisoi.disclosure.models import Basis, DisclosureRecord, Purpose
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.transfers import services
from yorisoi.transfers.models import Transfer, TransferStatus, TransferTarget

from .factories import ITEMS, center_entry, send

pytestmark = pytest.mark.django_db


def _form(entry, *, action="send", items=ITEMS, basis=Basis.CONSENT, **values):
    data = {"recipient": entry.pk, "purpose": Purpose.WELFARE, "items": list(items), "basis": basis,
            "legal_reason": "", "reason": "姉の住む東京都へ転居するため。",
            "support_requested": "転居後のフォローアップ",
            "planned_move_date": "2026-12-01", "destination": "東京都みなと区", "staff_contact": "048-000-0000",
            action: "1"}
    data.update(values)
    return data


def _create_url(case):
    return reverse("transfers:create", args=[case.pk])


def _accept_data(**values):
    data = {"person": "new", "family_name": "架空", "given_name": "一郎", "family_name_kana": "かくう",
            "given_name_kana": "いちろう", "kind": CaseKind.FOLLOW_UP}
    data.update(values)
    return data


def _case_section(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load transfers_tags %}{% case_transfers case %}").render(
        Context({"request": request, "case": case}))


# --- sending ---------------------------------------------------------------------------------------------------


def test_the_preview_shows_the_letter_and_only_the_ticked_items_and_writes_nothing(worker_client, case, entry,
                                                                                   consented):
    response = worker_client.post(_create_url(case), _form(entry, action="preview", items=["phone", "wishes"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "支援業務協力依頼書" in text and "姉の住む東京都へ転居するため。" in text
    assert "048-000-1234" in text and "姉の近くで暮らしたい" in text and "架空錠" not in text
    assert "まだ送付・記録していません" in text
    assert not Transfer.objects.exists() and not DisclosureRecord.objects.exists()


def test_without_consent_the_transfer_is_refused_in_japanese_and_the_refusal_is_logged(worker_client, case,
                                                                                        entry):
    response = worker_client.post(_create_url(case), _form(entry))
    text = response.content.decode()
    assert response.status_code == 200
    assert "本人の同意が確認できないため提供できません。" in text
    assert "姉の住む東京都へ転居するため。" in text  # what was typed is kept
    assert not Transfer.objects.exists()
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section=services.SECTION,
                                    person_id_value=case.person_id).exists()


def test_a_missing_reason_is_asked_for_and_the_ticked_items_are_kept(worker_client, case, entry, consented):
    response = worker_client.post(_create_url(case), _form(entry, reason=""))
    text = response.content.decode()
    assert "依頼の理由・経緯を入力してください。" in text
    assert re.search(r'value="medication"[^>]*checked', text) and not re.search(r'value="address"[^>]*checked', text)
    assert not Transfer.objects.exists()


def test_sending_redirects_to_the_transfer_which_says_where_it_went(worker_client, case, entry, consented,
                                                                    other_center):
    response = worker_client.post(_create_url(case), _form(entry))
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response.url == reverse("transfers:detail", args=[transfer.pk])
    page = worker_client.get(response.url)
    text = page.content.decode()
    assert f"「{other_center}」の受入待ちに届きました" in text
    assert "受入待ち" in text and transfer.provision_number in text and "架空錠（テスト用）朝夕" in text
    assert AccessLog.objects.filter(action=AccessAction.VIEW, section=services.SECTION, object_id=transfer.pk).exists()
    assert transfer.number in worker_client.get(reverse("transfers:list")).content.decode()


def test_the_package_pdf_has_the_letter_and_the_items_in_japanese(worker_client, worker, case, entry, consented):
    transfer = send(worker, case, entry)
    response = worker_client.get(reverse("transfers:pdf", args=[transfer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "支援業務協力依頼書" in text and "情報提供書" in text and "架空" in text
    assert transfer.provision_number in text
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, object_id=transfer.pk,
                                    section="transfer_document").exists()


def test_a_closed_case_offers_no_form(worker_client, case):
    Case.objects.filter(pk=case.pk).update(phase="closed", end_date="2026-11-01", closure_outcome="moved")
    text = worker_client.get(_create_url(case)).content.decode()
    assert "終結しているため" in text and 'name="send"' not in text


def test_clerks_get_403_and_other_centers_404_on_the_form(clerk_client, auditor_client, outsider_client, case):
    assert clerk_client.get(_create_url(case)).status_code == 403
    assert auditor_client.get(_create_url(case)).status_code == 403
    assert outsider_client.get(_create_url(case)).status_code == 404


def test_withdrawing_needs_a_reason_and_hides_the_package_from_the_receiver(worker_client, worker, outsider_client,
                                                                            case, entry, consented):
    transfer = send(worker, case, entry)
    url = reverse("transfers:withdraw", args=[transfer.pk])
    assert "取り消す理由を入力してください。" in worker_client.post(url, {"reason": ""}).content.decode()
    assert worker_client.post(url, {"reason": "本人の予定が変わった"}).status_code == 302
    assert Transfer.objects.get().status == TransferStatus.WITHDRAWN
    incoming = outsider_client.get(reverse("transfers:incoming_detail", args=[transfer.pk]))
    assert incoming.status_code == 200
    assert "取り消しました" in incoming.content.decode() and "架空錠" not in incoming.content.decode()
    assert outsider_client.get(reverse("transfers:incoming_pdf", args=[transfer.pk])).status_code == 404


def test_auditors_read_the_transfer_but_do_not_withdraw_it(auditor_client, worker, case, entry, consented):
    transfer = send(worker, case, entry)
    assert auditor_client.get(reverse("transfers:detail", args=[transfer.pk])).status_code == 200
    assert auditor_client.post(reverse("transfers:withdraw", args=[transfer.pk]),
                               {"reason": "x"}).status_code == 403
    assert Transfer.objects.get().status == TransferStatus.PENDING


# --- receiving -------------------------------------------------------------------------------------------------


def test_the_receiving_center_lists_opens_and_accepts_it_into_a_new_case(worker, outsider, outsider_client, case,
                                                                         entry, consented, other_center):
    transfer = send(worker, case, entry)
    listing = outsider_client.get(reverse("transfers:incoming")).content.decode()
    assert transfer.number in listing and "架空 一郎" in listing and case.center.name in listing
    detail = outsider_client.get(reverse("transfers:incoming_detail", args=[transfer.pk])).content.decode()
    assert "受け入れて支援ケースを開始" in detail and "架空錠（テスト用）朝夕" in detail
    assert AccessLog.objects.filter(action=AccessAction.VIEW, section=services.INCOMING_SECTION,
                                    object_id=transfer.pk, staff=outsider).exists()

    response = outsider_client.post(reverse("transfers:accept", args=[transfer.pk]),
                                    _accept_data(main_staff=outsider.pk))
    accepted = Transfer.objects.get()
    assert accepted.status == TransferStatus.ACCEPTED
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[accepted.receiving_case_id])
    assert accepted.receiving_case.center == other_center
    assert accepted.receiving_person.family_name_kana == "カクウ"  # hiragana typed, katakana stored
    # the new case's page is the receiving center's own; the sending case's section says where it went
    assert outsider_client.get(response.url).status_code == 200
    section = _case_section(worker, case)
    assert "引継ぎ済み" in section and str(entry) in section and "転居（他地域へ引継ぎ）" in section
    received = _case_section(outsider, accepted.receiving_case)
    assert "からの引継ぎ" in received and case.center.name in received
    # a second accept is refused with a message, nothing more is created
    again = outsider_client.post(reverse("transfers:accept", args=[transfer.pk]), _accept_data(main_staff=outsider.pk),
                                 follow=True)
    assert "すでに「引継ぎ済み」です" in again.content.decode()
    assert Case.objects.filter(center=other_center).count() == 1


def test_the_accept_form_offers_a_person_with_the_same_name_and_birth_date(worker, outsider, outsider_client, case,
                                                                           entry, consented, other_center):
    import datetime as dt

    known = PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1958, 6, 3))
    transfer = send(worker, case, entry)
    detail = outsider_client.get(reverse("transfers:incoming_detail", args=[transfer.pk])).content.decode()
    assert "同じ氏名・生年月日の対象者が当センターに登録されています" in detail and f"ID {known.pk}" in detail
    outsider_client.post(reverse("transfers:accept", args=[transfer.pk]),
                         _accept_data(person=str(known.pk), main_staff=outsider.pk))
    assert Transfer.objects.get().receiving_person == known


def test_accepting_as_a_new_person_asks_first_about_a_person_of_the_same_name(worker, outsider, outsider_client,
                                                                             case, entry, consented, other_center):
    """A person of the same name but another birth date is not a match; registering the transferred person still
    asks, as person registration does, offers that person to link, and a second 受け入れる registers a new one."""
    import datetime as dt

    from yorisoi.people.models import Person

    namesake = PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1960, 1, 1))
    transfer = send(worker, case, entry)
    url = reverse("transfers:accept", args=[transfer.pk])
    detail = outsider_client.get(reverse("transfers:incoming_detail", args=[transfer.pk]))
    data = {**_accept_data(main_staff=outsider.pk),
            "same_name_seen": detail.context["accept_form"]["same_name_seen"].value()}

    asked = outsider_client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200 and "同じ名前の対象者が当センターに登録されています" in page
    assert f"ID {namesake.pk}" in page
    assert Transfer.objects.get().status == TransferStatus.PENDING
    assert Person.objects.filter(center=other_center).count() == 1

    again = {**data, "same_name_seen": asked.context["accept_form"]["same_name_seen"].value()}
    assert outsider_client.post(url, again).status_code == 302
    accepted = Transfer.objects.get()
    assert accepted.status == TransferStatus.ACCEPTED and accepted.receiving_person != namesake
    assert Person.objects.filter(center=other_center).count() == 2


def test_the_person_a_same_name_check_named_can_be_linked_instead(worker, outsider, outsider_client, case, entry,
                                                                  consented, other_center):
    import datetime as dt

    namesake = PersonFactory(center=other_center, family_name="架空", given_name="一郎", birth_date=dt.date(1960, 1, 1))
    transfer = send(worker, case, entry)
    url = reverse("transfers:accept", args=[transfer.pk])
    asked = outsider_client.post(url, _accept_data(main_staff=outsider.pk))
    token = asked.context["accept_form"]["same_name_seen"].value()
    response = outsider_client.post(url, _accept_data(main_staff=outsider.pk, person=str(namesake.pk),
                                                      same_name_seen=token))
    assert response.status_code == 302 and Transfer.objects.get().receiving_person == namesake


def test_a_new_person_needs_a_family_name(worker, outsider, outsider_client, case, entry, consented):
    transfer = send(worker, case, entry)
    response = outsider_client.post(reverse("transfers:accept", args=[transfer.pk]),
                                    _accept_data(family_name="", main_staff=outsider.pk))
    assert "新しく登録するときは氏を入力してください。" in response.content.decode()
    assert Transfer.objects.get().status == TransferStatus.PENDING


def test_declining_sends_the_reason_back(worker, worker_client, outsider_client, case, entry, consented):
    transfer = send(worker, case, entry)
    url = reverse("transfers:decline", args=[transfer.pk])
    assert "受け入れられない理由を入力してください。" in outsider_client.post(url, {"reason": ""}).content.decode()
    outsider_client.post(url, {"reason": "転居先が当県ではなかった"})
    text = worker_client.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    assert "受入不可" in text and "転居先が当県ではなかった" in text


def test_other_centers_get_404_everywhere(worker, case, entry, consented, outsider_client, worker_client):
    transfer = send(worker, case, entry)
    third = CenterFactory(name="第三県地域生活定着支援センター", prefecture="千葉県")
    stranger = verified_client(StaffFactory(center=third, role=Role.DIRECTOR, username="third-director"))
    for name in ("detail", "pdf", "withdraw", "answer", "incoming_detail", "incoming_pdf", "accept", "decline"):
        url = reverse(f"transfers:{name}", args=[transfer.pk])
        assert stranger.get(url).status_code == 404, name
    # the receiver reads it as incoming only, the sender as sent only
    for name in ("detail", "pdf", "withdraw", "answer"):
        assert outsider_client.get(reverse(f"transfers:{name}", args=[transfer.pk])).status_code == 404, name
    for name in ("incoming_detail", "incoming_pdf", "accept", "decline"):
        assert worker_client.get(reverse(f"transfers:{name}", args=[transfer.pk])).status_code == 404, name
    assert transfer.number not in stranger.get(reverse("transfers:incoming")).content.decode()
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="other_center",
                                    object_id=transfer.pk).exists()


def test_an_accepted_transfer_is_shown_to_those_who_may_open_the_receiving_case(worker, outsider, case, entry,
                                                                                 consented, other_center):
    transfer = _accepted(worker, outsider, case, entry)
    other_center.case_visibility = other_center.CaseVisibility.ASSIGNED
    other_center.save()
    colleague = verified_client(StaffFactory(center=other_center, role=Role.WORKER, username="receiving-colleague"))
    response = colleague.get(reverse("transfers:incoming_detail", args=[transfer.pk]))
    assert response.status_code == 403 and b"data-break-glass" in response.content
    listing = colleague.get(reverse("transfers:incoming")).content.decode()
    assert transfer.number in listing and "架空 一郎" not in listing


def _accepted(worker, receiver, case, entry):
    transfer = send(worker, case, entry)
    return services.accept_transfer(actor=receiver, transfer=transfer, kind=CaseKind.FOLLOW_UP, family_name="架空",
                                    given_name="一郎", family_name_kana="カクウ")


# --- the case section and the centers of this deployment --------------------------------------------------------


def test_the_case_section_offers_the_transfer_to_workers_and_nothing_to_clerks(worker, clerk, case):
    assert reverse("transfers:create", args=[case.pk]) in _case_section(worker, case)
    assert _case_section(clerk, case).strip() == ""
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    assert Template("{% load transfers_tags %}{% case_transfers case %}").render(
        Context({"request": anonymous, "case": case})).strip() == ""


def test_directors_link_a_directory_entry_to_a_center_and_workers_cannot(director_client, worker_client, center,
                                                                         other_center):
    paper = center_entry(center, name="あおば県地域生活定着支援センター")
    url = reverse("transfers:target_edit", args=[paper.pk])
    assert worker_client.post(url, {f"o{paper.pk}-target_center": other_center.pk}).status_code == 403
    assert not TransferTarget.objects.exists()
    director_client.post(url, {f"o{paper.pk}-target_center": other_center.pk})
    assert TransferTarget.objects.get().target_center == other_center
    assert "対応づけ済み" in director_client.get(reverse("transfers:targets")).content.decode()
    director_client.post(url, {f"o{paper.pk}-target_center": ""})
    assert not TransferTarget.objects.exists()
    assert director_client.post(url, {f"o{paper.pk}-target_center": center.pk}).status_code == 302
    assert not TransferTarget.objects.exists()  # not its own center (not even offered)


def test_the_nav_link_counts_the_transfers_waiting_for_this_center(worker, outsider, clerk, case, entry, consented):
    send(worker, case, entry)

    def link(user):
        request = RequestFactory().get("/")
        request.user = user
        return Template("{% load transfers_tags %}{% transfers_nav_link %}").render(Context({"request": request}))

    assert "広域調整" in link(outsider) and ">1</span>" in link(outsider)
    assert "広域調整" in link(worker) and "</span>" not in link(worker)
    assert link(clerk).strip() == ""


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_keep_a_constant_number_of_queries(worker, worker_client, outsider_client, center, entry):
    from yorisoi.cases.tests.factories import CaseFactory

    def another():
        person = PersonFactory(center=center, birth_date="1950-01-01")
        case = CaseFactory(person=person, main_staff=worker)
        send(worker, case, entry, basis=Basis.LAW, legal_reason="テスト用の法令上の根拠")

    another()
    counts = [(_count_queries(worker_client, reverse("transfers:list")),
               _count_queries(outsider_client, reverse("transfers:incoming")))]
    another()
    another()
    counts.append((_count_queries(worker_client, reverse("transfers:list")),
                   _count_queries(outsider_client, reverse("transfers:incoming"))))
    assert counts[0] == counts[1]
