"""The home screen: my cases by phase, releases in the next 7 days, my records; the center view for directors."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 12:00 in Japan


def _case(center, staff, name, release=None, phase=Phase.COORDINATING, **kwargs):
    return CaseFactory(person=PersonFactory(center=center, family_name=name, given_name="架空"), main_staff=staff,
                       expected_release_date=release, phase=phase,
                       closure_outcome="stable" if phase == Phase.CLOSED else "", **kwargs)


def _section(body: str, heading_id: str) -> str:
    return body.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@time_machine.travel(NOON, tick=False)
def test_home_shows_releases_within_seven_days_only(center, worker, worker_client):
    for name, offset in [("昨日釈放", -1), ("本日釈放", 0), ("三日後", 3), ("七日後", 7), ("八日後", 8)]:
        _case(center, worker, name, TODAY + dt.timedelta(days=offset))
    _case(center, worker, "終結済", TODAY + dt.timedelta(days=2), phase=Phase.CLOSED)
    body = worker_client.get(reverse("home")).content.decode()
    releases = _section(body, "releases-h")
    for name in ["本日釈放", "三日後", "七日後"]:
        assert name in releases, name
    for name in ["昨日釈放", "八日後", "終結済"]:
        assert name not in releases, name
    assert "あと3日" in releases and "あと7日" in releases
    assert releases.count('class="release urgent"') == 2  # today and in 3 days


@time_machine.travel(NOON, tick=False)
def test_home_releases_are_only_my_cases_for_a_worker(center, worker, colleague, worker_client):
    _case(center, colleague, "同僚の担当", TODAY + dt.timedelta(days=1))
    _case(center, colleague, "副担当の案件", TODAY + dt.timedelta(days=2), sub_staff=worker)
    releases = _section(worker_client.get(reverse("home")).content.decode(), "releases-h")
    assert "同僚の担当" not in releases
    assert "副担当の案件" in releases


@time_machine.travel(NOON, tick=False)
def test_home_groups_my_open_cases_by_phase_with_counts(center, worker, worker_client):
    _case(center, worker, "受付中", phase=Phase.INTAKE)
    _case(center, worker, "調整中甲", phase=Phase.COORDINATING)
    _case(center, worker, "調整中乙", phase=Phase.COORDINATING)
    _case(center, worker, "終結した人", phase=Phase.CLOSED)
    mine = _section(worker_client.get(reverse("home")).content.decode(), "mycases-h")
    assert "3件" in mine
    assert "調整中</span> 2件" in mine
    assert "受付中" in mine and "調整中甲" in mine
    assert "終結した人" not in mine


@time_machine.travel(NOON, tick=False)
def test_home_lists_my_recent_records(center, worker, colleague, worker_client):
    case = _case(center, worker, "記録の人")
    ActivityFactory(case=case, author=worker, narrative="自分の架空記録")
    ActivityFactory(case=case, author=colleague, narrative="同僚の架空記録")
    records = _section(worker_client.get(reverse("home")).content.decode(), "records-h")
    assert "自分の架空記録" in records
    assert "同僚の架空記録" not in records


@time_machine.travel(NOON, tick=False)
def test_director_sees_the_center_wide_view_and_a_worker_does_not(center, director, worker, colleague,
                                                                   director_client, worker_client):
    _case(center, worker, "相談員の案件", TODAY + dt.timedelta(days=2))
    _case(center, colleague, "同僚の案件", TODAY + dt.timedelta(days=9))
    case = _case(center, colleague, "記録ある案件")
    ActivityFactory(case=case, author=colleague, narrative="センターの架空記録")

    body = director_client.get(reverse("home")).content.decode()
    assert 'id="center-h"' in body
    releases = _section(body, "center-releases-h")
    assert "相談員の案件" in releases and "同僚の案件" not in releases
    workload = body.split('id="workload-h"', 1)[1].split("</table>", 1)[0]
    assert str(worker) in workload and str(colleague) in workload
    assert '<td class="num">2</td>' in workload  # colleague: two open cases as main staff
    assert "センターの架空記録" in _section(body, "center-records-h")

    worker_body = worker_client.get(reverse("home")).content.decode()
    assert 'id="center-h"' not in worker_body
    assert "同僚の案件" not in worker_body


def test_auditor_sees_the_center_wide_view(center, auditor_client):
    assert 'id="center-h"' in auditor_client.get(reverse("home")).content.decode()


@time_machine.travel(NOON, tick=False)
def test_clerk_home_shows_no_narrative(center, worker, clerk, clerk_client):
    case = _case(center, worker, "事務から見る人")
    ActivityFactory(case=case, author=clerk, narrative="事務に見せない架空本文")
    body = clerk_client.get(reverse("home")).content.decode()
    assert "事務に見せない架空本文" not in body
    assert "記録の内容は表示されません" in body


def test_the_director_sees_pending_export_requests_on_the_home(center, director, worker, director_client,
                                                               worker_client):
    from yorisoi.reports.exports import request_export

    request_export(actor=worker, target="persons", file_format="csv", filters={}, reason="架空の集計のため")
    page = director_client.get(reverse("home")).content.decode()
    assert "エクスポートの承認待ち" in page and 'is-pending">1件' in page
    assert "エクスポートの承認待ち" not in worker_client.get(reverse("home")).content.decode()


def test_demo_info_prints_the_address_the_server_listens_on():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo_info", "--address", "127.0.0.1:8123", stdout=out)
    assert "http://127.0.0.1:8123/" in out.getvalue() and ":8000" not in out.getvalue()
