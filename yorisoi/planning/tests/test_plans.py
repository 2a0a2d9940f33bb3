"""Support plans: first version, edits of a draft (no lost update), revisions as new rows, locking of approved
versions, action progress, the A4 print view (logged), what each role sees."""

import datetime as dt
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning import services
from yorisoi.planning.models import ActionStatus, ApprovalStatus, PlanAction, SupportPlan
from yorisoi.privacy.models import AccessLog

from .factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    person = PersonFactory(center=center, wishes="「もう一度働きたい」（架空）")
    return CaseFactory(person=person, main_staff=worker)


@pytest.fixture
def plan(case, worker):
    return make_plan(actor=worker, case=case)


def _approved(plan, worker, director):
    services.submit(actor=worker, subject=plan)
    services.approve(actor=director, subject=plan)
    plan.refresh_from_db()
    return plan


def _form(plan=None, actions=(), **overrides) -> dict:
    data = {"plan_date": "R8.11.10", "review_date": "R9.2.10", "person_goals": "一人で暮らしたい（架空）",
            "staff_goals": "住まいと収入を整える（架空）", "person_wishes": "静かな所がいい（架空）",
            "agreement_date": "", "agreement_method": "", "agreement_note": "",
            "actions-TOTAL_FORMS": str(len(actions) + 3), "actions-INITIAL_FORMS": str(len(actions)),
            "actions-MIN_NUM_FORMS": "0", "actions-MAX_NUM_FORMS": "1000"}
    if plan is not None:
        data["version"] = plan.version
    for i, action in enumerate(actions):
        data.update({f"actions-{i}-{k}": v for k, v in action.items()})
    return {**data, **overrides}


def _action_rows(plan) -> list[dict]:
    return [{"id": a.pk, "description": a.description, "owner": f"s:{a.owner_staff_id}" if a.owner_staff_id else "",
             "due_date": a.due_date.isoformat() if a.due_date else "", "status": a.status}
            for a in plan.actions.order_by("position")]


def test_new_plan_form_starts_with_the_face_sheet_wishes(case, worker_client):
    body = worker_client.get(reverse("planning:plan_create", args=[case.pk])).content.decode()
    assert "「もう一度働きたい」（架空）" in body


def test_worker_creates_the_first_version_with_staff_and_organization_owners(case, center, worker, worker_client):
    org = OrganizationFactory(center=center, name="架空の相談支援事業所")
    response = worker_client.post(reverse("planning:plan_create", args=[case.pk]), _form(**{
        "actions-0-description": "生活保護の申請に同行", "actions-0-owner": f"s:{worker.pk}",
        "actions-0-due_date": "R8.11.20", "actions-0-status": "not_started",
        "actions-1-description": "サービス等利用計画の作成", "actions-1-owner": f"o:{org.pk}",
        "actions-1-due_date": "", "actions-1-status": "not_started",
    }))
    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=case)
    assert (plan.revision, plan.status, plan.person_wishes) == (1, ApprovalStatus.DRAFT, "静かな所がいい（架空）")
    actions = list(plan.actions.order_by("position"))
    assert [(a.description, a.owner_staff, a.owner_organization, a.due_date) for a in actions] == [
        ("生活保護の申請に同行", worker, None, dt.date(2026, 11, 20)),
        ("サービス等利用計画の作成", None, org, None)]
    page = worker_client.get(reverse("planning:plan", args=[case.pk])).content.decode()
    assert "架空の相談支援事業所" in page and "静かな所がいい（架空）" in page


def test_organization_of_another_center_cannot_own_an_action(case, other_center, worker_client):
    foreign = OrganizationFactory(center=other_center)
    response = worker_client.post(reverse("planning:plan_create", args=[case.pk]), _form(**{
        "actions-0-description": "架空", "actions-0-owner": f"o:{foreign.pk}", "actions-0-status": "not_started"}))
    assert response.status_code == 200
    assert "担当の選択肢から選んでください。" in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_agreement_date_needs_its_method(case, worker_client):
    response = worker_client.post(reverse("planning:plan_create", args=[case.pk]), _form(agreement_date="R8.11.12"))
    assert response.status_code == 200
    assert "同意日を入力したときは同意の方法も選んでください。" in response.content.decode()


