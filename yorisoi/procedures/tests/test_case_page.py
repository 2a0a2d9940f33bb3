"""The 手続き page of a case: ordered by due date, overdue in red, add/edit/complete, no lost updates, roles."""

import datetime as dt

import pytest
import time_machine
from django.urls import URLPattern, get_resolver, reverse

from yorisoi.accounts.models import Center
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.procedures.models import CaseProcedure, CaseTemplate, ProcedureStatus, ReferenceKind
from yorisoi.procedures.tests.factories import (
    CaseProcedureFactory,
    FollowUpFactory,
    UrgentProtectionFactory,
    procedure_type,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)


def _add_data(case, **overrides):
    data = {"procedure_type": procedure_type("pension").pk, "title": "", "due_mode": "reference",
            "reference": ReferenceKind.RELEASE, "offset_days": "5", "offset_unit": "business", "depends_on": "",
            "due_date": "", "organization": "", "contact_name": "", "contact_phone": "", "notes": ""}
    return {**data, **overrides}


@time_machine.travel(NOW, tick=False)
def test_list_is_ordered_by_due_date_with_overdue_in_red(case, worker_client):
    late = CaseProcedureFactory(case=case, title="遅れている手続き", due_date=dt.date(2026, 11, 3))
    later = CaseProcedureFactory(case=case, title="あとの手続き", due_date=dt.date(2026, 12, 20))
    soon = CaseProcedureFactory(case=case, title="今日の手続き", due_date=dt.date(2026, 11, 10))
    done = CaseProcedureFactory(case=case, title="済んだ手続き", due_date=dt.date(2026, 11, 1),
                                status=ProcedureStatus.DONE, completed_on=dt.date(2026, 11, 2))
    response = worker_client.get(reverse("procedures:case", args=[case.pk]))
    body = response.content.decode()
    order = [body.index(t) for t in ("遅れている手続き", "今日の手続き", "あとの手続き", "済んだ手続き")]
    assert order == sorted(order)
    assert f'id="procedure-{late.pk}" class="is-overdue"' in body
    assert f'id="procedure-{soon.pk}" class="is-today"' in body
    assert f'id="procedure-{later.pk}" class=""' in body
    assert f'id="procedure-{done.pk}" class="is-closed"' in body
    assert "期限切れ・7日超過" in body and "期限切れ 1件" in body
    assert AccessLog.objects.filter(action=AccessAction.VIEW, object_id=case.pk, section="procedures").count() == 1


@time_machine.travel(NOW, tick=False)
def test_worker_adds_a_procedure_due_in_business_days(case, worker_client):
    case.expected_release_date = dt.date(2026, 12, 25)
    case.save()
    response = worker_client.post(reverse("procedures:add", args=[case.pk]), _add_data(case))
    assert response.status_code == 302
    procedure = CaseProcedure.objects.get(case=case)
    assert (procedure.title, procedure.due_date, procedure.base_date) == (
        "年金", dt.date(2027, 1, 7), dt.date(2026, 12, 25))  # 12/28, then the closure, then 1/4, 1/5, 1/6, 1/7


