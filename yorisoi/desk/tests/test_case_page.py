"""The case page: header with flags, facts, phase history, forms by role, one access-log row per view."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import CaseFlag, Phase
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.tests.factories import ActivityFactory
from yorisoi.workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center, family_name="架空田"), main_staff=worker,
                       expected_release_date=dt.date(2026, 11, 25), release_place="架空拘置支所")


def _body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_case_page_shows_header_with_countdown_and_staff(case, worker, worker_client):
    body = _body(worker_client, reverse("cases:detail", args=[case.pk]))
    assert case.number in body
    assert "架空田" in body
    assert reverse("people:detail", args=[case.person_id]) in body
    assert "あと5日" in body
    assert str(worker) in body
    assert "相談受付" in body


@pytest.mark.parametrize(("release", "expected"), [(dt.date(2026, 11, 20), "本日釈放"),
                                                   (dt.date(2026, 11, 19), "釈放済み"),
                                                   (dt.date(2026, 11, 21), "あと1日")])
@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_release_countdown_wording(case, worker_client, release, expected):
    case.expected_release_date = release
    case.save()
    assert expected in _body(worker_client, reverse("cases:detail", args=[case.pk]))


def test_active_flags_and_their_instructions_are_in_the_header_of_every_case_page(case, worker, worker_client):
    CaseFlagFactory(case=case, label="接近禁止の相手あり", instruction="架空の相手に居所を伝えない")
    CaseFlagFactory(case=case, label="通訳が必要", instruction="", active=False)
    activity = ActivityFactory(case=case, author=worker)
    for url in [reverse("cases:detail", args=[case.pk]), reverse("cases:edit", args=[case.pk]),
                reverse("records:add", args=[case.pk]), reverse("records:edit", args=[activity.pk]),
                reverse("records:history", args=[activity.pk])]:
        body = _body(worker_client, url)
        header = body.split('<header class="case-header"', 1)[1].split("</header>", 1)[0]
        assert "接近禁止の相手あり" in header, url
        assert "架空の相手に居所を伝えない" in header, url
        assert "通訳が必要" not in header, url


def test_each_view_of_the_case_page_writes_one_access_log_row(case, worker, worker_client):
    ActivityFactory.create_batch(3, case=case, author=worker)
    before = AccessLog.objects.count()
    worker_client.get(reverse("cases:detail", args=[case.pk]))
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert len(rows) == 1
    assert (rows[0].action, rows[0].object_id, rows[0].person_id_value, rows[0].staff_id) == (
        AccessAction.VIEW, case.pk, case.person_id, worker.pk)
    worker_client.get(reverse("cases:detail", args=[case.pk]))
    assert AccessLog.objects.count() == before + 2


def test_phase_history_lists_every_transition_with_who_and_why(case, worker, director, worker_client):
    services.change_case_phase(actor=director, case=case, to_phase=Phase.COORDINATING,
                               reason="受け入れ先の調整を開始（架空）", expected_version=case.version)
    body = _body(worker_client, reverse("cases:detail", args=[case.pk]))
    history = body.split('id="transitions"', 1)[1]
    assert "調整中" in history
    assert "受け入れ先の調整を開始（架空）" in history
    assert str(director) in history


def test_phase_form_offers_only_the_allowed_next_phases(case, worker_client):
    body = _body(worker_client, reverse("cases:detail", args=[case.pk]))
    form = body.split('id="id_phase-to_phase"', 1)[1].split("</select>", 1)[0]
    assert 'value="coordinating"' in form
    assert 'value="closed"' not in form  # 終結 goes through the closure request (決裁)
    assert 'value="settlement"' not in form
    assert 'value="temporary"' not in form


def test_clerk_sees_the_case_without_narratives_or_write_forms(case, worker, clerk_client):
    ActivityFactory(case=case, author=worker, narrative="秘密の架空記録本文")
    services.change_case_phase(actor=worker, case=case, to_phase=Phase.COORDINATING,
                               reason="秘密の架空理由", expected_version=case.version)
    body = _body(clerk_client, reverse("cases:detail", args=[case.pk]))
    assert "秘密の架空記録本文" not in body
    assert "秘密の架空理由" not in body
    assert "記録の内容は、この役割では表示されません。" in body
    assert "電話" in body  # the entry itself is listed
    assert reverse("records:add", args=[case.pk]) not in body
    assert reverse("cases:change_phase", args=[case.pk]) not in body


def test_auditor_reads_everything_but_gets_no_write_forms(case, worker, auditor_client):
    ActivityFactory(case=case, author=worker, narrative="架空の記録本文")
    body = _body(auditor_client, reverse("cases:detail", args=[case.pk]))
    assert "架空の記録本文" in body
    assert reverse("records:add", args=[case.pk]) not in body
    assert reverse("cases:change_phase", args=[case.pk]) not in body
    assert reverse("cases:add_flag", args=[case.pk]) not in body
    assert reverse("cases:edit", args=[case.pk]) not in body


def test_worker_adds_and_deactivates_a_flag(case, worker, worker_client):
    response = worker_client.post(reverse("cases:add_flag", args=[case.pk]), {
        "flag-label": "医療的ケア", "flag-instruction": "インスリン注射（架空）", "flag-exclude_from_statistics": "on"})
    assert response.status_code == 302
    flag = CaseFlag.objects.get(case=case)
    assert (flag.label, flag.instruction, flag.exclude_from_statistics, flag.active, flag.created_by) == (
        "医療的ケア", "インスリン注射（架空）", True, True, worker)
    body = _body(worker_client, reverse("cases:detail", args=[case.pk]))
    assert "統計から除外" in body
    response = worker_client.post(reverse("cases:flag_active", args=[case.pk, flag.pk]), {"active": "0"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.active is False
    header = _body(worker_client, reverse("cases:detail", args=[case.pk])).split("</header>", 1)[0]
    assert "医療的ケア" not in header


def test_flag_form_offers_the_suggestions_and_refuses_a_duplicate(case, worker_client):
    CaseFlagFactory(case=case, label="医療的ケア")
    body = _body(worker_client, reverse("cases:detail", args=[case.pk]))
    assert '<option value="意思疎通に配慮">' in body
    response = worker_client.post(reverse("cases:add_flag", args=[case.pk]), {"flag-label": "医療的ケア"})
    assert response.status_code == 200
    assert "同じ注意事項がすでに有効になっています。" in response.content.decode()
    assert CaseFlag.objects.filter(case=case).count() == 1


def test_flag_needs_a_label(case, worker_client):
    response = worker_client.post(reverse("cases:add_flag", args=[case.pk]), {"flag-label": ""})
    assert response.status_code == 200
    assert "注意事項を入力してください。" in response.content.decode()


def test_auditor_cannot_add_or_deactivate_flags(case, auditor_client):
    flag = CaseFlagFactory(case=case)
    assert auditor_client.post(reverse("cases:add_flag", args=[case.pk]), {"flag-label": "x"}).status_code == 403
    assert auditor_client.post(reverse("cases:flag_active", args=[case.pk, flag.pk]),
                               {"active": "0"}).status_code == 403
    flag.refresh_from_db()
    assert flag.active


def test_flag_of_another_case_is_404(case, center, worker_client):
    other_flag = CaseFlagFactory(case=CaseFactory(person=PersonFactory(center=center)))
    response = worker_client.post(reverse("cases:flag_active", args=[case.pk, other_flag.pk]), {"active": "0"})
    assert response.status_code == 404