def test_worker_edits_a_draft_adds_and_removes_actions(plan, worker, worker_client):
    rows = _action_rows(plan)
    rows[0]["description"] = ""  # emptied: removed
    rows.append({"description": "携帯電話の契約", "owner": "", "due_date": "", "status": "not_started"})
    response = worker_client.post(reverse("planning:plan_edit", args=[plan.case_id, plan.pk]),
                                  _form(plan, rows, person_goals="変えた目標（架空）"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.person_goals == "変えた目標（架空）" and plan.version == 2
    assert list(plan.actions.values_list("description", flat=True)) == ["架空の行動2", "携帯電話の契約"]


def test_stale_plan_edit_is_refused_with_409(plan, worker, director_client, worker_client):
    url = reverse("planning:plan_edit", args=[plan.case_id, plan.pk])
    rows = _action_rows(plan)
    opened = _form(plan, rows)
    changed_rows = [dict(r) for r in rows]
    changed_rows[1]["description"] = "管理者が直した行動（架空）"
    assert director_client.post(url, _form(plan, changed_rows)).status_code == 302
    second = worker_client.post(url, {**opened, "staff_goals": "相談員の入力（架空）"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "保存できませんでした。" in body and "相談員の入力（架空）" in body
    assert "行動2：内容" in body and "管理者が直した行動（架空）" in body
    plan.refresh_from_db()
    assert plan.staff_goals != "相談員の入力（架空）"


def test_revision_is_a_new_row_and_the_approved_version_stays_as_approved(plan, worker, director, worker_client):
    plan = _approved(plan, worker, director)
    response = worker_client.post(reverse("planning:plan_revise", args=[plan.case_id, plan.pk]))
    assert response.status_code == 302
    second = SupportPlan.objects.get(case=plan.case, revision=2)
    assert second.status == ApprovalStatus.DRAFT and second.agreement_date is None
    assert list(second.actions.values_list("description", flat=True)) == ["架空の行動1", "架空の行動2"]
    rows = _action_rows(second)
    rows[0]["description"] = "改訂で変えた行動（架空）"
    edit = worker_client.post(reverse("planning:plan_edit", args=[plan.case_id, second.pk]),
                              _form(second, rows, person_goals="第2版の目標（架空）",
                                    revision_reason="入居先が決まった"))
    assert edit.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.APPROVED and plan.person_goals == "アパートで一人で暮らしたい（架空）"
    assert list(plan.actions.values_list("description", flat=True)) == ["架空の行動1", "架空の行動2"]
    old_page = worker_client.get(reverse("planning:plan_version", args=[plan.case_id, plan.pk])).content.decode()
    assert "これは以前の版です" in old_page and "アパートで一人で暮らしたい（架空）" in old_page


def test_approved_version_is_locked(plan, worker, director, worker_client):
    plan = _approved(plan, worker, director)
    with pytest.raises(ValidationError, match="承認のため変更できません"):
        services.update_plan(actor=worker, plan=plan, expected_version=plan.version, actions=[],
                             person_goals="こっそり変更")
    response = worker_client.post(reverse("planning:plan_edit", args=[plan.case_id, plan.pk]),
                                  _form(plan, _action_rows(plan), person_goals="こっそり変更"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.person_goals == "アパートで一人で暮らしたい（架空）"


def test_pending_version_is_locked_too(plan, worker):
    services.submit(actor=worker, subject=plan)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="決裁待ちのため変更できません"):
        services.update_plan(actor=worker, plan=plan, expected_version=plan.version, actions=[],
                             person_goals="変更")


def test_only_the_latest_approved_version_can_be_revised(plan, worker, director):
    plan = _approved(plan, worker, director)
    services.revise_plan(actor=worker, plan=plan)
    with pytest.raises(ValidationError, match="第2版がすでにあります"):
        services.revise_plan(actor=worker, plan=plan)


def test_action_progress_changes_on_the_approved_version(plan, worker, director, worker_client):
    plan = _approved(plan, worker, director)
    action = plan.actions.order_by("position").first()
    response = worker_client.post(reverse("planning:action_status", args=[plan.case_id, action.pk]),
                                  {"status": ActionStatus.DONE, "version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    stale = worker_client.post(reverse("planning:action_status", args=[plan.case_id, action.pk]),
                               {"status": ActionStatus.IN_PROGRESS, "version": 1}, follow=True)
    assert "保存できませんでした。" in stale.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_print_view_is_logged_as_print(plan, worker_client):
    response = worker_client.get(reverse("planning:plan_print", args=[plan.case_id, plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "支援計画書" in body and "アパートで一人で暮らしたい（架空）" in body and "本人署名" in body
    assert AccessLog.objects.filter(action="print", object_type="cases.case", object_id=plan.case_id,
                                    section="support_plan").count() == 1


def test_clerk_and_auditor_cannot_print_the_plan(plan, clerk_client, auditor_client):
    url = reverse("planning:plan_print", args=[plan.case_id, plan.pk])
    assert clerk_client.get(url).status_code == 403
    assert auditor_client.get(url).status_code == 403


def test_clerk_sees_the_plan_state_but_not_its_content(plan, clerk_client):
    body = clerk_client.get(reverse("planning:plan", args=[plan.case_id])).content.decode()
    assert "第1版" in body and "下書き" in body
    assert "アパートで一人で暮らしたい（架空）" not in body and "架空の行動1" not in body


def test_clerk_and_auditor_cannot_write_plans(plan, clerk_client, auditor_client):
    for client in (clerk_client, auditor_client):
        assert client.get(reverse("planning:plan_edit", args=[plan.case_id, plan.pk])).status_code == 403
        assert client.post(reverse("planning:plan_submit", args=[plan.case_id, plan.pk])).status_code == 403
        action = plan.actions.first()
        assert client.post(reverse("planning:action_status", args=[plan.case_id, action.pk]),
                           {"status": "done", "version": 1}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.DRAFT


def test_outsider_gets_404_for_every_plan_page(plan, outsider_client):
    c, p = plan.case_id, plan.pk
    action = plan.actions.first()
    for url in (reverse("planning:plan", args=[c]), reverse("planning:plan_create", args=[c]),
                reverse("planning:plan_version", args=[c, p]), reverse("planning:plan_edit", args=[c, p]),
                reverse("planning:plan_print", args=[c, p]), reverse("planning:plan_revise", args=[c, p]),
                reverse("planning:plan_submit", args=[c, p]), reverse("planning:plan_decide", args=[c, p]),
                reverse("planning:plan_withdraw", args=[c, p]), reverse("planning:action_status", args=[c, action.pk])):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url).status_code == 404, url


def test_plan_of_another_case_is_404(plan, center, worker, worker_client):
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    assert worker_client.get(reverse("planning:plan_version", args=[other.pk, plan.pk])).status_code == 404


def test_overdue_action_stands_out(plan, worker_client):
    from django.utils import timezone

    first, second = plan.actions.order_by("position")
    PlanAction.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - dt.timedelta(days=9))
    PlanAction.objects.filter(pk=second.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3),
                                                   status=ActionStatus.DONE)
    body = worker_client.get(reverse("planning:plan", args=[plan.case_id])).content.decode()
    assert "9日超過" in body
    assert "3日超過" not in body  # done: no longer overdue


def test_deleting_an_action_keeps_it_in_the_history(plan, worker, worker_client):
    rows = _action_rows(plan)
    gone = rows[0]["id"]
    rows[0]["DELETE"] = "on"
    worker_client.post(reverse("planning:plan_edit", args=[plan.case_id, plan.pk]), _form(plan, rows))
    assert not PlanAction.objects.filter(pk=gone).exists()
    assert PlanAction.history.filter(id=gone, history_type="-").exists()


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for names inside object streams."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_pdf_is_a4_with_the_japanese_font_embedded_and_logged(plan, worker_client):
    response = worker_client.get(reverse("planning:plan_pdf", args=[plan.case_id, plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="support-plan-{plan.case_id}-1.pdf"'
    assert response.content.startswith(b"%PDF")
    pdf = _pdf_text(response.content)
    assert b"IPAexGothic" in pdf and b"/FontFile2" in pdf  # the font travels inside the file
    assert re.search(rb"/MediaBox \[0 0 595\.\d* 841\.\d*\]", pdf)  # A4 portrait
    assert AccessLog.objects.filter(action="print", object_id=plan.case_id, section="support_plan_pdf").count() == 1


def test_pdf_reads_nothing_but_its_font(db):
    from yorisoi.planning.pdf import html_to_pdf

    pdf = html_to_pdf('<p>テスト</p><img src="file:///etc/hostname">'
                      '<link rel="stylesheet" href="http://example.invalid/x.css">')
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in _pdf_text(pdf)


def test_clerk_auditor_and_outsider_get_no_pdf(plan, clerk_client, auditor_client, outsider_client):
    url = reverse("planning:plan_pdf", args=[plan.case_id, plan.pk])
    assert clerk_client.get(url).status_code == 403
    assert auditor_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404


def test_the_approver_sees_decide_and_the_requester_sees_withdraw(plan, worker, worker_client, director_client):
    services.submit(actor=worker, subject=plan)
    url = reverse("planning:plan", args=[plan.case_id])
    director_page = director_client.get(url).content.decode()
    assert "決裁する" in director_page and "申請を取り下げる" not in director_page
    worker_page = worker_client.get(url).content.decode()
    assert "申請を取り下げる" in worker_page and "決裁する" not in worker_page


def test_the_owner_menu_offers_partners_by_kind_and_never_a_justice_agency(case, center, worker_client):
    from yorisoi.partners.tests.factories import kind

    OrganizationFactory(center=center, name="架空市役所", kind=kind("municipality"))
    OrganizationFactory(center=center, name="架空地方検察庁", kind=kind("prosecutors_office"))
    page = worker_client.get(reverse("planning:plan_create", args=[case.pk])).content.decode()
    assert f'<optgroup label="関係機関：{kind("municipality").label}">' in page and "架空市役所" in page
    assert "架空地方検察庁" not in page