@time_machine.travel(NOW, tick=False)
def test_invalid_add_shows_japanese_errors_and_keeps_input(case, worker_client):
    response = worker_client.post(reverse("procedures:add", args=[case.pk]), _add_data(
        case, procedure_type="", reference=ReferenceKind.PREVIOUS, offset_days="9999", title="入力した名前"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "手続きの種類を選んでください。" in body
    assert "前の手続きを選んでください" in body
    assert "基準日からの日数は-730から730の間で入力してください。" in body
    assert 'value="入力した名前"' in body
    assert not CaseProcedure.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_manual_due_date_does_not_follow_the_reference(case, worker_client):
    response = worker_client.post(reverse("procedures:add", args=[case.pk]), _add_data(
        case, due_mode="manual", due_date="R8.12.3"))
    assert response.status_code == 302
    procedure = CaseProcedure.objects.get(case=case)
    assert (procedure.follows_reference, procedure.reference, procedure.due_date) == (False, "", dt.date(2026, 12, 3))


@time_machine.travel(NOW, tick=False)
def test_quick_complete_and_start(case, worker_client):
    procedure = CaseProcedureFactory(case=case)
    url = reverse("procedures:status", args=[case.pk, procedure.pk])
    assert worker_client.post(url, {"version": 1, "status": "in_progress"}).status_code == 302
    assert worker_client.post(url, {"version": 2, "status": "done"}).status_code == 302
    procedure.refresh_from_db()
    assert (procedure.status, procedure.started_on, procedure.completed_on, procedure.version) == (
        ProcedureStatus.DONE, dt.date(2026, 11, 10), dt.date(2026, 11, 10), 3)


@time_machine.travel(NOW, tick=False)
def test_a_stale_quick_action_is_refused_with_409(case, worker_client, colleague_client):
    procedure = CaseProcedureFactory(case=case)
    edit = reverse("procedures:edit", args=[case.pk, procedure.pk])
    data = {**_add_data(case, due_mode="manual", due_date="2026-12-01"), "status": "not_started", "started_on": "",
            "completed_on": "", "version": 1, "notes": "同僚のメモ"}
    assert colleague_client.post(edit, data).status_code == 302
    response = worker_client.post(reverse("procedures:status", args=[case.pk, procedure.pk]),
                                  {"version": 1, "status": "done"})
    assert response.status_code == 409
    assert "保存できませんでした。" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.NOT_STARTED


@time_machine.travel(NOW, tick=False)
def test_a_stale_edit_keeps_what_was_typed(case, worker_client, colleague_client):
    procedure = CaseProcedureFactory(case=case)
    edit = reverse("procedures:edit", args=[case.pk, procedure.pk])
    data = {**_add_data(case, due_mode="manual", due_date="2026-12-01"), "status": "not_started", "started_on": "",
            "completed_on": "", "version": 1}
    assert colleague_client.post(edit, {**data, "contact_name": "同僚が入れた担当者"}).status_code == 302
    response = worker_client.post(edit, {**data, "notes": "相談員が書いたメモ"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "相談員が書いたメモ" in body and "同僚が入れた担当者" in body and 'name="version" value="2"' in body


@time_machine.travel(NOW, tick=False)
def test_completion_in_the_future_is_refused(case, worker_client):
    procedure = CaseProcedureFactory(case=case)
    response = worker_client.post(reverse("procedures:status", args=[case.pk, procedure.pk]),
                                  {"version": 1, "status": "done", "on": "2026-12-01"})
    assert response.status_code == 200
    assert "完了日に今日より後の日付は入力できません。" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_clerk_manages_procedures(case, clerk_client):
    template = CaseTemplate.objects.get(center=None, case_kind=case.kind)
    response = clerk_client.post(reverse("procedures:apply_template", args=[case.pk]), {"template": template.pk})
    assert response.status_code == 302
    procedure = CaseProcedure.objects.filter(case=case).first()
    assert clerk_client.post(reverse("procedures:status", args=[case.pk, procedure.pk]),
                             {"version": procedure.version, "status": "done"}).status_code == 302
    assert clerk_client.get(reverse("procedures:edit", args=[case.pk, procedure.pk])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_auditor_reads_the_page_without_any_form(case, auditor_client):
    CaseProcedureFactory(case=case)
    body = auditor_client.get(reverse("procedures:case", args=[case.pk])).content.decode()
    assert "<form" not in body.split('id="procedures"')[1].split("case-side")[0]
    assert "手続きを追加" not in body


# --- every URL naming a case -----------------------------------------------------------------------------


def _case_urls(case, procedure, document, follow_up):
    kwargs_for = {
        "procedures:edit": {"pk": procedure.pk}, "procedures:status": {"pk": procedure.pk},
        "procedures:document_upload": {"pk": procedure.pk}, "procedures:document_download": {"pk": document.pk},
        "procedures:document_delete": {"pk": document.pk}, "procedures:follow_up_edit": {"pk": follow_up.pk},
        "procedures:follow_up_record": {"pk": follow_up.pk},
    }
    urls = {}
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) != "procedures":
            continue
        for pattern in entry.url_patterns:
            if isinstance(pattern, URLPattern) and "case_pk" in str(pattern.pattern):
                name = f"procedures:{pattern.name}"
                urls[name] = reverse(name, kwargs={"case_pk": case.pk, **kwargs_for.get(name, {})})
    return urls


@pytest.fixture
def world(case, worker):
    from yorisoi.procedures.models import ProcedureDocument

    procedure = CaseProcedureFactory(case=case)
    document = ProcedureDocument.objects.create(center=case.center, procedure=procedure, file="procedures/x.pdf",
                                                original_name="x.pdf", content_type="application/pdf", size=1)
    follow_up = FollowUpFactory(case=case)
    UrgentProtectionFactory(case=case)
    return _case_urls(case, procedure, document, follow_up)


def test_every_case_url_is_covered(world):
    assert len(world) == 19


def test_outsider_gets_404_on_every_url_with_a_case_pk(world, outsider_client):
    for name, url in world.items():
        assert outsider_client.get(url).status_code == 404, name
        assert outsider_client.post(url, {}).status_code == 404, name


WRITES = {"procedures:add", "procedures:apply_template", "procedures:propose", "procedures:placement_date",
          "procedures:recompute",
          "procedures:edit", "procedures:status", "procedures:document_upload", "procedures:document_delete",
          "procedures:protection", "procedures:protection_edit", "procedures:protection_extend",
          "procedures:follow_up_schedule", "procedures:follow_up_add", "procedures:follow_up_edit",
          "procedures:follow_up_record"}


def test_auditor_gets_403_on_every_write(world, auditor_client):
    for name in WRITES:
        assert auditor_client.post(world[name], {}).status_code == 403, name
    for name in ("procedures:case", "procedures:protection", "procedures:follow_ups"):
        assert auditor_client.get(world[name]).status_code == 200, name


def test_an_unassigned_worker_in_assigned_mode_gets_break_the_glass(world, center, colleague_client):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    for name in ("procedures:case", "procedures:protection", "procedures:follow_ups"):
        response = colleague_client.get(world[name])
        assert response.status_code == 403 and b"data-break-glass" in response.content, name
