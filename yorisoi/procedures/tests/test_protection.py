"""更生緊急保護: the written application, the legal end date, extensions with a new application, and the
warnings 30/14/7 days before the end."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from yorisoi.procedures import services
from yorisoi.procedures.dates import add_months
from yorisoi.procedures.models import ProtectionExtension, ProtectionStatus, UrgentProtection
from yorisoi.procedures.selectors import protection_warnings
from yorisoi.procedures.tests.factories import UrgentProtectionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)


def _register(worker, case, **overrides):
    values = {"written_request": True, "application_date": dt.date(2026, 4, 1), "applied_in_custody": False,
              "approval_date": dt.date(2026, 4, 1), "start_date": dt.date(2026, 4, 1),
              "status": ProtectionStatus.ACTIVE}
    return services.register_protection(actor=worker, case=case, **{**values, **overrides})


def test_months_are_counted_as_the_civil_code_does():
    assert add_months(dt.date(2026, 4, 1), 6) == dt.date(2026, 10, 1)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


@time_machine.travel(NOW, tick=False)
def test_end_date_is_six_months_after_release(case, worker):
    protection = _register(worker, case)
    assert protection.end_date == dt.date(2026, 10, 1)
    assert protection.guidance_limit_date == dt.date(2028, 4, 1)


@time_machine.travel(NOW, tick=False)
@override_settings(YORISOI_URGENT_PROTECTION_MONTHS=3, YORISOI_URGENT_PROTECTION_MAX_GUIDANCE_YEARS=1)
def test_periods_come_from_settings(case, worker):
    protection = _register(worker, case)
    assert (protection.end_date, protection.guidance_limit_date) == (dt.date(2026, 7, 1), dt.date(2027, 4, 1))


@time_machine.travel(NOW, tick=False)
def test_without_a_written_application_nothing_is_registered(case, worker, worker_client):
    with pytest.raises(ValidationError) as error:
        _register(worker, case, written_request=False)
    assert "書面による申出" in str(error.value)
    response = worker_client.post(reverse("procedures:protection", args=[case.pk]), {
        "application_date": "R8.10.1", "status": ProtectionStatus.APPLIED})
    assert response.status_code == 200
    body = response.content.decode()
    assert "更生緊急保護は本人の書面による申出が必要です。" in body
    assert 'value="R8.10.1"' in body  # what was typed stays
    assert not UrgentProtection.objects.filter(case=case).exists()


@time_machine.travel(NOW, tick=False)
def test_an_application_from_custody_is_allowed_since_the_2023_reform(case, worker):
    protection = _register(worker, case, applied_in_custody=True, application_date=dt.date(2026, 3, 20))
    assert protection.applied_in_custody
    protection.delete()
    with pytest.raises(ValidationError) as error:
        _register(worker, case, applied_in_custody=True, application_date=dt.date(2023, 11, 30),
                  approval_date=dt.date(2023, 12, 5), start_date=dt.date(2023, 12, 5))
    assert "令和5年12月1日" in str(error.value)


@time_machine.travel(NOW, tick=False)
def test_an_application_before_release_must_say_it_was_from_custody(case, worker):
    with pytest.raises(ValidationError) as error:
        _register(worker, case, application_date=dt.date(2026, 3, 25))
    assert "収容中に申し出た" in str(error.value)


@time_machine.travel(NOW, tick=False)
def test_active_protection_needs_the_decision_and_the_release_date(case, worker):
    with pytest.raises(ValidationError) as error:
        _register(worker, case, approval_date=None, start_date=None)
    assert set(error.value.message_dict) == {"approval_date", "start_date"}


@time_machine.travel(dt.datetime(2026, 9, 20, 1, 0, tzinfo=dt.UTC), tick=False)
def test_an_extension_needs_a_new_written_application_and_a_reason(case, worker):
    protection = _register(worker, case)
    with pytest.raises(ValidationError) as error:
        services.extend_protection(actor=worker, protection=protection, expected_version=protection.version,
                                   written_request=False, application_date=dt.date(2026, 4, 1), reason="")
    assert set(error.value.message_dict) == {"written_request", "application_date", "reason"}
    extension = services.extend_protection(actor=worker, protection=protection, expected_version=protection.version,
                                           written_request=True, application_date=dt.date(2026, 9, 15),
                                           reason="生活保護の開始を待つため（架空）")
    protection.refresh_from_db()
    assert (extension.previous_end_date, extension.new_end_date, extension.months) == (
        dt.date(2026, 10, 1), dt.date(2027, 4, 1), 6)
    assert protection.end_date == dt.date(2027, 4, 1) and protection.version == 2
    with pytest.raises(ValidationError) as error:  # a second extension needs its own, later application
        services.extend_protection(actor=worker, protection=protection, expected_version=protection.version,
                                   written_request=True, application_date=dt.date(2026, 9, 15), reason="再延長")
    assert "新しい申出が必要" in str(error.value)


@time_machine.travel(dt.datetime(2028, 3, 1, 1, 0, tzinfo=dt.UTC), tick=False)
def test_extensions_stop_at_the_guidance_limit(case, worker):
    protection = _register(worker, case)
    for applied in (dt.date(2026, 9, 1), dt.date(2027, 3, 1), dt.date(2027, 9, 1)):
        protection.refresh_from_db()
        services.extend_protection(actor=worker, protection=protection, expected_version=protection.version,
                                   written_request=True, application_date=applied, reason="継続が必要（架空）")
    protection.refresh_from_db()
    assert protection.end_date == protection.guidance_limit_date == dt.date(2028, 4, 1)
    with pytest.raises(ValidationError) as error:
        services.extend_protection(actor=worker, protection=protection, expected_version=protection.version,
                                   written_request=True, application_date=dt.date(2028, 2, 1), reason="さらに")
    assert "これ以上は延長できません" in str(error.value)
    assert ProtectionExtension.objects.filter(protection=protection).count() == 3


@time_machine.travel(NOW, tick=False)
def test_changing_the_release_date_recomputes_the_end_with_extensions(case, worker):
    protection = _register(worker, case)
    protection = services.update_protection(actor=worker, protection=protection, expected_version=1,
                                            start_date=dt.date(2026, 5, 10), application_date=dt.date(2026, 5, 10),
                                            approval_date=dt.date(2026, 5, 10))
    assert protection.end_date == dt.date(2026, 11, 10)


# --- warnings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "days_left", "level"), [
    (dt.date(2026, 10, 31), 31, None), (dt.date(2026, 11, 1), 30, 30), (dt.date(2026, 11, 16), 15, 30),
    (dt.date(2026, 11, 17), 14, 14), (dt.date(2026, 11, 24), 7, 7), (dt.date(2026, 12, 1), 0, 7),
    (dt.date(2026, 12, 3), -2, 7),
])
def test_warnings_at_30_14_and_7_days(case, worker, today, days_left, level):
    UrgentProtectionFactory(case=case, end_date=dt.date(2026, 12, 1))
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), tzinfo=dt.UTC), tick=False):
        rows = protection_warnings(worker)
    if level is None:
        assert rows == []
    else:
        [row] = rows
        assert (row.case_id, row.days_left, row.level, row.kind) == (case.pk, days_left, level, "protection")
        assert row.url == reverse("procedures:protection", args=[case.pk])
        assert row.overdue == (days_left < 0)


@override_settings(YORISOI_PROTECTION_WARNING_DAYS=[60, 10])
def test_warning_days_come_from_settings(case, worker):
    UrgentProtectionFactory(case=case, end_date=dt.date(2026, 12, 1))
    [row] = protection_warnings(worker, dt.date(2026, 10, 5))
    assert (row.days_left, row.level) == (57, 60)
    [row] = protection_warnings(worker, dt.date(2026, 11, 25))
    assert row.level == 10


def test_warnings_leave_out_ended_protections_closed_cases_and_other_centers(case, worker, outsider, other_center):
    from yorisoi.cases.models import Phase
    from yorisoi.cases.tests.factories import CaseFactory
    from yorisoi.people.tests.factories import PersonFactory

    UrgentProtectionFactory(case=case, end_date=dt.date(2026, 12, 1), status=ProtectionStatus.ENDED,
                            ended_on=dt.date(2026, 11, 20))
    UrgentProtectionFactory(case=CaseFactory(person=case.person, phase=Phase.CLOSED, closure_outcome="stable",
                                             main_staff=worker), end_date=dt.date(2026, 12, 1))
    UrgentProtectionFactory(case=CaseFactory(person=PersonFactory(center=other_center)), end_date=dt.date(2026, 12, 1))
    assert protection_warnings(worker, dt.date(2026, 11, 25)) == []
    assert len(protection_warnings(outsider, dt.date(2026, 11, 25))) == 1


@time_machine.travel(NOW, tick=False)
def test_the_protection_page_shows_the_warning(case, worker_client):
    UrgentProtectionFactory(case=case, end_date=dt.date(2026, 11, 7))
    body = worker_client.get(reverse("procedures:protection", args=[case.pk])).content.decode()
    assert "更生緊急保護の期間終了まであと6日です" in body
    assert "warn-level-7" in body
    body = worker_client.get(reverse("procedures:case", args=[case.pk])).content.decode()
    assert "終了まであと<strong>6日</strong>" in body


# --- pages and roles ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_worker_registers_edits_and_extends_through_the_pages(case, worker_client):
    response = worker_client.post(reverse("procedures:protection", args=[case.pk]), {
        "written_request": "on", "application_date": "R8.9.1", "status": ProtectionStatus.ACTIVE,
        "approval_date": "R8.9.3", "start_date": "R8.9.1", "notes": "架空のメモ"})
    assert response.status_code == 302
    protection = UrgentProtection.objects.get(case=case)
    assert protection.end_date == dt.date(2027, 3, 1)
    response = worker_client.post(reverse("procedures:protection_extend", args=[case.pk]), {
        "extension-version": protection.version, "extension-written_request": "on",
        "extension-application_date": "R8.10.30", "extension-reason": "住居の確保に時間がかかるため（架空）"})
    assert response.status_code == 302
    protection.refresh_from_db()
    assert protection.end_date == dt.date(2027, 9, 1)


@time_machine.travel(NOW, tick=False)
def test_a_stale_protection_edit_is_refused_with_409(case, worker, worker_client, director_client):
    protection = _register(worker, case)
    data = {"written_request": "on", "application_date": "2026-04-01", "status": ProtectionStatus.ACTIVE,
            "approval_date": "2026-04-01", "start_date": "2026-04-01", "version": protection.version}
    url = reverse("procedures:protection_edit", args=[case.pk])
    assert director_client.post(url, {**data, "notes": "管理者のメモ"}).status_code == 302
    response = worker_client.post(url, {**data, "notes": "相談員のメモ"})
    assert response.status_code == 409
    assert "相談員のメモ" in response.content.decode() and "管理者のメモ" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_clerk_keeps_the_dates_but_neither_reads_reasons_nor_extends(case, worker, clerk_client):
    protection = _register(worker, case, notes="本人の事情（架空）")
    services.extend_protection(actor=worker, protection=protection, expected_version=1, written_request=True,
                               application_date=dt.date(2026, 9, 1), reason="延長の理由（架空）")
    body = clerk_client.get(reverse("procedures:protection", args=[case.pk])).content.decode()
    assert "令和9年4月1日" in body  # the end date
    assert "延長の理由（架空）" not in body and "本人の事情（架空）" not in body
    assert "期間を延長する" not in body
    response = clerk_client.post(reverse("procedures:protection_extend", args=[case.pk]), {})
    assert response.status_code == 403
    edit = clerk_client.get(reverse("procedures:protection_edit", args=[case.pk])).content.decode()
    assert 'name="notes"' not in edit


@time_machine.travel(NOW, tick=False)
def test_auditor_reads_but_cannot_write(case, worker, auditor_client):
    _register(worker, case)
    assert auditor_client.get(reverse("procedures:protection", args=[case.pk])).status_code == 200
    for name in ("protection", "protection_edit", "protection_extend"):
        assert auditor_client.post(reverse(f"procedures:{name}", args=[case.pk]), {}).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_edit_page_opens_and_saves_for_a_protection_that_names_a_probation_office(case, worker, worker_client):
    from yorisoi.partners.tests.factories import OrganizationFactory, kind

    office = OrganizationFactory(center=case.center, kind=kind("probation_office"), name="架空保護観察所")
    stopped = OrganizationFactory(center=case.center, kind=kind("probation_office"), name="架空保護観察所（旧）",
                                  active=False)
    protection = _register(worker, case, probation_office=stopped)
    url = reverse("procedures:protection_edit", args=[case.pk])
    page = worker_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    # the office in use stays choosable even though it was stopped; active offices are offered too
    assert "架空保護観察所（旧）" in body and f'value="{office.pk}"' in body
    data = {"written_request": "on", "application_date": "2026-04-01", "status": ProtectionStatus.ACTIVE,
            "approval_date": "2026-04-01", "start_date": "2026-04-01", "version": protection.version,
            "probation_office": office.pk}
    assert worker_client.post(url, data).status_code == 302
    protection.refresh_from_db()
    assert protection.probation_office == office
