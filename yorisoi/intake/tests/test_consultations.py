"""Consultation-only contacts (相談支援): recording without names, counts per month and fiscal year, roles."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.intake.models import Consultation, ConsultationTopic
from yorisoi.intake.selectors import consultation_summary
from yorisoi.partners.tests.factories import OrganizationFactory

from .factories import ConsultationFactory
from .helpers import body

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
POST = {"consulted_on": "令和8年11月20日", "method": "phone", "organization": "", "agency_name": "架空市 生活福祉課",
        "officer": "架空 ケースワーカー", "topic": "income", "summary": "生活保護の申請について助言（テスト用）",
        "minutes": "30", "staff": "", "person_initials": ""}


@time_machine.travel(NOON, tick=False)
def test_worker_records_a_consultation(center, worker, worker_client):
    response = worker_client.post(reverse("intake:consultation_create"), {**POST, "about_person": "on",
                                                                          "person_initials": "Y.T."})
    assert response.status_code == 302
    entry = Consultation.objects.get()
    assert (entry.staff, entry.topic, entry.person_initials, entry.minutes) == (worker, "income", "Y.T.", 30)
    assert entry.consulted_on == dt.date(2026, 11, 20)


def test_a_name_is_refused_where_initials_belong(center, worker_client):
    response = worker_client.post(reverse("intake:consultation_create"), {**POST, "about_person": "on",
                                                                          "person_initials": "山田"})
    assert response.status_code == 200
    assert "イニシャルはローマ字で入力してください" in body(response)
    assert not Consultation.objects.exists()


def test_initials_need_the_about_a_person_box(center, worker_client):
    response = worker_client.post(reverse("intake:consultation_create"), {**POST, "person_initials": "Y.T."})
    assert response.status_code == 200
    assert "イニシャルは「特定の人についての相談」のときだけ入力します。" in body(response)


def test_an_agency_is_needed(center, worker_client):
    response = worker_client.post(reverse("intake:consultation_create"), {**POST, "agency_name": ""})
    assert response.status_code == 200
    assert "相談元機関を一覧から選ぶか、入力してください。" in body(response)


def test_an_organization_from_the_directory_is_enough(center, worker_client):
    office = OrganizationFactory(center=center, name="架空地域包括支援センター")
    response = worker_client.post(reverse("intake:consultation_create"),
                                  {**POST, "agency_name": "", "organization": str(office.pk)})
    assert response.status_code == 302
    assert Consultation.objects.get().organization == office


def test_counts_per_month_and_fiscal_year(center, worker):
    for day in ["2026-03-31", "2026-04-01", "2026-05-10", "2026-05-20", "2027-03-31"]:
        ConsultationFactory(center=center, consulted_on=dt.date.fromisoformat(day), minutes=10)
    ConsultationFactory(center=center, consulted_on=dt.date(2026, 5, 15), topic=ConsultationTopic.HOUSING,
                        about_person=True, person_initials="A.B.", minutes=None)
    summary = consultation_summary(user=worker, fy=2026)
    months = {(m.year, m.month): m.count for m in summary.months}
    assert list(months)[::11] == [(2026, 4), (2027, 3)]
    assert months[(2026, 4)] == 1 and months[(2026, 5)] == 3 and months[(2027, 3)] == 1
    assert summary.total == 5 and summary.total_minutes == 40 and summary.about_person == 1
    assert dict((code, n) for code, _label, n in summary.by_topic)["housing"] == 1
    assert [(year, n) for year, _label, n in summary.years] == [(2026, 5), (2025, 1)]
    assert summary.label == "令和8年度（2026年度）"


def test_the_summary_page_shows_the_fiscal_year(center, worker_client):
    ConsultationFactory(center=center, consulted_on=dt.date(2027, 1, 5))
    text = body(worker_client.get(reverse("intake:consultation_summary") + "?fy=2026"))
    assert "令和8年度（2026年度）" in text and "2027年1月" in text


def test_counts_never_include_another_center(center, other_center, worker):
    ConsultationFactory(center=other_center, consulted_on=dt.date(2026, 6, 1))
    assert consultation_summary(user=worker, fy=2026).total == 0


def test_clerk_reads_the_counts_but_not_the_advice_and_does_not_write(center, clerk_client):
    entry = ConsultationFactory(center=center)
    assert clerk_client.get(reverse("intake:consultation_list")).status_code == 200
    assert clerk_client.get(reverse("intake:consultation_summary")).status_code == 200
    page = body(clerk_client.get(reverse("intake:consultation_detail", args=[entry.pk])))
    assert "架空の助言内容" not in page and "この役割では表示されません。" in page
    assert clerk_client.get(reverse("intake:consultation_create")).status_code == 403
    assert clerk_client.post(reverse("intake:consultation_create"), POST).status_code == 403
    assert clerk_client.get(reverse("intake:consultation_edit", args=[entry.pk])).status_code == 403


def test_auditor_reads_everything_and_writes_nothing(center, auditor_client):
    entry = ConsultationFactory(center=center)
    assert "架空の助言内容" in body(auditor_client.get(reverse("intake:consultation_detail", args=[entry.pk])))
    assert auditor_client.post(reverse("intake:consultation_create"), POST).status_code == 403
    assert auditor_client.post(reverse("intake:consultation_edit", args=[entry.pk]), POST).status_code == 403


def test_outsider_gets_404_for_every_consultation_url(center, outsider_client):
    entry = ConsultationFactory(center=center)
    for name in ("intake:consultation_detail", "intake:consultation_edit"):
        assert outsider_client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert outsider_client.post(reverse(name, args=[entry.pk]), POST).status_code == 404
    assert "架空市 障害福祉課" not in body(outsider_client.get(reverse("intake:consultation_list")))


def test_edit_keeps_no_lost_update(center, worker, colleague, worker_client):
    from yorisoi.intake import services

    entry = ConsultationFactory(center=center)
    services.update_consultation(actor=colleague, entry=entry, expected_version=1, officer="先に保存した人")
    response = worker_client.post(reverse("intake:consultation_edit", args=[entry.pk]),
                                  {**POST, "version": "1", "officer": "後から保存した人"})
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.officer == "先に保存した人"
